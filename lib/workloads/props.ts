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
