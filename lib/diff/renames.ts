import { diffFields, FieldDiff, similarity } from './fields';
import { cmp, Entry, isSecret } from './engine';

/** Renames: a removed and an added object that are the same object under a new name. */

interface Rename {
  readonly old: Entry;
  readonly neu: Entry;
  readonly diff: FieldDiff;
}

/** At most this many object comparisons per environment are spent on finding renames that are not exact. */
const RENAME_BUDGET = 20000;
/** A construct that is not renamed exactly is compared with this many new constructs, those with the closest names. */
const NEAR_CANDIDATES = 3;

/** The length of the common prefix and suffix of two names. */
function nameCloseness(a: string, b: string): number {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let q = 0;
  while (q < a.length - p && q < b.length - p && a[a.length - 1 - q] === b[b.length - 1 - q]) q++;
  return p + q;
}

/** JSON with sorted keys, strings passed through `str`. */
function canonical(v: unknown, str: (s: string) => string): string {
  if (typeof v === 'string') return JSON.stringify(str(v));
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, str)).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(str(k))}:${canonical(o[k], str)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A construct's objects with its name (as a whole word) blanked out: equal for two constructs that differ only by name. */
function constructFingerprint(entries: readonly Entry[], name: string): string {
  const re = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(name)}(?![A-Za-z0-9])`, 'g');
  const blank = (s: string) => s.replace(re, '\u0000');
  return entries.map((e) => canonical(e.manifest, blank)).sort().join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A string's old names replaced by the new ones, where they stand as a
 * whole word (not inside a longer run of letters and digits):
 * `api-config` → `api-v2-config`, `http://api.shop.svc` → `http://api-v2.shop.svc`.
 */
export function renamer(pairs: ReadonlyArray<readonly [string, string]>): (s: string) => string {
  const map = new Map<string, string>();
  for (const [from, to] of pairs) if (from && from !== to && !map.has(from)) map.set(from, to);
  if (map.size === 0) return (s) => s;
  const alternatives = [...map.keys()].sort((x, y) => y.length - x.length || cmp(x, y)).map(escapeRegExp);
  const re = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'g');
  return (s) => s.replace(re, (m) => map.get(m) ?? m);
}

/**
 * Renames, one-to-one, where the identity is clear:
 * - objects of a libk8s construct (with an `app.kubernetes.io/instance`
 *   label) are renamed with their construct: every removed object of
 *   construct X pairs with an added object of construct Y of the same
 *   group, kind and namespace, each at least `threshold` similar once X→Y
 *   and the names are discounted, and no other construct matches X or Y as well;
 * - other objects pair one by one under the same rule.
 */
export function detectRenames(removed: readonly Entry[], added: readonly Entry[], threshold: number): Rename[] {
  if (removed.length === 0 || added.length === 0) return [];
  const budget = { left: RENAME_BUDGET };
  const result: Rename[] = [];

  // constructs
  const group = (xs: readonly Entry[]) => {
    const m = new Map<string, Entry[]>();
    for (const e of xs) if (e.instance !== undefined) (m.get(e.instance) ?? m.set(e.instance, []).get(e.instance)!).push(e);
    return m;
  };
  const gone = group(removed);
  const come = group(added);
  const shape = (xs: readonly Entry[]) => xs.map((e) => e.bucket).sort().join('\n');
  interface Candidate { from: string; to: string; score: number; pairs: Rename[] }
  const candidates: Candidate[] = [];
  // 1. exact renames, found by a fingerprint of the content with the construct's name blanked out (no pairwise work)
  const fingerprints = new Map<string, string[]>();
  for (const [to, news] of come) {
    if (gone.has(to)) continue;
    const f = constructFingerprint(news, to);
    (fingerprints.get(f) ?? fingerprints.set(f, []).get(f)!).push(to);
  }
  const settled = new Set<string>();
  const oldPrints = new Map<string, string>();
  const oldCount = new Map<string, number>();
  for (const [from, olds] of gone) {
    if (come.has(from)) continue;
    const f = constructFingerprint(olds, from);
    oldPrints.set(from, f);
    oldCount.set(f, (oldCount.get(f) ?? 0) + 1);
  }
  for (const [from, f] of oldPrints) {
    const tos = fingerprints.get(f);
    if (!tos) continue;
    settled.add(from); // identical to one or more new constructs: renamed when one-to-one, else ambiguous
    if (tos.length !== 1 || oldCount.get(f) !== 1) continue;
    const pairs = pairConstruct(gone.get(from)!, come.get(tos[0])!, from, tos[0], threshold, budget);
    if (pairs) candidates.push({ from, to: tos[0], score: 1, pairs });
  }
  const exact = new Set(candidates.map((c) => c.to));
  // 2. near renames: each remaining construct against the new constructs of the same shape whose names are closest
  for (const [from, olds] of gone) {
    if (come.has(from) || settled.has(from)) continue; // still there, or settled above
    const oldShape = shape(olds);
    const tos = [...come.keys()]
      .filter((to) => !gone.has(to) && !exact.has(to) && shape(come.get(to)!) === oldShape)
      .sort((x, y) => nameCloseness(from, y) - nameCloseness(from, x) || cmp(x, y))
      .slice(0, NEAR_CANDIDATES);
    for (const to of tos) {
      const pairs = pairConstruct(olds, come.get(to)!, from, to, threshold, budget);
      if (pairs) candidates.push({ from, to, score: pairs.reduce((sum, p) => sum + similarity(p.diff), 0) / pairs.length, pairs });
    }
  }
  for (const c of pickOneToOne(candidates, (c) => c.from, (c) => c.to)) result.push(...c.pairs);

  // the objects of no construct
  const loose = (xs: readonly Entry[]) => xs.filter((e) => e.instance === undefined);
  const olds = loose(removed);
  const news = loose(added);
  const pairs: Array<Rename & { score: number }> = [];
  for (const o of olds) {
    for (const n of news) {
      if (o.bucket !== n.bucket || budget.left-- <= 0) continue;
      const d = compare(o, n, renamer([[o.name, n.name]]));
      const score = similarity(d);
      if (score >= threshold) pairs.push({ old: o, neu: n, diff: d, score });
    }
  }
  result.push(...pickOneToOne(pairs, (p) => p.old, (p) => p.neu));
  return result;
}

