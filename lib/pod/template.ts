import * as k8s from '../core/kube';
import type { Platform, SizeName } from '../core/platform';
import { envVars, PortProps, ResourcesProps, resolveResources, resourceRequirements, restrictedSecurityContext, EnvValue } from './container';

/**
 * The golden-path pod, shared by every workload and every in-cluster
 * stand-in: the restricted security context, a writable `/tmp`, pinned
 * pulls with requests and limits, no service-account token, no service
 * links, the platform's priority class, and topology spread over zone and
 * node. Callers add their containers' own parts (probes, ports, env).
 */

/** The pod controllers libk8s emits pods under. */
export type ControllerKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** The emptyDir every pod mounts at `/tmp` (the root filesystem is read-only). */
export const TMP_VOLUME = 'tmp';
/** The size limit of `/tmp`; it counts against the container's ephemeral-storage limit. */
export const TMP_SIZE_LIMIT = '256Mi';

/** The `/tmp` volume of every pod. */
export function tmpVolume(): k8s.Volume {
  return { name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(TMP_SIZE_LIMIT) } };
}

/** The `/tmp` mount of every container. */
export function tmpMount(): k8s.VolumeMount {
  return { name: TMP_VOLUME, mountPath: '/tmp' };
}

/** The pod security context of the restricted Pod Security Standard: non-root UID and GID, RuntimeDefault seccomp. */
export function restrictedPodSecurityContext(uid: number, options: { readonly fsGroupChangePolicy?: 'OnRootMismatch' } = {}): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: options.fsGroupChangePolicy,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * topologySpreadConstraints over zone and node, best effort. For a
 * Deployment, `matchLabelKeys: [pod-template-hash]` counts only the pods of
 * the current ReplicaSet, so a rollout spreads the new pods too.
 */
export function spreadConstraints(selector: Readonly<Record<string, string>>, controller: ControllerKind): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...selector } },
    matchLabelKeys: controller === 'Deployment' ? ['pod-template-hash'] : undefined,
  }));
}

/** One container on the golden path. */
export interface GoldenContainerProps {
  readonly name: string;
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** @default - none */
  readonly ports?: readonly PortProps[];
  /** The platform size preset. */
  readonly size: SizeName;
  /** Overrides of the preset. @default - the preset's values */
  readonly resources?: ResourcesProps;
  /** Its volume mounts (include `tmpMount()`). */
  readonly mounts: readonly k8s.VolumeMount[];
}

/** What every container of a golden-path pod shares: pinned pulls, requests and limits, the restricted security context. */
export function goldenContainer(c: GoldenContainerProps, platform: Platform): k8s.Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'Always',
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    env: envVars(c.env),
    ports: c.ports?.length ? c.ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol ?? 'TCP' })) : undefined,
    resources: resourceRequirements(resolveResources(platform, c.size, c.resources)),
    securityContext: restrictedSecurityContext(platform.runAsUser),
    volumeMounts: [...c.mounts],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/** The pod spec around the containers. */
export interface GoldenPodProps {
  /** The pod's own ServiceAccount. */
  readonly serviceAccountName: string;
  /** The controller that runs the pod: spreading depends on it. */
  readonly controller: ControllerKind;
  /** The labels the controller selects its pods by (spreading counts them). */
  readonly selector: Readonly<Record<string, string>>;
  readonly containers: readonly k8s.Container[];
  /** @default - none */
  readonly initContainers?: readonly k8s.Container[];
  /** Every volume, `tmpVolume()` included, in order. */
  readonly volumes: readonly k8s.Volume[];
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - the API default (Always) */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** topologySpreadConstraints over zone and node. @default true */
  readonly spread?: boolean;
  /** Set for pods with persistent volumes, so a restart does not re-chown the whole volume. @default - none */
  readonly fsGroupChangePolicy?: 'OnRootMismatch';
}

/** The pod spec on the golden path. */
export function goldenPodSpec(p: GoldenPodProps, platform: Platform): k8s.PodSpec {
  return {
    serviceAccountName: p.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    priorityClassName: platform.priorityClassName,
    restartPolicy: p.restartPolicy,
    terminationGracePeriodSeconds: p.terminationGracePeriodSeconds ?? 30,
    securityContext: restrictedPodSecurityContext(platform.runAsUser, { fsGroupChangePolicy: p.fsGroupChangePolicy }),
    topologySpreadConstraints: p.spread === false ? undefined : spreadConstraints(p.selector, p.controller),
    initContainers: p.initContainers?.length ? [...p.initContainers] : undefined,
    containers: [...p.containers],
    volumes: [...p.volumes],
  };
}
