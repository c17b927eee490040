import * as k8s from '../core/kube';
// the published object types name cdk8s-plus-27's classes, as the other objects' types do (workloads/props.ts)
import type { k8s as plus } from 'cdk8s-plus-27';
import { RenderContext } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { checkBoolean, checkIntRange } from '../core/rules';
import { PortProps } from '../pod/container';
import { runJobSpec } from '../pod/controllers';
import { checkSchedule, checkTimeZone } from './cron-schedule';
import { checkRunProps, JobBaseProps, RUN_POD, runLimits } from './task';
import type { PlacementProps, Scope } from '../core/component';
import { PodObjects, PodOptions, WorkloadOverrides, Workload } from './workload';

/** The schedule macros Kubernetes documents for a CronJob. */
export type CronMacro = '@yearly' | '@annually' | '@monthly' | '@weekly' | '@daily' | '@midnight' | '@hourly';

/**
 * A CronJob schedule: a macro, or five fields `minute hour day-of-month month
 * day-of-week` (`*`, lists, ranges, steps; month `JAN`-`DEC`, day-of-week
 * 0-6 or `SUN`-`SAT`). The type catches a misspelt macro or a missing field;
 * the rest is checked when the app renders.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export type CronSchedule = CronMacro | `${string} ${string} ${string} ${string} ${string}`;

/**
 * What happens when a run is due while the previous one still runs.
 * - `Forbid`: the new run is skipped (started late, within
 *   `startingDeadlineSeconds`, if the previous one ends in time).
 * - `Replace`: the previous run is stopped and the new one starts.
 * - `Allow`: both run; up to `activeDeadlineSeconds` / interval runs at once.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
 */
export type ConcurrencyPolicy = 'Forbid' | 'Allow' | 'Replace';

/** What may differ per environment for a CronTask. */
export interface CronTaskOverrides extends Pick<WorkloadOverrides, 'image' | 'size' | 'resources' | 'env'> {
  /**
   * @default - the construct's value
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: CronSchedule;
  /**
   * @default - the construct's value
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/#CronJobSpec
   */
  readonly suspend?: boolean;
}

export interface CronTaskProps<E extends string = string> extends JobBaseProps, PlacementProps<E> {
  /**
   * When to run, in `timeZone`: a cron expression such as `0 3 * * *` (03:00
   * every day) or a macro such as `@hourly`. Kubernetes' cron parser takes
   * day-of-week 0-6 (7 is an error) and no seconds field, `@every`, `L`,
   * `W`, `#` or `TZ=` prefix.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule: CronSchedule;
  /**
   * The IANA time zone the schedule is read in, e.g. `Europe/Amsterdam`.
   * @default - none: the time zone of the kube-controller-manager (usually UTC)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs.
   * @default 'Forbid'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after its scheduled time a missed run (controller down, previous
   * run still going under Forbid) may still start; later, it is skipped. At
   * least 10: the controller checks schedules every 10 seconds.
   * @default 300
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished runs (Jobs and their pods, with their logs) kept after success.
   * They are what cleans up a CronTask's Jobs, so there is no
   * ttlSecondsAfterFinished.
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed runs kept, for their logs and events.
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Stops scheduling new runs (a running one goes on).
   * @default false
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/#CronJobSpec
   */
  readonly suspend?: boolean;
  /** Values per environment name. @default - none */
  readonly overrides?: { readonly [K in E]?: CronTaskOverrides };
}

/** The objects a CronTask emits in one environment. */
export interface CronTaskObjects extends PodObjects {
  /** The CronJob that starts each run. */
  cronJob: plus.KubeCronJob;
}

/** The CronJob controller appends an 11-character suffix to name each Job, whose name is a 63-character label. */
const CRONJOB_NAME_MAX = 52;

/**
 * A job on a schedule: CronJob (batch/v1; concurrencyPolicy,
 * startingDeadlineSeconds, history limits, timeZone, and a jobTemplate with
 * backoffLimit, activeDeadlineSeconds and a podFailurePolicy that does not
 * count disruptions), ServiceAccount, NetworkPolicy (egress to DNS and what
 * it connects to; ingress only from its own pods) and ConfigMap (with
 * `config`). The pod is on the golden path except where a run to completion
 * differs (see {@link RUN_POD}). No Deployment, Service, PodDisruptionBudget
 * or autoscaler: a run is one pod that serves nothing.
 */
