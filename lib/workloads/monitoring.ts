import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import * as k8s from '../core/kube';
import { ProblemList, show } from '../core/errors';
import { selectorLabels } from '../core/labels';
import type { Platform } from '../core/platform';
import { checkPort, isRecord } from '../core/rules';
import type { PortProps } from '../pod/container';
import type { ServicePortProps } from './ingress';

/**
 * Observability as a default: a workload's metrics port is scraped by the
 * platform's Prometheus (Prometheus Operator), through a ServiceMonitor
 * when the workload has a Service and a PodMonitor when it has none, and
 * its NetworkPolicy admits Prometheus on that port.
 */

/** How Prometheus scrapes a workload. */
export interface MetricsProps {
  /**
   * The port serving metrics: a number declares a port of its own named
   * `metrics`; a name picks one of the workload's ports (e.g. `'http'`
   * when the app serves `/metrics` on its main port).
   * @default 'metrics' (the port of that name, which must exist)
   */
  readonly port?: number | string;
  /**
   * The HTTP path of the metrics.
   * @default '/metrics'
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint
   */
  readonly path?: string;
  /**
   * How often Prometheus scrapes, a Prometheus duration such as `'30s'`.
   * @default - the Prometheus resource's scrapeInterval (30s unless the platform sets it)
   */
  readonly interval?: string;
  /**
   * How long a scrape may take; at most `interval`.
   * @default - the Prometheus resource's scrapeTimeout
   */
  readonly scrapeTimeout?: string;
}

/** The `metrics` prop of a workload that runs continuously. */
export interface MetricsOptions {
  /**
   * Prometheus scraping: a ServiceMonitor (PodMonitor for a workload
   * without a Service) and NetworkPolicy ingress from the platform's
   * monitoring stack on the metrics port. On by default for a port named
   * `metrics`; `false` turns both off (the port stays).
   * @default - scraped on '/metrics' when a port is named 'metrics', else none
   */
  readonly metrics?: MetricsProps | false;
}

/** One workload's scrape, resolved. */
export interface ResolvedMetrics {
  /** The name of the port scraped. */
  readonly port: string;
  readonly path: string;
  readonly interval?: string;
  readonly scrapeTimeout?: string;
}

export const METRICS_PORT = 'metrics';

/** The port a numeric `metrics.port` declares; none otherwise. */
export function metricsPort(p: MetricsOptions): PortProps[] {
  const m = p.metrics;
  return isRecord(m) && typeof m.port === 'number' ? [{ name: METRICS_PORT, port: m.port }] : [];
}

/**
 * The scrape of a workload with these ports (the metrics port among
 * them), or none: `metrics: false`, a platform without monitoring, or no
 * port to scrape (validation reports a named one that is missing).
 */
export function resolveMetrics(p: MetricsOptions, ports: readonly PortProps[], platform: Platform): ResolvedMetrics | undefined {
  const m = p.metrics;
  if (m === false || !platform.monitoring) return undefined;
  const o: MetricsProps = isRecord(m) ? m : {};
  const port = typeof o.port === 'string' ? o.port : METRICS_PORT;
  if (!ports.some((x) => x.name === port)) return undefined;
  return { port, path: o.path ?? '/metrics', interval: o.interval, scrapeTimeout: o.scrapeTimeout };
}

/** The ports with the monitoring stack admitted on the scraped one. */
export function withMonitoringIngress(ports: readonly ServicePortProps[], m: ResolvedMetrics | undefined): ServicePortProps[] {
  return ports.map((x) => (m && x.name === m.port && !x.ingress?.includes('monitoring') ? { ...x, ingress: ['monitoring', ...(x.ingress ?? [])] } : x));
}

const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: 31536e6, w: 6048e5, d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };

