import * as k8s from '../core/kube';
import { Construct } from 'constructs';
import { AnyComponent, RenderContext } from '../core/component';
import { Environment } from '../core/environment';
import { Libk8sError, ProblemList, show } from '../core/errors';
import { policySelector } from '../core/labels';
import { IDENTITY_SCOPE } from '../core/recipe';
import type { Grant, IdentityBinding, NetworkPeer, Recipe, WorkloadRef } from '../core/recipe';
import { ComposedEnv, isResource, Wire, wirePrefix, wireProp, wiresFrom, wiresTo } from '../core/wiring';
import { composedText, containerEnv } from './env';
import { envVar, wireEnv } from './formats';

/**
 * What a workload serves to the workloads that connect to it: its Service
 * name and port, and the container ports its callers' egress opens.
 */
export interface Served {
  /** The Service callers address (`<name>.<namespace>.svc`). */
  readonly serviceName: string;
  /** The Service port of the main (`http`) port. */
  readonly servicePort: number;
  /** The container ports behind the Service: callers' egress opens their numbers, the peer's ingress their names. */
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol?: string; readonly appProtocol?: string }[];
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
  /** The text of an `Env.compose` value of the workload's env in this environment. */
  compose(value: ComposedEnv): string;
  /**
   * The main container's env: its own variables and the wired ones (`env`),
   * ordered so every `$(VAR)` reference expands; a reference that cannot is
   * thrown as a problem.
   */
  containerEnv(own: readonly k8s.EnvVar[] | undefined): k8s.EnvVar[] | undefined;
}

export { envVar, wireEnv } from './formats';

/** Two wires of one workload that give it variables of the same names in an environment. */
export interface EnvClash {
  /** The wire that gives the names first. */
  readonly first: Wire;
  /** The later wire that would overwrite them. */
  readonly second: Wire;
  /** The names both give, sorted. */
  readonly names: readonly string[];
}

/**
 * The names of the variables the wiring of `c` gives it in `env`, each with
 * the first wire that gives it, and the wires that give a name an earlier
 * wire gives too (which would overwrite it), for checks before rendering.
 */
export function wiredEnvNames(c: AnyComponent, env: Environment): { readonly names: ReadonlyMap<string, Wire>; readonly clashes: readonly EnvClash[] } {
  const names = new Map<string, Wire>();
  const clashes = new Map<string, { first: Wire; second: Wire; names: string[] }>();
  const wires = wiresFrom(c);
  for (const [i, w] of wires.entries()) {
    for (const { name } of wireEnv(w, env)) {
      const first = names.get(name);
      if (!first) {
        names.set(name, w);
      } else if (first.to !== w.to) {
        // the same target twice is a wiring problem of its own (checkWires)
        const key = `${wires.indexOf(first)}:${i}`;
        const clash = clashes.get(key) ?? { first, second: w, names: [] };
        clash.names.push(name);
        clashes.set(key, clash);
      }
    }
  }
  return { names, clashes: [...clashes.values()].map((x) => ({ ...x, names: [...x.names].sort() })) };
}

