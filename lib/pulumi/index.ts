// libk8s/pulumi: deploys a libk8s App with Pulumi. Never loaded by `import 'libk8s'`; it needs @pulumi/pulumi and @pulumi/kubernetes (and @pulumi/aws for the pulumi-aws recipe).
import '../synth';
import '../recipes';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { App } from '../core/app';
import type { Component } from '../core/component';
import type { Environment } from '../core/environment';
import type { RenderedObject } from '../core/pipeline';
import { isResource, wiresFrom } from '../core/wiring';
import { blocking } from '../guardrails/engine';
import { GuardrailsError } from '../guardrails/format';
import { formatTable } from '../guardrails/reporters/table';
import { registerManifest } from './kinds';
import { NameSet, objectName } from './names';
import { isPulumiRecipe, PulumiIdentity, PulumiProvisioned, PulumiRecipe } from './recipe';

export { typeToken, registerManifest, TYPED_KINDS, KubernetesClass } from './kinds';
export { objectName, pulumiName } from './names';
export {
  pulumiAws, PulumiAwsOptions, PulumiRecipe, PulumiProvisioned, PulumiIdentity, IdentityPlan, isPulumiRecipe, PULUMI_AWS, PULUMI_PLACEHOLDER_ANNOTATION,
} from './recipe';

/** The type token of the component. */
export const APP_TYPE = 'libk8s:index:App';

/** The ServiceAccount annotations that name a workload's cloud identity (EKS IRSA, GKE, Azure). */
const CLOUD_ROLE_ANNOTATIONS = ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', 'azure.workload.identity/client-id'];

export interface Libk8sAppArgs {
  /** The libk8s program's App (build its constructs; do not call `app.synth()`). */
  readonly app: App;
  /**
   * The environment this stack deploys.
   * @default - the stack name (`pulumi.getStack()`)
   */
  readonly environment?: string;
  /**
   * The Kubernetes provider every object is created with.
   * @default - the stack's default provider (the ambient kubeconfig)
   */
  readonly provider?: k8s.Provider;
  /**
   * `enforce` throws on an error-level guardrail finding before anything is
   * registered; `warn` logs the report and deploys.
   * @default 'enforce'
   */
  readonly guardrails?: 'enforce' | 'warn';
}

/** One workload's identity, as the stack outputs it. */
export interface WorkloadOutput {
  /** Its ServiceAccount's name. */
  readonly serviceAccountName: string;
  /** Its cloud role's name (the IAM role), when it has one. */
  readonly roleName?: string;
  /** Its cloud role (the IAM role's ARN, or the GKE/Azure identity its ServiceAccount names), when it has one. */
  readonly cloudRole?: string;
}

/** One queue, as the stack outputs it. */
export interface QueueOutput {
  readonly url?: string;
  readonly name?: string;
}

/** One rendered object and the Pulumi resource it became. */
export interface RegisteredObject {
  readonly object: RenderedObject;
  readonly resource: pulumi.CustomResource;
  /** Its Pulumi resource name. */
  readonly name: string;
}

/**
 * A libk8s App deployed by Pulumi: one typed `@pulumi/kubernetes` resource
 * per object `app.render()` gives for the environment (custom resources as
 * `CustomResource`), ordered by the wiring: namespaces first, a workload's
 * cloud identity before its objects, and a workload's objects after the
 * objects (and cloud resources) of the resources it connects to. The
 * guardrails run first: an error-level finding throws the same report as
 * `libk8s synth`, and nothing is registered.
 *
 * @example
 * const app = new App({ name: 'shop', … });  // the constructs, without app.synth()
 * const deployed = new Libk8sApp('shop', { app });  // environment = the stack name
 * export const routes = deployed.routes;
 */
export class Libk8sApp extends pulumi.ComponentResource {
  /** The environment deployed. */
  public readonly environment: string;
  /** Every rendered object and its resource, in render order. */
  public readonly objects: readonly RegisteredObject[];
  /** Every resource registered (Kubernetes objects and the pulumi recipe's cloud resources), by Pulumi name. */
  public readonly resources: Readonly<Record<string, pulumi.Resource>>;
  /** Each route's URL (`host:443` for a GRPCRoute: what a gRPC client dials), by workload id (`<id>/<object>` when a workload has more than one). */
  public readonly routes: pulumi.Output<Record<string, string>>;
  /** Each queue's URL and name, by queue id. */
  public readonly queues: pulumi.Output<Record<string, QueueOutput>>;
  /** Each workload's ServiceAccount and cloud role, by workload id. */
  public readonly workloads: pulumi.Output<Record<string, WorkloadOutput>>;

