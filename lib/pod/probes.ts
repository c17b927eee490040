import * as k8s from '../core/kube';
import type { Platform } from '../core/platform';
import { isRecord } from '../core/rules';
import type { PortProps } from './container';
import { probeSchemeFor, probeTypeFor, ProbeType } from './ports';

export type { ProbeType } from './ports';

/** The probe kinds of a golden-path container. */
export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** How long and how often a probe runs. */
export interface ProbeTiming {
  /** @default - per probe kind, see README @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe */
  readonly initialDelaySeconds?: number;
  /** @default - per probe kind */
  readonly periodSeconds?: number;
  /** @default - per probe kind */
  readonly failureThreshold?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /**
   * Successes in a row, after a failure, that count as passing. Only a
   * readiness probe may ask for more than 1 (the API server requires 1 of
   * startup and liveness probes).
   * @default 1
   */
  readonly successThreshold?: number;
  /**
   * Seconds between SIGTERM and SIGKILL when this probe's failure kills the
   * container, instead of the pod's; startup and liveness probes only.
   * @default - the pod's terminationGracePeriodSeconds
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** A request header of an HTTP probe. */
export interface HttpHeader {
  /** The header name, e.g. `Host` or `X-Health-Token`. */
  readonly name: string;
  readonly value: string;
}

/**
 * An HTTP GET: passes on a status from 200 to 399.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#HTTPGetAction
 */
export interface HttpProbeProps extends ProbeTiming {
  /**
   * Left out, the type follows the port the probe targets: a gRPC port is
   * checked with gRPC, a tcp or tls port with a TCP connect, any other with
   * an HTTP GET (which `path`, `scheme` or `httpHeaders` also ask for).
   * @default - the protocol of the port it targets ('http' for most)
   */
  readonly type?: 'http';
  /** @default - the platform's health path for this probe */
  readonly path?: string;
  /** The name of a declared port. @default - the main port */
  readonly port?: string;
  /** @default - 'HTTPS' for an https or wss port, else 'HTTP' */
  readonly scheme?: 'HTTP' | 'HTTPS';
  /** Request headers, in order (a name may repeat). @default - none */
  readonly httpHeaders?: readonly HttpHeader[];
}

/** A command run in the container: passes when it exits 0. */
export interface ExecProbeProps extends ProbeTiming {
  readonly type: 'exec';
  readonly command: readonly string[];
}

/** A TCP connect: passes when the port accepts a connection. */
export interface TcpProbeProps extends ProbeTiming {
  readonly type: 'tcp';
  /** The name of a declared port. @default - the main port */
  readonly port?: string;
}

/**
 * A gRPC health check (grpc.health.v1.Health/Check): passes when the
 * server reports SERVING for `service`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#GRPCAction
 */
export interface GrpcProbeProps extends ProbeTiming {
  readonly type: 'grpc';
  /** A declared port, by number or by name. @default - the main port */
  readonly port?: number | string;
  /**
   * The service name in the health-check request ('' asks about the whole server).
   * @default - the platform's gRPC health service for this probe ('' for startup and liveness, 'readiness' for readiness)
   */
  readonly service?: string;
}

/** One probe: an HTTP GET (the default for an HTTP port), a command, a TCP connect or a gRPC health check. */
export type ProbeProps = HttpProbeProps | ExecProbeProps | TcpProbeProps | GrpcProbeProps;

export interface ProbesProps {
  /**
   * Holds readiness and liveness back until the app has started. Left out,
   * it follows the readiness probe's type and port (its scheme and headers,
   * or its command), with the platform's startup path or gRPC service.
   * @default - like the readiness probe, on the platform's startup path (or gRPC service), every 2 s, up to 60 s
   */
  readonly startup?: ProbeProps | false;
  /**
   * Takes the pod out of the Service while it fails.
   * @default - on the main port in its protocol (HTTP GET on the platform's readiness path, or gRPC), every 5 s
   */
  readonly readiness?: ProbeProps;
  /**
   * Restarts the container when it fails.
   * @default - on the main port in its protocol (HTTP GET on the platform's liveness path, or gRPC), every 10 s, 6 failures
   */
  readonly liveness?: ProbeProps | false;
}

/** The ports a container's probes may target, and the one they target when they name none. */
export interface ProbePorts {
  /** The port a probe that names none targets. @default - none: HTTP and TCP probes then target the port named "http" */
  readonly main?: Partial<PortProps>;
  /** Every declared port (the main one included), to resolve names. @default - none */
  readonly ports?: readonly PortProps[];
  /** The port a gRPC probe that names none targets. @default - the main port */
  readonly grpcMain?: Partial<PortProps>;
}

/** The timing of an app's probes: startup every 2 s for up to 60 s, readiness every 5 s, liveness every 10 s with 6 failures. */
export const APP_PROBE_TIMING: Readonly<Record<ProbeKind, Required<Omit<ProbeTiming, 'initialDelaySeconds' | 'successThreshold' | 'terminationGracePeriodSeconds'>>>> = {
  startup: { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1 },
  readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1 },
  liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 1 },
};

