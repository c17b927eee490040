import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-27';
import { policySelector, selectorLabels, versionLabel } from '../../core/labels';
import type { SizeName } from '../../core/platform';
import { Connection, RecipeContext, ResourceRef, secretValues } from '../../core/recipe';
import { parseImage } from '../../core/rules';
import { resolveResources, resourceRequirements, restrictedSecurityContext } from '../../pod/container';
import { connectionSecretName, credentialsSecretName, devSecret, ResolvedOptions } from './options';

/**
 * The pod every in-cluster stand-in runs, on the golden path: its own
 * ServiceAccount without a token, one StatefulSet replica under Pod Security
 * Standards restricted (non-root UID/GID, no privilege escalation, no
 * capabilities, RuntimeDefault seccomp, read-only root filesystem with
 * emptyDirs where the image writes), requests and limits, pinned images
 * pulled Always, three different probes, a ClusterIP Service named like the
 * resource, and a NetworkPolicy that lets in only the workloads wired to it.
 */

/** The one port a stand-in serves. */
export interface StandInPort {
  /** IANA port name, used by the Service's targetPort and the probes. */
  readonly name: string;
  /** The port number the server listens on, and the Service exposes. */
  readonly port: number;
}

/** An emptyDir for a path the image writes to (the root filesystem is read-only). */
export interface ScratchVolume {
  /** The volume name. */
  readonly name: string;
  /** Where the server's container mounts it. */
  readonly mountPath: string;
  /** The emptyDir's size limit, a quantity such as `64Mi`. */
  readonly sizeLimit: string;
}

/** What differs between the stand-ins; everything else is shared. */
export interface StandInSpec {
  /** Container name, e.g. `postgres`. */
  readonly container: string;
  /** The pinned image of the server. */
  readonly image: string;
  /** The port it serves. */
  readonly port: StandInPort;
  /** The server's arguments. @default - the image's cmd */
  readonly args?: readonly string[];
  /** The server's environment variables. @default - none */
  readonly env?: readonly k8s.EnvVar[];
  /** The platform size preset of the server's container. */
  readonly size: SizeName;
  /** Writable emptyDirs; `/tmp` is always added. @default - only `/tmp` */
  readonly scratch?: readonly ScratchVolume[];
  /** Files from the resource's ConfigMap; their hash rolls the pod when they change. @default - none */
  readonly config?: { readonly configMap: string; readonly hash: string; readonly files: readonly { readonly key: string; readonly mountPath: string }[] };
  /** A PersistentVolumeClaim `data` of the recipe's dev size, mounted here. @default - none: no persistent data */
  readonly data?: { readonly mountPath: string };
  /** The server's startup, readiness and liveness probes (they must differ). */
  readonly probes: { readonly startup: k8s.Probe; readonly readiness: k8s.Probe; readonly liveness: k8s.Probe };
  /** A command run before the server, with the same mounts (e.g. creating a bucket directory). @default - none */
  readonly init?: { readonly name: string; readonly command: readonly string[] };
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Peers let in besides the wired workloads (e.g. the KEDA operator). @default - none */
  readonly extraIngress?: readonly k8s.NetworkPolicyPeer[];
}

/** Metadata of one of the resource's objects: the standard labels, with the stand-in image's version. */
export function meta(resource: ResourceRef, ctx: RecipeContext, image: string, name: string = resource.name): k8s.ObjectMeta {
  const ref = parseImage(image);
  return resource.standardMetadata(ctx, name, versionLabel(ref?.tag, ref?.digest));
}

/** A short content hash, for the pod annotation that rolls the pod when its config changes. */
export function configHash(data: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

const TIMING = {
  startup: { periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2, successThreshold: 1 },
  readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3, successThreshold: 1 },
  liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5, successThreshold: 1 },
} as const;

/** Probe builders with the stand-ins' timings: startup tolerates a slow first start, liveness restarts only a hung server. */
export const Probes = {
  tcp(kind: keyof typeof TIMING, port: string): k8s.Probe {
    return { ...TIMING[kind], tcpSocket: { port: k8s.IntOrString.fromString(port) } };
  },
  http(kind: keyof typeof TIMING, port: string, path: string): k8s.Probe {
    return { ...TIMING[kind], httpGet: { port: k8s.IntOrString.fromString(port), path } };
  },
  exec(kind: keyof typeof TIMING, command: readonly string[]): k8s.Probe {
    return { ...TIMING[kind], exec: { command: [...command] } };
  },
};

/**
 * How workloads use a stand-in: every documented key from its connection
 * Secret, egress to its pods on `port`, and the cloud ids grants name.
 */
export function standInConnection(resource: ResourceRef, port: number, ids: Readonly<Record<string, string>> = {}): Connection {
  const secret = connectionSecretName(resource.name);
  return {
    secretName: secret,
    values: secretValues(secret, resource.connectionKeys),
    network: [{ kind: 'pods', selector: policySelector(resource.name), ports: [port] }],
    ids,
  };
}

