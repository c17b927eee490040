import type { App } from '../core/app';
import type { AnyComponent } from '../core/component';
import type { Environment } from '../core/environment';
import { Libk8sError } from '../core/errors';
import type { RenderedEnvironment, RenderedObject } from '../core/pipeline';
import type { Access, ResourceRef } from '../core/recipe';
import { isResource, wiresOf } from '../core/wiring';

/**
 * The graph of one environment of an app: its workloads, their routes and
 * cloud identities, the resources they use and the connections between
 * them. The model behind `libk8s graph`; `toMermaid`, `toDot` and `toSvg`
 * draw it. Read from the rendered objects where there are some (hosts,
 * autoscalers, KEDA, identities), from the wiring for the edges, and from
 * the constructs' props when the program does not render.
 */

/** What a node stands for: drawn in its own shape and group. */
export type GraphNodeGroup = 'route' | 'workload' | 'resource' | 'identity';

/** How a workload scales in the environment. */
export type GraphScaling =
  /** A HorizontalPodAutoscaler: `metrics` like `cpu 70%`. */
  | { readonly kind: 'hpa'; readonly min: number; readonly max: number; readonly metrics: readonly string[] }
  /** A KEDA ScaledObject on the workload's queue. */
  | { readonly kind: 'keda'; readonly min: number; readonly max: number; readonly queue?: string; readonly messagesPerReplica?: number; readonly metrics: readonly string[] }
  /** A fixed replica count. */
  | { readonly kind: 'fixed'; readonly replicas: number };

export interface GraphNode {
  /** Unique and stable in the graph: `workload:storefront`, `resource:db`, `route:storefront`, `identity:storefront`. */
  readonly id: string;
  readonly group: GraphNodeGroup;
  /**
   * The construct kind (`WebService`, `QueueWorker`, `Queue`, `Postgres`, …),
   * the route's object kind (`HTTPRoute`, `Ingress`) or the identity's (`Role`).
   */
  readonly kind: string;
  /** The construct id (a route's and an identity's is their workload's; an identity's object name). */
  readonly name: string;
  /** The first line a renderer draws. */
  readonly label: string;
  /** Further lines, in order: kind and image tag, recipe, scaling, path. */
  readonly details: readonly string[];
  /** The construct path in the tree, `<app>/<id>`. */
  readonly path?: string;
  /** A workload's image in the environment. */
  readonly image?: string;
  /** Its tag (or digest), `1.4.2`. */
  readonly tag?: string;
  /** How a workload scales. */
  readonly scaling?: GraphScaling;
  /** The recipe that provisions a resource in the environment (undefined when none is registered for its type). */
  readonly recipe?: string;
  /** A resource's type, `queue`, `postgres`, … */
  readonly resourceType?: string;
  /** A route's host names. */
  readonly hosts?: readonly string[];
  /** A route's path prefix. */
  readonly routePath?: string;
}

/** The kinds of edges: a wire's access, a route to its service, a workload to its cloud identity. */
export type GraphEdgeKind = 'send' | 'consume' | 'read' | 'read-write' | 'connect' | 'route' | 'identity';

export interface GraphEdge {
  /** A node id. `consume` points from the queue to its consumer, every other kind from the user to what it uses. */
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
  /** The text drawn on the edge: the kind, and KEDA's scaling on a `consume` edge. */
  readonly label: string;
}

export interface AppGraph {
  readonly app: string;
  readonly environment: string;
  /** Whether the graph was read from rendered objects; false when the program does not render (then `problems` says why). */
  readonly rendered: boolean;
  /** Why the program did not render (the error's message, a Libk8sError's lists every problem). */
  readonly problems?: string;
  /** Sorted by group (routes, workloads, resources, identities), then id. */
  readonly nodes: readonly GraphNode[];
  /** Sorted by from, to, kind, label. */
  readonly edges: readonly GraphEdge[];
}

const GROUP_ORDER: Record<GraphNodeGroup, number> = { route: 0, workload: 1, resource: 2, identity: 3 };
const ACCESS_EDGE: Record<Access, GraphEdgeKind> = { send: 'send', consume: 'consume', read: 'read', readwrite: 'read-write', connect: 'connect' };

/**
 * The graph of `app` in `environment`. `rendered` is that environment's
 * render (as `app.render()` returns it); without it the app is rendered here,
 * and when that fails (a program with problems) the graph is built from the
 * constructs, their props and their wiring alone, with `rendered: false` and
 * the error's message in `problems`.
 * Throws a Libk8sError when the app has no such environment.
 */
