import type { Environment } from '../../core/environment';
import { Connection, QueueScaler, RecipeContext, ResourceRef, secretValues } from '../../core/recipe';
import type { QueueSpec } from '../../resources/queue';
import { API, connectionSecret, managedResource } from './managed';
import { queueArn, queueName, queueUrl, sqsEndpoint } from './names';
import { ResolvedOptions, tags } from './options';

/**
 * A Queue as SQS: the queue and its dead-letter queue (SQS managed
 * server-side encryption on both), and a Secret of its (non-secret) address.
 */

/** The documented connection values of a queue: `url`, `name`, `arn`, `region`, `endpoint`. */
function values(o: ResolvedOptions, queue: ResourceRef, env: Environment): Record<string, string> {
  const name = queueName(o, queue, env);
  return { url: queueUrl(o, name), name, arn: queueArn(o, name), region: o.region, endpoint: sqsEndpoint(o) };
}

/** How workloads reach a queue: literal values (none is secret), HTTPS to the AWS APIs. */
export function queueConnection(o: ResolvedOptions, queue: ResourceRef, env: Environment): Connection {
  const spec = queue.spec as unknown as QueueSpec;
  const v = values(o, queue, env);
  const ids: Record<string, string> = { arn: v.arn, url: v.url, name: v.name };
  if (spec.deadLetter) {
    const dlq = queueName(o, queue, env, true);
    ids.deadLetterArn = queueArn(o, dlq);
    ids.deadLetterUrl = queueUrl(o, dlq);
  }
  return {
    secretName: `${queue.name}-connection`,
    // from the connection Secret libk8s writes, like every recipe, so app config is the same everywhere
    values: secretValues(`${queue.name}-connection`, Object.keys(v)),
    network: [{ kind: 'cidr', cidrs: o.apiCidrs, ports: [443] }],
    ids,
  };
}

/**
 * Emits SQS Queue `<id>` and, with a dead letter, Queue `<id>-dlq` with the
 * redrive policy on the main queue and a redrive-allow policy on the
 * dead-letter queue that admits only it; and Secret `<id>-connection`.
 */
export function provisionQueue(o: ResolvedOptions, queue: ResourceRef, ctx: RecipeContext): void {
  const env = ctx.environment;
  const spec = queue.spec as unknown as QueueSpec;
  const name = queueName(o, queue, env);
  const common = {
    region: o.region,
    fifoQueue: spec.fifo ? true : undefined,
    sqsManagedSseEnabled: true,
    tags: tags(queue, env),
  };
  let redrivePolicy: string | undefined;
  if (spec.deadLetter) {
    const dlq = queueName(o, queue, env, true);
    redrivePolicy = JSON.stringify({ deadLetterTargetArn: queueArn(o, dlq), maxReceiveCount: spec.deadLetter.maxReceiveCount });
    managedResource(ctx.scope, 'DeadLetterQueue', o, {
      apiVersion: API.sqs,
      kind: 'Queue',
      metadata: queue.standardMetadata(ctx, `${queue.name}-dlq`),
      retain: spec.retain,
      forProvider: {
        ...common,
        name: dlq,
        messageRetentionSeconds: spec.deadLetter.retentionSeconds,
        redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [queueArn(o, name)] }),
      },
    });
  }
  managedResource(ctx.scope, 'Queue', o, {
    apiVersion: API.sqs,
    kind: 'Queue',
    metadata: queue.standardMetadata(ctx),
    retain: spec.retain,
    forProvider: {
      ...common,
      name,
      visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
      messageRetentionSeconds: spec.retentionSeconds,
      receiveWaitTimeSeconds: spec.receiveWaitSeconds,
      redrivePolicy,
    },
  });
  connectionSecret(ctx.scope, queue.standardMetadata(ctx, `${queue.name}-connection`), values(o, queue, env));
}

/**
 * KEDA's `aws-sqs-queue` trigger on the queue, authenticated as the
 * workload: KEDA reads the IRSA role from the workload's ServiceAccount and
 * assumes it (identity() lets the KEDA operator's role do so).
 * @see https://keda.sh/docs/latest/scalers/aws-sqs/
 */
export function sqsQueueScaler(o: ResolvedOptions, queue: ResourceRef, env: Environment): QueueScaler {
  return {
    type: 'aws-sqs-queue',
    metadata: { queueURL: queueUrl(o, queueName(o, queue, env)), awsRegion: o.region },
    lengthKey: 'queueLength',
    activationKey: 'activationQueueLength',
    authentication: { podIdentity: { provider: 'aws', identityOwner: 'workload' } },
  };
}
