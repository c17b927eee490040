import * as k8s from '../core/kube';
import { ProblemList, show } from '../core/errors';
import { DEFAULT_SIZES, Platform, ResourceSpec, SizeName } from '../core/platform';
import {
  checkBoolean, checkCpu, checkEnvName, checkImage, checkList, checkMemory, checkPort, checkRecord, checkStringList, compareQuantities,
  configMapKeyProblem, isDnsSubdomain, isRecord, SECRET_LOOKING_NAME, suggestDnsLabel,
} from '../core/rules';
import type { AppProtocol } from './ports';
import { compose, ComposedEnv, WiredValue } from '../core/wiring';
import { checkProbes } from './probe-checks';
import { ProbeProps, sidecarProbePorts } from './probes';

/** Files mounted from a ConfigMap; a change to them rolls the pods. */
export interface ConfigFilesProps {
  /** File name to content. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Where the files appear in the main container.
   * @default `/etc/<construct id>`
   */
  readonly mountPath?: string;
}

/** Where an environment variable's value comes from, other than a literal. */
export type EnvSource =
  | { readonly from: 'secret'; readonly name: string; readonly key: string; readonly optional?: boolean }
  | { readonly from: 'configMap'; readonly name: string; readonly key: string; readonly optional?: boolean }
  | { readonly from: 'field'; readonly fieldPath: string }
  | { readonly from: 'resource'; readonly resource: 'limits.cpu' | 'limits.memory' | 'requests.cpu' | 'requests.memory' }
  /** Text and wired values (see `Env.compose`); main container only. */
  | ComposedEnv;

/** A literal value (never for secrets) or a reference. */
export type EnvValue = string | EnvSource;

/** Builders for environment variable references. */
export const Env = {
  /** A key of a Secret. The only way to pass a secret to a workload. */
  secret(name: string, key: string, options: { optional?: boolean } = {}): EnvSource {
    return { from: 'secret', name, key, ...options };
  },
  /** A key of a ConfigMap. */
  configMap(name: string, key: string, options: { optional?: boolean } = {}): EnvSource {
    return { from: 'configMap', name, key, ...options };
  },
  /** A field of the pod, e.g. `status.podIP` or `metadata.name`. */
  field(fieldPath: string): EnvSource {
    return { from: 'field', fieldPath };
  },
  /** A resource of the container, e.g. `limits.memory`. */
  resource(resource: 'limits.cpu' | 'limits.memory' | 'requests.cpu' | 'requests.memory'): EnvSource {
    return { from: 'resource', resource };
  },
  /**
   * A value composed of text and what the workload is wired to, as a tagged
   * template: `` Env.compose`redis://${cart.host}:${cart.port}/0` ``. A
   * value known at synth time is written as is; a Secret value as a
   * `$(VAR)` reference to its wired variable, which the env lists first so
   * Kubernetes expands it. Main container only.
   */
  compose(strings: TemplateStringsArray, ...values: readonly (WiredValue | string | number | boolean)[]): ComposedEnv {
    return compose(strings, ...values);
  },
};

// the probe props live in ./probes, their checks in ./probe-checks, the application protocols in ./ports
export { checkProbes, checkProbeTiming } from './probe-checks';
export type { ExecProbeProps, GrpcProbeProps, HttpHeader, HttpProbeProps, ProbeProps, ProbesProps, ProbeTiming, TcpProbeProps } from './probes';
export type { AppProtocol } from './ports';

/** Extra port on a container. */
export interface PortProps {
  /** IANA service name: at most 15 lowercase letters, digits and '-'. */
  readonly name: string;
  readonly port: number;
  /** The transport protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /**
   * What the port speaks above TCP: sets the Service port's `appProtocol`
   * (so a mesh or Gateway speaks it), and what probes that target the port
   * default to (gRPC health for 'grpc', a TCP connect for 'tcp' and 'tls').
   * @default - none (the Service port has no appProtocol; probes are HTTP)
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol
   */
  readonly appProtocol?: AppProtocol;
}

/** Requests and limits, each overriding the size preset. */
export interface ResourcesProps {
  /** @default - from the size preset */
  readonly cpu?: string;
  /** `null` removes the cpu limit. @default - from the size preset */
  readonly cpuLimit?: string | null;
  /** @default - from the size preset */
  readonly memory?: string;
  /** @default - from the size preset */
  readonly memoryLimit?: string;
  /** @default - from the size preset */
  readonly ephemeralStorage?: string;
  /** @default - from the size preset */
  readonly ephemeralStorageLimit?: string;
}