/** A Prometheus duration in milliseconds; undefined when it is not one (or is empty). */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '' || !DURATION.test(value)) return undefined;
  return [...value.matchAll(/([0-9]+)(ms|[ywdhms])/g)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

/**
 * Checks `metrics` against the workload's ports (`all`, the one a numeric
 * `metrics.port` adds last among them), every problem reported.
 */
export function checkMetrics(problems: ProblemList, p: MetricsOptions, all: readonly PortProps[], platform: Platform): void {
  const m = p.metrics as unknown;
  if (m === undefined || m === false) return;
  const added = all.length && metricsPort(p).length ? all.length - 1 : -1;
  const ports = all.filter((x, i) => i !== added && isRecord(x));
  if (!isRecord(m)) {
    problems.add('metrics', `${show(m)} is not a metrics option`, "pass { port: 9090 }, { port: 'http', path: '/metrics' }, or false.");
    return;
  }
  if (!platform.monitoring) {
    problems.add('metrics', 'is set, but the platform has no monitoring stack (platform.monitoring is false), so nothing would scrape it', "remove 'metrics', or have the platform name its monitoring stack.");
  }
  const names = ports.map((x) => x.name);
  if (typeof m.port === 'number') {
    if (checkPort(problems, 'metrics.port', m.port)) {
      const clash = ports.find((x) => x.port === m.port);
      if (clash) problems.add('metrics.port', `${m.port} is already the number of port ${show(clash.name)}`, `scrape that port by name (port: ${show(clash.name)}), or use another number.`);
    }
    if (names.includes(METRICS_PORT)) problems.add('metrics.port', `${m.port} declares a port named "metrics", but the workload already has one`, "leave 'metrics.port' out (the port named metrics is scraped), or rename the other port.");
  } else if (m.port !== undefined && (typeof m.port !== 'string' || !names.includes(m.port))) {
    problems.add('metrics.port', `${show(m.port)} is not a declared port`, `name one of the declared ports (${names.join(', ') || 'none'}), or give a number to declare a port named "metrics".`);
  } else if (m.port === undefined && !names.includes(METRICS_PORT)) {
    problems.add('metrics.port', 'is not set and no port is named "metrics", so there is nothing to scrape', `give the port number (port: 9090) or name a declared port (${names.join(', ') || 'none'}).`);
  }
  if (m.path !== undefined && (typeof m.path !== 'string' || !m.path.startsWith('/'))) problems.add('metrics.path', `${show(m.path)} does not start with "/"`, 'use a path like "/metrics".');
  const interval = m.interval === undefined ? undefined : durationMs(m.interval);
  const timeout = m.scrapeTimeout === undefined ? undefined : durationMs(m.scrapeTimeout);
  for (const [key, value, ms] of [['interval', m.interval, interval], ['scrapeTimeout', m.scrapeTimeout, timeout]] as const) {
    if (value !== undefined && (ms === undefined || ms === 0)) problems.add(`metrics.${key}`, `${show(value)} is not a Prometheus duration`, 'use a duration like "30s", "1m" or "1m30s".');
  }
  if (interval && timeout && timeout > interval) {
    problems.add('metrics.scrapeTimeout', `${show(m.scrapeTimeout)} is longer than the interval ${show(m.interval)}, which Prometheus rejects`, `use at most ${show(m.interval)}.`);
  }
}

/** The endpoint fields both monitors share. */
function endpoint(m: ResolvedMetrics): Record<string, string> {
  return { port: m.port, path: m.path, ...(m.interval ? { interval: m.interval } : {}), ...(m.scrapeTimeout ? { scrapeTimeout: m.scrapeTimeout } : {}) };
}

/** The monitor's metadata: the workload's, with the labels the platform's Prometheus selects monitors by. */
function monitorMeta(meta: k8s.ObjectMeta, platform: Platform): k8s.ObjectMeta {
  return { ...meta, labels: { ...meta.labels, ...platform.monitoring?.monitorLabels } };
}

/**
 * A ServiceMonitor scraping the workload's Service (selected by the
 * workload's selector labels, which the Service carries) on the metrics port.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export function serviceMonitor(scope: Construct, meta: k8s.ObjectMeta, name: string, m: ResolvedMetrics, platform: Platform): ApiObject {
  return new ApiObject(scope, 'ServiceMonitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: monitorMeta(meta, platform),
    spec: { selector: { matchLabels: selectorLabels(name) }, endpoints: [endpoint(m)] },
  });
}

/**
 * A PodMonitor scraping the workload's pods (a workload without a Service) on the metrics port.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export function podMonitor(scope: Construct, meta: k8s.ObjectMeta, name: string, m: ResolvedMetrics, platform: Platform): ApiObject {
  return new ApiObject(scope, 'PodMonitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: monitorMeta(meta, platform),
    spec: { selector: { matchLabels: selectorLabels(name) }, podMetricsEndpoints: [endpoint(m)] },
  });
}
