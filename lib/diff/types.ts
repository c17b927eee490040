/**
 * The data of `libk8s diff`: the objects of each environment on both sides
 * (inputs), and what changed between them (the result every format renders).
 */

/** One Kubernetes object as plain JSON, with the file it came from. */
export interface SourcedManifest {
  readonly manifest: Record<string, any>;
  /** Its file, relative to the environment's folder: `<app>/<construct>.yaml` (`<app>/<construct>/<kind>.yaml` in the `object` layout). */
  readonly file: string;
}

/** The objects of one environment on one side of a diff. */
export interface ManifestSet {
  readonly environment: string;
  readonly objects: readonly SourcedManifest[];
}

/** What identifies an object across the two sides: apiVersion's group (not its version), kind, namespace, name. */
export interface ObjectIdentity {
  /** The part of apiVersion before '/', '' for the core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  /** '' for a cluster-scoped object (or one without a namespace). */
  readonly namespace: string;
  readonly name: string;
}

export type FieldChangeKind = 'added' | 'removed' | 'changed';

/**
 * One field that differs. `path` is JSON-path-like: keys joined by `.`
 * (a key with other characters than letters, digits, `_`, `$` and `-` as
 * `["app.kubernetes.io/name"]`), array items `[name=web]` when every item
 * of both arrays has a distinct `name`, else `[0]`. `old` is absent for an
 * added field and `new` for a removed one; both are absent when `masked`
 * (the value of a Secret's `data` or `stringData` key: never carried).
 */
export interface FieldChange {
  readonly path: string;
  readonly change: FieldChangeKind;
  readonly old?: unknown;
  readonly new?: unknown;
  readonly masked?: true;
}

export type ObjectStatus = 'added' | 'removed' | 'changed' | 'renamed' | 'unchanged';

/** One object that differs (unchanged objects are only counted). */
export interface ObjectDiff extends ObjectIdentity {
  readonly status: Exclude<ObjectStatus, 'unchanged'>;
  /** The apiVersion after (before, for a removed object). */
  readonly apiVersion: string;
  /** The file after (before, for a removed object). */
  readonly file: string;
  /** For a renamed object: its name before. */
  readonly previousName?: string;
  /** For a changed or renamed object whose file moved: its file before. */
  readonly previousFile?: string;
  /** For a renamed object: the share of leaf fields equal once the name-derived ones are discounted (0.9 to 1). */
  readonly similarity?: number;
  /** For a changed or renamed object: its field changes (for a rename, without the name-derived ones). */
  readonly fields: readonly FieldChange[];
}

export interface DiffCounts {
  readonly changed: number;
  readonly added: number;
  readonly removed: number;
  readonly renamed: number;
  readonly unchanged: number;
}

export interface EnvironmentDiff {
  readonly environment: string;
  /** `both`: on both sides; `added`: only after (every object added); `removed`: only before. */
  readonly presence: 'both' | 'added' | 'removed';
  readonly counts: DiffCounts;
  /** The objects that differ, sorted by kind, then name (then namespace, group). */
  readonly objects: readonly ObjectDiff[];
}

export interface DiffResult {
  /** In the after side's order, then the environments only before. */
  readonly environments: readonly EnvironmentDiff[];
  readonly totals: DiffCounts;
  /** Whether anything was added, removed, changed or renamed. */
  readonly changed: boolean;
}
