import type { FieldChange } from './types';

/** How two manifests are compared. */
export interface FieldDiffOptions {
  /**
   * The object is a Secret: the values under its top-level `data` and
   * `stringData` are compared but never carried into the result (each key
   * is reported `masked`, without `old` and `new`).
   */
  readonly secret?: boolean;
  /**
   * For a rename: maps a string of the old object to what it becomes when
   * only the name changed. An old string that maps to the new one is equal
   * (name-derived), and array items and keys are matched through it too.
   */
  readonly rename?: (s: string) => string;
}

export interface FieldDiff {
  readonly fields: FieldChange[];
  /** Leaf values equal on both sides (name-derived ones included). */
  readonly equal: number;
  /** Leaf values that differ, or exist on one side only. */
  readonly differing: number;
}

/** The share of equal leaves, 1 for two empty objects. */
export function similarity(d: FieldDiff): number {
  const total = d.equal + d.differing;
  return total === 0 ? 1 : d.equal / total;
}

/** The field-level differences of two manifests (plain JSON), in a deterministic order. */
export function diffFields(before: unknown, after: unknown, options: FieldDiffOptions = {}): FieldDiff {
  const w = new Walker(options);
  w.walk(before, after, '', true);
  return { fields: w.fields, equal: w.equal, differing: w.differing };
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const BARE_NAME = /^[A-Za-z0-9_.:/@+-]+$/;

/** `a.b`, or `a["app.kubernetes.io/name"]` for a key that is not an identifier. */
export function keyPath(path: string, key: string): string {
  if (IDENT.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function namePath(path: string, name: string): string {
  return `${path}[name=${BARE_NAME.test(name) ? name : JSON.stringify(name)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaves of a value (an empty object or array counts as one). */
export function leafCount(v: unknown): number {
  if (Array.isArray(v)) return v.length === 0 ? 1 : v.reduce((n: number, x) => n + leafCount(x), 0);
  if (isObject(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? 1 : keys.reduce((n, k) => n + leafCount(v[k]), 0);
  }
  return 1;
}

/** The names of an array's items, when every item is an object with a distinct string `name`. */
function itemNames(a: readonly unknown[]): string[] | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const x of a) {
    if (!isObject(x) || typeof x.name !== 'string' || seen.has(x.name)) return undefined;
    seen.add(x.name);
    names.push(x.name);
  }
  return names;
}

class Walker {
  public readonly fields: FieldChange[] = [];
  public equal = 0;
  public differing = 0;

  constructor(private readonly options: FieldDiffOptions) {}

  public walk(a: unknown, b: unknown, path: string, root = false): void {
    if (a === undefined && b === undefined) return;
    if (a === undefined) return this.added(path, b);
    if (b === undefined) return this.removed(path, a);
    if (isObject(a) && isObject(b)) return this.objects(a, b, path, root);
    if (Array.isArray(a) && Array.isArray(b)) return this.arrays(a, b, path);
    if (this.same(a, b)) {
      this.equal += 1;
      return;
    }
    this.differing += Math.max(leafCount(a), leafCount(b));
    this.fields.push({ path, change: 'changed', old: a, new: b });
  }

  private same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    const rename = this.options.rename;
    return !!rename && typeof a === 'string' && typeof b === 'string' && rename(a) === b;
  }

  private added(path: string, b: unknown): void {
    this.differing += leafCount(b);
    this.fields.push({ path, change: 'added', new: b });
  }

  private removed(path: string, a: unknown): void {
    this.differing += leafCount(a);
    this.fields.push({ path, change: 'removed', old: a });
  }

  /** Keys of a matched to keys of b (through the rename when only the renamed key exists), and b's other keys, sorted. */
  private pairKeys(a: Record<string, unknown>, b: Record<string, unknown>): Array<[string | undefined, string | undefined]> {
    const rename = this.options.rename;
    const pairs: Array<[string | undefined, string | undefined]> = [];
    const used = new Set<string>();
    for (const k of Object.keys(a)) {
      let target: string | undefined;
      if (Object.prototype.hasOwnProperty.call(b, k)) target = k;
      else if (rename) {
        const r = rename(k);
        if (r !== k && Object.prototype.hasOwnProperty.call(b, r) && !Object.prototype.hasOwnProperty.call(a, r)) target = r;
      }
      if (target !== undefined) used.add(target);
      pairs.push([k, target]);
    }
    for (const k of Object.keys(b)) if (!used.has(k)) pairs.push([undefined, k]);
    // in the order of the keys shown (the new one where both exist)
    const shown = (p: [string | undefined, string | undefined]) => (p[1] ?? p[0]) as string;
    return pairs.sort((x, y) => (shown(x) < shown(y) ? -1 : shown(x) > shown(y) ? 1 : 0));
  }

  private objects(a: Record<string, unknown>, b: Record<string, unknown>, path: string, root: boolean): void {
    for (const [ka, kb] of this.pairKeys(a, b)) {
      const key = (kb ?? ka) as string;
      const p = keyPath(path, key);
      const va = ka === undefined ? undefined : a[ka];
      const vb = kb === undefined ? undefined : b[kb];
      if (root && this.options.secret && (key === 'data' || key === 'stringData')) this.secretMap(va, vb, p);
      else this.walk(va, vb, p);
    }
  }

  /** A Secret's `data` or `stringData`: each key compared, its value never kept. */
  private secretMap(a: unknown, b: unknown, path: string): void {
    if ((a !== undefined && !isObject(a)) || (b !== undefined && !isObject(b))) {
      if (this.same(a, b)) this.equal += 1;
      else this.mask(path, a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', 1);
      return;
    }
    const ma = (a ?? {}) as Record<string, unknown>;
    const mb = (b ?? {}) as Record<string, unknown>;
    for (const [ka, kb] of this.pairKeys(ma, mb)) {
      const p = keyPath(path, (kb ?? ka) as string);
      if (ka === undefined) this.mask(p, 'added', 1);
      else if (kb === undefined) this.mask(p, 'removed', 1);
      else if (this.same(ma[ka], mb[kb])) this.equal += 1;
      else this.mask(p, 'changed', 1);
    }
  }

  private mask(path: string, change: FieldChange['change'], leaves: number): void {
    this.differing += leaves;
    this.fields.push({ path, change, masked: true });
  }

  private arrays(a: readonly unknown[], b: readonly unknown[], path: string): void {
    const na = a.length > 0 || b.length > 0 ? itemNames(a) : undefined;
    const nb = na ? itemNames(b) : undefined;
    if (na && nb) return this.named(a, na, b, nb, path);
    const scalars = (xs: readonly unknown[]) => xs.every((x) => !isObject(x) && !Array.isArray(x));
    if (a.length !== b.length && scalars(a) && scalars(b)) {
      // a list of scalars that grew or shrank: one change of the whole list, not every shifted index
      if (a.length === 0) return this.added(path, b);
      if (b.length === 0) return this.removed(path, a);
      let common = 0;
      for (const x of a) if (b.some((y) => this.same(x, y))) common += 1;
      this.equal += common;
      this.differing += Math.max(a.length, b.length) - common;
      this.fields.push({ path, change: 'changed', old: a, new: b });
      return;
    }
    if (a.length === 0 && b.length === 0) {
      this.equal += 1;
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) this.walk(a[i], b[i], `${path}[${i}]`);
  }

  /** Items matched by name (through the rename when only the renamed name exists), in a's order, then b's new items. */
  private named(a: readonly unknown[], na: string[], b: readonly unknown[], nb: string[], path: string): void {
    const rename = this.options.rename;
    const inB = new Map(nb.map((n, i) => [n, i]));
    const inA = new Set(na);
    const used = new Set<number>();
    na.forEach((name, i) => {
      let j = inB.get(name);
      if (j === undefined && rename) {
        const r = rename(name);
        if (!inA.has(r)) j = inB.get(r);
      }
      if (j === undefined) return this.walk(a[i], undefined, namePath(path, name));
      used.add(j);
      this.walk(a[i], b[j], namePath(path, nb[j]));
    });
    nb.forEach((name, j) => {
      if (!used.has(j)) this.walk(undefined, b[j], namePath(path, name));
    });
  }
}