/** An extra container: a sidecar or an init container. */
export interface ContainerProps {
  /** Container name (DNS-1123 label). */
  readonly name: string;
  /** Image with a pinned tag or digest. */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** @default - none */
  readonly ports?: readonly PortProps[];
  /** @default 'nano' */
  readonly size?: SizeName;
  /** @default - the preset's values */
  readonly resources?: ResourcesProps;
  /** Volumes (declared on the workload) to mount, by name. @default - none */
  readonly mounts?: readonly { readonly volume: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  /**
   * Probes of a sidecar: only the ones given are set (Polaris expects a
   * readiness and a liveness probe on every container). HTTP and TCP probes
   * name a port of this container (default "http"; HTTP path: the platform's
   * health path). Not allowed on init containers.
   * @default - none
   */
  readonly probes?: { readonly startup?: ProbeProps; readonly readiness?: ProbeProps; readonly liveness?: ProbeProps };
  /**
   * Run a sidecar as a native sidecar: an init container with
   * `restartPolicy: Always`, started (and, with a startup or readiness
   * probe, ready) before the init containers and the main container, and
   * stopped after the main container, so a Task's run ends when its main
   * container exits. Kubernetes 1.29 or later; sidecars only.
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly native?: boolean;
}

/** A volume source a workload may use; hostPath is not offered (PSS restricted). */
export type VolumeSource =
  | { readonly type: 'emptyDir'; /** @default - none */ readonly sizeLimit?: string; /** @default - disk */ readonly medium?: 'Memory' }
  | { readonly type: 'configMap'; readonly configMap: string }
  | { readonly type: 'secret'; readonly secret: string }
  | { readonly type: 'persistentVolumeClaim'; readonly claimName: string };

export interface VolumeProps {
  /** Volume name (DNS-1123 label). */
  readonly name: string;
  /** Where the main container mounts it. */
  readonly mountPath: string;
  /** @default - true for configMap and secret, false otherwise */
  readonly readOnly?: boolean;
  readonly source: VolumeSource;
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkPortName(problems: ProblemList, prop: string, name: string): boolean {
  if (typeof name !== 'string' || name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    problems.add(prop, `${show(name)} is not a valid port name (IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter)`,
      'use a name like "http" or "metrics".');
    return false;
  }
  return true;
}

export function checkEnv(problems: ProblemList, prop: string, env: Readonly<Record<string, EnvValue>> | undefined): void {
  if (!checkRecord(problems, prop, env, "{ LOG_LEVEL: 'info' }")) return;
  for (const [name, value] of Object.entries(env ?? {})) {
    const p = `${prop}.${name}`;
    checkEnvName(problems, p, name);
    if (typeof value === 'string') {
      if (SECRET_LOOKING_NAME.test(name) || /BEARER/i.test(name) || /-BEGIN\s+.*PRIVATE KEY-/.test(value)) {
        problems.add(p, 'is a literal value for a name that looks secret; a literal lands in Git and in the manifest in plain text',
          `reference a Secret instead: ${name}: Env.secret('<secret-name>', '<key>').`);
      }
    } else if (typeof value !== 'object' || value === null || !['secret', 'configMap', 'field', 'resource', 'compose'].includes((value as EnvSource).from)) {
      problems.add(p, `${show(value)} is neither a string nor a reference`, "use a string, Env.secret(...), Env.configMap(...) or Env.field(...).");
    } else {
      checkEnvSource(problems, p, value);
    }
  }
}

const RESOURCE_FIELDS: readonly string[] = ['limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];

/** The parts of an Env.secret / Env.configMap / Env.field / Env.resource reference, as the API server validates them. */
function checkEnvSource(problems: ProblemList, prop: string, v: EnvSource): void {
  switch (v.from) {
    case 'secret':
    case 'configMap': {
      const what = v.from === 'secret' ? 'Secret' : 'ConfigMap';
      const call = `Env.${v.from}`;
      if (!isDnsSubdomain(v.name)) {
        problems.add(`${prop}.name`, `${show(v.name)} is not a valid ${what} name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
          `name the ${what} like ${show(typeof v.name === 'string' ? suggestDnsLabel(v.name) : 'app-secrets')}: ${call}(${show(typeof v.name === 'string' ? suggestDnsLabel(v.name) : 'app-secrets')}, ...).`);
      }
      const keyProblem = configMapKeyProblem(v.key, what);
      if (keyProblem) {
        problems.add(`${prop}.key`, keyProblem, `use a key of letters, digits, '-', '_' and '.', e.g. ${show(typeof v.key === 'string' && v.key.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^\.+/, '') || 'password')}.`);
      }
      if (v.optional !== undefined) checkBoolean(problems, `${prop}.optional`, v.optional);
      break;
    }
    case 'field':
      if (typeof v.fieldPath !== 'string' || v.fieldPath === '') {
        problems.add(`${prop}.fieldPath`, `${show(v.fieldPath)} is not a field path`, 'use a pod field like "metadata.name" or "status.podIP".');
      }
      break;
    case 'resource':
      if (!RESOURCE_FIELDS.includes(v.resource)) {
        problems.add(`${prop}.resource`, `${show(v.resource)} is not a container resource`, `use one of: ${RESOURCE_FIELDS.join(', ')}.`);
      }
      break;
  }
}

/** Checks requests and limits after the preset and overrides are combined. */
export function checkResources(problems: ProblemList, prop: string, r: ResourceSpec): void {
  const cpuOk = checkCpu(problems, `${prop}.cpu`, r.cpu);
  const cpuLimitOk = r.cpuLimit === undefined || checkCpu(problems, `${prop}.cpuLimit`, r.cpuLimit);
  const memOk = checkMemory(problems, `${prop}.memory`, r.memory);
  const memLimitOk = checkMemory(problems, `${prop}.memoryLimit`, r.memoryLimit);
  const esOk = checkMemory(problems, `${prop}.ephemeralStorage`, r.ephemeralStorage);
  const esLimitOk = r.ephemeralStorageLimit === undefined || checkMemory(problems, `${prop}.ephemeralStorageLimit`, r.ephemeralStorageLimit);
  if (cpuOk && cpuLimitOk && r.cpuLimit !== undefined && compareQuantities(r.cpu, r.cpuLimit) > 0) {
    problems.add(`${prop}.cpu`, `request ${show(r.cpu)} is greater than the limit ${show(r.cpuLimit)}`, 'lower the request or raise cpuLimit.');
  }
  if (memOk && memLimitOk && compareQuantities(r.memory, r.memoryLimit) > 0) {
    problems.add(`${prop}.memory`, `request ${show(r.memory)} is greater than the limit ${show(r.memoryLimit)}`, 'lower the request or raise memoryLimit.');
  }
  if (esOk && esLimitOk && r.ephemeralStorageLimit !== undefined && compareQuantities(r.ephemeralStorage, r.ephemeralStorageLimit) > 0) {
    problems.add(`${prop}.ephemeralStorage`, `request ${show(r.ephemeralStorage)} is greater than the limit ${show(r.ephemeralStorageLimit)}`, 'lower the request or raise ephemeralStorageLimit.');
  }
}

export function resolveResources(platform: Platform, size: SizeName, override: ResourcesProps | undefined): ResourceSpec {
  // an unknown preset is reported by validation; fall back so the other checks still run
  const preset = (Object.hasOwn(platform.sizes, size) ? platform.sizes[size] : undefined) ?? DEFAULT_SIZES.small;
  const cpuLimit = override?.cpuLimit === null ? undefined : override?.cpuLimit ?? preset.cpuLimit;
  return {
    cpu: override?.cpu ?? preset.cpu,
    cpuLimit: platform.dropCpuLimits ? undefined : cpuLimit,
    memory: override?.memory ?? preset.memory,
    memoryLimit: override?.memoryLimit ?? preset.memoryLimit,
    ephemeralStorage: override?.ephemeralStorage ?? preset.ephemeralStorage,
    ephemeralStorageLimit: override?.ephemeralStorageLimit ?? preset.ephemeralStorageLimit,
  };
}

export function checkSize(problems: ProblemList, prop: string, platform: Platform, size: string | undefined): boolean {
  if (size !== undefined && !Object.prototype.hasOwnProperty.call(platform.sizes, size)) {
    problems.add(prop, `${show(size)} is not a size preset`, `use one of: ${Object.keys(platform.sizes).join(', ')}.`);
    return false;
  }
  return true;
}

/** The main container's or an extra container's `command` and `args`: lists of strings. */
export function checkCommandArgs(problems: ProblemList, prefix: string, c: { readonly command?: unknown; readonly args?: unknown }): void {
  checkStringList(problems, `${prefix}command`, c.command, '["/app/server", "--port=8080"]');
  checkStringList(problems, `${prefix}args`, c.args, '["run", "--verbose"]');
}

export function checkContainer(problems: ProblemList, prop: string, c: ContainerProps, platform: Platform, volumes: ReadonlySet<string>): void {
  if (!isRecord(c)) {
    problems.add(prop, `${show(c)} is not a container`, "pass an object, e.g. { name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0' }.");
    return;
  }
  checkImage(problems, `${prop}.image`, c.image);
  checkCommandArgs(problems, `${prop}.`, c);
  checkEnv(problems, `${prop}.env`, c.env);
  if (checkSize(problems, `${prop}.size`, platform, c.size)) {
    checkResources(problems, `${prop}.resources`, resolveResources(platform, c.size ?? 'nano', c.resources));
  }
  const ports = checkList(problems, `${prop}.ports`, c.ports, "[{ name: 'admin', port: 9901 }]") ? c.ports ?? [] : [];
  for (const [i, p] of ports.entries()) {
    checkPortName(problems, `${prop}.ports[${i}].name`, p?.name);
    checkPort(problems, `${prop}.ports[${i}].port`, p?.port);
  }
  const mounts = checkList(problems, `${prop}.mounts`, c.mounts, "[{ volume: 'data', mountPath: '/data' }]") ? c.mounts ?? [] : [];
  for (const [i, m] of mounts.entries()) {
    if (!volumes.has(m?.volume)) {
      problems.add(`${prop}.mounts[${i}].volume`, `${show(m?.volume)} is not a volume of this workload`,
        `declare it in 'volumes' first (declared: ${[...volumes].join(', ') || 'none'}).`);
    }
  }
  if (c.probes) {
    const names = new Set((c.ports ?? []).map((x) => x.name));
    checkProbes(problems, `${prop}.probes`, c.probes, sidecarProbePorts(c.ports));
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const p = c.probes[kind];
      if (!p || p.type === 'exec' || p.port !== undefined) continue;
      const named = p.type !== 'grpc';
      if (named ? !names.has('http') : names.size === 0) {
        problems.add(`${prop}.probes.${kind}.port`, `is not set and the container has ${named ? 'no port named "http"' : 'no port'} to default to`,
          `set it to one of the container's ports, e.g. port: ${named ? '"admin"' : '9901'}.`);
      }
    }
  }
}

export function envVars(env: Readonly<Record<string, EnvValue>> | undefined, composed: (v: ComposedEnv) => string = (v) => v.parts.join('')): k8s.EnvVar[] | undefined {
  const entries = Object.entries(env ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([name, v]): k8s.EnvVar => {
    if (typeof v === 'string') return { name, value: v };
    switch (v.from) {
      case 'secret': return { name, valueFrom: { secretKeyRef: { name: v.name, key: v.key, optional: v.optional } } };
      case 'configMap': return { name, valueFrom: { configMapKeyRef: { name: v.name, key: v.key, optional: v.optional } } };
      case 'field': return { name, valueFrom: { fieldRef: { fieldPath: v.fieldPath } } };
      case 'resource': return { name, valueFrom: { resourceFieldRef: { resource: v.resource } } };
      case 'compose': return { name, value: composed(v) };
    }
  });
}

export function resourceRequirements(r: ResourceSpec): k8s.ResourceRequirements {
  const q = k8s.Quantity.fromString;
  const limits: Record<string, k8s.Quantity> = { memory: q(r.memoryLimit) };
  if (r.cpuLimit !== undefined) limits.cpu = q(r.cpuLimit);
  if (r.ephemeralStorageLimit !== undefined) limits['ephemeral-storage'] = q(r.ephemeralStorageLimit);
  return {
    requests: { 'cpu': q(r.cpu), 'memory': q(r.memory), 'ephemeral-storage': q(r.ephemeralStorage) },
    limits,
  };
}

/** The container security context of the restricted Pod Security Standard. */
export function restrictedSecurityContext(uid: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