/** The grants of `workload` on resources, grouped by the recipe that provisions each in `env`. */
export function grantsByRecipe(workload: AnyComponent, env: Environment): Map<Recipe, Grant[]> {
  const out = new Map<Recipe, Grant[]>();
  for (const w of wiresFrom(workload)) {
    if (!isResource(w.to) || !w.to.placedIn(env)) continue;
    const resource = w.to;
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
    if (!workload.placedIn(env)) continue;
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

/** What the workload's own props set that a workload identity may set too. */
export interface OwnValues {
  /**
   * The names of its own environment variables in this environment, each
   * with the prop that sets it (`env.X`, `overrides.dev.env.X`).
   * @default - none
   */
  readonly env?: ReadonlyMap<string, string>;
  /** Its `serviceAccountAnnotations`. @default - none */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

/**
 * Derives env, NetworkPolicy rules and identity for `workload` in `ctx`'s
 * environment; each recipe's identity objects go to their own scope under
 * `ctx.scope`. A value two sources set differently (two recipes' identities,
 * an identity and a resource's variable, an identity and the workload's own
 * props) is a problem, never last-wins: they are thrown together.
 */
export function deriveWiring(workload: AnyComponent & WorkloadRef, ctx: RenderContext, own: OwnValues = {}): DerivedWiring {
  const env = ctx.environment;
  const problems = new ProblemList(workload.kind, workload.node.id, workload.displayPath);
  const vars = new Map<string, k8s.EnvVar>();
  const varBy = new Map<string, Wire>();
  const egress: k8s.NetworkPolicyEgressRule[] = [];
  const peers: NetworkPeer[] = [];
  for (const w of wiresFrom(workload)) {
    // a name two wires give is reported by validation; the first one's value stays
    for (const v of wireEnv(w, env)) {
      if (vars.has(v.name)) continue;
      vars.set(v.name, v);
      varBy.set(v.name, w);
    }
    if (isResource(w.to)) {
      const resource = w.to;
      if (resource.recipe(env)) peers.push(...resource.connection(env).network);
      continue;
    }
    const served = (w.to as unknown as Partial<ServingWorkload>).served?.(env);
    if (!served) continue;
    egress.push({
      to: [{ podSelector: { matchLabels: policySelector(w.to.name) } }],
      ports: served.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(p.port) })),
    });
  }
  const identity = applyIdentities(workload, ctx, { vars, varBy, own, problems });
  peers.push(...identity.network);
  if (problems.all.length > 0) throw new Libk8sError(problems.all);
  for (const peer of peers) {
    const ports = peer.ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    egress.push(peer.kind === 'pods'
      ? { to: [{ podSelector: { matchLabels: { ...peer.selector } } }], ports }
      : { to: peer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports });
  }
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  const callers = wiresTo(workload).filter((w) => w.from !== workload && w.from.placedIn(env));
  const served = (workload as unknown as Partial<ServingWorkload>).served?.(env);
  if (callers.length && served) {
    ingress.push({
      from: [...new Set(callers.map((w) => w.from.name))].sort().map((name) => ({ podSelector: { matchLabels: policySelector(name) } })),
      ports: served.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.name ? k8s.IntOrString.fromString(p.name) : k8s.IntOrString.fromNumber(p.port) })),
    });
  }
  const wired = [...vars.keys()].sort().map((k) => vars.get(k)!);
  const propOf = (name: string) => own.env?.get(name) ?? (varBy.has(name) ? wireProp(varBy.get(name)!) : `env.${name}`);
  return {
    env: wired,
    egress: dedupe(egress),
    ingress,
    identity: { serviceAccountAnnotations: identity.serviceAccountAnnotations, podLabels: identity.podLabels },
    compose: (value) => composedText(workload, value, env),
    // the props' variables first, then the wiring's (validation rejects a name in both)
    containerEnv: (mine) => containerEnv(workload, [...(mine ?? []), ...wired], propOf, env),
  };
}

/**
 * Calls the identity() of each recipe that grants `workload` something in
 * `ctx`'s environment, each in a scope of its own under the identity scope
 * (two recipes may use the same construct ids), and merges what they give:
 * ServiceAccount annotations, pod labels and environment variables (into
 * `vars`). A key two sources set to different values is added to `problems`.
 */
