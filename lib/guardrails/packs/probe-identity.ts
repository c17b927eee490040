/**
 * What a probe actually checks, so two probes can be compared: the handler
 * and its target, timing aside, a named port resolved to the number it
 * names. An HTTP GET checks a path on a port with its headers; a gRPC
 * health check a service on a port; a TCP connect a port; exec a command.
 */
import { show } from './production-support';

export type ProbeHandlerType = 'http' | 'grpc' | 'tcp' | 'exec';

export interface ProbeCheck {
  readonly type: ProbeHandlerType;
  /** Equal for two probes that check the same thing. */
  readonly key: string;
  /** The check in words: `GET /health on port 8080`. */
  readonly description: string;
}

/** A probe's port as a number where the container declares it (or it is one), else as written. */
function resolvePort(port: unknown, container: Readonly<Record<string, any>>): number | string {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const declared = (Array.isArray(container.ports) ? container.ports : []).find((p: any) => p?.name === port);
  return typeof declared?.containerPort === 'number' ? declared.containerPort : String(port);
}

function portText(written: unknown, resolved: number | string): string {
  return written === resolved || typeof written !== 'string' ? `port ${show(resolved)}` : `port ${show(written)} (${resolved})`;
}

/** What a probe checks; undefined for a probe without a handler. */
export function probeCheck(p: unknown, container: Readonly<Record<string, any>>): ProbeCheck | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const probe = p as Record<string, any>;
  if (probe.httpGet) {
    const h = probe.httpGet;
    const port = resolvePort(h.port, container);
    // header names are case-insensitive; the order of different headers does not change the request's meaning
    const headers = (Array.isArray(h.httpHeaders) ? h.httpHeaders : []).map((x: any) => [String(x?.name).toLowerCase(), String(x?.value)]).sort();
    const path = h.path ?? '/';
    return {
      type: 'http',
      key: JSON.stringify(['http', path, port, h.host ?? '', headers]),
      description: `GET ${path} on ${portText(h.port, port)}${headers.length ? ` with ${headers.map(([n]: string[]) => n).join(', ')}` : ''}`,
    };
  }
  if (probe.grpc) {
    const port = resolvePort(probe.grpc.port, container);
    const service = probe.grpc.service ?? '';
    return { type: 'grpc', key: JSON.stringify(['grpc', port, service]), description: `gRPC health check of ${service === '' ? 'the whole server' : `service ${show(service)}`} on ${portText(probe.grpc.port, port)}` };
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, container);
    return { type: 'tcp', key: JSON.stringify(['tcp', port, probe.tcpSocket.host ?? '']), description: `TCP connect to ${portText(probe.tcpSocket.port, port)}` };
  }
  if (probe.exec) {
    const command = Array.isArray(probe.exec.command) ? probe.exec.command : [];
    return { type: 'exec', key: JSON.stringify(['exec', ...command]), description: `exec ${show(command)}` };
  }
  return undefined;
}

/** How to make a readiness and a liveness probe of this type check different things. */
export const DIFFER_FIX: Readonly<Record<ProbeHandlerType, string>> = {
  http: "In libk8s, give 'probes.readiness' and 'probes.liveness' different paths (the platform's defaults differ: /readyz and /livez). In YAML: point the livenessProbe at a path that checks only the process, or drop it.",
  grpc: "In libk8s, give 'probes.readiness' and 'probes.liveness' different gRPC services (the defaults differ: 'readiness' and the whole server, ''), or make the liveness probe { type: 'tcp' }. In YAML: set grpc.service on the readinessProbe to the service your health server reports readiness under, or make the livenessProbe a tcpSocket check.",
  tcp: "A TCP connect only shows that the port accepts connections: in libk8s, make 'probes.readiness' an HTTP or gRPC check of readiness, or point the two at different ports. In YAML: give the readinessProbe an httpGet or grpc handler that reports readiness.",
  exec: "In libk8s, give 'probes.readiness' and 'probes.liveness' different commands (e.g. ['/app/healthcheck', '--ready'] and ['/app/healthcheck', '--live']). In YAML: make the livenessProbe's command check only that the process is alive, or drop it.",
};