/**
 * The timing of a data server's probes (the in-cluster stand-ins): startup
 * tolerates a slow first start (up to 120 s), liveness restarts only a hung server.
 */
export const SERVER_PROBE_TIMING: typeof APP_PROBE_TIMING = {
  startup: { periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2 },
  readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
  liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 },
};

/** Every prop of a probe, read without narrowing (validation reports what does not fit the type). */
export type AnyProbe = ProbeTiming & {
  readonly type?: string; readonly path?: string; readonly port?: number | string; readonly scheme?: string;
  readonly httpHeaders?: readonly HttpHeader[]; readonly command?: readonly string[]; readonly service?: string;
};

/**
 * The handler a probe uses: its `type`, else HTTP when it has an HTTP
 * prop, else what the port it targets speaks (its `port`, or the main one).
 */
export function probeType(p: ProbeProps, ports: ProbePorts | undefined): ProbeType {
  const q = p as AnyProbe;
  if (q.type === 'http' || q.type === 'exec' || q.type === 'tcp' || q.type === 'grpc') return q.type;
  if (q.path !== undefined || q.scheme !== undefined || q.httpHeaders !== undefined) return 'http';
  const target = q.port === undefined ? ports?.main : ports?.ports?.find((x) => x.name === q.port || x.port === q.port);
  return probeTypeFor(target?.appProtocol);
}

/** The port of a probe that connects to one, by name (HTTP, TCP) or number (gRPC), and the declared port it is. */
export function probeTarget(p: AnyProbe, type: ProbeType, ports: ProbePorts | undefined): { name?: string; number?: number; declared?: Partial<PortProps> } {
  if (type === 'exec') return {};
  const all = ports?.ports ?? [];
  if (p.port === undefined) {
    const main = type === 'grpc' ? ports?.grpcMain ?? ports?.main : ports?.main;
    return { name: main?.name ?? 'http', number: main?.port ?? all.find((x) => x.name === (main?.name ?? 'http'))?.port, declared: main };
  }
  const declared = all.find((x) => x.name === p.port || x.port === p.port);
  return typeof p.port === 'number' ? { name: declared?.name, number: p.port, declared } : { name: p.port, number: declared?.port, declared };
}

/**
 * Builds one probe of a golden-path container: by default on the main port
 * in its protocol (an HTTP GET on the platform's health path, or a gRPC
 * health check with the platform's service name); or a command, a TCP
 * connect or a gRPC health check; timing from `timing` unless the props
 * give it. HTTP and TCP probes target a port by name, gRPC by number.
 */
