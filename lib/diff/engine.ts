import { Libk8sError } from '../core/errors';
import { diffFields, FieldDiff, similarity } from './fields';
import { detectRenames } from './renames';

export { renamer } from './renames';
import type { DiffCounts, DiffResult, EnvironmentDiff, ManifestSet, ObjectDiff, ObjectIdentity, SourcedManifest } from './types';

/** The label libk8s puts the construct's name in; objects sharing it are renamed together. */
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

export interface DiffOptions {
  /**
   * Only these environments (in this order); a name on neither side is an error.
   * @default - every environment of either side
   */
  readonly environments?: readonly string[];
  /**
   * Detect renames: a removed and an added object of the same group, kind
   * and namespace whose content is (nearly) the same once the name is discounted.
   * @default true
   */
  readonly renames?: boolean;
  /**
   * The share of equal leaf fields a rename needs.
   * @default 0.9
   */
  readonly renameThreshold?: number;
}

/** An object with its identity. */
export interface Entry extends ObjectIdentity {
  readonly apiVersion: string;
  readonly manifest: Record<string, any>;
  readonly file: string;
  /** The construct that made it (its `app.kubernetes.io/instance` label), if any. */
  readonly instance?: string;
  /** group/kind/namespace */
  readonly bucket: string;
}

/** An object's identity: (apiVersion group, kind, namespace, name). */
export function identityOf(manifest: Record<string, any>): ObjectIdentity {
  const apiVersion = String(manifest.apiVersion ?? '');
  const slash = apiVersion.indexOf('/');
  const meta = (manifest.metadata ?? {}) as Record<string, any>;
  return {
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    kind: String(manifest.kind ?? ''),
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: String(meta.name ?? meta.generateName ?? ''),
  };
}

/** The identity as one string, `group/kind/namespace/name`. */
export function identityKey(id: ObjectIdentity): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

function entryOf(o: SourcedManifest): Entry {
  const id = identityOf(o.manifest);
  const labels = o.manifest.metadata?.labels;
  const instance = labels && typeof labels[INSTANCE_LABEL] === 'string' ? (labels[INSTANCE_LABEL] as string) : undefined;
  return {
    ...id, apiVersion: String(o.manifest.apiVersion ?? ''), manifest: o.manifest, file: o.file, instance,
    bucket: `${id.group}/${id.kind}/${id.namespace}`,
  };
}

export function isSecret(e: Entry): boolean {
  return e.kind === 'Secret';
}

/** The objects of one side by identity; a second object with the same identity gets `#2`. */
function index(objects: readonly SourcedManifest[]): Map<string, Entry> {
  const map = new Map<string, Entry>();
  for (const o of objects) {
    const e = entryOf(o);
    const key = identityKey(e);
    let k = key;
    for (let n = 2; map.has(k); n++) k = `${key}#${n}`;
    map.set(k, e);
  }
  return map;
}

const ZERO: DiffCounts = { changed: 0, added: 0, removed: 0, renamed: 0, unchanged: 0 };

/**
 * What changed between the `before` and `after` objects of each
 * environment: added, removed, changed (with their field changes),
 * renamed, and how many are unchanged. Environments come in `after`'s
 * order, then those only in `before`; objects sorted by kind, then name.
 */
export function diffEnvironments(before: readonly ManifestSet[], after: readonly ManifestSet[], options: DiffOptions = {}): DiffResult {
  const beforeBy = new Map(before.map((s) => [s.environment, s]));
  const afterBy = new Map(after.map((s) => [s.environment, s]));
  let names = [...new Set([...after.map((s) => s.environment), ...before.map((s) => s.environment)])];
  if (options.environments) {
    const unknown = options.environments.filter((e) => !beforeBy.has(e) && !afterBy.has(e));
    if (unknown.length) {
      throw new Libk8sError(unknown.map((e) => ({
        kind: 'Environment', id: e, path: e,
        message: `is on neither side of the diff (environments: ${names.join(', ') || 'none'})`,
        fix: 'name an environment of the program or of the output compared against.',
      })), 'libk8s diff: unknown environment:');
    }
    names = [...new Set(options.environments)];
  }
  const environments = names.map((name) => diffEnvironment(name, beforeBy.get(name), afterBy.get(name), options));
  const totals = environments.reduce((t, e) => add(t, e.counts), ZERO);
  return { environments, totals, changed: hasChanges(totals) };
}

