import { createHash } from 'crypto';
import * as k8s from '../../core/kube';
import { policySelector, selectorLabels, versionLabel } from '../../core/labels';
import type { Platform, SizeName } from '../../core/platform';
import { probe, ProbeKind, SERVER_PROBE_TIMING } from '../../pod/probes';
import { Connection, RecipeContext, ResourceRef, secretValues } from '../../core/recipe';
import { parseImage } from '../../core/rules';
import { podController, goldenServiceAccount } from '../../pod/controllers';
import { goldenNetworkPolicy } from '../../pod/network-policy';
import { goldenContainer, goldenPodSpec, tmpMount, tmpVolume } from '../../pod/template';
import { connectionSecretName, ResolvedOptions } from './options';

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
  /** Writable emptyDirs besides `/tmp`, which every golden-path pod has. @default - only `/tmp` */
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

/**
 * Probe builders for stand-ins: the golden-path probes of `lib/pod` with a
 * data server's timing (a slow first start tolerated, liveness restarts only
 * a hung server). The platform is not needed: every port is named.
 */
export const Probes = {
  tcp(kind: ProbeKind, port: string, platform: Platform): k8s.Probe {
    return probe(kind, { type: 'tcp', port }, platform, undefined, SERVER_PROBE_TIMING);
  },
  http(kind: ProbeKind, port: string, path: string, platform: Platform): k8s.Probe {
    return probe(kind, { type: 'http', port, path }, platform, undefined, SERVER_PROBE_TIMING);
  },
  exec(kind: ProbeKind, command: readonly string[], platform: Platform): k8s.Probe {
    return probe(kind, { type: 'exec', command }, platform, undefined, SERVER_PROBE_TIMING);
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

/**
 * Renders the ServiceAccount, StatefulSet, Service and NetworkPolicy of a
 * stand-in. Its pod is the golden-path pod of `lib/pod`, as every
 * workload's: the same security context, `/tmp`, container defaults, DNS
 * egress and NetworkPolicy shape.
 */
export function renderStandIn(resource: ResourceRef, ctx: RecipeContext, options: ResolvedOptions, spec: StandInSpec): void {
  const { platform, scope } = ctx;
  const id = resource.name;
  const metadata = meta(resource, ctx, spec.image);
  const selector = selectorLabels(id);
  const retain = (resource.spec as { readonly retain?: boolean }).retain !== false;

  goldenServiceAccount(scope, metadata);

  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  if (spec.data) mounts.push({ name: 'data', mountPath: spec.data.mountPath });
  if (spec.config) {
    volumes.push({ name: 'config', configMap: { name: spec.config.configMap } });
    for (const f of spec.config.files) mounts.push({ name: 'config', mountPath: f.mountPath, subPath: f.key, readOnly: true });
  }
  volumes.push(tmpVolume());
  mounts.push(tmpMount());
  for (const s of spec.scratch ?? []) {
    volumes.push({ name: s.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(s.sizeLimit) } });
    mounts.push({ name: s.name, mountPath: s.mountPath });
  }

  const server: k8s.Container = {
    ...goldenContainer({ name: spec.container, image: spec.image, args: spec.args, ports: [spec.port], size: spec.size, mounts }, platform),
    env: spec.env?.length ? [...spec.env] : undefined,
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

  podController(scope, {
    kind: 'StatefulSet',
    metadata,
    // one replica: each replica of these servers would hold its own, separate data
    replicas: 1,
    serviceName: id,
    selector,
    // the resource's `retain` decides whether deleting the stand-in deletes its data
    volumeClaimTemplates: claim ? [claim] : undefined,
    retainClaims: retain,
    template: {
      metadata: { labels: { ...metadata.labels }, annotations },
      spec: goldenPodSpec({
        serviceAccountName: id,
        controller: 'StatefulSet',
        selector,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
        fsGroupChangePolicy: 'OnRootMismatch',
        initContainers: spec.init ? [{ ...goldenContainer({ name: spec.init.name, image: spec.image, size: 'nano', mounts }, platform), command: [...spec.init.command] }] : undefined,
        containers: [server],
        volumes,
      }, platform),
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
  const port = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(spec.port.port) }];
  // no caller: only its own pods (as a workload nobody calls; Polaris asks for at least one ingress rule)
  goldenNetworkPolicy(scope, { metadata, name: id, ingress: from.length ? [{ from, ports: port }] : [], ownPorts: port });
}
