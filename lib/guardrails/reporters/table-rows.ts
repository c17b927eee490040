import { findingLocation } from '../format';
import { Finding, Severity } from '../../core/policy';
import { asList, firstAlias, Reports } from './summary';

/** The rows of the table reporter, made without an object per row: reports may hold millions of findings. */

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** The group a finding is shown in: its construct, else its file. */
export function groupOf(f: Finding): string {
  const c = f.origin.construct;
  if (c) return `${c.path} (${c.kind})`;
  return f.origin.file ?? '(unknown source)';
}

/** The last group, location and alias made, again for the next finding of the same origin or rule (they come in runs). */
export class PlaceCache {
  private origin?: Finding['origin'];
  private groupText = '';
  private text = '';
  private aliases?: Finding['aliases'];
  private aliasText?: string;

  public location(f: Finding): string {
    this.at(f);
    return this.text;
  }

  public group(f: Finding): string {
    this.at(f);
    return this.groupText;
  }

  public alias(aliases: Finding['aliases']): string | undefined {
    if (aliases !== this.aliases) {
      this.aliases = aliases;
      this.aliasText = firstAlias(aliases);
    }
    return this.aliasText;
  }

  private at(f: Finding): void {
    if (f.origin === this.origin) return;
    this.origin = f.origin;
    this.groupText = groupOf(f);
    this.text = findingLocation(f) ?? '';
  }
}

/** The table's rows: each a finding (the first of the row), in the order shown, with its environments. */
export interface Rows {
  /** Every finding of the reports, in report order. */
  readonly findings: readonly Finding[];
  /** The rows: the index of each row's (first) finding, in group and row order. */
  readonly order: Uint32Array;
  /** Each row's environments (by row), when any finding has one. */
  readonly environments?: (string[] | undefined)[];
}

/**
 * One row per finding, the same finding in several environments merged,
 * rows in group order, then by line, object, waived, severity, rule, field
 * and message, and then in the order the reports list them: the order a
 * stable sort of all the findings gives. The findings come in runs of one
 * object (the engine makes them so), so the runs are sorted (by group, line
 * and object; runs that compare equal together, in report order), then the
 * findings of each run. Findings that are one row sort together (in a run of
 * equals), so they are merged there.
 */
export function collapse(reports: Reports): Rows {
  const list = asList(reports);
  // one report (check): its own list; several (synth's environments): one list of them all, made at its size
  let findings: readonly Finding[] = list[0]?.findings ?? [];
  if (list.length > 1) {
    const all: Finding[] = new Array(list.reduce((n, r) => n + r.findings.length, 0));
    let n = 0;
    for (const report of list) for (const f of report.findings) all[n++] = f;
    findings = all;
  }

  // the runs: where each starts (and the end), and its group
  const place = new PlaceCache();
  const starts: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < findings.length; i++) {
    const group = place.group(findings[i]);
    if (i === 0 || group !== groups[groups.length - 1] || compareObjectLines(findings[i - 1], findings[i]) !== 0) {
      starts.push(i);
      groups.push(group);
    }
  }
  starts.push(findings.length);
  const compareRuns = (a: number, b: number) => compareText(groups[a], groups[b]) || compareObjectLines(findings[starts[a]], findings[starts[b]]);
  const runs = Array.from({ length: groups.length }, (_, i) => i);
  runs.sort(compareRuns);

  const order = new Uint32Array(findings.length);
  const withEnv = findings.some((f) => f.origin.environment !== undefined);
  const environments: (string[] | undefined)[] | undefined = withEnv ? [] : undefined;
  let rows = 0;
  let end = 0;
  for (let r = 0; r < runs.length;) {
    // the runs of the same group, line and object, in report order, then their findings sorted
    let next = r + 1;
    while (next < runs.length && compareRuns(runs[r], runs[next]) === 0) next++;
    const from = end;
    for (let k = r; k < next; k++) for (let i = starts[runs[k]]; i < starts[runs[k] + 1]; i++) order[end++] = i;
    sortRange(order, from, end, (a, b) => compareInRun(findings[a], findings[b]));
    // the findings that sort equal: those that are one row are merged
    for (let i = from; i < end;) {
      let j = i + 1;
      while (j < end && compareInRun(findings[order[i]], findings[order[j]]) === 0) j++;
      const first = rows;
      for (let k = i; k < j; k++) {
        const f = findings[order[k]];
        let row = first;
        while (row < rows && !sameRow(findings[order[row]], f, place)) row++;
        if (row === rows) order[rows++] = order[k];
        const env = f.origin.environment;
        if (environments && env !== undefined) {
          const names = environments[row] ??= [];
          if (!names.includes(env)) names.push(env);
        }
      }
      i = j;
    }
    r = next;
  }
  return { findings, order: order.subarray(0, rows), environments };
}

/** Sorts `list[from..to)` stably, in place: by insertion when short (a run of one object is). */
function sortRange(list: Uint32Array, from: number, to: number, compare: (a: number, b: number) => number): void {
  if (to - from > 64) {
    const part = Array.from(list.subarray(from, to)).sort(compare);
    list.set(part, from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const x = list[i];
    let k = i - 1;
    while (k >= from && compare(list[k], x) > 0) {
      list[k + 1] = list[k];
      k--;
    }
    list[k + 1] = x;
  }
}

/**
 * Whether two findings that sort equal (same group, line, object, waived,
 * severity, rule and message) are one row: also the same field (none apart
 * from ''), location, fix and waiver reason.
 */
function sameRow(a: Finding, b: Finding, place: PlaceCache): boolean {
  if (a.field !== b.field || a.fix !== b.fix || a.waived?.reason !== b.waived?.reason) return false;
  return a.origin === b.origin || place.location(a) === (findingLocation(b) ?? '');
}

/** The row order within a group, first part: line, object. */
function compareObjectLines(fa: Finding, fb: Finding): number {
  return (fa.origin.line ?? 0) - (fb.origin.line ?? 0) || compareObjects(fa.object, fb.object);
}

/** The row order of the findings of one object: waived, severity, rule, field, message. */
function compareInRun(fa: Finding, fb: Finding): number {
  return Number(!!fa.waived) - Number(!!fb.waived)
    || SEVERITY_ORDER[fa.severity] - SEVERITY_ORDER[fb.severity]
    || compareText(fa.rule, fb.rule)
    || compareText(fa.field ?? '', fb.field ?? '') || compareText(fa.message, fb.message);
}

/** Objects as their `Kind/name` texts compare. */
function compareObjects(a: Finding['object'], b: Finding['object']): number {
  if (a === b || (a.kind === b.kind && a.name === b.name)) return 0;
  return compareText(`${a.kind}/${a.name}`, `${b.kind}/${b.name}`);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