export function appGraph(app: App, environment: string, rendered?: RenderedEnvironment): AppGraph {
  const env = app.environment(environment);
  if (!env) {
    throw new Libk8sError([{ kind: 'App', id: String(app.name), path: String(app.name), prop: 'environments',
      message: `has no environment ${JSON.stringify(environment)}`, fix: `use one of: ${app.environmentNames.join(', ')}.` }]);
  }
  let problems: string | undefined;
  if (rendered && rendered.environment.name !== env.name) {
    throw new Error(`appGraph: the rendered objects are of environment '${rendered.environment.name}', not '${env.name}'`);
  }
  if (!rendered) {
    try {
      rendered = app.render({ environments: [env.name] })[0];
    } catch (e) {
      // a program with problems (a Libk8sError), or a recipe that fails: the graph still draws, from the constructs and the wiring
      problems = e instanceof Error ? e.message : String(e);
    }
  }

  const components = app.components;
  const objectsOf = new Map<AnyComponent, RenderedObject[]>();
  for (const o of rendered?.objects ?? []) {
    const list = objectsOf.get(o.component) ?? [];
    list.push(o);
    objectsOf.set(o.component, list);
  }
  const ids = new Map<AnyComponent, string>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const keda = new Map<AnyComponent, Extract<GraphScaling, { kind: 'keda' }>>();

  for (const c of components) {
    const objects = objectsOf.get(c) ?? [];
    const path = c.displayPath;
    const name = c.node.path || c.node.id;
    if (isResource(c)) {
      const id = `resource:${name}`;
      ids.set(c, id);
      const recipe = recipeName(c, env);
      nodes.push({ id, group: 'resource', kind: c.kind, name, path, label: name, resourceType: c.resourceType, recipe,
        details: [`${c.kind} · ${recipe ?? 'no recipe'}`] });
      continue;
    }
    if (c.role !== 'workload') continue;
    const id = `workload:${name}`;
    ids.set(c, id);
    const props = effectiveProps(c, env.name);
    const image = imageOf(objects) ?? (typeof props.image === 'string' ? props.image : undefined);
    const tag = image ? imageTag(image) : undefined;
    const scaling = rendered ? renderedScaling(objects) : propsScaling(c, props);
    if (scaling?.kind === 'keda') keda.set(c, scaling);
    const details = [`${c.kind}${tag ? ` · ${tag}` : ''}`];
    if (scaling) details.push(scalingText(scaling));
    nodes.push({ id, group: 'workload', kind: c.kind, name, path, label: name, details,
      ...(image ? { image } : {}), ...(tag ? { tag } : {}), ...(scaling ? { scaling } : {}) });

    const route = rendered ? renderedRoute(objects) : propsRoute(c, props, env);
    if (route) {
      const rid = `route:${name}`;
      const hostText = route.hosts.length ? route.hosts.join(', ') : '(no host)';
      nodes.push({ id: rid, group: 'route', kind: route.kind, name, path, label: `${hostText}${route.path === '/' ? '' : route.path}`,
        details: [`${route.kind} · ${route.path}`], hosts: route.hosts, routePath: route.path });
      edges.push({ from: rid, to: id, kind: 'route', label: 'route' });
    }

    const identity = identityOf(objects);
    if (identity) {
      const iid = `identity:${name}`;
      nodes.push({ id: iid, group: 'identity', kind: identity.kind, name: identity.name, path, label: `${identity.kind}/${identity.name}`,
        details: [identity.apiVersion.split('/')[0]] });
      edges.push({ from: id, to: iid, kind: 'identity', label: 'identity' });
    }
  }

  for (const w of wiresOf(app)) {
    const from = ids.get(w.from);
    const to = ids.get(w.to);
    if (!from || !to || from === to) continue; // another app's construct, or a wire to itself: validation reports those
    const kind = ACCESS_EDGE[w.access] ?? 'connect';
    if (kind === 'consume') {
      const s = keda.get(w.from);
      const label = s && (w.via === 'queue' || s.queue === w.to.node.id) ? `consume · ${kedaText(s)}` : 'consume';
      edges.push({ from: to, to: from, kind, label });
    } else {
      edges.push({ from, to, kind, label: kind });
    }
  }

  nodes.sort((a, b) => GROUP_ORDER[a.group] - GROUP_ORDER[b.group] || compare(a.id, b.id));
  const unique = new Map<string, GraphEdge>();
  for (const e of edges) unique.set(`${e.from}\u0000${e.to}\u0000${e.kind}`, unique.get(`${e.from}\u0000${e.to}\u0000${e.kind}`) ?? e);
  const sorted = [...unique.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind) || compare(a.label, b.label));
  return { app: String(app.name), environment: env.name, rendered: rendered !== undefined, ...(problems ? { problems } : {}), nodes, edges: sorted };
}

