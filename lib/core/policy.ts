import type { SourceLocation } from './source';

/** How bad a finding is. `error` fails `synth` and `check`; the others are reported. */
export type Severity = 'error' | 'warning' | 'info';

/** The built-in packs. */
export type PackName = 'pss-baseline' | 'pss-restricted' | 'production' | 'ownership';

/**
 * A rule's severity as the platform sets it: the plain form (`'warning'`,
 * `'off'`), or with the reason why (`{ severity: 'off', reason: '…' }`).
 * Raising a severity needs no reason. Lowering one (to `off` or to a lower
 * severity) does: the object form without a reason is a configuration
 * problem; the plain form is still accepted, but every report lists the
 * change with the problem `needs a reason`.
 */
export type SeveritySetting = Severity | 'off' | { readonly severity: Severity | 'off'; readonly reason?: string };

/**
 * One way the configuration weakens the guardrails: a rule's severity
 * lowered (or turned `off`), or a built-in pack dropped. Reported like a
 * waiver, so a reviewer sees each one with its reason.
 */
export interface PolicyChange {
  /** The rule whose severity is lowered; absent for a dropped pack. */
  readonly rule?: string;
  /** The dropped pack, or the pack of the rule. */
  readonly pack: string;
  /** The rule's own severity, or `on` for a pack. */
  readonly from: Severity | 'on';
  /** The severity in force, or `off`. */
  readonly to: Severity | 'off';
  /** Why; absent when the configuration gives none (then `problem` is set). */
  readonly reason?: string;
  /** `needs a reason` when the change is made without one. */
  readonly problem?: string;
  /** The setting that makes the change: `severities.resources-cpu-limit`, `packs`, `droppedPacks.ownership`. */
  readonly setting: string;
  /** The rules a dropped pack turns off (its built-in rules). */
  readonly rules?: readonly string[];
}

/** Where an object came from: a construct in a program, or a YAML file. */
export interface Origin {
  /** The environment the object was synthesized for. */
  readonly environment?: string;
  /** The construct that produced it. */
  readonly construct?: { readonly kind: string; readonly id: string; readonly path: string };
  /** The line in the user's program that created the construct. */
  readonly location?: SourceLocation;
  /** The YAML file the object was read from (`libk8s check`), and its first line. */
  readonly file?: string;
  readonly line?: number;
}

/** One Kubernetes object under check. */
export interface Subject {
  readonly manifest: Readonly<Record<string, any>>;
  readonly origin: Origin;
}

/** What a rule reports about one object. */
export interface Violation {
  /** What is wrong, with the value: `container 'app' runs as root (runAsUser 0)`. */
  readonly message: string;
  /** JSON path of the field, e.g. `spec.template.spec.containers[0].securityContext.runAsUser`. */
  readonly field?: string;
  /** How to fix it, when more specific than the rule's fix. */
  readonly fix?: string;
}

