import { PRODUCTION_ENVIRONMENT_NAMES } from './environment';
import { Exposure, ExposureProps, Monitoring, MonitoringProps, resolveExposure, resolveMonitoring } from './exposure';
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion } from './kube-version';
import type { GuardrailsProps } from './policy';
import type { Recipe, RecipeSelection } from './recipe';

/**
 * What the platform team decides once for every app: the golden path's
 * defaults. App teams normally get these from their platform package.
 */

/** The size presets every workload picks from. */
export type SizeName = 'nano' | 'small' | 'medium' | 'large' | 'xlarge';

/** Requests and limits for one container. */
export interface ResourceSpec {
  /** cpu request, e.g. `250m`. */
  readonly cpu: string;
  /**
   * cpu limit; `undefined` leaves the container without one (a platform may
   * drop cpu limits to avoid throttling).
   */
  readonly cpuLimit?: string;
  /** memory request, e.g. `256Mi`. */
  readonly memory: string;
  /** memory limit, e.g. `256Mi`. */
  readonly memoryLimit: string;
  /** ephemeral-storage request, e.g. `256Mi`. */
  readonly ephemeralStorage: string;
  /** ephemeral-storage limit; `undefined` for none. */
  readonly ephemeralStorageLimit?: string;
}

export const DEFAULT_SIZES: Readonly<Record<SizeName, ResourceSpec>> = {
  nano: { cpu: '50m', cpuLimit: '250m', memory: '64Mi', memoryLimit: '64Mi', ephemeralStorage: '64Mi', ephemeralStorageLimit: '256Mi' },
  small: { cpu: '100m', cpuLimit: '500m', memory: '128Mi', memoryLimit: '256Mi', ephemeralStorage: '128Mi', ephemeralStorageLimit: '512Mi' },
  medium: { cpu: '250m', cpuLimit: '1', memory: '512Mi', memoryLimit: '512Mi', ephemeralStorage: '256Mi', ephemeralStorageLimit: '1Gi' },
  large: { cpu: '500m', cpuLimit: '2', memory: '1Gi', memoryLimit: '1Gi', ephemeralStorage: '512Mi', ephemeralStorageLimit: '2Gi' },
  xlarge: { cpu: '1', cpuLimit: '4', memory: '4Gi', memoryLimit: '4Gi', ephemeralStorage: '1Gi', ephemeralStorageLimit: '4Gi' },
};

/** The Gateway API Gateway that routes attach to. */
export interface GatewayRef {
  /** Gateway name. */
  readonly name: string;
  /** Gateway namespace. */
  readonly namespace: string;
  /**
   * The HTTPS listener routes attach to (`sectionName`).
   * @default 'https'
   */
  readonly listener?: string;
}

