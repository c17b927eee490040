import * as k8s from '../../core/kube';
import type { Environment } from '../../core/environment';
import type { Connection, QueueScaler, RecipeContext, ResourceRef } from '../../core/recipe';
import type { QueueSpec } from '../../resources/queue';
import { connectionSecretName, credentialsSecretName, DEV_ACCOUNT_ID, ResolvedOptions, serviceHost } from './options';
import { renderSecretsJob } from './secrets';
import { configHash, meta, Probes, renderStandIn, standInConnection } from './standin';

/**
 * A Queue as ElasticMQ (SQS-compatible): the queue and its dead-letter
 * queue are declared in ElasticMQ's config file, so they exist from the
 * first start with the Queue's visibility timeout, long-polling wait, FIFO
 * and maxReceiveCount. Messages live in memory: a restarted stand-in starts
 * empty. Retention periods are not enforced (ElasticMQ's config has no
 * such setting).
 */

/** ElasticMQ's SQS port. */
export const QUEUE_PORT = 9324;

/** The queue's SQS name; FIFO queue names end in `.fifo`, as SQS requires. */
export function queueName(queue: ResourceRef): string {
  return (queue.spec as unknown as QueueSpec).fifo ? `${queue.name}.fifo` : queue.name;
}

/** The dead-letter queue's SQS name (a FIFO queue's dead-letter queue is FIFO too). */
export function deadLetterName(queue: ResourceRef): string {
  return (queue.spec as unknown as QueueSpec).fifo ? `${queue.name}-dlq.fifo` : `${queue.name}-dlq`;
}

/** The connection values every queue stand-in publishes, by documented key. */
export function queueValues(queue: ResourceRef, env: Environment, region: string): { url: string; name: string; arn: string; region: string; endpoint: string } {
  const endpoint = `http://${serviceHost(queue.name, env)}:${QUEUE_PORT}`;
  const name = queueName(queue);
  return {
    // ElasticMQ builds queue URLs as <node-address>/<account id>/<queue name>
    url: `${endpoint}/${DEV_ACCOUNT_ID}/${name}`,
    name,
    arn: `arn:aws:sqs:${region}:${DEV_ACCOUNT_ID}:${name}`,
    region,
    endpoint,
  };
}

/** How workloads use a queue stand-in: its connection Secret and the pods to reach. */
export function queueConnection(queue: ResourceRef, env: Environment, options: ResolvedOptions): Connection {
  const spec = queue.spec as unknown as QueueSpec;
  const ids: Record<string, string> = { arn: queueValues(queue, env, options.region).arn };
  if (spec.deadLetter) ids.deadLetterArn = `arn:aws:sqs:${options.region}:${DEV_ACCOUNT_ID}:${deadLetterName(queue)}`;
  return standInConnection(queue, QUEUE_PORT, ids);
}

/** A HOCON string literal. */
function hocon(value: string): string {
  return JSON.stringify(value);
}

