import { Finding } from '../../core/policy';
import { formatPolicyLines } from './policy';
import { formatSummary, Reports, summarize } from './summary';
import { collapse, PlaceCache } from './table-rows';

export interface TableOptions {
  /**
   * ANSI colours. The CLI sets it when the stream is a terminal and
   * `NO_COLOR` is unset.
   * @default false
   */
  readonly color?: boolean;
  /**
   * Waived findings: `list` writes each as a row with its reason;
   * `summary` writes one line per rule (how many findings, their reason)
   * after the rows, followed by `waivedHint`. The CLI summarises unless
   * `--verbose`.
   * @default 'list'
   */
  readonly waived?: 'list' | 'summary';
  /** The line after the waived summary, e.g. how to list them. @default - none */
  readonly waivedHint?: string;
}

const STYLE = {
  error: '1;31', warning: '33', info: '36', waived: '2', title: '1', dim: '2',
} as const;

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

/**
 * The table's lines. Rows are not objects (see `collapse`): each row's text
 * is made as it is written. So a report of millions of findings takes a few
 * arrays of numbers, not a copy of its text.
 */
function* tableLines(reports: Reports, options: TableOptions): Generator<string> {
  const paint = (style: string, s: string) => (options.color ? `\x1b[${style}m${s}\x1b[0m` : s);
  const { findings, order, environments } = collapse(reports);
  const sevText = (f: Finding) => (f.waived ? 'waived' : f.severity);
  const w = { sev: 0, rule: 0, object: 0, env: 0, location: 0 };
  const withEnv = environments !== undefined;
  const place = new PlaceCache();
  const summarised = options.waived === 'summary';
  for (let r = 0; r < order.length; r++) {
    const f = findings[order[r]];
    if (summarised && f.waived) continue;
    w.sev = Math.max(w.sev, sevText(f).length);
    w.rule = Math.max(w.rule, f.rule.length);
    w.object = Math.max(w.object, f.object.kind.length + 1 + f.object.name.length);
    w.location = Math.max(w.location, place.location(f).length);
    if (environments?.[r]) w.env = Math.max(w.env, environments[r]!.join(',').length);
  }
  const indent = ' '.repeat(2 + w.sev + 2);

  let group: string | undefined;
  /** Per waived rule: its findings (each environment's counted) and their reasons. */
  const waivedRules = new Map<string, { count: number; reasons: Set<string> }>();
  for (let r = 0; r < order.length; r++) {
    const f = findings[order[r]];
    if (summarised && f.waived) {
      const entry = waivedRules.get(f.rule) ?? { count: 0, reasons: new Set<string>() };
      entry.count += environments?.[r]?.length ?? 1;
      entry.reasons.add(f.waived.reason);
      waivedRules.set(f.rule, entry);
      continue;
    }
    const g = place.group(f);
    if (g !== group) {
      if (group !== undefined) yield '';
      yield paint(STYLE.title, g);
      group = g;
    }
    const alias = place.alias(f.aliases);
    const cells = [
      paint(f.waived ? STYLE.waived : STYLE[f.severity], sevText(f).padEnd(w.sev)),
      f.rule.padEnd(w.rule),
      `${f.object.kind}/${f.object.name}`.padEnd(w.object),
      ...(withEnv ? [(environments[r]?.join(',') ?? '').padEnd(w.env)] : []),
      place.location(f).padEnd(w.location),
      alias ? paint(STYLE.dim, `(${alias})`) : '',
    ];
    yield `  ${cells.join('  ')}`.trimEnd();
    yield `${indent}${f.field ? `${f.field}: ` : ''}${f.message}`;
    yield `${indent}${paint(STYLE.dim, `fix: ${f.fix}`)}`;
    if (f.waived) yield `${indent}${paint(STYLE.waived, `waived ${f.severity}: ${f.waived.reason}`)}`;
  }
  if (group !== undefined) yield '';
  if (waivedRules.size > 0) yield* waivedSummary(waivedRules, options, paint);
  // lowered severities and dropped packs are listed like waivers: a reviewer sees every rule that was turned down
  yield* formatPolicyLines(reports, { color: options.color });
  const summary = summarize(reports);
  const text = formatSummary(summary);
  yield summary.errors > 0 ? paint(STYLE.error, text) : text;
}

/**
 * One line per waived rule, rules sorted:
 * `  replicas-minimum  12 findings  waived: "a dev stand-in does not cluster"`.
 */
function* waivedSummary(rules: Map<string, { count: number; reasons: Set<string> }>, options: TableOptions, paint: (style: string, s: string) => string): Generator<string> {
  const names = [...rules.keys()].sort();
  const total = names.reduce((n, r) => n + rules.get(r)!.count, 0);
  yield paint(STYLE.title, `Waived: ${total} finding${total === 1 ? '' : 's'} of ${names.length} rule${names.length === 1 ? '' : 's'}`);
  const width = Math.max(...names.map((n) => n.length));
  const counts = names.map((n) => { const c = rules.get(n)!.count; return `${c} finding${c === 1 ? '' : 's'}`; });
  const countWidth = Math.max(...counts.map((c) => c.length));
  for (const [i, name] of names.entries()) {
    const reasons = [...rules.get(name)!.reasons];
    const why = reasons.length === 1 ? JSON.stringify(reasons[0]) : `${reasons.length} reasons`;
    yield `  ${paint(STYLE.waived, 'waived')}  ${name.padEnd(width)}  ${counts[i].padEnd(countWidth)}  ${why}`;
  }
  if (options.waivedHint) yield paint(STYLE.dim, options.waivedHint);
  yield '';
}
