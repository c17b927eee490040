import * as k8s from '../core/kube';
// the published object types name cdk8s-plus-27's classes, as the other objects' types do (workloads/props.ts)
import type { k8s as plus } from 'cdk8s-plus-27';
import { RenderContext } from '../core/component';
import { ProblemList } from '../core/errors';
import { checkIntRange } from '../core/rules';
import { ContainerProps, PortProps } from '../pod/container';
import type { PlacementProps, Scope } from '../core/component';
import { runJobSpec } from '../pod/controllers';
import { PodObjects, PodOptions, Workload, WorkloadOverrides, WorkloadProps } from './workload';

/**
 * What a workload that runs to completion (Task, CronTask) has beyond
 * WorkloadProps: how often a run is retried and how long it may take. It has
 * no replicas, no autoscaling, no ports and no probes.
 */
export interface JobBaseProps extends WorkloadProps {
  /**
   * Failed pods retried before the run is marked failed. A pod lost to a
   * disruption (node drain, eviction, preemption) is not counted: the Job's
   * podFailurePolicy ignores pods with the `DisruptionTarget` condition.
   * @default 2
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy
   */
  readonly backoffLimit?: number;
  /**
   * Seconds one run may take, retries included; then Kubernetes stops its
   * pods and marks it failed (`DeadlineExceeded`), so a run that hangs never
   * holds its resources (or, with concurrencyPolicy Forbid, blocks the
   * CronTask) forever.
   * @default 3600
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Not supported: a run's pod serves nothing, so no Service ever waits for
   * it to be ready, and a failing liveness probe would only kill the run.
   * A run that hangs is stopped by `activeDeadlineSeconds`.
   * @default - none
   */
  readonly probes?: never;
  /**
   * Seconds between SIGTERM and SIGKILL when a run is stopped (its deadline,
   * an eviction). There is no preStop pause: no Service sends it traffic.
   * @default 30
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#lifecycle
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Extra containers beside the main one. A run ends only when every
   * container has exited, so a sidecar must exit by itself once the main
   * container is done (e.g. on a shutdown call the app makes); otherwise the
   * run ends at `activeDeadlineSeconds`, as a failure.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly sidecars?: readonly ContainerProps[];
}

/** What may differ per environment for a Task: image, size, resources and env. */
export type TaskOverrides = Pick<WorkloadOverrides, 'image' | 'size' | 'resources' | 'env'>;

export interface TaskProps<E extends string = string> extends JobBaseProps, PlacementProps<E> {
  /**
   * Seconds a finished Job (and its pods, with their logs) is kept before
   * Kubernetes deletes it.
   * @default 86400
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
   */
  readonly ttlSecondsAfterFinished?: number;
  /** Values per environment name. @default - none */
  readonly overrides?: { readonly [K in E]?: TaskOverrides };
}

/** The objects a Task emits in one environment. */
export interface TaskObjects extends PodObjects {
  /** The Job of the run. */
  job: plus.KubeJob;
}

/**
 * The pod of a run, against the golden path of DESIGN.md:
 * - `restartPolicy: Never`: a failed attempt is a new pod, so backoffLimit
 *   counts pods, the failed pod's logs stay readable, and podFailurePolicy
 *   (which requires Never) applies.
 * - no topologySpreadConstraints: spreading is for replicas that serve
 *   together; a run is one pod (Polaris topologySpreadConstraint excludes
 *   Job and CronJob; libk8s's topology-spread rule covers Deployments and
 *   StatefulSets only).
 * - no probes: nothing routes traffic to a run (Polaris readinessProbeMissing
 *   and livenessProbeMissing exclude Job and CronJob); activeDeadlineSeconds
 *   bounds a hung run instead.
 * - no preStop pause: the pause lets endpoints drop a serving pod before it
 *   stops; a run is behind no Service, so it would only delay the stop. The
 *   grace period still gives the process time to exit cleanly on SIGTERM.
 */
export const RUN_POD: PodOptions = { restartPolicy: 'Never', spread: false, probes: false, preStop: false };

/** A run's retries and deadline, defaults resolved (see JobBaseProps). */
export function runLimits(p: JobBaseProps): { readonly backoffLimit: number; readonly activeDeadlineSeconds: number } {
  return { backoffLimit: p.backoffLimit ?? 2, activeDeadlineSeconds: p.activeDeadlineSeconds ?? 3600 };
}

/** Checks the props every run has: no probes, no scaling, the retry and deadline bounds. */
export function checkRunProps(problems: ProblemList, kind: string, p: JobBaseProps): void {
  const loose = p as JobBaseProps & { readonly replicas?: unknown; readonly autoscale?: unknown; readonly probes?: unknown };
  if (loose.probes !== undefined) {
    problems.add('probes', `is set, but a ${kind}'s pod runs to completion and serves nothing: no Service waits for it to be ready, and a failing liveness probe would only kill the run`,
      "remove it; 'activeDeadlineSeconds' stops a run that hangs.");
  }
  for (const prop of ['replicas', 'autoscale'] as const) {
    if (loose[prop] !== undefined) problems.add(prop, `is set, but a ${kind} runs one pod per run`, `remove it (a ${kind} has no replicas to scale).`);
  }
  if (p.backoffLimit !== undefined) {
    checkIntRange(problems, 'backoffLimit', p.backoffLimit, 0, 100, 'use a whole number of retries from 0 (none) to 100, e.g. 2.');
  }
  if (p.activeDeadlineSeconds !== undefined) {
    checkIntRange(problems, 'activeDeadlineSeconds', p.activeDeadlineSeconds, 1, Number.MAX_SAFE_INTEGER,
      'use the most seconds one run may take, retries included, e.g. 3600.');
  }
}

/**
 * A one-off run to completion, e.g. a database migration: a Job (backoffLimit,
 * activeDeadlineSeconds, ttlSecondsAfterFinished, a podFailurePolicy that
 * does not count disruptions), ServiceAccount, NetworkPolicy and ConfigMap
 * (with `config`), the pod on the golden path (see {@link RUN_POD}). No
 * Deployment, Service, PodDisruptionBudget or autoscaler.
 *
 * A Job's pod template is immutable: a GitOps tool applying a changed image
 * to an existing Job is refused, and one that re-creates a Job deleted by
 * its TTL runs it again. Give each release its own id (e.g.
 * `migrate-1-4-2`) or let the tool replace the Job (Argo CD's
 * `Replace=true` sync option).
 */
export class Task<E extends string = string> extends Workload<TaskProps<E>, TaskObjects> {
  public readonly kind = 'Task';

