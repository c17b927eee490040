import { Libk8sError, Problem } from '../core/errors';
import { BUILTIN_RULES } from './packs';
import { Finding, GuardrailsProps, PackName, Report, Rule, RuleContext, Severity, Subject, Waiver } from '../core/policy';

export const ALL_PACKS: readonly PackName[] = ['pss-baseline', 'pss-restricted', 'production', 'ownership'];

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

interface ActiveRule {
  readonly rule: Rule;
  readonly severity: Severity;
}

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

  constructor(props: GuardrailsProps = {}, builtins: readonly Rule[] = BUILTIN_RULES) {
    const problems: Problem[] = [];
    const packs = new Set<string>(props.packs ?? ALL_PACKS);
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
    for (const key of Object.keys(severities)) {
      if (!this.find(key)) problems.push(configProblem(`severities.${key}`, 'names no rule', `use a rule id such as ${JSON.stringify(builtins[0]?.id ?? 'run-as-non-root')} (see the README's rule list).`));
    }
    this.waivers = props.waivers ?? [];
    problems.push(...this.checkWaivers(this.waivers, 'waivers'));
    if (problems.length) throw new Libk8sError(problems, `libk8s guardrails: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);

    this.active = this.known.flatMap((rule): ActiveRule[] => {
      const builtin = builtins.includes(rule);
      if (builtin && !packs.has(rule.pack)) return [];
      const set = severities[rule.id] ?? aliasesOf(rule).map((a) => severities[a]).find((s) => s !== undefined);
      if (set === 'off') return [];
      return [{ rule, severity: set ?? rule.severity }];
    });
    for (const a of this.active) {
      for (const k of a.rule.kinds) {
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
    });
    return problems;
  }

  /**
   * Runs every enabled rule over the objects. `extraWaivers` are the
   * constructs' own. Findings come sorted: environment, construct, object, rule.
   */
  public check(subjects: readonly Subject[], extraWaivers: readonly Waiver[] = []): Report {
    const byKind = new Map<string, Subject[]>();
    for (const s of subjects) {
      const list = byKind.get(s.manifest.kind) ?? [];
      list.push(s);
      byKind.set(s.manifest.kind, list);
    }
    const waivers = [...this.waivers, ...extraWaivers];
    const withEveryKind = new Map<string, readonly ActiveRule[]>();
    const ofKind = (k: string, ns?: string) => (byKind.get(k) ?? []).filter((s) => ns === undefined || (s.manifest.metadata?.namespace ?? undefined) === ns);
    const contexts = new Map<Rule, RuleContext>(this.active.map(({ rule }) => [rule, { subjects, ofKind, options: this.options?.[rule.id] ?? {} }]));
    const findings: Finding[] = [];
    const unchecked = new Map<string, number>();
    for (const subject of subjects) {
      const kind = subject.manifest.kind;
      const specific = this.byKind.get(kind) ?? [];
      // rules on every kind (labels, annotations) do not count as understanding a kind
      if (specific.length === 0) unchecked.set(kind, (unchecked.get(kind) ?? 0) + 1);
      let rules = withEveryKind.get(kind);
      if (!rules) withEveryKind.set(kind, rules = [...specific, ...(this.byKind.get('*') ?? [])]);
      for (const { rule, severity } of rules) {
        const violations = rule.check(subject, contexts.get(rule)!) ?? [];
        for (const v of violations) {
          const m = subject.manifest;
          const finding: Finding = {
            rule: rule.id, pack: rule.pack, severity, aliases: rule.aliases ?? {},
            message: v.message, fix: v.fix ?? rule.fix, field: v.field,
            object: { apiVersion: m.apiVersion, kind: m.kind, name: m.metadata?.name ?? '', namespace: m.metadata?.namespace },
            origin: subject.origin,
          };
          const waiver = waivers.find((w) => covers(w, rule, finding));
          findings.push(waiver ? { ...finding, waived: { reason: waiver.reason } } : finding);
        }
      }
    }
    findings.sort(compareFindings);
    return {
      findings,
      unchecked: [...unchecked.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => ({ kind, count })),
      objects: subjects.length,
    };
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

function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.origin.environment, b.origin.environment)
    || cmp(a.origin.construct?.path ?? a.origin.file, b.origin.construct?.path ?? b.origin.file)
    || cmp(a.object.kind, b.object.kind) || cmp(a.object.name, b.object.name)
    || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.rule, b.rule) || cmp(a.field, b.field) || cmp(a.message, b.message);
}

function cmp(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}

function configProblem(prop: string, message: string, fix: string): Problem {
  return { kind: 'Guardrails', id: 'platform', path: 'platform.guardrails', prop, message, fix };
}

/** Findings that fail a run: errors nobody waived. */
export function blocking(report: Report): Finding[] {
  return report.findings.filter((f) => f.severity === 'error' && !f.waived);
}
