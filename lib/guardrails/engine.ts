import { Libk8sError, Problem } from '../core/errors';
import { BUILTIN_RULES } from './packs';
import { FindingList, TextTable } from './finding-list';
import { isWorkloadKind, POD_TEMPLATE_KIND, podSpecOf, WORKLOAD_KINDS } from './pod-spec';
import { Finding, GuardrailsProps, PackName, PolicyChange, Report, Rule, RuleAliases, RuleContext, Severity, SeveritySetting, Subject, Violation, Waiver } from '../core/policy';

export const ALL_PACKS: readonly PackName[] = ['pss-baseline', 'pss-restricted', 'production', 'ownership'];

/** How strict a setting is: a higher number is weaker. */
const STRENGTH: Readonly<Record<Severity | 'off', number>> = { error: 0, warning: 1, info: 2, off: 3 };
const SEVERITY_VALUES: readonly string[] = ['error', 'warning', 'info', 'off'];

/** The problem of a lowering or a dropped pack made without a reason. */
export const NEEDS_A_REASON = 'needs a reason';

interface ActiveRule {
  readonly rule: Rule;
  readonly severity: Severity;
  /** The rule's aliases, or one empty object shared by its findings. */
  readonly aliases: RuleAliases;
}

const NO_ALIASES: RuleAliases = Object.freeze({});

/**
 * The policy engine: the enabled rules with their severities, the waivers,
 * and `check`, which runs them over a set of objects in one pass.
 */
export class Guardrails {
  /** Every rule the engine knows (built-in and the platform's), enabled or not. */
  public readonly known: readonly Rule[];
  private readonly active: readonly ActiveRule[];
  private readonly byKind = new Map<string, ActiveRule[]>();
  private readonly waivers: readonly Waiver[];
  private readonly options: GuardrailsProps['options'];

  /** Every lowered severity and dropped pack, with its reason: the `policy` of each report. */
  public readonly policy: readonly PolicyChange[];

