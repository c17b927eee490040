import { IConstruct } from 'constructs';
import { RenderContext } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { checkPort } from '../core/rules';
import { PortProps, ProbesProps } from '../pod/container';
import type { PlacementProps, Scope } from '../core/component';
import { RolloutProps, ScalingProps, Workload, WorkloadObjects, WorkloadOverrides, WorkloadProps } from './workload';
import type * as k8s from '../core/kube';
import type { Platform } from '../core/platform';
import { declaredIngress } from '../pod/network-policy';
import { peerContext } from './ingress';
import { checkMetrics, MetricsOptions, metricsPort, podMonitor, resolveMetrics, ResolvedMetrics, withMonitoringIngress } from './monitoring';

/** What a Worker and a QueueWorker share beyond WorkloadProps. */
export interface WorkerBaseProps extends WorkloadProps, RolloutProps, MetricsOptions {
  /**
   * The port the worker serves its health endpoints on (the platform's
   * health paths), named `http`; `false` for a worker with no HTTP server,
   * whose probes must then all be `exec`.
   * @default 8080
   */
  readonly healthPort?: number | false;
  /**
   * Seconds between SIGTERM and SIGKILL: long enough to finish the work in
   * flight. Must exceed the preStop pause.
   * @default 60
   */
  readonly terminationGracePeriodSeconds?: number;
}

export interface WorkerProps<E extends string = string> extends WorkerBaseProps, ScalingProps, PlacementProps<E> {
  /** Values per environment name. @default - none */
  readonly overrides?: { readonly [K in E]?: WorkloadOverrides };
}

/**
 * A long-running background process that serves no traffic: Deployment (no
 * Service), fixed replicas or an HPA, PodDisruptionBudget, NetworkPolicy
 * (egress to what it connects to; ingress only from its own pods on its
 * health port) and ServiceAccount, all on the golden path.
 */
export class Worker<E extends string = string> extends Workload<WorkerProps<E>, WorkloadObjects> {
  public readonly kind: string = 'Worker';

  constructor(scope: Scope<E>, id: string, props: WorkerProps<NoInfer<E>>) {
    super(scope as IConstruct, id, props);
  }

  protected ports(p: WorkerBaseProps): PortProps[] {
    return healthPorts(p);
  }

  protected override get defaultGracePeriod(): number {
    return 60;
  }

  protected override validate(problems: ProblemList): void {
    super.validate(problems);
    if (typeof this.props === 'object' && this.props !== null) {
      checkHealth(problems, this.props);
      checkMetrics(problems, this.props, healthPorts(this.props), this.app.platform);
    }
  }

  protected render(ctx: RenderContext): WorkloadObjects {
    const settings = this.settingsFor(ctx.environment.name);
    const { metrics, ingress } = workerMetrics(settings.props, ctx.platform);
    const objects = this.renderWorkload(ctx, settings, ingress);
    if (metrics) objects.podMonitor = podMonitor(ctx.scope, this.metadata(ctx, settings.props), this.name, metrics, ctx.platform);
    return objects;
  }
}

/** The main container's ports: the health port, and the metrics port a numeric `metrics.port` declares. */
export function healthPorts(p: WorkerBaseProps): PortProps[] {
  return [...(p.healthPort === false ? [] : [{ name: 'http', port: p.healthPort ?? 8080 }]), ...metricsPort(p)];
}

/** A worker's scrape (a PodMonitor, as it has no Service) and the ingress it needs: Prometheus on the metrics port. */
export function workerMetrics(p: WorkerBaseProps, platform: Platform): { metrics?: ResolvedMetrics; ingress: k8s.NetworkPolicyIngressRule[] } {
  const ports = healthPorts(p);
  const metrics = resolveMetrics(p, ports, platform);
  return { metrics, ingress: declaredIngress(withMonitoringIngress(ports, metrics), peerContext(platform, undefined)) };
}

/** A worker without a health port needs exec probes (or none, where a probe may be turned off). */
export function checkHealth(problems: ProblemList, p: WorkerBaseProps): void {
  if (p.healthPort === false) {
    const probes: ProbesProps = p.probes ?? {};
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = probes[kind];
      if (probe === false) continue;
      // a startup probe left out follows the readiness probe, an exec one too
      if (kind === 'startup' && probe === undefined && probes.readiness?.type === 'exec') continue;
      if (!probe || probe.type !== 'exec') {
        problems.add(`probes.${kind}`, `is ${probe ? `a ${show(probe.type ?? 'http')} probe` : 'the default HTTP probe'}, but 'healthPort' is false, so there is no port to probe`,
          `give an exec probe, e.g. probes: { ${kind}: { type: 'exec', command: ['/app/healthcheck'] } }, or set 'healthPort'.`);
      }
    }
  } else if (p.healthPort !== undefined) {
    checkPort(problems, 'healthPort', p.healthPort);
  }
}