/** Code-unit order, the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function recipeName(r: ResourceRef, env: Environment): string | undefined {
  try {
    return r.recipe(env)?.name;
  } catch {
    return undefined;
  }
}

/** A workload's props with environment `env`'s overrides merged in (tolerant: props may be anything in a program with problems). */
function effectiveProps(c: AnyComponent, env: string): Record<string, any> {
  const props = (c as { props?: unknown }).props;
  if (typeof props !== 'object' || props === null) return {};
  const p = props as Record<string, any>;
  const o = p.overrides?.[env];
  if (typeof o !== 'object' || o === null) return p;
  const merged: Record<string, any> = { ...p, ...o };
  if (o.replicas !== undefined && o.autoscale === undefined) merged.autoscale = undefined;
  if (o.autoscale !== undefined && o.replicas === undefined) merged.replicas = undefined;
  if (o.route !== undefined) merged.route = o.route === false ? undefined : { ...p.route, ...o.route };
  return merged;
}

/** The tag of an image reference (or its digest, shortened), `ghcr.io/acme/a:1.4.2` → `1.4.2`; `latest` when it names neither. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1);
    return digest.length > 19 ? digest.slice(0, 19) : digest;
  }
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : 'latest';
}

function podSpecOf(m: Record<string, any>): Record<string, any> | undefined {
  return m?.spec?.template?.spec ?? m?.spec?.jobTemplate?.spec?.template?.spec;
}

function imageOf(objects: readonly RenderedObject[]): string | undefined {
  for (const o of objects) {
    if (o.role !== 'workload') continue;
    const image = podSpecOf(o.manifest)?.containers?.[0]?.image;
    if (typeof image === 'string') return image;
  }
  return undefined;
}

function num(x: unknown, fallback: number): number {
  const n = typeof x === 'string' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function hpaMetric(m: Record<string, any>): string {
  const r = m?.resource ?? m?.containerResource;
  if (r) {
    const t = r.target ?? {};
    const v = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : t.averageValue ?? t.value;
    return v !== undefined ? `${r.name} ${v}` : String(r.name);
  }
  const named = m?.pods?.metric?.name ?? m?.object?.metric?.name ?? m?.external?.metric?.name;
  return named ? String(named) : String(m?.type ?? 'metric');
}

function renderedScaling(objects: readonly RenderedObject[]): GraphScaling | undefined {
  const so = objects.find((o) => o.kind === 'ScaledObject')?.manifest;
  if (so) {
    const triggers: Record<string, any>[] = Array.isArray(so.spec?.triggers) ? so.spec.triggers : [];
    const queue = triggers.find((t) => t?.metadata?.queueLength !== undefined || /queue/i.test(String(t?.type)));
    const metrics = triggers.filter((t) => t !== queue).map((t) => (t?.type === 'cpu' || t?.type === 'memory') && t?.metadata?.value !== undefined
      ? `${t.type} ${t.metadata.value}%` : String(t?.type));
    const perReplica = queue?.metadata?.queueLength;
    return { kind: 'keda', min: num(so.spec?.minReplicaCount, 0), max: num(so.spec?.maxReplicaCount, 100), metrics,
      ...(perReplica !== undefined ? { messagesPerReplica: num(perReplica, 5) } : {}) };
  }
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.manifest;
  if (hpa) {
    const metrics: Record<string, any>[] = Array.isArray(hpa.spec?.metrics) ? hpa.spec.metrics : [];
    return { kind: 'hpa', min: num(hpa.spec?.minReplicas, 1), max: num(hpa.spec?.maxReplicas, 1), metrics: metrics.map(hpaMetric) };
  }
  const deployment = objects.find((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')?.manifest;
  if (deployment && deployment.spec?.replicas !== undefined) return { kind: 'fixed', replicas: num(deployment.spec.replicas, 1) };
  return undefined;
}

function percentMetrics(a: Record<string, any>, cpuDefault: boolean): string[] {
  const out: string[] = [];
  const cpu = a.cpuPercent ?? (cpuDefault && a.memoryPercent === undefined ? 70 : undefined);
  if (cpu !== undefined) out.push(`cpu ${cpu}%`);
  if (a.memoryPercent !== undefined) out.push(`memory ${a.memoryPercent}%`);
  return out;
}

/** The scaling the props say, for a program that does not render. */
function propsScaling(c: AnyComponent, props: Record<string, any>): GraphScaling | undefined {
  const a = props.autoscale;
  if (c.kind === 'QueueWorker') {
    const q = typeof a === 'object' && a !== null ? a : { min: 0, max: 10, messagesPerReplica: 10 };
    return { kind: 'keda', min: num(q.min, 0), max: num(q.max, 10), messagesPerReplica: num(q.messagesPerReplica, 10),
      ...(props.queue?.node?.id ? { queue: String(props.queue.node.id) } : {}), metrics: percentMetrics(q, false) };
  }
  if (c.kind !== 'WebService' && c.kind !== 'Worker') return undefined;
  if (typeof a === 'object' && a !== null) return { kind: 'hpa', min: num(a.min, 1), max: num(a.max, 1), metrics: percentMetrics(a, true) };
  return { kind: 'fixed', replicas: num(props.replicas, 2) };
}