  constructor(name: string, args: Libk8sAppArgs, opts?: pulumi.ComponentResourceOptions) {
    // render and check before the component itself is registered: a guardrail error registers nothing
    const { env, objects } = renderChecked(args);
    super(APP_TYPE, name, {}, opts);
    this.environment = env.name;

    const app = args.app;
    const byName: Record<string, pulumi.Resource> = {};
    const registered: RegisteredObject[] = [];
    const k8sOpts = (dependsOn: readonly pulumi.Resource[]): pulumi.CustomResourceOptions => ({
      parent: this,
      ...(args.provider ? { provider: args.provider } : {}),
      ...(dependsOn.length ? { dependsOn: [...new Set(dependsOn)] } : {}),
    });

    // the pulumi recipes' cloud resources, then the identities they derived
    const provisioned = new Map<Component, PulumiProvisioned>();
    const recipes = new Set<PulumiRecipe>();
    for (const c of app.components) {
      if (!isResource(c)) continue;
      const recipe = c.recipe(env);
      if (!isPulumiRecipe(recipe)) continue;
      recipes.add(recipe);
      const p = recipe.pulumiResources(c, env, this);
      provisioned.set(c, p);
      Object.assign(byName, p.resources);
    }
    const identities = new Map<Component, PulumiIdentity[]>();
    for (const recipe of recipes) {
      for (const plan of recipe.pulumiIdentities(env)) {
        const deps = plan.resources.flatMap((r) => Object.values(provisioned.get(r as unknown as Component)?.resources ?? {}));
        const id = recipe.pulumiIdentity(plan, env, this, deps);
        Object.assign(byName, id.resources);
        const c = plan.workload as unknown as Component;
        identities.set(c, [...(identities.get(c) ?? []), id]);
      }
    }

    // names: construct path + kind (+ object name), unique per construct
    const names = new Map<RenderedObject, string>();
    const sets = new Map<Component, NameSet>();
    for (const o of objects) {
      let set = sets.get(o.component);
      if (!set) sets.set(o.component, (set = new NameSet()));
      names.set(o, set.take(objectName(o.component.displayPath, o.component.node.id, o.kind, o.name), o.apiVersion));
    }

    const ofComponent = new Map<Component, pulumi.Resource[]>();
    const identityOf = new Map<Component, pulumi.Resource[]>();
    const add = (o: RenderedObject, r: pulumi.CustomResource) => {
      const n = names.get(o)!;
      registered.push({ object: o, resource: r, name: n });
      byName[n] = r;
      const map = o.role === 'identity' ? identityOf : ofComponent;
      map.set(o.component, [...(map.get(o.component) ?? []), r]);
    };

    // 1. namespaces
    const namespaces: pulumi.Resource[] = [];
    for (const o of objects.filter((x) => x.kind === 'Namespace' && x.apiVersion === 'v1')) {
      const r = registerManifest(names.get(o)!, o.manifest, k8sOpts([]));
      namespaces.push(r);
      add(o, r);
    }
    const rest = objects.filter((x) => !(x.kind === 'Namespace' && x.apiVersion === 'v1'));

    // 2. the resources' objects (a pulumi recipe's connection Secret filled from its cloud resources' outputs)
    for (const o of rest.filter((x) => x.role === 'resource')) {
      const p = provisioned.get(o.component);
      let manifest = o.manifest;
      const filled = p && o.kind === 'Secret' && o.apiVersion === 'v1' ? p.secrets[o.name] : undefined;
      if (filled) manifest = { ...manifest, stringData: { ...manifest.stringData, ...filled } };
      add(o, registerManifest(names.get(o)!, manifest, k8sOpts([...namespaces, ...Object.values(p?.resources ?? {})])));
    }
    for (const [c, p] of provisioned) ofComponent.set(c, [...Object.values(p.resources), ...(ofComponent.get(c) ?? [])]);

    // 3. workload identities
    for (const o of rest.filter((x) => x.role === 'identity')) add(o, registerManifest(names.get(o)!, o.manifest, k8sOpts(namespaces)));
    for (const [c, ids] of identities) identityOf.set(c, [...ids.flatMap((i) => Object.values(i.resources)), ...(identityOf.get(c) ?? [])]);

    // 4. workloads, after their identity and the resources they connect to
    for (const o of rest.filter((x) => x.role === 'workload')) {
      const used = wiresFrom(o.component).filter((w) => isResource(w.to)).flatMap((w) => ofComponent.get(w.to as Component) ?? []);
      add(o, registerManifest(names.get(o)!, o.manifest, k8sOpts([...namespaces, ...(identityOf.get(o.component) ?? []), ...used])));
    }

    // keep render order in `objects`
    const order = new Map(objects.map((o, i) => [o, i]));
    registered.sort((a, b) => order.get(a.object)! - order.get(b.object)!);
    this.objects = registered;
    this.resources = byName;

    this.routes = pulumi.output(routesOf(objects));
    this.queues = pulumi.output(queuesOf(app, env, objects, provisioned)) as pulumi.Output<Record<string, QueueOutput>>;
    this.workloads = pulumi.output(workloadsOf(objects, identities)) as pulumi.Output<Record<string, WorkloadOutput>>;
    this.registerOutputs({ environment: this.environment, routes: this.routes, queues: this.queues, workloads: this.workloads });
  }
}