export class CronTask<E extends string = string> extends Workload<CronTaskProps<E>, CronTaskObjects> {
  public readonly kind = 'CronTask';

  constructor(scope: Scope<E>, id: string, props: CronTaskProps<NoInfer<E>>) {
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
    // the emitted name (a DNS-label stand-in for an id the tree cannot hold is reported by the component)
    const id = this.name;
    if (typeof id === 'string' && id === this.node.id && id.length > CRONJOB_NAME_MAX && id.length <= 63) {
      problems.add('id', `${show(id)} is ${id.length} characters long; a CronJob name may have at most ${CRONJOB_NAME_MAX}, as the controller appends 11 characters to name each run's Job`,
        `use a shorter name of at most ${CRONJOB_NAME_MAX} characters.`);
    }
    const p = this.props;
    if (typeof p !== 'object' || p === null) return;
    checkRunProps(problems, this.kind, p);
    checkSchedule(problems, 'schedule', p.schedule, undefined);
    if (p.timeZone !== undefined) checkTimeZone(problems, 'timeZone', p.timeZone);
    if (p.concurrencyPolicy !== undefined && !['Forbid', 'Allow', 'Replace'].includes(p.concurrencyPolicy)) {
      problems.add('concurrencyPolicy', `${show(p.concurrencyPolicy)} is not a concurrency policy`, "use 'Forbid' (skip a run while one runs), 'Replace' or 'Allow'.");
    }
    if (p.startingDeadlineSeconds !== undefined) {
      checkIntRange(problems, 'startingDeadlineSeconds', p.startingDeadlineSeconds, 10, Number.MAX_SAFE_INTEGER,
        'use at least 10: the CronJob controller checks schedules every 10 seconds, so a shorter deadline can skip runs; e.g. 300.');
    }
    for (const prop of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
      const v = p[prop];
      if (v !== undefined) checkIntRange(problems, prop, v, 0, 100, 'use a whole number of finished Jobs to keep, from 0 to 100, e.g. 3.');
    }
    if (p.suspend !== undefined) checkBoolean(problems, 'suspend', p.suspend, undefined);
  }

  protected override checkOverride(problems: ProblemList, prefix: string, env: string, o: WorkloadOverrides): void {
    const co = o as CronTaskOverrides;
    if (co.schedule !== undefined) checkSchedule(problems, `${prefix}.schedule`, co.schedule, env);
    if (co.suspend !== undefined) checkBoolean(problems, `${prefix}.suspend`, co.suspend, env);
  }

  protected render(ctx: RenderContext): CronTaskObjects {
    const s = this.settingsFor(ctx.environment.name);
    const p = s.props;
    const wiring = this.wiring(ctx);
    const { serviceAccount, configMap, template } = this.renderPod(ctx, s, wiring, 'CronJob');
    const meta = this.metadata(ctx, p);
    const cronJob = new k8s.KubeCronJob(ctx.scope, 'CronJob', {
      metadata: meta,
      spec: {
        // Kubernetes reads a macro only at the very start, so surrounding spaces go
        schedule: p.schedule.trim() as CronSchedule,
        timeZone: p.timeZone,
        concurrencyPolicy: p.concurrencyPolicy ?? 'Forbid',
        startingDeadlineSeconds: p.startingDeadlineSeconds ?? 300,
        successfulJobsHistoryLimit: p.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: p.failedJobsHistoryLimit ?? 3,
        suspend: p.suspend ?? false,
        jobTemplate: { metadata: { labels: meta.labels, annotations: meta.annotations }, spec: runJobSpec(runLimits(p), template) },
      },
    });
    // a run serves nothing: the base admits only the CronTask's own pods (Polaris asks for one ingress rule)
    const networkPolicy = this.renderNetworkPolicy(ctx, p, [], wiring);
    return { serviceAccount, configMap, cronJob, networkPolicy };
  }
}