function kedaText(s: Extract<GraphScaling, { kind: 'keda' }>): string {
  const per = s.messagesPerReplica !== undefined ? `KEDA ${s.messagesPerReplica} msg/replica` : 'KEDA';
  return `${per} · ${s.min}–${s.max}`;
}

/** One line for a workload node: `HPA 2–10 · cpu 70%`, `KEDA 0–20 · 10 msg/replica`, `2 replicas`. */
export function scalingText(s: GraphScaling): string {
  if (s.kind === 'fixed') return `${s.replicas} replica${s.replicas === 1 ? '' : 's'}`;
  const metrics = s.kind === 'keda'
    ? [...(s.messagesPerReplica !== undefined ? [`${s.messagesPerReplica} msg/replica`] : []), ...s.metrics]
    : s.metrics;
  return [`${s.kind === 'hpa' ? 'HPA' : 'KEDA'} ${s.min}–${s.max}`, ...metrics].join(' · ');
}

interface RouteInfo {
  readonly kind: string;
  readonly hosts: string[];
  readonly path: string;
}

function renderedRoute(objects: readonly RenderedObject[]): RouteInfo | undefined {
  const http = objects.find((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')?.manifest;
  if (http) {
    const hosts = Array.isArray(http.spec?.hostnames) ? http.spec.hostnames.map(String) : [];
    const path = http.spec?.rules?.[0]?.matches?.[0]?.path?.value;
    return { kind: String(http.kind), hosts, path: typeof path === 'string' ? path : '/' };
  }
  const ingress = objects.find((o) => o.kind === 'Ingress')?.manifest;
  if (ingress) {
    const rules: Record<string, any>[] = Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : [];
    const hosts = rules.map((r) => r?.host).filter((h): h is string => typeof h === 'string');
    const path = rules[0]?.http?.paths?.[0]?.path;
    return { kind: 'Ingress', hosts, path: typeof path === 'string' ? path : '/' };
  }
  return undefined;
}

/** The route the props say (as WebService renders it), for a program that does not render. */
function propsRoute(c: AnyComponent, props: Record<string, any>, env: Environment): RouteInfo | undefined {
  if (c.kind !== 'WebService') return undefined;
  const r = props.route;
  if (typeof r !== 'object' || r === null) return undefined;
  const host = typeof r.host === 'string' ? r.host : r.subdomain && env.domain ? `${r.subdomain}.${env.domain}` : env.domain;
  const kind = r.kind === 'ingress' ? 'Ingress' : r.kind === 'grpcroute' || (r.kind === undefined && props.protocol === 'grpc') ? 'GRPCRoute' : 'HTTPRoute';
  return { kind, hosts: host ? [host] : [], path: typeof r.path === 'string' ? r.path : '/' };
}

/** The cloud identity a recipe created for a workload: its objects of role `identity`, the role itself rather than its policies. */
function identityOf(objects: readonly RenderedObject[]): RenderedObject | undefined {
  const mine = objects.filter((o) => o.role === 'identity');
  if (mine.length === 0) return undefined;
  return mine.find((o) => !/Policy|Binding|Attachment|Credential/.test(o.kind)) ?? mine[0];
}
