import { IConstruct } from 'constructs';
import { RenderContext } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { checkPort } from '../core/rules';
import { PortProps, ProbesProps } from '../pod/container';
import type { Scope } from '../core/component';
import { ScalingProps, Workload, WorkloadObjects, WorkloadOverrides, WorkloadProps } from './workload';

/** What a Worker and a QueueWorker share beyond WorkloadProps. */
export interface WorkerBaseProps extends WorkloadProps {
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

export interface WorkerProps<E extends string = string> extends WorkerBaseProps, ScalingProps {
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
    if (typeof this.props === 'object' && this.props !== null) checkHealth(problems, this.props);
  }

  protected render(ctx: RenderContext): WorkloadObjects {
    return this.renderWorkload(ctx, this.settingsFor(ctx.environment.name), []);
  }
}

/** The health port as the main container's only port. */
export function healthPorts(p: WorkerBaseProps): PortProps[] {
  return p.healthPort === false ? [] : [{ name: 'http', port: p.healthPort ?? 8080 }];
}

/** A worker without a health port needs exec probes (or none, where a probe may be turned off). */
export function checkHealth(problems: ProblemList, p: WorkerBaseProps): void {
  if (p.healthPort === false) {
    const probes: ProbesProps = p.probes ?? {};
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = probes[kind];
      if (probe === false) continue;
      if (!probe || probe.type !== 'exec') {
        problems.add(`probes.${kind}`, `is ${probe ? `a ${show(probe.type ?? 'http')} probe` : 'the default HTTP probe'}, but 'healthPort' is false, so there is no port to probe`,
          `give an exec probe, e.g. probes: { ${kind}: { type: 'exec', command: ['/app/healthcheck'] } }, or set 'healthPort'.`);
      }
    }
  } else if (p.healthPort !== undefined) {
    checkPort(problems, 'healthPort', p.healthPort);
  }
}