function compare(old: Entry, neu: Entry, rename: (s: string) => string): FieldDiff {
  return diffFields(old.manifest, neu.manifest, { secret: isSecret(neu), rename });
}

/** Every old object of a construct paired with a new one of the other, each at least `threshold` similar; undefined when not all pair. */
function pairConstruct(olds: readonly Entry[], news: readonly Entry[], from: string, to: string, threshold: number, budget: { left: number }): Rename[] | undefined {
  const pairs: Rename[] = [];
  const free = new Set(news);
  // first the objects whose name maps exactly (api-config → api-v2-config), then the best match of the rest
  const byName = renamer([[from, to]]);
  const rest: Entry[] = [];
  for (const o of olds) {
    const n = [...free].find((x) => x.bucket === o.bucket && x.name === byName(o.name));
    if (!n) {
      rest.push(o);
      continue;
    }
    if (budget.left-- <= 0) return undefined;
    const d = compare(o, n, renamer([[from, to], [o.name, n.name]]));
    if (similarity(d) < threshold) return undefined;
    free.delete(n);
    pairs.push({ old: o, neu: n, diff: d });
  }
  for (const o of rest) {
    let best: Rename | undefined;
    for (const n of free) {
      if (n.bucket !== o.bucket) continue;
      if (budget.left-- <= 0) return undefined;
      const d = compare(o, n, renamer([[from, to], [o.name, n.name]]));
      if (similarity(d) >= threshold && (!best || similarity(d) > similarity(best.diff))) best = { old: o, neu: n, diff: d };
    }
    if (!best) return undefined;
    free.delete(best.neu);
    pairs.push(best);
  }
  return pairs;
}

/**
 * The best-scoring candidates, one-to-one; a candidate whose old or new
 * side ties with another one still open is ambiguous and left out.
 */
function pickOneToOne<T extends { score?: number; diff?: FieldDiff }, K>(candidates: readonly T[], left: (c: T) => K, right: (c: T) => K): T[] {
  const score = (c: T) => c.score ?? (c.diff ? similarity(c.diff) : 0);
  const sorted = [...candidates].sort((x, y) => score(y) - score(x));
  const usedL = new Set<K>();
  const usedR = new Set<K>();
  const picked: T[] = [];
  for (const c of sorted) {
    const l = left(c);
    const r = right(c);
    if (usedL.has(l) || usedR.has(r)) continue;
    const tie = sorted.some((o) => o !== c && Math.abs(score(o) - score(c)) < 1e-9 && !usedL.has(left(o)) && !usedR.has(right(o)) && (left(o) === l || right(o) === r));
    usedL.add(l);
    usedR.add(r);
    if (!tie) picked.push(c);
  }
  return picked;
}