function add(a: DiffCounts, b: DiffCounts): DiffCounts {
  return {
    changed: a.changed + b.changed, added: a.added + b.added, removed: a.removed + b.removed,
    renamed: a.renamed + b.renamed, unchanged: a.unchanged + b.unchanged,
  };
}

function hasChanges(c: DiffCounts): boolean {
  return c.changed + c.added + c.removed + c.renamed > 0;
}

/** One environment's diff. */
export function diffEnvironment(environment: string, before: ManifestSet | undefined, after: ManifestSet | undefined, options: DiffOptions = {}): EnvironmentDiff {
  const a = index(before?.objects ?? []);
  const b = index(after?.objects ?? []);
  const objects: ObjectDiff[] = [];
  let unchanged = 0;
  const removed: Entry[] = [];
  const added: Entry[] = [];
  for (const [key, old] of a) {
    const neu = b.get(key);
    if (!neu) {
      removed.push(old);
      continue;
    }
    const d = diffFields(old.manifest, neu.manifest, { secret: isSecret(neu) });
    if (d.fields.length === 0) unchanged += 1;
    else objects.push(changedObject('changed', old, neu, d));
  }
  for (const [key, neu] of b) if (!a.has(key)) added.push(neu);

  const renames = options.renames === false ? [] : detectRenames(removed, added, options.renameThreshold ?? 0.9);
  const renamedOld = new Set<Entry>();
  const renamedNew = new Set<Entry>();
  for (const r of renames) {
    renamedOld.add(r.old);
    renamedNew.add(r.neu);
    objects.push(changedObject('renamed', r.old, r.neu, r.diff));
  }
  for (const e of removed) if (!renamedOld.has(e)) objects.push(plainObject('removed', e));
  for (const e of added) if (!renamedNew.has(e)) objects.push(plainObject('added', e));
  objects.sort(compareObjects);

  const count = (s: ObjectDiff['status']) => objects.filter((o) => o.status === s).length;
  return {
    environment,
    presence: before && after ? 'both' : after ? 'added' : 'removed',
    counts: { changed: count('changed'), added: count('added'), removed: count('removed'), renamed: count('renamed'), unchanged },
    objects,
  };
}

function identity(e: Entry): ObjectIdentity {
  return { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name };
}

function plainObject(status: 'added' | 'removed', e: Entry): ObjectDiff {
  return { status, ...identity(e), apiVersion: e.apiVersion, file: e.file, fields: [] };
}

function changedObject(status: 'changed' | 'renamed', old: Entry, neu: Entry, d: FieldDiff): ObjectDiff {
  return {
    status, ...identity(neu), apiVersion: neu.apiVersion, file: neu.file,
    ...(status === 'renamed' ? { previousName: old.name } : {}),
    ...(old.file !== neu.file ? { previousFile: old.file } : {}),
    ...(status === 'renamed' ? { similarity: Math.round(similarity(d) * 1000) / 1000 } : {}),
    fields: d.fields,
  };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareObjects(a: ObjectDiff, b: ObjectDiff): number {
  return cmp(a.kind, b.kind) || cmp(a.name, b.name) || cmp(a.namespace, b.namespace) || cmp(a.group, b.group) || cmp(a.status, b.status);
}

/** Exit codes of `libk8s diff`. */
export const DIFF_EXIT = {
  /** No differences. */
  noChanges: 0,
  /** An error: an unreadable tree, an unknown git ref or folder, an invalid program. */
  error: 1,
  /** A usage error: an unknown option, a missing entry. */
  usage: 2,
  /** Differences found (so CI can tell "changed" from "failed"). */
  changes: 3,
} as const;

/** 0 when nothing differs, 3 when something was added, removed, changed or renamed. */
export function diffExitCode(result: DiffResult): 0 | 3 {
  return result.changed ? DIFF_EXIT.changes : DIFF_EXIT.noChanges;
}
