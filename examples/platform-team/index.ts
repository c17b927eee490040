/**
 * @acme/platform: what Acme's platform team publishes on top of libk8s, as a
 * versioned package app repositories depend on (libk8s is its peer).
 *
 * Defaults layer, each layer winning over the one before it:
 *
 *   library (libk8s)  <  platform (this package)  <  app (acmeApp props)
 *     <  environment (an environment's props)  <  construct prop
 *     (<  the construct's per-environment `overrides`)
 *
 * test/golden-paths/precedence.test.ts holds each step to that order.
 */
import {
  App, Bucket, Component, crossplaneAws, CronTask, DEFAULT_SIZES, EnvironmentProps, external, inCluster, Libk8sError, PlatformProps, Postgres,
  Queue, QueueWorker, Redis, ResourceSpec, Rule, Scope, SizeName, Task, WebService, WebServiceProps, Worker, WorkerProps,
} from 'libk8s';

/** libk8s's constructs that need no Acme defaults, re-exported so an app imports everything from here. */
export { Bucket, CronTask, Postgres, Queue, QueueWorker, Redis, Task };

/** Where Acme's images live: `AcmeWebService({ image: 'checkout:3.2.0' })` pulls `registry.acme.example/<team>/checkout:3.2.0`. */
export const ACME_REGISTRY = 'registry.acme.example';

/** The label every object carries with its environment (required by the guardrails below). */
export const ENVIRONMENT_LABEL = 'acme.com/environment';
export const TEAM_LABEL = 'acme.com/team';
export const COST_CENTER_ANNOTATION = 'acme.com/cost-center';

/** Acme's nodes are bigger than libk8s's presets assume: every size gets twice the cpu request. */
export const ACME_SIZES: Record<SizeName, ResourceSpec> = Object.fromEntries(
  Object.entries(DEFAULT_SIZES).map(([size, spec]) => [size, { ...spec, cpu: doubleCpu(spec.cpu) }]),
) as Record<SizeName, ResourceSpec>;

function doubleCpu(cpu: string): string {
  const milli = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  return `${milli * 2}m`;
}

/** Acme's environments: the namespace, the domain and how resources become real in each. */
export const ACME_ENVIRONMENTS = {
  dev: { domain: 'dev.acme.example', recipes: 'in-cluster' },
  staging: { domain: 'staging.acme.example', recipes: { default: 'crossplane-aws', postgres: 'external' } },
  prod: { domain: 'acme.example', recipes: 'crossplane-aws' },
} as const satisfies Record<string, EnvironmentProps>;
export type AcmeEnvironment = keyof typeof ACME_ENVIRONMENTS;

/** Workloads name the cost center their spend is charged to (severity error). */
export const costCenterRule: Rule = {
  id: 'acme/cost-center',
  pack: 'acme',
  severity: 'error',
  description: `Workloads carry an ${COST_CENTER_ANNOTATION} annotation with a code like CC-1234.`,
  fix: "give acmeApp (or the environment) a costCenter: 'CC-1234', or annotations on the construct.",
  kinds: ['Deployment', 'StatefulSet', 'CronJob', 'Job'],
  check: (subject) => {
    const value = subject.manifest.metadata?.annotations?.[COST_CENTER_ANNOTATION];
    if (typeof value === 'string' && /^CC-\d{4}$/.test(value)) return [];
    return [{
      message: value === undefined ? `has no ${COST_CENTER_ANNOTATION} annotation` : `${COST_CENTER_ANNOTATION} ${JSON.stringify(value)} is not a code like "CC-1234"`,
      field: 'metadata.annotations',
    }];
  },
};