/** Lookups across every object checked together (one environment, or one `check` run). */
export interface RuleContext {
  /** Every object of the set. */
  readonly subjects: readonly Subject[];
  /** Objects of a kind (and, optionally, in a namespace). */
  ofKind(kind: string, namespace?: string): readonly Subject[];
  /** The rule's options from the policy, if any. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Ids of the same check in the tools platform teams already know. */
export interface RuleAliases {
  /** One id, or several where the tool splits the check (e.g. kube-linter's liveness-port and startup-port). */
  readonly kubeScore?: string | readonly string[];
  readonly polaris?: string | readonly string[];
  readonly kubeLinter?: string | readonly string[];
}

/**
 * A guardrail. `check` sees one object and, through the context, the whole
 * set, and returns what is wrong (nothing when all is well).
 */
export interface Rule {
  /** Stable id, kebab-case: `run-as-non-root`. Platform rules use a prefix: `acme/cost-center`. */
  readonly id: string;
  /** The pack the rule belongs to (a platform's own name for custom rules). */
  readonly pack: string;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly description: string;
  /** How to fix a violation in a libk8s program (or a manifest). */
  readonly fix: string;
  readonly aliases?: RuleAliases;
  /**
   * The kinds the rule looks at; the engine calls `check` only for these.
   * `['*']` is every kind (for metadata rules); such rules do not count as
   * understanding a kind, so a kind only they see is still listed as unchecked.
   */
  readonly kinds: readonly string[];
  check(subject: Subject, ctx: RuleContext): readonly Violation[] | undefined;
}

/** An explicit, reasoned exception to a rule. */
export interface Waiver {
  /** The rule id (or an alias such as the Polaris id). */
  readonly rule: string;
  /** Why the rule does not apply; required. */
  readonly reason: string;
  /** Only objects of this construct (id or path). @default - every construct */
  readonly construct?: string;
  /** Only objects of this kind. @default - every kind */
  readonly kind?: string;
  /** Only the object of this name. @default - every name */
  readonly name?: string;
  /** Only in this environment. @default - every environment */
  readonly environment?: string;
  /**
   * @internal set by `Component.waive` when its scope named another
   * construct: a construct waives only its own findings, so this is a problem.
   */
  readonly foreignConstruct?: string;
}

/** A finding: one violation of one rule by one object. */
export interface Finding {
  readonly rule: string;
  readonly pack: string;
  readonly severity: Severity;
  readonly aliases: RuleAliases;
  readonly message: string;
  readonly fix: string;
  readonly field?: string;
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly origin: Origin;
  /** Set when a waiver covers the finding; waived findings never fail a run. */
  readonly waived?: { readonly reason: string };
}

/** The result of one guardrails run. */
export interface Report {
  readonly findings: readonly Finding[];
  /** Kinds that no enabled rule looks at: listed, never silently passed. */
  readonly unchecked: readonly { readonly kind: string; readonly count: number }[];
  /** Objects checked. */
  readonly objects: number;
  /**
   * Every lowered severity and dropped pack of the configuration, with its
   * reason (or the problem `needs a reason`): reported like waivers.
   * Always set by the engine. @default - none
   */
  readonly policy?: readonly PolicyChange[];
}

/** The guardrails configuration, normally set by the platform. */
export interface GuardrailsProps {
  /**
   * The built-in packs to run. A built-in pack left out is dropped: give
   * the reason in `droppedPacks`; without one it is still dropped, and
   * reported with the problem `needs a reason`.
   * @default - every built-in pack but those in `droppedPacks`
   */
  readonly packs?: readonly PackName[];
  /**
   * Built-in packs dropped, each with the reason why:
   * `{ 'pss-restricted': 'the node pool runs gVisor' }`. Every dropped pack
   * is reported (Report.policy, JSON `policy`, SARIF configuration
   * notifications). A pack both here and in `packs`, or an empty reason,
   * is a configuration problem.
   * @default - none
   */
  readonly droppedPacks?: Readonly<Partial<Record<PackName, string>>>;
  /**
   * Severity per rule id (or alias); `off` disables a rule. Lowering a
   * severity needs a reason: `{ 'image-tag': { severity: 'off', reason:
   * 'images are pinned by the mirror' } }`; raising one does not
   * (`{ 'topology-spread': 'error' }`). A plain lowering is accepted and
   * reported with the problem `needs a reason`.
   * @default - each rule's own
   */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** The platform's own rules. @default - none */
  readonly rules?: readonly Rule[];
  /** Waivers that apply to every app of the platform. @default - none */
  readonly waivers?: readonly Waiver[];
  /** Options per rule id, read by the rule through `ctx.options`. @default - none */
  readonly options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The policy engine as the app model sees it (`lib/guardrails` implements
 * it): the enabled rules with their severities, and `check`, which runs
 * them over a set of objects.
 */
export interface PolicyEngine {
  /** Every rule the engine knows (built-in and the platform's), enabled or not. */
  readonly known: readonly Rule[];
  /** The enabled rules with their effective severity. */
  readonly rules: readonly { readonly rule: Rule; readonly severity: Severity }[];
  /** A rule by id or alias. */
  find(idOrAlias: string): Rule | undefined;
  /** Runs every enabled rule over the objects; `extraWaivers` are the constructs' own. */
  check(subjects: readonly Subject[], extraWaivers?: readonly Waiver[]): Report;
}
