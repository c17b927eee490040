import { ApiObject, JsonPatch } from 'cdk8s';
import * as k8s from '../core/kube';
import { Construct } from 'constructs';

/**
 * The controllers of golden-path pods and what comes with them: the
 * ServiceAccount, the PodDisruptionBudget, the HorizontalPodAutoscaler and
 * the Job spec of a run. Each is named like its construct; the caller gives
 * the metadata and the pod template.
 */

/** The pod's own ServiceAccount, without an API token. */
export function goldenServiceAccount(scope: Construct, metadata: k8s.ObjectMeta): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
}

interface ControllerBase {
  readonly metadata: k8s.ObjectMeta;
  readonly selector: Readonly<Record<string, string>>;
  readonly template: k8s.PodTemplateSpec;
}

/** A Deployment's own options. */
export interface DeploymentOptions extends ControllerBase {
  /** `undefined` when an autoscaler owns the count. */
  readonly replicas?: number;
  /** Seconds a new pod must be ready to count as available. @default - the API default (0), not written */
  readonly minReadySeconds?: number;
  /** Seconds without progress before a rollout is reported failed. @default - the API default (600), not written */
  readonly progressDeadlineSeconds?: number;
}

/** A StatefulSet's own options. */
export interface StatefulSetOptions extends ControllerBase {
  readonly replicas: number;
  /** The governing Service. */
  readonly serviceName: string;
  /** @default - none */
  readonly volumeClaimTemplates?: readonly k8s.KubePersistentVolumeClaimProps[];
  /** Whether deleting the StatefulSet deletes its claims. @default - the API default (Retain) */
  readonly retainClaims?: boolean;
}

/** The options of each controller kind. */
export type ControllerOptions =
  | ({ readonly kind: 'Deployment' } & DeploymentOptions)
  | ({ readonly kind: 'StatefulSet' } & StatefulSetOptions)
  | ({ readonly kind: 'DaemonSet' } & ControllerBase);

/**
 * The controller of long-running golden-path pods, by kind: a Deployment
 * rolls with maxUnavailable 0 (a new pod is ready before an old one goes),
 * a StatefulSet and a DaemonSet roll one pod at a time; each keeps 5
 * revisions.
 */
export function podController(scope: Construct, o: ControllerOptions): k8s.KubeDeployment | k8s.KubeStatefulSet | k8s.KubeDaemonSet {
  const selector = { matchLabels: { ...o.selector } };
  switch (o.kind) {
    case 'Deployment':
      return new k8s.KubeDeployment(scope, 'Deployment', {
        metadata: o.metadata,
        spec: {
          replicas: o.replicas,
          minReadySeconds: o.minReadySeconds,
          progressDeadlineSeconds: o.progressDeadlineSeconds,
          revisionHistoryLimit: 5,
          selector,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          template: o.template,
        },
      });
    case 'StatefulSet': {
      const claims = o.volumeClaimTemplates?.length ? [...o.volumeClaimTemplates] : undefined;
      return new k8s.KubeStatefulSet(scope, 'StatefulSet', {
        metadata: o.metadata,
        spec: {
          replicas: o.replicas,
          serviceName: o.serviceName,
          revisionHistoryLimit: 5,
          selector,
          updateStrategy: { type: 'RollingUpdate' },
          persistentVolumeClaimRetentionPolicy: claims && { whenDeleted: o.retainClaims === false ? 'Delete' : 'Retain', whenScaled: 'Retain' },
          volumeClaimTemplates: claims,
          template: o.template,
        },
      });
    }
    case 'DaemonSet':
      return new k8s.KubeDaemonSet(scope, 'DaemonSet', {
        metadata: o.metadata,
        spec: {
          revisionHistoryLimit: 5,
          selector,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
          template: o.template,
        },
      });
  }
}

/** Allows one pod at a time to be disrupted (a drain never takes two replicas at once). */
export function goldenPodDisruptionBudget(scope: Construct, metadata: k8s.ObjectMeta, selector: Readonly<Record<string, string>>): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
    metadata,
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...selector } } },
  });
}