  constructor(props: GuardrailsProps = {}, builtins: readonly Rule[] = BUILTIN_RULES) {
    const problems: Problem[] = [];
    const dropped = props.droppedPacks ?? {};
    for (const [p, reason] of Object.entries(dropped)) {
      if (!ALL_PACKS.includes(p as PackName)) problems.push(configProblem(`droppedPacks.${p}`, `${JSON.stringify(p)} is not a built-in pack`, `use some of: ${ALL_PACKS.join(', ')}.`));
      else if (props.packs?.includes(p as PackName)) problems.push(configProblem(`droppedPacks.${p}`, 'is dropped and also listed in packs', 'leave the pack out of packs, or remove it from droppedPacks.'));
      if (typeof reason !== 'string' || !reason.trim()) problems.push(configProblem(`droppedPacks.${p}`, `drops ${JSON.stringify(p)} without a reason`, 'say why the pack does not apply; dropped packs are reviewed and reported like waivers.'));
    }
    const packs = new Set<string>(props.packs ?? ALL_PACKS.filter((p) => dropped[p] === undefined));
    for (const p of props.packs ?? []) {
      if (!ALL_PACKS.includes(p)) problems.push(configProblem('packs', `${JSON.stringify(p)} is not a built-in pack`, `use some of: ${ALL_PACKS.join(', ')}.`));
    }
    const custom = props.rules ?? [];
    this.known = [...builtins, ...custom];
    const ids = new Set<string>();
    for (const r of this.known) {
      if (ids.has(r.id)) problems.push(configProblem('rules', `two rules have the id ${JSON.stringify(r.id)}`, 'give the platform rule its own id, e.g. with a prefix "acme/".'));
      ids.add(r.id);
    }
    const severities = props.severities ?? {};
    for (const [key, setting] of Object.entries(severities)) {
      const rule = this.find(key);
      if (!rule) problems.push(configProblem(`severities.${key}`, 'names no rule', `use a rule id such as ${JSON.stringify(builtins[0]?.id ?? 'run-as-non-root')} (see the README's rule list).`));
      const { severity, reason, plain } = parseSetting(setting);
      if (!SEVERITY_VALUES.includes(severity as string)) {
        problems.push(configProblem(`severities.${key}`, `${JSON.stringify(severity)} is not a severity`, "use error, warning, info or off, or { severity, reason: '…' }."));
      } else if (rule && !plain && STRENGTH[severity] > STRENGTH[rule.severity] && (reason === undefined || !reason.trim())) {
        problems.push(configProblem(`severities.${key}`, `lowers ${JSON.stringify(rule.id)} from ${rule.severity} to ${severity} without a reason`, 'say why in reason; lowered severities are reviewed and reported like waivers.'));
      }
    }
    this.waivers = props.waivers ?? [];
    problems.push(...this.checkWaivers(this.waivers, 'waivers'));
    if (problems.length) throw new Libk8sError(problems, `libk8s guardrails: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);

    const policy: PolicyChange[] = [];
    for (const p of ALL_PACKS) {
      if (packs.has(p)) continue;
      const reason = dropped[p];
      const rules = builtins.filter((r) => r.pack === p).map((r) => r.id);
      // a pack without built-in rules (an engine made with builtins: []) turns nothing off
      if (rules.length === 0 && reason === undefined) continue;
      policy.push({
        pack: p, from: 'on', to: 'off', setting: reason !== undefined ? `droppedPacks.${p}` : 'packs', rules,
        ...(reason !== undefined ? { reason } : { problem: NEEDS_A_REASON }),
      });
    }
    this.active = this.known.flatMap((rule): ActiveRule[] => {
      const builtin = builtins.includes(rule);
      if (builtin && !packs.has(rule.pack)) return [];
      const key = severities[rule.id] !== undefined ? rule.id : aliasesOf(rule).find((a) => severities[a] !== undefined);
      const set = key === undefined ? undefined : parseSetting(severities[key]);
      if (set && key !== undefined && STRENGTH[set.severity] > STRENGTH[rule.severity]) {
        const reason = set.reason?.trim() ? set.reason : undefined;
        policy.push({
          rule: rule.id, pack: rule.pack, from: rule.severity, to: set.severity, setting: `severities.${key}`,
          ...(reason !== undefined ? { reason } : { problem: NEEDS_A_REASON }),
        });
      }
      if (set?.severity === 'off') return [];
      return [{ rule, severity: set?.severity === undefined ? rule.severity : set.severity as Severity, aliases: rule.aliases ?? NO_ALIASES }];
    });
    this.policy = policy;
    for (const a of this.active) {
      const kinds = new Set(a.rule.kinds);
      // a rule on every workload kind sees every other object with a pod template too
      if (WORKLOAD_KINDS.every((k) => kinds.has(k))) kinds.add(POD_TEMPLATE_KIND);
      for (const k of kinds) {
        const list = this.byKind.get(k) ?? [];
        list.push(a);
        this.byKind.set(k, list);
      }
    }
    this.options = props.options;
  }

  /** The enabled rules with their effective severity. */
  public get rules(): readonly { readonly rule: Rule; readonly severity: Severity }[] {
    return this.active;
  }

  /** A rule by id or alias. */
  public find(idOrAlias: string): Rule | undefined {
    return this.known.find((r) => r.id === idOrAlias || aliasesOf(r).includes(idOrAlias));
  }

  /** Problems with waivers: no reason, or a rule that does not exist. */
  public checkWaivers(waivers: readonly Waiver[], prop: string, owner?: Problem): Problem[] {
    const problems: Problem[] = [];
    waivers.forEach((w, i) => {
      const at = `${prop}[${i}]`;
      const mk = (message: string, fix: string): Problem => owner
        ? { ...owner, prop: `waive(${JSON.stringify(w.rule)})`, message, fix }
        : configProblem(at, message, fix);
      if (!w.reason || !w.reason.trim()) problems.push(mk(`waives ${JSON.stringify(w.rule)} without a reason`, 'say why the rule does not apply here; waivers are reviewed and reported.'));
      if (!this.find(w.rule)) problems.push(mk(`waives ${JSON.stringify(w.rule)}, which names no rule`, 'use a rule id from the README (or its kube-score, Polaris or kube-linter alias).'));
      if (w.foreignConstruct !== undefined) {
        problems.push(mk(`waives ${JSON.stringify(w.rule)} for construct ${JSON.stringify(w.foreignConstruct)}, but a construct waives only its own findings`,
          `call waive() on that construct (or put the waiver in the platform's guardrails.waivers); the scope takes kind, name and environment.`));
      }
    });
    return problems;
  }

  /**
   * Runs every enabled rule over the objects. `extraWaivers` are the
   * constructs' own. Findings come sorted: environment, construct, object, rule.
   *
   * Rules see the final manifests and cannot change them: each manifest is
   * deep-frozen before the first rule runs (in place: nothing after the
   * check changes a manifest, the synth pipeline only serializes it). A rule
   * that tries to change one gets a TypeError, reported as an error finding
   * of that rule.
   *
   * An object whose kind is no built-in workload kind but which has a pod
   * template (an Argo Rollout, a PodTemplate, a CRD with
   * `spec.template.spec`) is also given to the rules of the pseudo-kind
   * POD_TEMPLATE_KIND, which every workload rule lists.
   */
  public check(subjects: readonly Subject[], extraWaivers: readonly Waiver[] = []): Report {
    const byKind = new Map<string, Subject[]>();
    for (const s of subjects) {
      deepFreeze(s.manifest);
      const list = byKind.get(s.manifest.kind) ?? [];
      list.push(s);
      byKind.set(s.manifest.kind, list);
    }
    const waivers = [...this.waivers, ...extraWaivers];
    const withEveryKind = new Map<string, readonly ActiveRule[]>();
    const withPodTemplate = new Map<string, readonly ActiveRule[]>();
    const ofKind = (k: string, ns?: string) => (byKind.get(k) ?? []).filter((s) => ns === undefined || (s.manifest.metadata?.namespace ?? undefined) === ns);
    const contexts = new Map<Rule, RuleContext>(this.active.map(({ rule }) => [rule, { subjects, ofKind, options: this.options?.[rule.id] ?? {} }]));
    const findings = new FindingList(subjects.length);
    const texts = new TextTable();
    const unchecked = new Map<string, number>();
    const podRules = this.byKind.get(POD_TEMPLATE_KIND) ?? [];
    for (const subject of subjects) {
      const kind = subject.manifest.kind;
      let rules = withEveryKind.get(kind);
      if (!rules) withEveryKind.set(kind, rules = [...(this.byKind.get(kind) ?? []), ...(this.byKind.get('*') ?? [])]);
      let specific = this.byKind.get(kind)?.length ?? 0;
      // a kind libk8s does not know as a workload, with a pod template: the workload rules see it too
      if (podRules.length && !isWorkloadKind(kind) && podSpecOf(subject.manifest)) {
        let extended = withPodTemplate.get(kind);
        if (!extended) {
          const own = new Set(rules.map((a) => a.rule));
          withPodTemplate.set(kind, extended = [...rules, ...podRules.filter((a) => !own.has(a.rule))]);
        }
        rules = extended;
        specific += podRules.length;
      }
      // rules on every kind (labels, annotations) do not count as understanding a kind
      if (specific === 0) unchecked.set(kind, (unchecked.get(kind) ?? 0) + 1);
      // one object and one origin for all the findings of a subject; the texts of all findings once each
      let object: Finding['object'] | undefined;
      for (const { rule, severity, aliases } of rules) {
        for (const v of runRule(rule, subject, contexts.get(rule)!)) {
          const m = subject.manifest;
          object ??= { apiVersion: m.apiVersion, kind: m.kind, name: m.metadata?.name ?? '', namespace: m.metadata?.namespace };
          const finding: Finding = {
            rule: rule.id, pack: rule.pack, severity: v.severity ?? severity, aliases,
            message: texts.intern(v.message), fix: v.fix === undefined ? rule.fix : texts.intern(v.fix), field: v.field === undefined ? undefined : texts.intern(v.field),
            object, origin: subject.origin,
          };
          const waiver = v.severity ? undefined : waivers.find((w) => covers(w, rule, finding));
          // the waived finding made whole, not copied: a run may have millions of findings
          findings.push(waiver ? {
            rule: finding.rule, pack: finding.pack, severity: finding.severity, aliases, message: finding.message, fix: finding.fix, field: finding.field,
            object, origin: subject.origin, waived: { reason: waiver.reason },
          } : finding);
        }
      }
      findings.endSubject();
    }
    return {
      findings: findings.sorted(subjects),
      unchecked: [...unchecked.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => ({ kind, count })),
      objects: subjects.length,
      policy: this.policy,
    };
  }
}

