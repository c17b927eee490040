import { findingLocation } from '../format';
import { Finding, Severity } from '../../core/policy';
import { formatPolicyLines } from './policy';
import { asList, firstAlias, formatSummary, Reports, summarize } from './summary';

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
  return Array.from(tableLines(reports, options)).join('\n');
}

/**
 * `formatTable` in pieces, for reports too large for one string: calls
 * `write` with blocks of up to `linesPerBlock` whole lines, joined by
 * newlines, without a final newline, so the blocks joined by newlines are
 * `formatTable`'s text. (`CliIO.out` takes such blocks: it adds the newline.)
 */
export function writeTable(reports: Reports, write: (block: string) => void, options: TableOptions = {}, linesPerBlock = 2000): void {
  let block: string[] = [];
  for (const line of tableLines(reports, options)) {
    block.push(line);
    if (block.length >= linesPerBlock) {
      write(block.join('\n'));
      block = [];
    }
  }
  if (block.length) write(block.join('\n'));
}

/** The table's lines, in one pass over the findings for the rows, the column widths and the groups. */
function* tableLines(reports: Reports, options: TableOptions): Generator<string> {
  const paint = (style: string, s: string) => (options.color ? `\x1b[${style}m${s}\x1b[0m` : s);
  const rows = collapse(reports);
  const sevText = (r: Row) => (r.finding.waived ? 'waived' : r.finding.severity);
  // no Math.max(...spread) nor copying a group per row: a report may have 100,000s of rows
  const w = { sev: 0, rule: 0, object: 0, env: 0, location: 0 };
  let withEnv = false;
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    w.sev = Math.max(w.sev, sevText(r).length);
    w.rule = Math.max(w.rule, r.finding.rule.length);
    w.object = Math.max(w.object, r.object.length);
    w.location = Math.max(w.location, r.location.length);
    if (r.environments.length > 0) {
      withEnv = true;
      w.env = Math.max(w.env, r.environments.join(',').length);
    }
    const group = groups.get(r.group);
    if (group) group.push(r);
    else groups.set(r.group, [r]);
  }
  rows.length = 0;
  const indent = ' '.repeat(2 + w.sev + 2);

  for (const group of [...groups.keys()].sort(compareText)) {
    yield paint(STYLE.title, group);
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
      yield `  ${cells.join('  ')}`.trimEnd();
      yield `${indent}${f.field ? `${f.field}: ` : ''}${f.message}`;
      yield `${indent}${paint(STYLE.dim, `fix: ${f.fix}`)}`;
      if (f.waived) yield `${indent}${paint(STYLE.waived, `waived ${f.severity}: ${f.waived.reason}`)}`;
    }
    groups.delete(group); // written: its rows may go
    yield '';
  }
  // lowered severities and dropped packs are listed like waivers: a reviewer sees every rule that was turned down
  yield* formatPolicyLines(reports, { color: options.color });
  const summary = summarize(reports);
  const text = formatSummary(summary);
  yield summary.errors > 0 ? paint(STYLE.error, text) : text;
}

/** The group a finding is shown in: its construct, else its file. */
function groupOf(f: Finding): string {
  const c = f.origin.construct;
  if (c) return `${c.path} (${c.kind})`;
  return f.origin.file ?? '(unknown source)';
}

/** One row per finding, the same finding in several environments merged (in one pass, keyed by a Map). */
function collapse(reports: Reports): Row[] {
  const rows = new Map<string, Row>();
  for (const report of asList(reports)) {
    for (const f of report.findings) {
      const group = groupOf(f);
      const object = `${f.object.kind}/${f.object.name}`;
      const location = findingLocation(f) ?? '';
      const key = rowKey(group, f.rule, object, location, f.severity, f.field, f.message, f.fix, f.waived?.reason);
      let row = rows.get(key);
      if (!row) {
        row = { group, finding: f, alias: firstAlias(f.aliases), object, location, environments: [] };
        rows.set(key, row);
      }
      const env = f.origin.environment;
      if (env !== undefined && !row.environments.includes(env)) row.environments.push(env);
    }
  }
  return [...rows.values()];
}

/** The fields that make two findings one row, joined by NUL (cheaper than JSON for 100,000s of findings); undefined apart from ''. */
function rowKey(...fields: (string | undefined)[]): string {
  let key = '';
  for (const f of fields) key += f === undefined ? '\u0000\u0001' : `\u0000${f}`;
  return key;
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