/** Renders the environment and runs the guardrails; throws before anything is registered. */
function renderChecked(args: Libk8sAppArgs): { env: Environment; objects: readonly RenderedObject[] } {
  const app = args.app;
  const envName = args.environment ?? pulumi.getStack();
  const env = app.environment(envName);
  if (!env) {
    throw new Error(`libk8s: app '${app.name}' has no environment '${envName}'${args.environment ? '' : ' (the stack name)'}; it has ${app.environments.map((e) => e.name).join(', ')}. `
      + 'Name the stack after an environment, or pass `environment`.');
  }
  const rendered = app.render({ environments: [envName] });
  const reports = app.check(rendered);
  const failing = reports.flatMap(blocking);
  if (failing.length > 0) {
    if (args.guardrails !== 'warn') throw new GuardrailsError(reports, failing);
    pulumi.log.warn(formatTable(reports));
  }
  return { env, objects: rendered[0].objects };
}

/** `https://<host><path>` of each HTTPRoute (and Ingress) rule. */
function routesOf(objects: readonly RenderedObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  const routes = objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute' || o.kind === 'Ingress');
  for (const o of routes) {
    let url: string | undefined;
    if (o.kind === 'GRPCRoute') {
      // what a gRPC client dials: the route's host on the Gateway's HTTPS listener
      const host = o.manifest.spec?.hostnames?.[0];
      if (host) url = `${host}:443`;
    } else if (o.kind === 'HTTPRoute') {
      const host = o.manifest.spec?.hostnames?.[0];
      const path = o.manifest.spec?.rules?.[0]?.matches?.[0]?.path?.value ?? '/';
      if (host) url = `https://${host}${path}`;
    } else {
      const rule = o.manifest.spec?.rules?.[0];
      if (rule?.host) url = `https://${rule.host}${rule.http?.paths?.[0]?.path ?? '/'}`;
    }
    if (!url) continue;
    const several = routes.filter((r) => r.component === o.component).length > 1;
    out[several ? `${o.component.node.id}/${o.name}` : o.component.node.id] = url;
  }
  return out;
}

/** A Secret's value of `key` (stringData, else data base64-decoded). */
function secretValue(manifest: Record<string, any>, key: string): string | undefined {
  if (manifest.stringData?.[key] !== undefined) return String(manifest.stringData[key]);
  if (manifest.data?.[key] !== undefined) return Buffer.from(String(manifest.data[key]), 'base64').toString('utf8');
  return undefined;
}

/** Each queue's URL and name: a pulumi recipe's outputs, else its connection Secret's keys, else the recipe's literal connection values. */
function queuesOf(app: App, env: Environment, objects: readonly RenderedObject[], provisioned: Map<Component, PulumiProvisioned>): Record<string, pulumi.Input<QueueOutput>> {
  const out: Record<string, pulumi.Input<QueueOutput>> = {};
  for (const c of app.components) {
    if (!isResource(c) || c.resourceType !== 'queue' || !c.recipe(env)) continue;
    const p = provisioned.get(c);
    const connection = c.connection(env);
    const filled = p?.secrets[connection.secretName];
    if (filled) {
      out[c.node.id] = pulumi.output({ url: filled.url, name: filled.name }) as pulumi.Output<QueueOutput>;
      continue;
    }
    const value = (key: string): string | undefined => {
      const v = connection.values[key];
      if (!v) return undefined;
      if ('value' in v) return v.value;
      const secret = objects.find((o) => o.kind === 'Secret' && o.name === v.secret);
      return secret ? secretValue(secret.manifest, v.key) : undefined;
    };
    out[c.node.id] = { url: value('url') ?? connection.ids.url, name: value('name') ?? connection.ids.name };
  }
  return out;
}

/** Each workload's ServiceAccount name and cloud role (a pulumi recipe's IAM role, else its IAM Role object and the ServiceAccount's role annotation). */
function workloadsOf(objects: readonly RenderedObject[], identities: Map<Component, PulumiIdentity[]>): Record<string, pulumi.Input<WorkloadOutput>> {
  const out: Record<string, pulumi.Input<WorkloadOutput>> = {};
  for (const sa of objects.filter((o) => o.kind === 'ServiceAccount' && o.role === 'workload')) {
    const c = sa.component;
    const annotations: Record<string, string> = sa.manifest.metadata?.annotations ?? {};
    const annotated = CLOUD_ROLE_ANNOTATIONS.map((k) => annotations[k]).find((v) => v !== undefined);
    const pulumiRole = identities.get(c)?.[0];
    const roleObject = objects.find((o) => o.component === c && o.role === 'identity' && o.kind === 'Role' && o.apiVersion.startsWith('iam.'));
    const roleName = pulumiRole?.roleName
      ?? (roleObject ? roleObject.manifest.metadata?.annotations?.['crossplane.io/external-name'] ?? roleObject.name : undefined);
    const cloudRole = pulumiRole?.roleArn ?? annotated;
    out[c.node.id] = pulumi.output({
      serviceAccountName: sa.name,
      ...(roleName !== undefined ? { roleName } : {}),
      ...(cloudRole !== undefined ? { cloudRole } : {}),
    }) as pulumi.Output<WorkloadOutput>;
  }
  return out;
}