/** An environment variable from a key of a Secret. */
export function secretEnv(name: string, secret: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** The connection Secret `<id>-connection` with exactly the keys the resource type documents, in their order. */
export function connectionSecret(resource: ResourceRef, ctx: RecipeContext, image: string, data: Readonly<Record<string, string>>): k8s.KubeSecret {
  return new k8s.KubeSecret(ctx.scope, 'ConnectionSecret', {
    metadata: meta(resource, ctx, image, connectionSecretName(resource.name)),
    type: 'Opaque',
    stringData: { ...data },
  });
}

/** Static dev AWS credentials, the same for every stand-in of the app and environment, so one set signs requests to all. */
export function devAwsCredentials(ctx: RecipeContext, options: ResolvedOptions): { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string } {
  return {
    AWS_ACCESS_KEY_ID: `DEV${devSecret(ctx, 'aws-access-key-id').slice(0, 17).toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: devSecret(ctx, 'aws-secret-access-key').slice(0, 40),
    AWS_REGION: options.region,
  };
}

/** The Secret `<id>-aws-credentials` an SDK signs requests to the stand-in with (and KEDA reads the queue with). */
export function credentialsSecret(resource: ResourceRef, ctx: RecipeContext, image: string, options: ResolvedOptions): k8s.KubeSecret {
  return new k8s.KubeSecret(ctx.scope, 'CredentialsSecret', {
    metadata: meta(resource, ctx, image, credentialsSecretName(resource.name)),
    type: 'Opaque',
    stringData: devAwsCredentials(ctx, options),
  });
}

/** Renders the ServiceAccount, StatefulSet, Service and NetworkPolicy of a stand-in. */
export function renderStandIn(resource: ResourceRef, ctx: RecipeContext, options: ResolvedOptions, spec: StandInSpec): void {
  const { platform, scope } = ctx;
  const id = resource.name;
  const metadata = meta(resource, ctx, spec.image);
  const selector = selectorLabels(id);
  const uid = platform.runAsUser;
  const retain = (resource.spec as { readonly retain?: boolean }).retain !== false;

  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata, automountServiceAccountToken: false });

  const scratch: ScratchVolume[] = [{ name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' }, ...(spec.scratch ?? [])];
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  if (spec.data) mounts.push({ name: 'data', mountPath: spec.data.mountPath });
  if (spec.config) {
    volumes.push({ name: 'config', configMap: { name: spec.config.configMap } });
    for (const f of spec.config.files) mounts.push({ name: 'config', mountPath: f.mountPath, subPath: f.key, readOnly: true });
  }
  for (const s of scratch) {
    volumes.push({ name: s.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(s.sizeLimit) } });
    mounts.push({ name: s.name, mountPath: s.mountPath });
  }

  const base = (name: string, size: SizeName): k8s.Container => ({
    name,
    image: spec.image,
    imagePullPolicy: 'Always',
    resources: resourceRequirements(resolveResources(platform, size, undefined)),
    securityContext: restrictedSecurityContext(uid),
    volumeMounts: mounts,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  });
  const server: k8s.Container = {
    ...base(spec.container, spec.size),
    args: spec.args ? [...spec.args] : undefined,
    env: spec.env?.length ? [...spec.env] : undefined,
    ports: [{ name: spec.port.name, containerPort: spec.port.port, protocol: 'TCP' }],
    startupProbe: spec.probes.startup,
    readinessProbe: spec.probes.readiness,
    livenessProbe: spec.probes.liveness,
  };
  const annotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': spec.container };
  if (spec.config) annotations['libk8s.io/config-hash'] = spec.config.hash;

  const claim: k8s.KubePersistentVolumeClaimProps | undefined = spec.data && {
    metadata: { name: 'data', labels: { ...selector } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: options.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(`${options.storageGiB}Gi`) } },
    },
  };

  new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata,
    spec: {
      // one replica: each replica of these servers would hold its own, separate data
      replicas: 1,
      serviceName: id,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate' },
      // the resource's `retain` decides whether deleting the stand-in deletes its data
      persistentVolumeClaimRetentionPolicy: claim && { whenDeleted: retain ? 'Retain' : 'Delete', whenScaled: 'Retain' },
      volumeClaimTemplates: claim && [claim],
      template: {
        metadata: { labels: { ...metadata.labels }, annotations },
        spec: {
          serviceAccountName: id,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: platform.priorityClassName,
          terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
          securityContext: {
            runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
            maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
          })),
          initContainers: spec.init ? [{ ...base(spec.init.name, 'nano'), command: [...spec.init.command] }] : undefined,
          containers: [server],
          volumes,
        },
      },
    },
  });

  new k8s.KubeService(scope, 'Service', {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector: { ...selector },
      ports: [{ name: spec.port.name, port: spec.port.port, targetPort: k8s.IntOrString.fromString(spec.port.name), protocol: 'TCP' }],
    },
  });

  const callers = [...new Set(ctx.users.map((u) => u.workload.name))].sort();
  const from: k8s.NetworkPolicyPeer[] = [...callers.map((name) => ({ podSelector: { matchLabels: policySelector(name) } })), ...(spec.extraIngress ?? [])];
  // no caller: only its own pods (as a libk8s workload nobody calls; Polaris asks for at least one ingress rule)
  if (from.length === 0) from.push({ podSelector: { matchLabels: policySelector(id) } });
  new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata,
    spec: {
      podSelector: { matchLabels: policySelector(id) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from, ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(spec.port.port) }] }],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    },
  });
}