export interface PlatformProps {
  /**
   * The Gateway every HTTPRoute attaches to. Its HTTPS listener terminates
   * TLS for the environment's domain.
   * @default { name: 'platform', namespace: 'gateway-system', listener: 'https' }
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#parentreference
   */
  readonly gateway?: GatewayRef;
  /**
   * IngressClass for routes of `kind: 'ingress'`.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * The namespace of the ingress controller, allowed in by NetworkPolicies of
   * services with an Ingress route.
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;
  /**
   * cert-manager ClusterIssuer named on Ingresses so TLS certificates are issued.
   * @default 'letsencrypt'
   */
  readonly clusterIssuer?: string;
  /**
   * PriorityClass set on every pod. Priority classes are cluster policy, so
   * libk8s only names one.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * The size presets. Override some or all.
   * @default DEFAULT_SIZES
   */
  readonly sizes?: Partial<Record<SizeName, ResourceSpec>>;
  /**
   * The preset a workload gets when it names none.
   * @default 'small'
   */
  readonly defaultSize?: SizeName;
  /**
   * Drop cpu limits everywhere (some platforms do, to avoid CFS throttling).
   * @default false
   */
  readonly dropCpuLimits?: boolean;
  /**
   * The non-root UID and GID pods run as.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Health endpoints every HTTP workload serves.
   * @default { startup: '/healthz', readiness: '/readyz', liveness: '/livez' }
   */
  readonly healthPaths?: { readonly startup?: string; readonly readiness?: string; readonly liveness?: string };
  /**
   * The gRPC health-check service names (grpc.health.v1) the probes of a
   * gRPC port ask about: the whole server ('') for startup and liveness, and
   * 'readiness' for readiness, so readiness and liveness differ (a gRPC app
   * reports SERVING for "readiness" once it may take traffic, e.g. grpc-go's
   * `health.SetServingStatus("readiness", SERVING)`).
   * @default { startup: '', readiness: 'readiness', liveness: '' }
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-grpc-liveness-probe
   */
  readonly grpcHealthServices?: { readonly startup?: string; readonly readiness?: string; readonly liveness?: string };
  /**
   * Seconds the preStop hook waits so endpoints and load balancers stop
   * sending traffic before the process gets SIGTERM.
   * @default 5
   */
  readonly preStopSeconds?: number;
  /**
   * How the preStop pause is made: `exec` runs `sleep` in the container
   * (works on every Kubernetes version, but needs a `sleep` binary, which
   * distroless images lack); `sleep` uses the kubelet's sleep action
   * (Kubernetes 1.30 and later, no binary needed: refused for an
   * environment whose `kubernetesVersion` is older). A workload chooses its
   * own with its `preStop` prop.
   * @default 'exec'
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
   */
  readonly preStopAction?: 'exec' | 'sleep';
  /**
   * The Kubernetes minor version of the clusters, e.g. `'1.30'`: fields
   * that need a newer one are refused (the preStop `sleep` action needs
   * 1.30, native sidecars 1.29). An environment's own `kubernetesVersion`
   * overrides it. libk8s supports 1.27 to 1.33.
   * @default '1.27' (the cdk8s-plus-27 floor)
   * @see https://kubernetes.io/releases/
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * The label that carries the owning team.
   * @default 'libk8s.io/team'
   */
  readonly teamLabel?: string;
  /**
   * The guardrails every synth runs: packs, severities, the platform's own
   * rules and waivers.
   * @default - every built-in pack at its own severities
   */
  readonly guardrails?: GuardrailsProps;
  /**
   * Recipes added to (or replacing, by name) the built-in ones:
   * crossplane-aws, in-cluster and external. Configure a built-in one by
   * registering a new instance, e.g. `crossplaneAws({ accountId, region, oidcProvider })`.
   * @default - the built-in recipes with their defaults
   */
  readonly recipes?: readonly Recipe[];
  /**
   * The recipe selection of environments that name none, by environment
   * name; `'*'` applies to any other environment.
   * @default - 'in-cluster' for dev, local, kind and test; 'crossplane-aws' for the rest
   */
  readonly environmentRecipes?: Readonly<Record<string, RecipeSelection>>;
  /**
   * The names of the environments that are production unless they set
   * `production` themselves (see EnvironmentProps.production): the
   * platform's marking of where real data lives. The `in-cluster` recipe
   * refuses them unless it is configured with `allowProduction: true`.
   * @default ['prod', 'production']
   */
  readonly productionEnvironments?: readonly string[];
  /**
   * Argo CD ordering annotations: `argocd.argoproj.io/sync-wave: "-1"` on
   * resources and cloud identities so they sync before the workloads that
   * use them, and `SkipDryRunOnMissingResource=true` on custom resources so a
   * CRD installed in the same sync does not fail the dry run. Other GitOps
   * tools ignore them.
   * @default true
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
   */
  readonly argoCdAnnotations?: boolean;
  /**
   * How the output reaches the cluster (overridable with `libk8s synth
   * --delivery --repo --revision --path`).
   * @default { target: 'kustomize' }
   */
  readonly delivery?: DeliveryProps;
  /**
   * The monitoring stack (Prometheus Operator): a workload's metrics port
   * gets a ServiceMonitor (PodMonitor without a Service) and NetworkPolicy
   * ingress from it. `false` for a cluster without one: no monitors, no such ingress.
   * @default { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }
   */
  readonly monitoring?: MonitoringProps | false;
  /**
   * Which Services may expose pods outside the cluster (LoadBalancer,
   * NodePort, a LoadBalancer open to every address): allowances the guardrails honour.
   * @default - none: a LoadBalancer or NodePort Service is a `service-type` finding
   */
  readonly exposure?: ExposureProps;
}

/** Which GitOps tool (or none) applies the output, and where it reads it from. */
export type DeliveryTarget = 'kustomize' | 'argo-cd' | 'flux';