/** What an HPA scales on. */
export interface HpaTargets {
  readonly min: number;
  readonly max: number;
  /** Average cpu use, percent of the request. @default - none */
  readonly cpuPercent?: number;
  /** Average memory use, percent of the request. @default - none */
  readonly memoryPercent?: number;
  /** Average cpu use per pod, a quantity (`AverageValue`). @default - none */
  readonly cpuAverage?: string;
  /** Average memory use per pod, a quantity (`AverageValue`). @default - none */
  readonly memoryAverage?: string;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on `target`, scaling down only after 5 minutes of lower use. */
export function goldenHorizontalPodAutoscaler(scope: Construct, metadata: k8s.ObjectMeta, target: { readonly kind: 'Deployment' | 'StatefulSet'; readonly name: string }, t: HpaTargets): k8s.KubeHorizontalPodAutoscalerV2 {
  const metrics: k8s.MetricSpecV2[] = [];
  if (t.cpuPercent !== undefined) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: t.cpuPercent } } });
  if (t.cpuAverage !== undefined) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(t.cpuAverage) } } });
  if (t.memoryPercent !== undefined) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: t.memoryPercent } } });
  if (t.memoryAverage !== undefined) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(t.memoryAverage) } } });
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'HorizontalPodAutoscaler', {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: target.kind, name: target.name },
      minReplicas: t.min,
      maxReplicas: t.max,
      metrics,
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  });
}

/**
 * The podFailurePolicy of every run: a pod lost to a disruption (node drain,
 * eviction, preemption) is replaced without using up a retry. Valid from
 * Kubernetes 1.26 (beta, on by default) and GA in 1.31.
 */
export function podFailurePolicy(): k8s.PodFailurePolicy {
  return { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] };
}

/** The Job spec of a run: retries, deadline, failure policy and the pod. */
export function runJobSpec(o: { readonly backoffLimit: number; readonly activeDeadlineSeconds: number }, template: k8s.PodTemplateSpec, extra: Partial<k8s.JobSpec> = {}): k8s.JobSpec {
  return {
    backoffLimit: o.backoffLimit,
    activeDeadlineSeconds: o.activeDeadlineSeconds,
    podFailurePolicy: podFailurePolicy(),
    ...extra,
    template,
  };
}

/** The preStop hook of a main container, resolved: the kubelet's sleep action or a command, and the seconds it takes. */
export type PreStopHook =
  | { readonly action: 'sleep'; readonly seconds: number }
  | { readonly action: 'exec'; readonly command: readonly string[]; readonly seconds: number };

/**
 * The lifecycle of the main container with `hook` (none without one). The
 * kubelet sleep action is newer than the typed 1.27 objects: it is written
 * as `sleep <seconds>` here and swapped in by patchPreStop().
 */
export function preStopLifecycle(hook: PreStopHook | undefined): k8s.Lifecycle | undefined {
  if (!hook) return undefined;
  return { preStop: { exec: { command: hook.action === 'exec' ? [...hook.command] : ['sleep', String(hook.seconds)] } } };
}

/** Swaps the exec preStop of container 0 at `podPath` for the kubelet sleep action when the hook is one. */
export function patchPreStop(obj: ApiObject, podPath: string, hook: PreStopHook | undefined): void {
  if (hook?.action === 'sleep') {
    obj.addJsonPatch(JsonPatch.replace(`${podPath}/containers/0/lifecycle/preStop`, { sleep: { seconds: hook.seconds } }));
  }
}

/**
 * A sidecar as a native sidecar: the init container with `restartPolicy:
 * Always` (Kubernetes 1.29+). The typed 1.27 Container has no such field;
 * the objects of '../core/kube' write it as given.
 */
export function nativeSidecar(c: k8s.Container): k8s.Container {
  return { ...c, restartPolicy: 'Always' } as k8s.Container;
}
