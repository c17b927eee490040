import { PolicyChange } from '../../core/policy';
import { asList, Reports } from './summary';

/**
 * Every lowered severity and dropped pack of the reports, each once (synth
 * makes one report per environment, all with the same configuration), in
 * configuration order: dropped packs, then rules.
 */
export function policyChanges(reports: Reports): PolicyChange[] {
  const seen = new Set<string>();
  const out: PolicyChange[] = [];
  for (const r of asList(reports)) {
    for (const p of r.policy ?? []) {
      const key = JSON.stringify([p.rule, p.pack, p.from, p.to, p.reason, p.setting]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/** One line about a change: `resources-cpu-limit (production) error -> off: the platform drops cpu limits`. */
export function describePolicyChange(p: PolicyChange): string {
  const what = p.rule !== undefined
    ? `${p.rule} (${p.pack}) ${p.from} -> ${p.to}`
    : `pack ${p.pack} dropped${p.rules?.length ? ` (${p.rules.length} rule${p.rules.length === 1 ? '' : 's'} off)` : ''}`;
  return `${what}: ${p.reason ?? `${p.problem ?? 'needs a reason'} (${p.setting})`}`;
}

export interface PolicyLinesOptions {
  /** ANSI colours, as the table reporter's. @default false */
  readonly color?: boolean;
}

/**
 * The lines the table reporter prints about the configuration's lowered
 * severities and dropped packs, before its summary line, like waivers: a
 * title, then one line each; a change without a reason is marked
 * `needs a reason`. No lines when nothing is lowered or dropped.
 *
 * ```text
 * guardrails policy (lowered severities and dropped packs)
 *   off       resources-cpu-limit (production) error -> off: the platform drops cpu limits (platform.dropCpuLimits)
 *   dropped   pack ownership dropped (2 rules off): needs a reason (packs)
 *
 * ```
 */
export function formatPolicyLines(reports: Reports, options: PolicyLinesOptions = {}): string[] {
  const changes = policyChanges(reports);
  if (!changes.length) return [];
  const paint = (style: string, s: string) => (options.color ? `\x1b[${style}m${s}\x1b[0m` : s);
  const tag = (p: PolicyChange) => (p.rule === undefined ? 'dropped' : p.to === 'off' ? 'off' : 'lowered');
  const width = Math.max(...changes.map((p) => tag(p).length));
  return [
    paint('1', 'guardrails policy (lowered severities and dropped packs)'),
    ...changes.map((p) => {
      const line = `  ${tag(p).padEnd(width)}  ${describePolicyChange(p)}`;
      return p.reason === undefined ? paint('33', line) : paint('2', line);
    }),
    '',
  ];
}
