/** Helpers for rules: where the pod spec and containers of a workload object are. */

/** Kinds that carry a pod template, and the path to their pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Every built-in kind that runs pods. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/**
 * The pseudo-kind of every object whose kind is none of WORKLOAD_KINDS but
 * which has a pod template all the same: an Argo `Rollout`
 * (`spec.template.spec`), a `PodTemplate` (`template.spec`), a CRD with
 * `spec.template.spec` or `spec.jobTemplate.spec.template.spec`. The engine
 * finds those structurally (a `containers` list where a pod spec would be)
 * and gives them to every rule whose `kinds` list this pseudo-kind or every
 * one of WORKLOAD_KINDS (so `kinds: WORKLOAD_KINDS` sees them).
 */
export const POD_TEMPLATE_KIND = '(pod template)';

/** Whether the kind is a built-in workload kind (whose pod spec path is known). */
export function isWorkloadKind(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind);
}

/** Where other kinds keep a pod spec, tried in order. */
const STRUCTURAL_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  ['template', 'spec'],
  ['spec'],
];

/** Kinds whose pods serve continuously (Jobs and CronJobs run to completion). */
export const LONG_RUNNING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

function dig(obj: any, path: readonly string[]): any {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

export interface PodSpecRef {
  readonly spec: Record<string, any>;
  /** JSON path of the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  /** The pod template's metadata (the object's own for a Pod). */
  readonly metadata: Record<string, any>;
}

/**
 * The pod spec of an object: at its kind's path for a built-in workload
 * kind; for any other kind, the first of `spec.template.spec`,
 * `spec.jobTemplate.spec.template.spec`, `template.spec` and `spec` that
 * has a `containers` list. Undefined when there is none.
 */
export function podSpecOf(manifest: Readonly<Record<string, any>>): PodSpecRef | undefined {
  // a frozen manifest (the engine freezes each before the rules run) cannot change: its pod spec is found once, not by each of the rules that ask
  if (manifest === null || typeof manifest !== 'object' || !Object.isFrozen(manifest)) return findPodSpec(manifest);
  let ref = POD_SPECS.get(manifest);
  if (ref === undefined) {
    const found = findPodSpec(manifest);
    POD_SPECS.set(manifest, ref = found ? Object.freeze({ ...found, metadata: Object.isFrozen(found.metadata) ? found.metadata : Object.freeze(found.metadata) }) : null);
  }
  return ref ?? undefined;
}

const POD_SPECS = new WeakMap<object, PodSpecRef | null>();

function findPodSpec(manifest: Readonly<Record<string, any>>): PodSpecRef | undefined {
  const known = isWorkloadKind(manifest?.kind) ? POD_SPEC_PATHS[manifest.kind] : undefined;
  const path = known ?? STRUCTURAL_PATHS.find((p) => Array.isArray(dig(manifest, p)?.containers));
  if (!path) return undefined;
  const spec = dig(manifest, path);
  if (!spec || typeof spec !== 'object') return undefined;
  const metaPath = path.length === 1 ? ['metadata'] : [...path.slice(0, -1), 'metadata'];
  return { spec, path: path.join('.'), metadata: dig(manifest, metaPath) ?? {} };
}

export interface ContainerRef {
  readonly container: Record<string, any>;
  /** JSON path, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  readonly kind: 'container' | 'initContainer' | 'ephemeralContainer';
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(pod: PodSpecRef): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const [field, kind] of [['initContainers', 'initContainer'], ['containers', 'container'], ['ephemeralContainers', 'ephemeralContainer']] as const) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => { if (c && typeof c === 'object') out.push({ container: c, path: `${pod.path}.${field}[${i}]`, kind }); });
  }
  return out;
}

/** Whether a label selector (`matchLabels` and `matchExpressions`) selects the given labels. */
export function selects(selector: Record<string, any> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const ml: Record<string, string> = selector.matchLabels ?? {};
  const exprs: any[] = selector.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return true;
  for (const [k, v] of Object.entries(ml)) if (l[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(l[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(l[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a plain map selector (a Service's `spec.selector`) selects the labels. */
export function mapSelects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => (labels ?? {})[k] === v);
}