export function probe(kind: ProbeKind, p: ProbeProps | undefined, platform: Platform, ports: ProbePorts | undefined, timing = APP_PROBE_TIMING): k8s.Probe {
  const pp = (p ?? {}) as AnyProbe;
  const t = { ...timing[kind], ...stripUndefined({ initialDelaySeconds: pp.initialDelaySeconds, periodSeconds: pp.periodSeconds, failureThreshold: pp.failureThreshold, timeoutSeconds: pp.timeoutSeconds }) };
  const all = { ...t, successThreshold: pp.successThreshold ?? 1, terminationGracePeriodSeconds: pp.terminationGracePeriodSeconds };
  const type = probeType(pp as ProbeProps, ports);
  const target = probeTarget(pp, type, ports);
  switch (type) {
    case 'exec': return { ...all, exec: { command: [...(pp.command ?? [])] } };
    case 'tcp': return { ...all, tcpSocket: { port: k8s.IntOrString.fromString(target.name ?? 'http') } };
    case 'grpc': {
      const service = pp.service ?? platform.grpcHealthServices[kind];
      return { ...all, grpc: { port: target.number ?? 8080, service: service === '' ? undefined : service } };
    }
    default: return {
      ...all,
      httpGet: {
        path: pp.path ?? platform.healthPaths[kind],
        port: k8s.IntOrString.fromString(target.name ?? 'http'),
        scheme: (pp.scheme as 'HTTP' | 'HTTPS' | undefined) ?? probeSchemeFor(target.declared?.appProtocol),
        httpHeaders: pp.httpHeaders?.length ? pp.httpHeaders.map((h) => ({ name: h.name, value: h.value })) : undefined,
      },
    };
  }
}

/**
 * The startup probe of a container whose readiness probe is given and its
 * startup probe is not: the readiness probe's type and port (its scheme and
 * headers, or its command); the path or gRPC service and the timing stay a
 * startup probe's.
 */
export function startupFollowing(readiness: ProbeProps | undefined, ports: ProbePorts | undefined): ProbeProps | undefined {
  if (!isRecord(readiness)) return undefined;
  const r = readiness as AnyProbe;
  switch (probeType(readiness, ports)) {
    case 'exec': return { type: 'exec', command: r.command ?? [] };
    case 'tcp': return { type: 'tcp', port: r.port as string | undefined };
    case 'grpc': return { type: 'grpc', port: r.port };
    default: return { type: 'http', port: r.port as string | undefined, scheme: r.scheme as HttpProbeProps['scheme'], httpHeaders: r.httpHeaders };
  }
}

/** The three probes of a main container: startup (following readiness unless given), readiness and liveness. */
export function containerProbes(probes: ProbesProps | undefined, platform: Platform, ports: ProbePorts): Pick<k8s.Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const startup = probes?.startup;
  return {
    startupProbe: startup === false ? undefined : probe('startup', startup ?? startupFollowing(probes?.readiness, ports), platform, ports),
    readinessProbe: probe('readiness', probes?.readiness, platform, ports),
    livenessProbe: probes?.liveness === false ? undefined : probe('liveness', probes?.liveness, platform, ports),
  };
}

/**
 * What a sidecar's probes target when they name no port: HTTP and TCP the
 * port named "http"; gRPC its gRPC port (by appProtocol, else named "grpc"), else its first port.
 */
export function sidecarProbePorts(ports: readonly PortProps[] | undefined): ProbePorts {
  const list = (Array.isArray(ports) ? ports : []).filter((x: PortProps) => isRecord(x));
  const http = list.find((x) => x.name === 'http');
  const grpc = list.find((x) => x.appProtocol === 'grpc') ?? list.find((x) => x.name === 'grpc') ?? list[0];
  return { main: { name: 'http', port: http?.port, appProtocol: http?.appProtocol }, grpcMain: grpc, ports: list };
}

/** The probes of a sidecar: only the ones given. */
export function sidecarProbes(probes: { readonly startup?: ProbeProps; readonly readiness?: ProbeProps; readonly liveness?: ProbeProps } | undefined, ports: readonly PortProps[] | undefined, platform: Platform): Pick<k8s.Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const at = sidecarProbePorts(ports);
  return {
    startupProbe: probes?.startup && probe('startup', probes.startup, platform, at),
    readinessProbe: probes?.readiness && probe('readiness', probes.readiness, platform, at),
    livenessProbe: probes?.liveness && probe('liveness', probes.liveness, platform, at),
  };
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