  constructor(scope: Scope<E>, id: string, props: TaskProps<NoInfer<E>>) {
    super(scope, id, props);
  }

  /** A run serves nothing: no ports. */
  protected ports(): PortProps[] {
    return [];
  }

  protected override get podOptions(): PodOptions {
    return RUN_POD;
  }

  protected override validate(problems: ProblemList): void {
    super.validate(problems);
    const p = this.props;
    if (typeof p !== 'object' || p === null) return;
    checkRunProps(problems, this.kind, p);
    if (p.ttlSecondsAfterFinished !== undefined) {
      checkIntRange(problems, 'ttlSecondsAfterFinished', p.ttlSecondsAfterFinished, 0, 2147483647,
        'use the seconds a finished Job is kept, e.g. 86400 (a day); 0 deletes it at once, with its logs.');
    }
  }

  protected render(ctx: RenderContext): TaskObjects {
    const s = this.settingsFor(ctx.environment.name);
    const p = s.props;
    const wiring = this.wiring(ctx);
    const { serviceAccount, configMap, template } = this.renderPod(ctx, s, wiring, 'Job');
    const job = new k8s.KubeJob(ctx.scope, 'Job', {
      metadata: this.metadata(ctx, p),
      spec: runJobSpec(runLimits(p), template, { ttlSecondsAfterFinished: p.ttlSecondsAfterFinished ?? 86400 }),
    });
    // a run serves nothing: the base admits only the Task's own pods (Polaris asks for one ingress rule)
    const networkPolicy = this.renderNetworkPolicy(ctx, p, [], wiring);
    return { serviceAccount, configMap, job, networkPolicy };
  }
}
