import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Component, RenderContext } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { checkIntRange } from '../core/rules';
import type { QueueRef } from '../core/recipe';
import { addWire, isResource } from '../core/wiring';
import { PortProps } from '../pod/container';
import type { PlacementProps, Scope } from '../core/component';
import { checkResourceTargets, hasResourceTarget } from './autoscale';
import { checkHealth, healthPorts, WorkerBaseProps, workerMetrics } from './worker';
import { checkMetrics, podMonitor } from './monitoring';
import { AutoscaleProps, Workload, WorkloadObjects, WorkloadOverrides } from './workload';

/** Scaling on queue depth with KEDA. */
export interface QueueAutoscaleProps extends AutoscaleProps {
  /**
   * Fewest replicas; 0 scales to zero while the queue is empty.
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#minreplicacount
   */
  readonly min: number;
  /** Most replicas. @see https://keda.sh/docs/latest/reference/scaledobject-spec/#maxreplicacount */
  readonly max: number;
  /**
   * Target of visible plus in-flight messages per replica (KEDA `queueLength`).
   * @default 10
   */
  readonly messagesPerReplica?: number;
  /**
   * Messages that must be waiting before scaling up from zero (KEDA `activationQueueLength`).
   * @default 0
   */
  readonly activationMessages?: number;
  /**
   * Seconds after the last active trigger before scaling back to `min`.
   * @default 300
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#cooldownperiod
   */
  readonly cooldownSeconds?: number;
  /**
   * Seconds between checks of the queue depth.
   * @default 30
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#pollinginterval
   */
  readonly pollingSeconds?: number;
  /**
   * Replicas to run when KEDA cannot read the queue depth 3 times in a row;
   * `false` for none. KEDA does not allow a fallback alongside a cpu or memory trigger.
   * @default - max(1, min) when there is no cpu or memory trigger, else none
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#fallback
   */
  readonly fallbackReplicas?: number | false;
  /**
   * Also scale on cpu use, percent of the request (a second trigger).
   * @default - queue depth only
   */
  readonly cpuPercent?: number;
  /**
   * Also scale on memory use, percent of the request.
   * @default - queue depth only
   */
  readonly memoryPercent?: number;
  /**
   * Also scale on average cpu use per pod, a quantity (e.g. `'500m'`; KEDA
   * `metricType: AverageValue`); exclusive with `cpuPercent`.
   * @default - queue depth only
   * @see https://keda.sh/docs/latest/scalers/cpu/
   */
  readonly cpuAverage?: string;
  /**
   * Also scale on average memory use per pod, a quantity (e.g. `'400Mi'`);
   * exclusive with `memoryPercent`.
   * @default - queue depth only
   */
  readonly memoryAverage?: string;
}

/** What may differ per environment for a QueueWorker. */
export interface QueueWorkerOverrides extends Omit<WorkloadOverrides, 'autoscale' | 'replicas'> {
  /** @default - the construct's value */
  readonly autoscale?: QueueAutoscaleProps;
}

export interface QueueWorkerProps<E extends string = string> extends WorkerBaseProps, PlacementProps<E> {
  /** The queue it consumes: it gets the consume permission and the queue's connection in its environment. */
  readonly queue: QueueRef;
  /**
   * Scaling on the queue's depth with a KEDA ScaledObject.
   * @default { min: 0, max: 10, messagesPerReplica: 10 }
   */
  readonly autoscale?: QueueAutoscaleProps;
  /** Values per environment name. @default - none */
  readonly overrides?: { readonly [K in E]?: QueueWorkerOverrides };
}

/** The objects a QueueWorker emits in one environment. */
export interface QueueWorkerObjects extends WorkloadObjects {
  /** The KEDA ScaledObject that scales the Deployment on the queue's depth. */
  scaledObject: ApiObject;
  /** How KEDA authenticates to read the depth (the workload identity or Secret references). */
  triggerAuthentication: ApiObject;
}

const DEFAULT_AUTOSCALE: QueueAutoscaleProps = { min: 0, max: 10, messagesPerReplica: 10 };

/**
 * A Worker bound to a Queue: it consumes the queue (the permission on its
 * identity, the queue's URL in its environment) and KEDA scales it on the
 * queue's depth, down to zero when `autoscale.min` is 0. The Deployment has
 * no `spec.replicas`, so nothing fights KEDA; the TriggerAuthentication uses
 * the workload's identity or Secret references, never static keys.
 */
export class QueueWorker<E extends string = string> extends Workload<QueueWorkerProps<E>, QueueWorkerObjects> {
  public readonly kind = 'QueueWorker';

  constructor(scope: Scope<E>, id: string, props: QueueWorkerProps<NoInfer<E>>) {
    super(scope as IConstruct, id, props);
    const queue = props?.queue as unknown;
    if (queue && isResource(queue) && queue.resourceType === 'queue') addWire(this, queue, 'consume', 'queue');
  }

  protected ports(p: WorkerBaseProps): PortProps[] {
    return healthPorts(p);
  }

  /** Long enough to finish a message received just before SIGTERM: the queue's visibility timeout, at least 60 s. */
  protected override get defaultGracePeriod(): number {
    const visibility = this.props.queue?.spec?.visibilityTimeoutSeconds;
    return Math.max(60, typeof visibility === 'number' ? visibility : 0);
  }