function applyIdentities(workload: AnyComponent & WorkloadRef, ctx: RenderContext, into: {
  readonly vars: Map<string, k8s.EnvVar>; readonly varBy: ReadonlyMap<string, Wire>; readonly own: OwnValues; readonly problems: ProblemList;
}): Required<Pick<IdentityBinding, 'serviceAccountAnnotations' | 'podLabels' | 'network'>> {
  const { vars, varBy, own, problems } = into;
  const env = ctx.environment;
  const annotations: Record<string, string> = {};
  const podLabels: Record<string, string> = {};
  const network: NetworkPeer[] = [];
  const grouped = grantsByRecipe(workload, env);
  if (grouped.size === 0) return { serviceAccountAnnotations: annotations, podLabels, network };
  const scope = new Construct(ctx.scope, IDENTITY_SCOPE);
  const first = [...grouped.keys()][0];
  const wireOf = (g: Grant) => wiresFrom(workload).find((w) => w.to === g.resource)!;
  const setBy = new Map<string, string>();
  const givers: { readonly label: string; readonly signature: string }[] = [];
  for (const [recipe, grants] of grouped) {
    const binding = recipe.identity?.(workload, grants, { ...ctx, scope: new Construct(scope, recipe.name) }) ?? {};
    const source = `the workload identity of recipe '${recipe.name}'`;
    const label = `recipe '${recipe.name}' (for ${grants.map((g) => wireProp(wireOf(g))).join(', ')})`;
    /** Adds the problem of `key` set to `value` here and to `before` by an earlier recipe. */
    const conflict = (what: string, key: string, value: string, before: string, one: string) => problems.add(wireProp(wireOf(grants[0])),
      `gets ${what} ${show(key)} ${value} from ${source}, but ${setBy.get(`${what}\u0000${key}`)} sets it to ${before}; ${one}`,
      `provision every resource '${workload.node.id}' is granted in environment '${env.name}' with one recipe (e.g. recipes: { default: '${first.name}' }), or make the recipes' identities agree.`, env.name);
    const merge = (what: string, target: Record<string, string>, values: Readonly<Record<string, string>> | undefined, one: string) => {
      for (const [key, value] of Object.entries(values ?? {})) {
        if (target[key] !== undefined && target[key] !== value) {
          conflict(what, key, show(value), show(target[key]), one);
        } else if (what === 'ServiceAccount annotation' && own.serviceAccountAnnotations?.[key] !== undefined && own.serviceAccountAnnotations[key] !== value) {
          problems.add(`serviceAccountAnnotations.${key}`, `${show(own.serviceAccountAnnotations[key])} is also set by ${source}, to ${show(value)}, which would overwrite it`,
            `remove it: the identity's value is the one its grants are on in environment '${env.name}'.`, env.name);
        } else {
          target[key] = value;
          setBy.set(`${what}\u0000${key}`, label);
        }
      }
    };
    merge('ServiceAccount annotation', annotations, binding.serviceAccountAnnotations, 'a ServiceAccount has one value per annotation');
    merge('pod label', podLabels, binding.podLabels, 'a pod has one value per label');
    for (const [name, value] of Object.entries(binding.env ?? {})) {
      const v = envVar(name, value);
      const before = vars.get(name);
      const differs = before !== undefined && JSON.stringify(before) !== JSON.stringify(v);
      if (own.env?.has(name)) {
        problems.add(own.env.get(name), `is also set by ${source}, which would overwrite it`,
          `rename the variable, or drop it and use the one the identity provides in environment '${env.name}'.`, env.name);
      } else if (differs && varBy.has(name)) {
        const w = varBy.get(name)!;
        problems.add(wireProp(w), `gives ${name}, which ${source} sets too, so one would overwrite the other`,
          `rename '${w.to.node.id}'${w.via === 'connect' ? `, or give ${wireProp(w)} another prefix ({ env: '...' }),` : ''} so its variables do not start with ${wirePrefix(w)}_.`, env.name);
      } else if (differs) {
        conflict('environment variable', name, describeValue(v), describeValue(before!), 'a container has one value per variable');
      } else {
        vars.set(name, v);
        setBy.set(`environment variable\u0000${name}`, label);
      }
    }
    network.push(...(binding.network ?? []));
    const signature = JSON.stringify([binding.serviceAccountAnnotations ?? {}, binding.podLabels ?? {}, binding.env ?? {}]);
    if (signature !== '[{},{},{}]' && !givers.some((g) => g.signature === signature)) givers.push({ label, signature });
  }
  if (givers.length > 1) {
    // e.g. in-cluster's static keys beside crossplane-aws's role: the SDK takes the keys first, so the role's grants never apply
    problems.add(undefined, `gets a cloud identity from ${givers.map((g) => g.label).join(' and from ')} in environment '${env.name}'; a workload has one identity, and credentials from one would shadow the other's grants`,
      `provision every resource '${workload.node.id}' is granted in environment '${env.name}' with recipes that share one identity (e.g. recipes: { default: '${first.name}' }).`, env.name);
  }
  return { serviceAccountAnnotations: annotations, podLabels, network };
}

/** A variable's value in a message: the literal, or the Secret key it comes from. */
function describeValue(v: k8s.EnvVar): string {
  const ref = v.valueFrom?.secretKeyRef;
  return ref ? `from Secret ${show(ref.name)} key ${show(ref.key)}` : show(v.value);
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