/** ElasticMQ's config: the node address queue URLs are built from, the region and account, the queues. */
export function elasticMqConfig(queue: ResourceRef, env: Environment, region: string): string {
  const spec = queue.spec as unknown as QueueSpec;
  const fifo = spec.fifo;
  // keys without ".fifo": ElasticMQ appends it to a queue declared with fifo = true
  const key = queue.name;
  const dlqKey = `${queue.name}-dlq`;
  const lines = [
    'include classpath("application.conf")',
    '',
    'node-address {',
    '  protocol = http',
    `  host = ${hocon(serviceHost(queue.name, env))}`,
    `  port = ${QUEUE_PORT}`,
    '  context-path = ""',
    '}',
    '',
    'rest-sqs {',
    '  enabled = true',
    `  bind-port = ${QUEUE_PORT}`,
    '  bind-hostname = "0.0.0.0"',
    '  sqs-limits = strict',
    '}',
    '',
    'generate-node-address = false',
    '',
    'aws {',
    `  region = ${hocon(region)}`,
    `  accountId = ${hocon(DEV_ACCOUNT_ID)}`,
    '}',
    '',
    'queues {',
    `  ${hocon(key)} {`,
    `    defaultVisibilityTimeout = ${spec.visibilityTimeoutSeconds} seconds`,
    `    receiveMessageWait = ${spec.receiveWaitSeconds} seconds`,
    `    fifo = ${fifo}`,
    ...(spec.deadLetter ? [
      '    deadLettersQueue {',
      `      name = ${hocon(deadLetterName(queue))}`,
      `      maxReceiveCount = ${spec.deadLetter.maxReceiveCount}`,
      '    }',
    ] : []),
    '  }',
    ...(spec.deadLetter ? [
      `  ${hocon(dlqKey)} {`,
      `    defaultVisibilityTimeout = ${spec.visibilityTimeoutSeconds} seconds`,
      `    fifo = ${fifo}`,
      '  }',
    ] : []),
    '}',
    '',
  ];
  return lines.join('\n');
}

/** Creates the queue stand-in's objects. */
export function provisionQueue(queue: ResourceRef, ctx: RecipeContext, options: ResolvedOptions): void {
  const image = options.images.queue;
  const values = queueValues(queue, ctx.environment, options.region);
  const data = { 'elasticmq.conf': elasticMqConfig(queue, ctx.environment, options.region) };
  new k8s.KubeConfigMap(ctx.scope, 'ConfigMap', { metadata: meta(queue, ctx, image, `${queue.name}-config`), data });
  renderSecretsJob(queue, ctx, options, [
    { name: connectionSecretName(queue.name), values },
    { name: credentialsSecretName(queue.name), values: { AWS_REGION: options.region }, awsCredentials: true },
  ]);

  // KEDA's operator reads the depth of a queue a workload consumes
  const consumed = ctx.users.some((u) => u.access === 'consume');
  const keda = options.keda;
  renderStandIn(queue, ctx, options, {
    container: 'elasticmq',
    image,
    port: { name: 'sqs', port: QUEUE_PORT },
    size: 'small',
    // the image's entrypoint reads -Dconfig.file=/opt/elasticmq.conf
    config: { configMap: `${queue.name}-config`, hash: configHash(data), files: [{ key: 'elasticmq.conf', mountPath: '/opt/elasticmq.conf' }] },
    probes: {
      startup: Probes.tcp('startup', 'sqs', ctx.platform),
      // ready once the queue exists: GetQueueUrl answers 200 (the query protocol accepts GET)
      readiness: Probes.http('readiness', 'sqs', `/?Action=GetQueueUrl&QueueName=${encodeURIComponent(values.name)}`, ctx.platform),
      liveness: Probes.tcp('liveness', 'sqs', ctx.platform),
    },
    extraIngress: consumed && keda
      ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': keda.namespace } }, podSelector: { matchLabels: { ...keda.podLabels } } }]
      : undefined,
  });
}

/** The KEDA `aws-sqs-queue` trigger, pointed at the stand-in, authenticating with the dev credentials. */
export function queueScaler(queue: ResourceRef, env: Environment, options: ResolvedOptions): QueueScaler {
  const values = queueValues(queue, env, options.region);
  const secret = credentialsSecretName(queue.name);
  return {
    type: 'aws-sqs-queue',
    metadata: { queueURL: values.url, awsRegion: values.region, awsEndpoint: values.endpoint },
    lengthKey: 'queueLength',
    activationKey: 'activationQueueLength',
    authentication: {
      secretTargetRef: [
        { parameter: 'awsAccessKeyID', name: secret, key: 'AWS_ACCESS_KEY_ID' },
        { parameter: 'awsSecretAccessKey', name: secret, key: 'AWS_SECRET_ACCESS_KEY' },
      ],
    },
  };
}
