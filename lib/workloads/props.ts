import type { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-27';
import type { SizeName } from '../core/platform';
import type { ConfigFilesProps, ContainerProps, EnvValue, ProbesProps, ResourcesProps, VolumeProps } from '../pod/container';
import type { EgressRule } from '../pod/network-policy';

export { ConfigFilesProps } from '../pod/container';
export { EgressRule } from '../pod/network-policy';

/** The props every workload shares, the per-environment overrides, and what a workload emits. */

/** Horizontal autoscaling on resource use. */
export interface AutoscaleProps {
  /** Fewest replicas. */
  readonly min: number;
  /** Most replicas; must be greater than `min`. */
  readonly max: number;
  /**
   * Target average cpu use, percent of the request.
   * @default 70 (when memoryPercent is not set either)
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly cpuPercent?: number;
  /**
   * Target average memory use, percent of the request.
   * @default - none
   */
  readonly memoryPercent?: number;
  /**
   * Target average cpu use per pod as a quantity (an `AverageValue` target,
   * e.g. `'500m'`), independent of the request; exclusive with `cpuPercent`.
   * @default - none
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec
   */
  readonly cpuAverage?: string;
  /**
   * Target average memory use per pod as a quantity (an `AverageValue`
   * target, e.g. `'400Mi'`); exclusive with `memoryPercent`.
   * @default - none
   */
  readonly memoryAverage?: string;
}

/**
 * The preStop hook of the main container: what happens between a pod's
 * removal from the endpoints and SIGTERM, so load balancers stop sending it
 * traffic before the process starts shutting down.
 * - `{ action: 'sleep' }`: the kubelet's sleep action, no binary needed in
 *   the image (distroless works); Kubernetes 1.30 or later.
 * - `{ action: 'exec' }`: runs `sleep <seconds>` in the container (any
 *   version; the image needs a `sleep` binary), or the given `command`.
 * - `{ action: 'none', reason }`: no hook, and why none is needed (e.g. the
 *   app keeps serving for a while after SIGTERM).
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
 */
export type PreStopProps =
  | {
    readonly action: 'sleep';
    /** Seconds to pause. @default - the platform's preStopSeconds (5) */
    readonly seconds?: number;
  }
  | {
    readonly action: 'exec';
    /** The command to run. @default ['sleep', '<seconds>'] */
    readonly command?: readonly string[];
    /**
     * Seconds the hook takes: the `sleep` pause, or the most a given
     * command runs (`terminationGracePeriodSeconds` must exceed it).
     * @default - the platform's preStopSeconds (5)
     */
    readonly seconds?: number;
  }
  | {
    readonly action: 'none';
    /** Why the workload needs no pause, e.g. 'distroless image; the app drains on SIGTERM'. */
    readonly reason: string;
  };

/** How a Deployment-based workload (WebService, Worker, QueueWorker) rolls out. */
export interface RolloutProps {
  /**
   * Seconds a new pod must be ready, with no container crashing, before it
   * counts as available and the rollout moves on.
   * @default 0
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#min-ready-seconds
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds a rollout may make no progress before the Deployment reports it
   * failed (`ProgressDeadlineExceeded`); must exceed `minReadySeconds`.
   * @default 600 (the API default; not written)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
   */
  readonly progressDeadlineSeconds?: number;
}

/** What may differ per environment. */
export interface WorkloadOverrides {
  /** @default - the construct's value */
  readonly image?: string;
  /** @default - the construct's value */
  readonly replicas?: number;
  /** @default - the construct's value */
  readonly autoscale?: AutoscaleProps;
  /** @default - the construct's value */
  readonly size?: SizeName;
  /** Merged over the construct's value. @default - the construct's value */
  readonly resources?: ResourcesProps;
  /** Merged over the construct's env. @default - the construct's value */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** Replaces the construct's preStop (e.g. the sleep action where the cluster is 1.30+). @default - the construct's value */
  readonly preStop?: PreStopProps;
}

export interface WorkloadProps {
  /**
   * The image, pinned by tag or digest (no `:latest`).
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container
   */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /**
   * Environment variables: literals for plain values, `Env.secret(...)` for
   * anything secret (a literal under a secret-looking name is an error).
   * @default - none
   */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * Config files mounted read-only from a ConfigMap; their content hash is a
   * pod annotation, so changing a file rolls the pods.
   * @default - none
   */
  readonly config?: ConfigFilesProps;
  /**
   * A size preset for requests and limits.
   * @default - the platform's defaultSize ('small')
   */
  readonly size?: SizeName;
  /** Overrides single values of the size preset. @default - none */
  readonly resources?: ResourcesProps;
  /** @default - startup, readiness and liveness HTTP probes on the platform's health paths */
  readonly probes?: ProbesProps;
  /** Extra volumes, mounted in the main container. @default - only `/tmp` */
  readonly volumes?: readonly VolumeProps[];
  /** Extra containers beside the main one. @default - none */
  readonly sidecars?: readonly ContainerProps[];
  /** Containers that run to completion before the main one starts. @default - none */
  readonly initContainers?: readonly ContainerProps[];
  /** Extra labels on every object (not selectors). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations on every object. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Extra annotations on the pods only. @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Annotations on the ServiceAccount (e.g. a cloud identity). @default - none */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Seconds between SIGTERM and SIGKILL; must exceed the preStop pause.
   * @default 30
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * The preStop hook of the main container (see PreStopProps); not for a
   * Task or CronTask, which no Service sends traffic to.
   * @default - the platform's preStopAction ('exec': `sleep <preStopSeconds>`)
   */
  readonly preStop?: PreStopProps;
  /** Egress beyond DNS. @default - DNS only */
  readonly egress?: readonly EgressRule[];
}

/** Replica count or autoscaling: the two are exclusive. */
export interface ScalingProps {
  /**
   * A fixed replica count; exclusive with `autoscale`.
   * @default 2 when there is no autoscale
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler; the Deployment then has no `spec.replicas`.
   * @default - none
   */
  readonly autoscale?: AutoscaleProps;
}

/** The objects every pod-running construct emits; subclasses add their controller. */
export interface PodObjects {
  /** The workload's own ServiceAccount (with its cloud identity's annotations). */
  serviceAccount: k8s.KubeServiceAccount;
  /** Ingress and egress of its pods. */
  networkPolicy: k8s.KubeNetworkPolicy;
  /** The `config` files. @default - none without `config` */
  configMap?: k8s.KubeConfigMap;
  [key: string]: ApiObject | undefined;
}

/** The objects every Deployment-based workload emits; subclasses add theirs. */
export interface WorkloadObjects extends PodObjects {
  /** The Deployment of its pods. */
  deployment: k8s.KubeDeployment;
  /** Allows one pod at a time to be disrupted. */
  podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** With `autoscale`. @default - none with a fixed replica count or an external autoscaler */
  horizontalPodAutoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The Prometheus Operator PodMonitor of a workload without a Service that has a metrics port. @default - none without one */
  podMonitor?: ApiObject;
  [key: string]: ApiObject | undefined;
}

/** What a pod-running construct's pod differs in. */
export interface PodOptions {
  /** @default - the API default (Always) */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** topologySpreadConstraints over zone and node. @default true */
  readonly spread?: boolean;
  /** Startup, readiness and liveness probes on the main container. @default true */
  readonly probes?: boolean;
  /** The preStop pause on the main container (for pods behind endpoints). @default true */
  readonly preStop?: boolean;
}

/** The objects of a pod-running construct before its controller. */
export interface RenderedPod {
  /** See PodObjects.serviceAccount. */
  readonly serviceAccount: k8s.KubeServiceAccount;
  /** See PodObjects.configMap. @default - none without `config` */
  readonly configMap?: k8s.KubeConfigMap;
  /** The pod template on the golden path. */
  readonly template: k8s.PodTemplateSpec;
}
