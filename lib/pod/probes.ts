import { k8s } from 'cdk8s-plus-27';
import type { Platform } from '../core/platform';
import type { ProbeProps, ProbeTiming } from './container';

/** The probe kinds of a golden-path container. */
export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** The timing of an app's probes: startup every 2 s for up to 60 s, readiness every 5 s, liveness every 10 s with 6 failures. */
export const APP_PROBE_TIMING: Readonly<Record<ProbeKind, Required<Omit<ProbeTiming, 'initialDelaySeconds'>>>> = {
  startup: { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1 },
  readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1 },
  liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 1 },
};

/**
 * The timing of a data server's probes (the in-cluster stand-ins): startup
 * tolerates a slow first start (up to 120 s), liveness restarts only a hung server.
 */
export const SERVER_PROBE_TIMING: Readonly<Record<ProbeKind, Required<Omit<ProbeTiming, 'initialDelaySeconds'>>>> = {
  startup: { periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2 },
  readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
  liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 },
};

/**
 * Builds one probe of a golden-path container: an HTTP GET on the
 * platform's health path by default, or a command, a TCP connect or a gRPC
 * health check; timing from `timing` unless the props give it. HTTP, TCP
 * and gRPC probes target a declared port.
 */
export function probe(kind: ProbeKind, p: ProbeProps | undefined, platform: Platform, primaryPort: number | undefined, timing = APP_PROBE_TIMING): k8s.Probe {
  const t = { ...timing[kind], ...stripUndefined({ initialDelaySeconds: p?.initialDelaySeconds, periodSeconds: p?.periodSeconds, failureThreshold: p?.failureThreshold, timeoutSeconds: p?.timeoutSeconds }) };
  const all = { ...t, successThreshold: 1 };
  const pp = p ?? {};
  switch (pp.type) {
    case 'exec': return { ...all, exec: { command: [...pp.command] } };
    case 'tcp': return { ...all, tcpSocket: { port: k8s.IntOrString.fromString(pp.port ?? 'http') } };
    case 'grpc': return { ...all, grpc: { port: pp.port ?? primaryPort ?? 8080 } };
    default: return { ...all, httpGet: { path: pp.path ?? platform.healthPaths[kind], port: k8s.IntOrString.fromString(pp.port ?? 'http') } };
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
