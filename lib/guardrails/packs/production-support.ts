/** Lookups shared by the production pack's rules: namespaces, workloads, replicas, ports. */
import { show } from '../../core/errors';
import { ContainerRef, containersOf, mapSelects, podSpecOf, PodSpecRef, selects } from '../pod-spec';
import { Rule, RuleContext, Subject } from '../../core/policy';

/** The production pack's rules are written with this; it only fixes the pack name. */
export function productionRule(r: Omit<Rule, 'pack'>): Rule {
  return { pack: 'production', ...r };
}

export { show };

/** The namespace an object is in; '' when the manifest leaves it to `kubectl -n`. */
export function nsOf(m: Readonly<Record<string, any>>): string {
  return m?.metadata?.namespace ?? '';
}

/** `in namespace "shop"`, or, for manifests that leave the namespace to `kubectl -n`, `among the objects without a namespace`. */
export function inNs(ns: string): string {
  return ns ? `in namespace ${JSON.stringify(ns)}` : 'among the objects without a namespace';
}

export function nameOf(m: Readonly<Record<string, any>>): string {
  return m?.metadata?.name ?? '';
}

/** A workload object with its pod template. */
export interface WorkloadRef {
  readonly subject: Subject;
  readonly pod: PodSpecRef;
  readonly labels: Record<string, string>;
}

/**
 * Lookups over one set of objects, built once per check run and shared by
 * every rule, so cross-object rules stay linear in the number of objects.
 * It is keyed by the run's `ofKind` (one per run, shared by all rules) and
 * rebuilt if the subjects are not the very same list.
 */
interface Index {
  readonly subjects: readonly Subject[];
  readonly count: number;
  /** kind → namespace → objects */
  readonly byKind: Map<string, Map<string, Subject[]>>;
  /** `kind ns name` → object */
  readonly byName: Map<string, Subject>;
  /** namespace → workloads */
  readonly workloads: Map<string, WorkloadRef[]>;
  /** `ns key value` → workloads whose pod template carries that label */
  readonly byLabel: Map<string, WorkloadRef[]>;
  /** What rules derive from the whole set, by key. */
  readonly memo: Map<string, unknown>;
}

const INDEXES = new WeakMap<object, Index>();
const SEP = '\u0000';

