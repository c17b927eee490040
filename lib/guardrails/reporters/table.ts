import { findingLocation } from '../format';
import { Finding, Severity } from '../../core/policy';
import { allFindings, firstAlias, formatSummary, Reports, summarize } from './summary';

export interface TableOptions {
  /**
   * ANSI colours. The CLI sets it when the stream is a terminal and
   * `NO_COLOR` is unset.
   * @default false
   */
  readonly color?: boolean;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

const STYLE = {
  error: '1;31', warning: '33', info: '36', waived: '2', title: '1', dim: '2',
} as const;

interface Row {
  readonly group: string;
  readonly finding: Finding;
  readonly alias?: string;
  readonly object: string;
  readonly location: string;
  readonly environments: string[];
}

/**
 * A table for the terminal: findings grouped by construct (synth) or by
 * file (check), one row per finding with severity, rule id, object,
 * environments, `file:line` and the rule's first alias; under it the field
 * and message, the fix and any waiver; then the summary line. A finding
 * repeated in several environments is one row naming them all.
 *
 * ```text
 * shop/storefront (WebService)
 *   error  pss-restricted-run-as-user  Deployment/storefront  dev,prod  infra/main.ts:12  (polaris: runAsRootAllowed)
 *          spec.template.spec.securityContext.runAsUser: the pod sets runAsUser: 0 (root)
 *          fix: set a non-zero runAsUser.
 *
 * 1 error, 0 warnings, 0 info, 0 waived; 12 objects checked; unchecked kinds: HTTPRoute (2)
 * ```
 */
export function formatTable(reports: Reports, options: TableOptions = {}): string {
  const paint = (style: string, s: string) => (options.color ? `\x1b[${style}m${s}\x1b[0m` : s);
  const rows = collapse(allFindings(reports));
  const withEnv = rows.some((r) => r.environments.length > 0);
  const width = (get: (r: Row) => string) => Math.max(0, ...rows.map((r) => get(r).length));
  const sevText = (r: Row) => (r.finding.waived ? 'waived' : r.finding.severity);
  const w = {
    sev: width(sevText), rule: width((r) => r.finding.rule), object: width((r) => r.object),
    env: width((r) => r.environments.join(',')), location: width((r) => r.location),
  };
  const indent = ' '.repeat(2 + w.sev + 2);

  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const lines: string[] = [];
  for (const group of [...groups.keys()].sort(compareText)) {
    lines.push(paint(STYLE.title, group));
    for (const r of groups.get(group)!.sort(compareRows)) {
      const f = r.finding;
      const cells = [
        paint(f.waived ? STYLE.waived : STYLE[f.severity], sevText(r).padEnd(w.sev)),
        f.rule.padEnd(w.rule),
        r.object.padEnd(w.object),
        ...(withEnv ? [r.environments.join(',').padEnd(w.env)] : []),
        r.location.padEnd(w.location),
        r.alias ? paint(STYLE.dim, `(${r.alias})`) : '',
      ];
      lines.push(`  ${cells.join('  ')}`.trimEnd());
      lines.push(`${indent}${f.field ? `${f.field}: ` : ''}${f.message}`);
      lines.push(`${indent}${paint(STYLE.dim, `fix: ${f.fix}`)}`);
      if (f.waived) lines.push(`${indent}${paint(STYLE.waived, `waived ${f.severity}: ${f.waived.reason}`)}`);
    }
    lines.push('');
  }
  const summary = summarize(reports);
  const text = formatSummary(summary);
  lines.push(summary.errors > 0 ? paint(STYLE.error, text) : text);
  return lines.join('\n');
}

/** The group a finding is shown in: its construct, else its file. */
function groupOf(f: Finding): string {
  const c = f.origin.construct;
  if (c) return `${c.path} (${c.kind})`;
  return f.origin.file ?? '(unknown source)';
}

/** One row per finding, the same finding in several environments merged. */
function collapse(findings: readonly Finding[]): Row[] {
  const rows = new Map<string, Row>();
  for (const f of findings) {
    const row: Row = {
      group: groupOf(f),
      finding: f,
      alias: firstAlias(f.aliases),
      object: `${f.object.kind}/${f.object.name}`,
      location: findingLocation(f) ?? '',
      environments: [],
    };
    const key = JSON.stringify([row.group, f.rule, row.object, row.location, f.severity, f.field, f.message, f.fix, f.waived?.reason]);
    const existing = rows.get(key) ?? row;
    rows.set(key, existing);
    const env = f.origin.environment;
    if (env !== undefined && !existing.environments.includes(env)) existing.environments.push(env);
  }
  return [...rows.values()];
}

function compareRows(a: Row, b: Row): number {
  const fa = a.finding;
  const fb = b.finding;
  return (fa.origin.line ?? 0) - (fb.origin.line ?? 0) || compareText(a.object, b.object)
    || Number(!!fa.waived) - Number(!!fb.waived)
    || SEVERITY_ORDER[fa.severity] - SEVERITY_ORDER[fb.severity]
    || compareText(fa.rule, fb.rule)
    || compareText(fa.field ?? '', fb.field ?? '') || compareText(fa.message, fb.message);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