/** How the synthesized output reaches the cluster. */
export interface DeliveryProps {
  /**
   * `kustomize`: a `kustomization.yaml` per environment only. `argo-cd`: an
   * Argo CD Application per environment (or one ApplicationSet). `flux`: a
   * Flux GitRepository (or OCIRepository) and two Kustomizations per
   * environment, resources and identities before workloads. Every target
   * keeps the `kustomization.yaml`, so `kubectl kustomize` reads each
   * environment.
   * @default 'kustomize'
   */
  readonly target?: DeliveryTarget;
  /**
   * The repository the GitOps tool reads the output from: a git URL, or an
   * `oci://` artifact URL for Flux's OCIRepository. Required by argo-cd and flux.
   * @default - none
   */
  readonly repo?: string;
  /**
   * The branch, tag or commit to follow.
   * @default 'main'
   */
  readonly revision?: string;
  /**
   * The output directory's path inside the repository.
   * @default - the App's `outdir` when it is a relative path, else 'dist'
   */
  readonly path?: string;
  /**
   * A Namespace object per environment, labelled for Pod Security admission
   * (`pod-security.kubernetes.io/enforce: restricted` and its version).
   * @default - true for the flux target (Flux creates no namespace), false
   * for the others (Argo CD's Applications create theirs, CreateNamespace=true)
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly namespaces?: boolean;
  /**
   * The Pod Security Standards version the Namespaces enforce (`v1.27`, …, or `latest`).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /** Argo CD's options. @default - an Application per environment in project 'default' */
  readonly argoCd?: {
    /**
     * The Argo CD project; `{ create: true }` emits an AppProject named after
     * the app, limited to its repository, namespaces and the kinds it emits.
     * @default 'default'
     */
    readonly project?: string | { readonly create: true };
    /** One ApplicationSet with a git directory generator over the environments instead of an Application each. @default false */
    readonly applicationSet?: boolean;
    /** The namespace Argo CD runs in (its Applications live there). @default 'argocd' */
    readonly namespace?: string;
    /** The destination cluster's API server. @default 'https://kubernetes.default.svc' */
    readonly server?: string;
  };
  /** Flux's options. */
  readonly flux?: {
    /** The namespace Flux runs in (its objects live there). @default 'flux-system' */
    readonly namespace?: string;
    /** How often Flux reconciles, a Go duration. @default '5m' */
    readonly interval?: string;
    /** How long a Kustomization waits for its objects to become ready. @default '5m' */
    readonly timeout?: string;
  };
}

/** Platform config with every default resolved. */
export interface Platform {
  readonly gateway: Required<GatewayRef>;
  readonly ingressClassName: string;
  readonly ingressControllerNamespace: string;
  readonly clusterIssuer: string;
  readonly priorityClassName?: string;
  readonly sizes: Readonly<Record<SizeName, ResourceSpec>>;
  readonly defaultSize: SizeName;
  readonly dropCpuLimits: boolean;
  readonly runAsUser: number;
  readonly healthPaths: { readonly startup: string; readonly readiness: string; readonly liveness: string };
  /** See PlatformProps.grpcHealthServices. */
  readonly grpcHealthServices: { readonly startup: string; readonly readiness: string; readonly liveness: string };
  readonly preStopSeconds: number;
  readonly preStopAction: 'exec' | 'sleep';
  /** See PlatformProps.kubernetesVersion. */
  readonly kubernetesVersion: KubernetesVersion;
  readonly teamLabel: string;
  readonly guardrails: GuardrailsProps;
  /** See PlatformProps.recipes. */
  readonly recipes: readonly Recipe[];
  /** See PlatformProps.environmentRecipes. */
  readonly environmentRecipes: Readonly<Record<string, RecipeSelection>>;
  /** See PlatformProps.productionEnvironments. */
  readonly productionEnvironments: readonly string[];
  /** See PlatformProps.argoCdAnnotations. */
  readonly argoCdAnnotations: boolean;
  /** See PlatformProps.delivery. */
  readonly delivery: DeliveryProps;
  /** See PlatformProps.monitoring; undefined when it is `false`. */
  readonly monitoring?: Monitoring;
  /** See PlatformProps.exposure. */
  readonly exposure: Exposure;
}

export function resolvePlatform(props: PlatformProps = {}): Platform {
  return {
    gateway: { listener: 'https', ...(props.gateway ?? { name: 'platform', namespace: 'gateway-system' }) },
    ingressClassName: props.ingressClassName ?? 'nginx',
    ingressControllerNamespace: props.ingressControllerNamespace ?? 'ingress-nginx',
    clusterIssuer: props.clusterIssuer ?? 'letsencrypt',
    priorityClassName: props.priorityClassName,
    sizes: { ...DEFAULT_SIZES, ...props.sizes },
    defaultSize: props.defaultSize ?? 'small',
    dropCpuLimits: props.dropCpuLimits ?? false,
    runAsUser: props.runAsUser ?? 10001,
    healthPaths: { startup: '/healthz', readiness: '/readyz', liveness: '/livez', ...props.healthPaths },
    grpcHealthServices: { startup: '', readiness: 'readiness', liveness: '', ...props.grpcHealthServices },
    preStopSeconds: props.preStopSeconds ?? 5,
    preStopAction: props.preStopAction ?? 'exec',
    kubernetesVersion: props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    teamLabel: props.teamLabel ?? 'libk8s.io/team',
    guardrails: props.guardrails ?? {},
    recipes: props.recipes ?? [],
    environmentRecipes: props.environmentRecipes ?? {},
    productionEnvironments: props.productionEnvironments ?? PRODUCTION_ENVIRONMENT_NAMES,
    argoCdAnnotations: props.argoCdAnnotations ?? true,
    delivery: props.delivery ?? {},
    monitoring: resolveMonitoring(props.monitoring),
    exposure: resolveExposure(props.exposure),
  };
}
