import { Finding, Severity, Subject } from '../core/policy';

/** What the engine keeps of a run's findings while it runs: millions of them, in little memory. */

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * The findings of a run as they are made, subject by subject, in chunks (no
 * copy of a growing array of millions), and then in report order.
 */
export class FindingList {
  private readonly chunks: Finding[][] = [];
  private count = 0;
  /** Where each subject's findings start; `ends[i]` is where subject i's end. */
  private readonly ends: Float64Array;
  private subjects = 0;

  constructor(subjects: number) {
    this.ends = new Float64Array(subjects);
  }

  public push(f: Finding): void {
    const i = this.count++ % CHUNK;
    // a chunk made at its size: no copies of one as it grows
    if (i === 0) this.chunks.push(new Array(CHUNK));
    this.chunks[this.chunks.length - 1][i] = f;
  }

  /** The findings pushed since the last call are those of the next subject. */
  public endSubject(): void {
    this.ends[this.subjects++] = this.count;
  }

  private at(i: number): Finding {
    return this.chunks[Math.floor(i / CHUNK)][i % CHUNK];
  }

  /**
   * The findings in report order (environment, construct or file, kind,
   * name, severity, rule, field, message), as a stable sort of them all
   * would give: the subjects are sorted, and the findings of each subject
   * (of subjects with the same place, kind and name together, in the order
   * made) among themselves. Sorting 100,000s of objects rather than
   * millions of findings.
   */
  public sorted(subjects: readonly Subject[]): Finding[] {
    const start = (i: number) => (i === 0 ? 0 : this.ends[i - 1]);
    const order: number[] = [];
    for (let i = 0; i < this.subjects; i++) if (this.ends[i] > start(i)) order.push(i);
    order.sort((a, b) => compareSubjects(subjects[a], subjects[b]));
    const out: Finding[] = new Array(this.count);
    let n = 0;
    for (let i = 0; i < order.length;) {
      let j = i + 1;
      while (j < order.length && compareSubjects(subjects[order[i]], subjects[order[j]]) === 0) j++;
      const from = n;
      for (let k = i; k < j; k++) for (let f = start(order[k]); f < this.ends[order[k]]; f++) out[n++] = this.at(f);
      sortRange(out, from, n);
      i = j;
    }
    this.chunks.length = 0;
    return out;
  }
}

/** Findings a chunk of a FindingList holds. */
const CHUNK = 1 << 12;

/** Sorts `list[from..to)` by compareWithin, stably, in place: by insertion when short (a subject's findings are). */
function sortRange(list: Finding[], from: number, to: number): void {
  if (to - from > 64) {
    const part = list.slice(from, to).sort(compareWithin);
    for (let i = 0; i < part.length; i++) list[from + i] = part[i];
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const f = list[i];
    let k = i - 1;
    while (k >= from && compareWithin(list[k], f) > 0) {
      list[k + 1] = list[k];
      k--;
    }
    list[k + 1] = f;
  }
}

/** Subjects in report order: environment, construct (or file), kind, name. */
function compareSubjects(a: Subject, b: Subject): number {
  const oa = a.origin;
  const ob = b.origin;
  return cmp(oa.environment, ob.environment) || cmp(oa.construct?.path ?? oa.file, ob.construct?.path ?? ob.file)
    || cmp(a.manifest.kind, b.manifest.kind) || cmp(a.manifest.metadata?.name ?? '', b.manifest.metadata?.name ?? '');
}

/** The findings of one subject (or of subjects at the same place) in report order: severity, rule, field, message. */
function compareWithin(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.rule, b.rule) || cmp(a.field, b.field) || cmp(a.message, b.message);
}

function cmp(a: string | undefined, b: string | undefined): number {
  // the same string (the engine shares them) is equal: no collation needed
  return a === b ? 0 : (a ?? '').localeCompare(b ?? '');
}

/**
 * One copy of each text of the findings (a rule's message for one
 * container is the same for every Deployment): a run may have millions of
 * findings but only thousands of texts. At most `limit` texts are held;
 * then the table starts again.
 */
export class TextTable {
  private readonly table = new Map<string, string>();

  constructor(private readonly limit = 1 << 18) {}

  public intern(s: string): string {
    const known = this.table.get(s);
    if (known !== undefined) return known;
    if (this.table.size >= this.limit) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}