/** A setting in either form. */
function parseSetting(s: SeveritySetting): { severity: Severity | 'off'; reason?: string; plain: boolean } {
  if (typeof s === 'object' && s !== null) return { severity: s.severity, reason: s.reason, plain: false };
  return { severity: s, plain: true };
}

/** Freezes an object and everything below it; already frozen parts are skipped. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return value;
}

const MUTATION = /read[- ]only|not extensible|object is not extensible|Cannot (assign|add|delete|define|redefine)|frozen/i;

/** The rule's violations; an attempt to change the (frozen) manifest is an error finding of the rule. */
function runRule(rule: Rule, subject: Subject, ctx: RuleContext): readonly (Violation & { severity?: Severity })[] {
  try {
    return rule.check(subject, ctx) ?? [];
  } catch (e) {
    if (!(e instanceof TypeError) || !MUTATION.test(e.message)) throw e;
    return [{
      severity: 'error',
      message: `the rule ${JSON.stringify(rule.id)} tried to change the manifest (${e.message}); rules see the final manifest and cannot change it, so the output is unchanged`,
      fix: `fix the rule ${JSON.stringify(rule.id)}: a rule only reads the object and returns violations; change objects in the program (customize(), addJsonPatch) instead.`,
    }];
  }
}

/** Every alias of a rule, across tools. */
export function aliasesOf(r: Pick<Rule, 'aliases'>): string[] {
  return Object.values(r.aliases ?? {}).flatMap((a: string | readonly string[] | undefined) => (a === undefined ? [] : typeof a === 'string' ? [a] : [...a]));
}

function covers(w: Waiver, rule: Rule, f: Finding): boolean {
  if (w.rule !== rule.id && !aliasesOf(rule).includes(w.rule)) return false;
  const c = f.origin.construct;
  if (w.construct !== undefined && (!c || (w.construct !== c.id && w.construct !== c.path))) return false;
  if (w.kind !== undefined && w.kind !== f.object.kind) return false;
  if (w.name !== undefined && w.name !== f.object.name) return false;
  if (w.environment !== undefined && w.environment !== f.origin.environment) return false;
  return true;
}

function configProblem(prop: string, message: string, fix: string): Problem {
  return { kind: 'Guardrails', id: 'platform', path: 'platform.guardrails', prop, message, fix };
}

/** Findings that fail a run: errors nobody waived. */
export function blocking(report: Report): Finding[] {
  return report.findings.filter((f) => f.severity === 'error' && !f.waived);
}
