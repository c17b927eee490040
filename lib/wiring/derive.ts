import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AnyComponent, RenderContext } from '../core/component';
import { Environment } from '../core/environment';
import { ProblemList } from '../core/errors';
import { policySelector } from '../core/labels';
import { IDENTITY_SCOPE } from '../core/recipe';
import type { ConnectionValue, Grant, IdentityBinding, NetworkPeer, Recipe, ResourceRef, WorkloadRef } from '../core/recipe';
import { envPrefix, isResource, wiresFrom, wiresTo } from './wiring';

/**
 * What a workload serves to the workloads that connect to it: its Service
 * name and port, and the container ports its callers' egress opens.
 */
export interface Served {
  readonly serviceName: string;
  readonly servicePort: number;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol?: string }[];
}

/** A workload that other workloads can `connect()` to (it has a Service). */
export interface ServingWorkload extends AnyComponent {
  served(env: Environment): Served | undefined;
}

/** Everything the wiring derives for one workload in one environment. */
export interface DerivedWiring {
  /** Environment variables, sorted by name. */
  readonly env: k8s.EnvVar[];
  /** NetworkPolicy egress rules beyond DNS. */
  readonly egress: k8s.NetworkPolicyEgressRule[];
  /** NetworkPolicy ingress rules for the workloads that connect to this one. */
  readonly ingress: k8s.NetworkPolicyIngressRule[];
  /** ServiceAccount annotations and pod labels from cloud identities. */
  readonly identity: Required<Pick<IdentityBinding, 'serviceAccountAnnotations' | 'podLabels'>>;
}

/** The environment variable a connection value becomes. */
export function envVar(name: string, v: ConnectionValue): k8s.EnvVar {
  return 'secret' in v ? { name, valueFrom: { secretKeyRef: { name: v.secret, key: v.key } } } : { name, value: v.value };
}

/** The names of the environment variables the wiring of `c` gives it (for clash checks before rendering). */
export function wiredEnvNames(c: AnyComponent): Map<string, string> {
  const names = new Map<string, string>();
  for (const w of wiresFrom(c)) {
    if (isResource(w.to)) {
      for (const key of (w.to as ResourceRef & { connectionKeys: readonly string[] }).connectionKeys) {
        names.set(`${envPrefix(w.to.node.id)}_${envKey(key)}`, `${w.via}(${w.to.node.id})`);
      }
    } else {
      names.set(`${envPrefix(w.to.node.id)}_URL`, `connect(${w.to.node.id})`);
    }
  }
  return names;
}

/** `deadLetterUrl` → `DEAD_LETTER_URL`. */
function envKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The grants of `workload` on resources, grouped by the recipe that provisions each in `env`. */
export function grantsByRecipe(workload: AnyComponent, env: Environment): Map<Recipe, Grant[]> {
  const out = new Map<Recipe, Grant[]>();
  for (const w of wiresFrom(workload)) {
    if (!isResource(w.to)) continue;
    const resource = w.to as ResourceRef & { recipe(env: Environment): Recipe | undefined; connection(env: Environment): any };
    const recipe = resource.recipe(env);
    if (!recipe) continue;
    const list = out.get(recipe) ?? [];
    list.push({ resource, access: w.access, connection: resource.connection(env) });
    out.set(recipe, list);
  }
  return out;
}

/** Problems of a workload's wiring in each environment: a grant no recipe can give an identity for. */
export function checkWorkloadWiring(workload: AnyComponent, problems: ProblemList): void {
  for (const env of workload.app.environments) {
    for (const [recipe, grants] of grantsByRecipe(workload, env)) {
      if (recipe.identity) {
        recipe.checkIdentity?.(workload as AnyComponent & WorkloadRef, grants, env, problems);
        continue;
      }
      for (const g of grants.filter((x) => x.access !== 'connect')) {
        problems.add(`${g.access === 'send' ? 'sendTo' : 'connect'}(${g.resource.node.id})`,
          `needs '${g.access}' access to ${g.resource.kind} '${g.resource.node.id}', but its recipe '${recipe.name}' in environment '${env.name}' makes no workload identity to grant it`,
          `give the recipe an identity() or choose another recipe for ${g.resource.resourceType} in environment '${env.name}'.`, env.name);
      }
    }
  }
}

/** Derives env, NetworkPolicy rules and identity for `workload` in `ctx`'s environment; identity objects go to `ctx.scope`. */
export function deriveWiring(workload: AnyComponent & WorkloadRef, ctx: RenderContext): DerivedWiring {
  const env = ctx.environment;
  const vars = new Map<string, k8s.EnvVar>();
  const egress: k8s.NetworkPolicyEgressRule[] = [];
  const peers: NetworkPeer[] = [];
  for (const w of wiresFrom(workload)) {
    if (isResource(w.to)) {
      const resource = w.to as ResourceRef & { connection(env: Environment): ReturnType<Recipe['connection']> };
      const conn = resource.connection(env);
      const prefix = envPrefix(resource.node.id);
      for (const [key, v] of Object.entries(conn.values)) vars.set(`${prefix}_${envKey(key)}`, envVar(`${prefix}_${envKey(key)}`, v));
      peers.push(...conn.network);
    } else {
      const served = (w.to as ServingWorkload).served?.(env);
      if (!served) continue;
      const name = `${envPrefix(w.to.node.id)}_URL`;
      vars.set(name, { name, value: `http://${served.serviceName}.${env.namespace}.svc:${served.servicePort}` });
      egress.push({
        to: [{ podSelector: { matchLabels: policySelector(w.to.name) } }],
        ports: served.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(p.port) })),
      });
    }
  }
  const annotations: Record<string, string> = {};
  const podLabels: Record<string, string> = {};
  const grouped = grantsByRecipe(workload, env);
  if (grouped.size > 0) {
    const scope = new Construct(ctx.scope, IDENTITY_SCOPE);
    for (const [recipe, grants] of grouped) {
      const binding = recipe.identity?.(workload, grants, { ...ctx, scope }) ?? {};
      Object.assign(annotations, binding.serviceAccountAnnotations);
      Object.assign(podLabels, binding.podLabels);
      for (const [name, v] of Object.entries(binding.env ?? {})) vars.set(name, envVar(name, v));
      peers.push(...(binding.network ?? []));
    }
  }
  for (const peer of peers) {
    const ports = peer.ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    egress.push(peer.kind === 'pods'
      ? { to: [{ podSelector: { matchLabels: { ...peer.selector } } }], ports }
      : { to: peer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports });
  }
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  const callers = wiresTo(workload).filter((w) => w.from !== workload);
  const served = (workload as unknown as Partial<ServingWorkload>).served?.(env);
  if (callers.length && served) {
    ingress.push({
      from: [...new Set(callers.map((w) => w.from.name))].sort().map((name) => ({ podSelector: { matchLabels: policySelector(name) } })),
      ports: served.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.name ? k8s.IntOrString.fromString(p.name) : k8s.IntOrString.fromNumber(p.port) })),
    });
  }
  return {
    env: [...vars.keys()].sort().map((k) => vars.get(k)!),
    egress: dedupe(egress),
    ingress,
    identity: { serviceAccountAnnotations: annotations, podLabels },
  };
}

function dedupe<T>(rules: T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