  protected override validate(problems: ProblemList): void {
    super.validate(problems);
    const p = this.props;
    if (typeof p !== 'object' || p === null) return;
    checkHealth(problems, p);
    checkMetrics(problems, p, healthPorts(p), this.app.platform);
    const queue = p.queue as unknown;
    if (queue === undefined || queue === null) {
      problems.add('queue', 'is not set; a QueueWorker consumes a Queue', "pass the queue, e.g. queue: new Queue(app, 'orders'), or use a Worker.");
      return;
    }
    if (!isResource(queue) || queue.resourceType !== 'queue') {
      problems.add('queue', `is ${Component.isComponent(queue) ? `${queue.kind} '${queue.node.id}'` : show(queue)}, not a Queue`, "pass a Queue, e.g. queue: new Queue(app, 'orders').");
      return;
    }
    for (const env of this.app.environments) {
      if (!this.placedIn(env)) continue;
      const recipe = p.queue.recipe(env);
      if (recipe && !recipe.queueScaler) {
        problems.add('queue', `is provisioned by recipe '${recipe.name}' in environment '${env.name}', which gives KEDA no way to read its depth`,
          `choose a recipe with a queue scaler for queues in environment '${env.name}' (crossplane-aws, in-cluster), or add queueScaler() to '${recipe.name}'.`, env.name);
      }
    }
  }

  protected override checkScaling(problems: ProblemList, p: { replicas?: number; autoscale?: AutoscaleProps }, prefix: string, env: string | undefined): void {
    if (p.replicas !== undefined) {
      problems.add(`${prefix}replicas`, `${show(p.replicas)} is set, but KEDA sets a QueueWorker's replicas from the queue depth`, "remove it; set 'autoscale.min' and 'autoscale.max'.", env);
    }
    const a = (p.autoscale ?? DEFAULT_AUTOSCALE) as QueueAutoscaleProps;
    const at = `${prefix}autoscale`;
    const minOk = checkIntRange(problems, `${at}.min`, a.min, 0, 1000);
    const maxOk = checkIntRange(problems, `${at}.max`, a.max, 1, 1000);
    if (minOk && maxOk && a.min > a.max) problems.add(at, `min ${a.min} is greater than max ${a.max}`, `set min to at most ${a.max}, or raise max.`, env);
    if (a.messagesPerReplica !== undefined) checkIntRange(problems, `${at}.messagesPerReplica`, a.messagesPerReplica, 1, 100000);
    if (a.activationMessages !== undefined) checkIntRange(problems, `${at}.activationMessages`, a.activationMessages, 0, 100000);
    if (a.cooldownSeconds !== undefined) checkIntRange(problems, `${at}.cooldownSeconds`, a.cooldownSeconds, 0, 86400);
    if (a.pollingSeconds !== undefined) checkIntRange(problems, `${at}.pollingSeconds`, a.pollingSeconds, 1, 3600);
    checkResourceTargets(problems, at, a, env);
    if (a.fallbackReplicas !== undefined && a.fallbackReplicas !== false) {
      if (checkIntRange(problems, `${at}.fallbackReplicas`, a.fallbackReplicas, 1, 1000) && maxOk && a.fallbackReplicas > a.max) {
        problems.add(`${at}.fallbackReplicas`, `${a.fallbackReplicas} is more than max ${a.max}`, `use at most ${a.max}.`, env);
      }
      if (hasResourceTarget(a)) {
        problems.add(`${at}.fallbackReplicas`, 'is set together with a cpu or memory trigger, which KEDA rejects (fallback works only with AverageValue metrics)',
          "remove 'fallbackReplicas' or the cpu/memory target.", env);
      }
    }
  }

  protected render(ctx: RenderContext): QueueWorkerObjects {
    const env = ctx.environment;
    const settings = this.settingsFor(env.name);
    const p = settings.props;
    const { metrics, ingress } = workerMetrics(p, ctx.platform);
    const objects = this.renderWorkload(ctx, settings, ingress, this.wiring(ctx), { externalAutoscaler: true }) as QueueWorkerObjects;
    if (metrics) objects.podMonitor = podMonitor(ctx.scope, this.metadata(ctx, p), this.name, metrics, ctx.platform);
    const queue = p.queue;
    const scaler = queue.recipe(env)!.queueScaler!(queue, queue.connection(env), this, env);
    const a: QueueAutoscaleProps = { ...DEFAULT_AUTOSCALE, ...p.autoscale };
    const meta = this.metadata(ctx, p);
    objects.triggerAuthentication = new ApiObject(ctx.scope, 'TriggerAuthentication', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: meta,
      spec: scaler.authentication,
    });
    const resourceTriggers = ([['cpu', 'Utilization', a.cpuPercent], ['cpu', 'AverageValue', a.cpuAverage], ['memory', 'Utilization', a.memoryPercent], ['memory', 'AverageValue', a.memoryAverage]] as const)
      .filter(([, , v]) => v !== undefined)
      .map(([type, metricType, v]) => ({ type, metricType, metadata: { value: String(v) } }));
    const fallback = a.fallbackReplicas === false || resourceTriggers.length ? undefined : a.fallbackReplicas ?? Math.max(1, a.min);
    objects.scaledObject = new ApiObject(ctx.scope, 'ScaledObject', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicaCount: a.min,
        maxReplicaCount: a.max,
        pollingInterval: a.pollingSeconds ?? 30,
        cooldownPeriod: a.cooldownSeconds ?? 300,
        fallback: fallback === undefined ? undefined : { failureThreshold: 3, replicas: fallback },
        triggers: [
          {
            type: scaler.type,
            metadata: {
              ...scaler.metadata,
              [scaler.lengthKey]: String(a.messagesPerReplica ?? 10),
              [scaler.activationKey]: String(a.activationMessages ?? 0),
            },
            authenticationRef: { name: this.name, kind: 'TriggerAuthentication' },
          },
          ...resourceTriggers,
        ],
      },
    });
    return objects;
  }
}