/** Images come from Acme's registry, which scans and signs them (severity warning: third-party images are allowed with a waiver). */
export const registryRule: Rule = {
  id: 'acme/registry',
  pack: 'acme',
  severity: 'warning',
  description: `Containers run images from ${ACME_REGISTRY}.`,
  fix: `push the image to ${ACME_REGISTRY} (AcmeWebService and AcmeWorker prefix a bare image name with it).`,
  // the app's own workloads; the dev stand-ins (StatefulSets and their Jobs) run upstream images
  kinds: ['Deployment', 'CronJob'],
  check: (subject) => {
    const spec = subject.manifest.kind === 'CronJob' ? subject.manifest.spec?.jobTemplate?.spec?.template?.spec : subject.manifest.spec?.template?.spec;
    const containers: { name: string; image: string }[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
    return containers.filter((c) => !c.image.startsWith(`${ACME_REGISTRY}/`))
      .map((c) => ({ message: `container ${c.name} runs ${c.image}, not an image of ${ACME_REGISTRY}`, field: 'spec.template.spec.containers' }));
  },
};

/**
 * The waiver policy: a waiver names a ticket (`SEC-123`), and the Pod
 * Security Standards are never waived. `acmeWaive` applies it.
 */
export const WAIVER_POLICY = {
  ticket: /\b[A-Z][A-Z0-9]+-\d+\b/,
  unwaivable: [/^pss-/],
} as const;

/** `construct.waive(rule, reason)` under Acme's waiver policy; a waiver it refuses is a Libk8sError naming the policy. */
export function acmeWaive<C extends Component<any>>(construct: C, rule: string, reason: string, scope?: { kind?: string; name?: string; environment?: string }): C {
  const problem = WAIVER_POLICY.unwaivable.some((r) => r.test(rule))
    ? `'${rule}' is a Pod Security Standards rule, which Acme's waiver policy never waives`
    : !WAIVER_POLICY.ticket.test(reason) ? `the reason ${JSON.stringify(reason)} names no ticket` : undefined;
  if (problem) {
    throw new Libk8sError([{ kind: construct.constructor.name, id: construct.node.id, path: construct.node.path, prop: 'waive', message: problem, fix: 'cite the ticket that tracks the exception, like "SEC-123: …".' }]);
  }
  return construct.waive(rule, reason, scope);
}

/** The platform layer: libk8s's PlatformProps as Acme sets them. */
export const ACME_PLATFORM: PlatformProps = {
  gateway: { name: 'acme-edge', namespace: 'edge', listener: 'https' },
  sizes: ACME_SIZES,
  defaultSize: 'small',
  teamLabel: TEAM_LABEL,
  recipes: [
    // the identity provider: IAM roles assumed through the EKS cluster's OIDC issuer (IRSA), in Acme's AWS account
    crossplaneAws({
      accountId: '111122223333',
      region: 'eu-central-1',
      oidcProvider: 'oidc.eks.eu-central-1.amazonaws.com/id/5C2E1B7F0A9D4E8F9B3C6A1D2E7F0B4C',
      namePrefix: 'acme-',
      vpcCidrs: ['10.40.0.0/16'],
    }),
    inCluster({ storageGiB: 2 }),
    // staging databases are the DBA team's shared instance
    external({ cidrs: ['10.40.0.0/16'] }),
  ],
  environmentRecipes: Object.fromEntries(Object.entries(ACME_ENVIRONMENTS).map(([env, e]) => [env, e.recipes])),
  guardrails: {
    rules: [costCenterRule, registryRule],
    // spreading over zones is mandatory at Acme, not advice
    severities: { 'topology-spread': 'error' },
    options: { 'required-labels': { labels: ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', TEAM_LABEL, ENVIRONMENT_LABEL] } },
    waivers: [{ rule: 'replicas-minimum', environment: 'dev', reason: 'PLAT-7: dev runs single replicas to save cost' }],
  },
};

/** An environment of an Acme app: libk8s's props, plus Acme's environment-level defaults. */
export interface AcmeEnvironmentProps extends EnvironmentProps {
  /** The size of AcmeWebService and AcmeWorker here, unless the construct sets one. @default - the app's size */
  readonly size?: SizeName;
  /** The cost center charged here. @default - the app's costCenter */
  readonly costCenter?: string;
}

export interface AcmeAppProps<E extends string> {
  readonly name: string;
  readonly team: string;
  /** Acme's environment names, or per environment its props. */
  readonly environments: readonly E[] | { readonly [K in E]: AcmeEnvironmentProps };
  /** The app layer: the default size of its constructs. @default - the platform's ('small') */
  readonly size?: SizeName;
  /** The app layer: the cost center of every workload (annotation acme.com/cost-center). @default - none (acme/cost-center fails) */
  readonly costCenter?: string;
  /** The app layer: changes to the platform for this app only, merged over Acme's. @default - none */
  readonly platform?: PlatformProps;
  readonly outdir?: string;
}

interface AcmeSettings {
  readonly team: string;
  readonly sizes: Readonly<Record<string, SizeName | undefined>>;
}
const SETTINGS = new WeakMap<object, AcmeSettings>();

/** A libk8s App on the Acme platform. */
export function acmeApp<E extends string>(props: AcmeAppProps<E>): App<E> {
  const given: Record<string, AcmeEnvironmentProps> = Array.isArray(props.environments)
    ? Object.fromEntries((props.environments as readonly string[]).map((e) => [e, {}]))
    : props.environments as Record<string, AcmeEnvironmentProps>;
  const environments: Record<string, EnvironmentProps> = {};
  const sizes: Record<string, SizeName | undefined> = {};
  for (const [env, { size, costCenter, ...e }] of Object.entries(given)) {
    const base: EnvironmentProps = (ACME_ENVIRONMENTS as Record<string, EnvironmentProps>)[env] ?? {};
    const cc = costCenter ?? props.costCenter;
    environments[env] = {
      // target namespaces: <app> in prod, <app>-<env> elsewhere
      namespace: env === 'prod' ? props.name : `${props.name}-${env}`,
      domain: base.domain,
      ...e,
      labels: { [ENVIRONMENT_LABEL]: env, ...e.labels },
      annotations: { ...(cc ? { [COST_CENTER_ANNOTATION]: cc } : {}), ...e.annotations },
    };
    sizes[env] = size;
  }
  const app = new App<E>({
    name: props.name, team: props.team, outdir: props.outdir,
    environments: environments as { [K in E]: EnvironmentProps },
    platform: mergePlatform(ACME_PLATFORM, { ...(props.size ? { defaultSize: props.size } : {}), ...props.platform }),
  });
  SETTINGS.set(app, { team: props.team, sizes });
  return app;
}

/** `over` on top of `base`; the guardrails merged key by key, rules and waivers added. */
export function mergePlatform(base: PlatformProps, over: PlatformProps): PlatformProps {
  const g = base.guardrails ?? {};
  const o = over.guardrails ?? {};
  return {
    ...base, ...over,
    sizes: { ...base.sizes, ...over.sizes },
    environmentRecipes: { ...base.environmentRecipes, ...over.environmentRecipes },
    recipes: [...(base.recipes ?? []).filter((r) => !(over.recipes ?? []).some((x) => x.name === r.name)), ...(over.recipes ?? [])],
    guardrails: {
      ...g, ...o,
      rules: [...(g.rules ?? []), ...(o.rules ?? [])],
      waivers: [...(g.waivers ?? []), ...(o.waivers ?? [])],
      severities: { ...g.severities, ...o.severities },
      options: { ...g.options, ...o.options },
    },
  };
}

/** `checkout:3.2.0` → `registry.acme.example/<team>/checkout:3.2.0`; an image with a registry host stays as it is. */
export function acmeImage(image: string, team: string): string {
  const first = image.split('/')[0];
  const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? image : `${ACME_REGISTRY}/${image.includes('/') ? image : `${team}/${image}`}`;
}

type SizedProps = { readonly image: string; readonly size?: SizeName; readonly overrides?: { readonly [env: string]: { readonly size?: SizeName } | undefined } };

/** The environment layer under the construct's own props: an environment's size applies where neither `size` nor that environment's override sets one. */
function withAcmeDefaults<P extends SizedProps>(scope: Scope<string>, props: P): P {
  const settings = SETTINGS.get(scope);
  if (!settings) return props;
  const overrides: Record<string, unknown> = { ...props.overrides };
  if (props.size === undefined) {
    for (const [env, size] of Object.entries(settings.sizes)) {
      if (size && props.overrides?.[env]?.size === undefined) overrides[env] = { ...props.overrides?.[env], size };
    }
  }
  return { ...props, image: acmeImage(props.image, settings.team), overrides };
}

/** libk8s's WebService with Acme's registry and environment sizes. */
export class AcmeWebService<E extends string = string> extends WebService<E> {
  constructor(scope: Scope<E>, id: string, props: WebServiceProps<NoInfer<E>>) {
    super(scope, id, withAcmeDefaults(scope, props));
  }
}

/** libk8s's Worker with Acme's registry and environment sizes. */
export class AcmeWorker<E extends string = string> extends Worker<E> {
  constructor(scope: Scope<E>, id: string, props: WorkerProps<NoInfer<E>>) {
    super(scope, id, withAcmeDefaults(scope, props));
  }
}
