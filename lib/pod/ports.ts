import { ProblemList, show } from '../core/errors';

/**
 * What a port speaks above TCP: the Service port's `appProtocol` (so a
 * service mesh or a Gateway talks to it in that protocol instead of
 * guessing), the default probes of a port and the route kind of a
 * WebService follow it.
 *
 * - `http`: HTTP/1.1 (and HTTP/2 a client negotiates); HTTP probes.
 * - `https`: HTTP over TLS; HTTP probes with scheme HTTPS.
 * - `h2c`: HTTP/2 without TLS (`kubernetes.io/h2c`); HTTP probes (the kubelet speaks HTTP/1.1, which h2c servers also answer).
 * - `grpc`: gRPC; gRPC health-check probes, and a GRPCRoute for a route.
 * - `ws`, `wss`: WebSocket (`kubernetes.io/ws`, `kubernetes.io/wss`); HTTP probes.
 * - `tcp`, `tls`: opaque TCP (or TLS) streams; TCP probes, no route.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol
 */
export type AppProtocol = 'http' | 'https' | 'h2c' | 'grpc' | 'ws' | 'wss' | 'tcp' | 'tls';

/** Every application protocol, in the order error messages list them. */
export const APP_PROTOCOLS: readonly AppProtocol[] = ['http', 'https', 'h2c', 'grpc', 'ws', 'wss', 'tcp', 'tls'];

/**
 * The Service port's `appProtocol` of each: an IANA service name, or the
 * Kubernetes-defined `kubernetes.io/…` name where Kubernetes defines one
 * (h2c and WebSocket, which the Gateway API's backend protocol selection reads).
 */
const SERVICE_APP_PROTOCOL: Readonly<Record<AppProtocol, string>> = {
  'http': 'http', 'https': 'https', 'h2c': 'kubernetes.io/h2c', 'grpc': 'grpc',
  'ws': 'kubernetes.io/ws', 'wss': 'kubernetes.io/wss', 'tcp': 'tcp', 'tls': 'tls',
};

/** The probe handler that checks a port of a protocol (an unknown or absent protocol is HTTP). */
export type ProbeType = 'http' | 'exec' | 'tcp' | 'grpc';

export function isAppProtocol(value: unknown): value is AppProtocol {
  return typeof value === 'string' && Object.hasOwn(SERVICE_APP_PROTOCOL, value);
}

/** The Service port's `appProtocol` of a protocol; undefined without one. */
export function serviceAppProtocol(protocol: AppProtocol | undefined): string | undefined {
  return isAppProtocol(protocol) ? SERVICE_APP_PROTOCOL[protocol] : undefined;
}

/** The name a main port of a protocol gets unless it is named: the protocol itself (`http`, `grpc`, …). */
export function defaultPortName(protocol: AppProtocol | undefined): string {
  return isAppProtocol(protocol) ? protocol : 'http';
}

/** The probe type that checks a port of this protocol: gRPC health for gRPC, a TCP connect for tcp and tls, else an HTTP GET. */
export function probeTypeFor(protocol: AppProtocol | undefined): ProbeType {
  if (protocol === 'grpc') return 'grpc';
  return protocol === 'tcp' || protocol === 'tls' ? 'tcp' : 'http';
}

/** The HTTP probe scheme of a port of this protocol: HTTPS over TLS, else undefined (the API default, HTTP). */
export function probeSchemeFor(protocol: AppProtocol | undefined): 'HTTPS' | undefined {
  return protocol === 'https' || protocol === 'wss' ? 'HTTPS' : undefined;
}

/**
 * An application protocol prop: one of APP_PROTOCOLS. Every one of them
 * runs over TCP, so a port whose transport `protocol` is UDP or SCTP has none.
 */
export function checkAppProtocol(problems: ProblemList, prop: string, value: unknown, transport?: unknown): boolean {
  if (!isAppProtocol(value)) {
    problems.add(prop, `${show(value)} is not an application protocol libk8s knows`, `use one of: ${APP_PROTOCOLS.map((p) => `'${p}'`).join(', ')}.`);
    return false;
  }
  if (transport !== undefined && transport !== 'TCP') {
    problems.add(prop, `${show(value)} runs over TCP, but the port's 'protocol' is ${show(transport)}`,
      `leave 'appProtocol' out on a ${String(transport)} port, or use protocol 'TCP'.`);
    return false;
  }
  return true;
}
