/** Lookups shared by the production pack's rules: namespaces, workloads, replicas, ports. */
import { show } from '../../core/errors';
import { ContainerRef, containersOf, podSpecOf, PodSpecRef, selects, WORKLOAD_KINDS } from '../pod';
import { Rule, RuleContext, Subject } from '../types';

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

/**
 * Objects of a kind in exactly this namespace. Objects without a namespace
 * are taken to share one (they are applied together with `kubectl -n`).
 */
export function inNamespace(ctx: RuleContext, kind: string, ns: string): readonly Subject[] {
  return ctx.ofKind(kind).filter((s) => nsOf(s.manifest) === ns);
}

/** A workload object with its pod template. */
export interface WorkloadRef {
  readonly subject: Subject;
  readonly pod: PodSpecRef;
  readonly labels: Record<string, string>;
}

/** Every object that runs pods in a namespace, with its pod template's labels. */
export function workloadsIn(ctx: RuleContext, ns: string): WorkloadRef[] {
  const out: WorkloadRef[] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const subject of inNamespace(ctx, kind, ns)) {
      const pod = podSpecOf(subject.manifest);
      if (pod) out.push({ subject, pod, labels: pod.metadata.labels ?? {} });
    }
  }
  return out;
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

/** The HorizontalPodAutoscaler that scales a workload, if any. */
export function hpaFor(ctx: RuleContext, workload: Readonly<Record<string, any>>): Subject | undefined {
  return inNamespace(ctx, 'HorizontalPodAutoscaler', nsOf(workload)).find((h) => {
    const ref = h.manifest.spec?.scaleTargetRef ?? {};
    return ref.kind === workload.kind && ref.name === nameOf(workload);
  });
}

/** Kinds whose replica count an HPA or `spec.replicas` sets. */
export const SCALABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

/**
 * The fewest replicas a workload runs: its HPA's minReplicas when an HPA
 * scales it, else `spec.replicas` (1 when unset, as Kubernetes defaults it).
 */
export function minReplicas(ctx: RuleContext, workload: Readonly<Record<string, any>>): number {
  const hpa = hpaFor(ctx, workload);
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

/** The workloads a PodDisruptionBudget's selector covers. */
export function workloadsSelectedBy(ctx: RuleContext, ns: string, selector: Record<string, any> | undefined): WorkloadRef[] {
  if (!selector) return [];
  return workloadsIn(ctx, ns).filter((w) => selects(selector, w.labels));
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

/** A probe's handler, without its timing: what kube-score compares to call two probes identical. */
export function probeHandler(p: Record<string, any>): string | undefined {
  if (!p || typeof p !== 'object') return undefined;
  if (p.httpGet) return JSON.stringify(['http', p.httpGet.path ?? '/', String(p.httpGet.port), p.httpGet.host ?? '', p.httpGet.scheme ?? 'HTTP']);
  if (p.tcpSocket) return JSON.stringify(['tcp', String(p.tcpSocket.port), p.tcpSocket.host ?? '']);
  if (p.exec) return JSON.stringify(['exec', ...(p.exec.command ?? [])]);
  if (p.grpc) return JSON.stringify(['grpc', p.grpc.port, p.grpc.service ?? '']);
  return undefined;
}

/** Whether a TLS host entry (possibly a `*.` wildcard) covers a host name. */
export function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
  return tlsHosts.some((t) => t === host || (t.startsWith('*.') && host.endsWith(t.slice(1)) && !host.slice(0, -t.length + 1).includes('.')));
}