function indexOf(ctx: RuleContext): Index {
  let index = INDEXES.get(ctx.ofKind);
  if (index && index.subjects === ctx.subjects && index.count === ctx.subjects.length) return index;
  index = { subjects: ctx.subjects, count: ctx.subjects.length, byKind: new Map(), byName: new Map(), workloads: new Map(), byLabel: new Map(), memo: new Map() };
  for (const subject of ctx.subjects) {
    const m = subject.manifest;
    const ns = nsOf(m);
    const perNs = index.byKind.get(m.kind) ?? new Map<string, Subject[]>();
    index.byKind.set(m.kind, perNs);
    push(perNs, ns, subject);
    index.byName.set([m.kind, ns, nameOf(m)].join(SEP), subject);
    const pod = podSpecOf(m);
    if (!pod) continue;
    const ref: WorkloadRef = { subject, pod, labels: pod.metadata.labels ?? {} };
    push(index.workloads, ns, ref);
    for (const [k, v] of Object.entries(ref.labels)) push(index.byLabel, [ns, k, v].join(SEP), ref);
  }
  INDEXES.set(ctx.ofKind, index);
  return index;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Something derived once per check run from the whole set (e.g. which policies select which pods). */
export function memo<T>(ctx: RuleContext, key: string, build: () => T): T {
  const index = indexOf(ctx);
  if (!index.memo.has(key)) index.memo.set(key, build());
  return index.memo.get(key) as T;
}

/**
 * The object of a kind and name in a namespace. Objects without a namespace
 * are taken to share one (they are applied together with `kubectl -n`).
 */
export function findNamed(ctx: RuleContext, kind: string, ns: string, name: unknown): Subject | undefined {
  return typeof name === 'string' ? indexOf(ctx).byName.get([kind, ns, name].join(SEP)) : undefined;
}

/** Every object that runs pods in a namespace, with its pod template's labels. */
export function workloadsIn(ctx: RuleContext, ns: string): readonly WorkloadRef[] {
  return indexOf(ctx).workloads.get(ns) ?? [];
}

/** Workloads that might match a selector: those carrying one of its required labels (all, without one). */
function candidates(ctx: RuleContext, ns: string, pairs: readonly [string, unknown][]): readonly WorkloadRef[] {
  const first = pairs[0];
  return first ? indexOf(ctx).byLabel.get([ns, first[0], String(first[1])].join(SEP)) ?? [] : workloadsIn(ctx, ns);
}

/** The workloads whose pods a label selector (`matchLabels`/`matchExpressions`) selects. */
export function workloadsSelectedBy(ctx: RuleContext, ns: string, selector: Record<string, any> | undefined): WorkloadRef[] {
  if (!selector) return [];
  return candidates(ctx, ns, Object.entries(selector.matchLabels ?? {})).filter((w) => selects(selector, w.labels));
}

/** The workloads whose pods a Service's map selector selects. */
export function workloadsSelectedByMap(ctx: RuleContext, ns: string, selector: Record<string, string> | undefined): WorkloadRef[] {
  if (!selector || Object.keys(selector).length === 0) return [];
  return candidates(ctx, ns, Object.entries(selector)).filter((w) => mapSelects(selector, w.labels));
}

/**
 * The objects of a kind (NetworkPolicies, PodDisruptionBudgets) whose
 * selector selects a workload's pods, computed once per run for all workloads.
 */
export function selectorsOf(ctx: RuleContext, kind: string, selectorOf: (s: Subject) => Record<string, any> | undefined, workload: Subject): readonly Subject[] {
  const byWorkload = memo(ctx, `selectors${SEP}${kind}`, () => {
    const map = new Map<Subject, Subject[]>();
    for (const perNs of indexOf(ctx).byKind.get(kind)?.values() ?? []) {
      for (const owner of perNs) {
        for (const w of workloadsSelectedBy(ctx, nsOf(owner.manifest), selectorOf(owner))) push(map, w.subject, owner);
      }
    }
    return map;
  });
  return byWorkload.get(workload) ?? [];
}

/** `Deployment 'web'`, for messages. */
export function describe(m: Readonly<Record<string, any>>): string {
  return `${m.kind} '${nameOf(m)}'`;
}

/** `container 'app'`, `init container 'migrate'`, for messages. */
export function containerName(ref: ContainerRef): string {
  const kind = ref.kind === 'initContainer' ? 'init container' : ref.kind === 'ephemeralContainer' ? 'ephemeral container' : 'container';
  return `${kind} '${ref.container.name ?? '?'}'`;
}

/** Init and regular containers: the ones that run with the pod's resources and security context. */
export function runningContainers(pod: PodSpecRef): ContainerRef[] {
  return containersOf(pod).filter((c) => c.kind !== 'ephemeralContainer');
}

/**
 * The autoscaler that scales a workload, if any: a HorizontalPodAutoscaler,
 * or a KEDA ScaledObject (which makes and owns the HPA at run time).
 */
export function hpaFor(ctx: RuleContext, workload: Readonly<Record<string, any>>): Subject | undefined {
  const byTarget = memo(ctx, 'hpa-targets', () => {
    const map = new Map<string, Subject>();
    for (const kind of ['HorizontalPodAutoscaler', 'ScaledObject']) {
      for (const perNs of indexOf(ctx).byKind.get(kind)?.values() ?? []) {
        for (const h of perNs) {
          if (kind === 'ScaledObject' && !String(h.manifest.apiVersion).startsWith('keda.sh/')) continue;
          const ref = h.manifest.spec?.scaleTargetRef ?? {};
          const key = [nsOf(h.manifest), ref.kind ?? (kind === 'ScaledObject' ? 'Deployment' : undefined), ref.name].join(SEP);
          if (!map.has(key)) map.set(key, h);
        }
      }
    }
    return map;
  });
  return byTarget.get([nsOf(workload), workload.kind, nameOf(workload)].join(SEP));
}

/** Kinds whose replica count an HPA or `spec.replicas` sets. */
export const SCALABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

/** The fewest replicas a workload runs: its autoscaler's minimum (KEDA's default is 0), else spec.replicas. */
export function minReplicas(ctx: RuleContext, workload: Readonly<Record<string, any>>): number {
  const hpa = hpaFor(ctx, workload);
  if (hpa?.manifest.kind === 'ScaledObject') return numberOr(hpa.manifest.spec?.minReplicaCount, 0);
  if (hpa) return numberOr(hpa.manifest.spec?.minReplicas, 1);
  return numberOr(workload.spec?.replicas, 1);
}

export function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The absolute value of an int-or-percent field for a given total, rounded
 * up as the disruption controller does; undefined when malformed.
 */
export function scaled(v: unknown, total: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const pct = /^(\d+)%$/.exec(v);
    if (pct) return Math.ceil((Number(pct[1]) * total) / 100);
    if (/^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

/** The tag of an image reference (`repo:tag@digest`), and its digest. */
export function imageRef(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  return { tag: tag || undefined, digest: digest || undefined };
}

/** The names and numbers of the ports a container declares. */
export function declaredPorts(c: Record<string, any>): { names: Set<string>; numbers: Set<number> } {
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const p of Array.isArray(c.ports) ? c.ports : []) {
    if (typeof p?.name === 'string') names.add(p.name);
    if (typeof p?.containerPort === 'number') numbers.add(p.containerPort);
  }
  return { names, numbers };
}

export const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
export type ProbeField = (typeof PROBES)[number];

/** The port a probe's handler connects to, with the field it sits in. */
export function probePort(p: Record<string, any>): { port: number | string; field: string } | undefined {
  if (p?.httpGet && p.httpGet.port !== undefined) return { port: p.httpGet.port, field: 'httpGet.port' };
  if (p?.tcpSocket && p.tcpSocket.port !== undefined) return { port: p.tcpSocket.port, field: 'tcpSocket.port' };
  if (p?.grpc && p.grpc.port !== undefined) return { port: p.grpc.port, field: 'grpc.port' };
  return undefined;
}

/** Whether a TLS host entry (possibly a `*.` wildcard) covers a host name. */
export function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
  return tlsHosts.some((t) => t === host || (t.startsWith('*.') && host.endsWith(t.slice(1)) && !host.slice(0, -t.length + 1).includes('.')));
}
