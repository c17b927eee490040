/**
 * The DESIGN.md quickstart (examples/shop/main.ts, also the README's), run
 * by the real CLI: the key properties of what it yields for `prod`
 * (crossplane-aws) and `dev` (in-cluster). Every file is also pinned byte
 * for byte by test/golden/shop and validated by the conformance, Polaris and
 * PSS suites; this file says what the output means.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasObject, readObject } from './support/layout';

const ROOT = path.resolve(__dirname, '..');
type Manifest = Record<string, any>;

let out: string;
beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-quickstart-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', 'examples/shop/main.ts', '--out', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`synth failed: ${r.stderr}`);
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

// objects are named by their file in the `object` layout (`storefront/deployment.yaml`), read from the default `construct` layout's `storefront.yaml`
function read(env: string, file: string): Manifest {
  return readObject(path.join(out, env, 'shop'), file);
}
function exists(env: string, file: string): boolean {
  return hasObject(path.join(out, env, 'shop'), file);
}
function envOf(env: string, workload: string): Record<string, unknown> {
  const d = read(env, `${workload}/deployment.yaml`);
  return Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
}

const ACCOUNT = '123456789012';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:shop-prod-orders`;
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/shop-prod-orders`;

describe('prod (crossplane-aws)', () => {
  test('the queue is an SQS queue with a dead-letter queue after 5 receives, both wave -1', () => {
    const queue = read('prod', 'orders/queue.yaml');
    const dlq = read('prod', 'orders/queue-dlq.yaml');
    expect(queue.apiVersion).toBe('sqs.aws.m.upbound.io/v1beta1');
    expect(JSON.parse(queue.spec.forProvider.redrivePolicy)).toEqual({ deadLetterTargetArn: `${QUEUE_ARN}-dlq`, maxReceiveCount: 5 });
    expect(dlq.spec.forProvider.name).toBe('shop-prod-orders-dlq');
    for (const q of [queue, dlq]) expect(q.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });

  test('the database is an RDS Postgres instance of 20 GiB whose password the provider generates into a Secret', () => {
    const db = read('prod', 'db/instance.yaml').spec.forProvider;
    expect(db).toMatchObject({ engine: 'postgres', allocatedStorage: 20, storageEncrypted: true, publiclyAccessible: false, autoGeneratePassword: true });
    expect(db.passwordSecretRef).toEqual({ name: 'db-password', key: 'password' });
    expect(read('prod', 'db/instance.yaml').spec.writeConnectionSecretToRef).toEqual({ name: 'db-connection' });
  });

  test('the storefront may send to the queue and nothing more: one statement, the send actions, the queue ARN', () => {
    const policy = JSON.parse(read('prod', 'storefront/rolepolicy.yaml').spec.forProvider.policy);
    expect(policy.Statement).toEqual([{ Sid: 'SendOrders', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: [QUEUE_ARN] }]);
  });

  test('fulfilment may consume the queue and nothing more; KEDA may assume its role to read the depth', () => {
    const policy = JSON.parse(read('prod', 'fulfilment/rolepolicy.yaml').spec.forProvider.policy);
    expect(policy.Statement).toEqual([{
      Sid: 'ConsumeOrders', Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: [QUEUE_ARN],
    }]);
    const trust = JSON.parse(read('prod', 'fulfilment/role.yaml').spec.forProvider.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals).toMatchObject({ [`${trust.Statement[0].Principal.Federated.split('oidc-provider/')[1]}:sub`]: 'system:serviceaccount:shop:fulfilment' });
    expect(trust.Statement[1]).toEqual({ Sid: 'KedaOperator', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/keda-operator` }, Action: 'sts:AssumeRole' });
  });

  test('each ServiceAccount names its own role (IRSA); the nightly report, wired to nothing, has no role', () => {
    for (const w of ['storefront', 'fulfilment']) {
      expect(read('prod', `${w}/serviceaccount.yaml`).metadata.annotations['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${ACCOUNT}:role/shop-prod-${w}`);
      expect(read('prod', `${w}/role.yaml`).metadata.annotations['crossplane.io/external-name']).toBe(`shop-prod-${w}`);
    }
    expect(exists('prod', 'nightly-report/role.yaml')).toBe(false);
    expect(read('prod', 'nightly-report/serviceaccount.yaml').metadata.annotations).toBeUndefined();
  });

  test('fulfilment scales from zero on the queue depth, 10 messages per replica, authenticated by its own identity', () => {
    const scaled = read('prod', 'fulfilment/scaledobject.yaml').spec;
    expect(scaled).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 20, scaleTargetRef: { kind: 'Deployment', name: 'fulfilment' } });
    expect(scaled.triggers).toEqual([{
      type: 'aws-sqs-queue',
      metadata: { queueURL: QUEUE_URL, awsRegion: 'us-east-1', queueLength: '10', activationQueueLength: '0' },
      authenticationRef: { name: 'fulfilment', kind: 'TriggerAuthentication' },
    }]);
    expect(read('prod', 'fulfilment/triggerauthentication.yaml').spec).toEqual({ podIdentity: { provider: 'aws', identityOwner: 'workload' } });
    expect(read('prod', 'fulfilment/deployment.yaml').spec.replicas).toBeUndefined();
    expect(exists('prod', 'fulfilment/horizontalpodautoscaler.yaml')).toBe(false);
  });

  test('connection values come from the Secrets, never literals: the database from the provider\'s, the queue from libk8s\'s', () => {
    for (const w of ['storefront', 'fulfilment']) {
      const env = envOf('prod', w);
      expect(env.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'db-password', key: 'password' } });
      for (const k of ['HOST', 'PORT', 'USERNAME']) expect(env[`DB_${k}`]).toEqual({ secretKeyRef: { name: 'db-connection', key: k.toLowerCase() } });
      expect(env.DB_DATABASE).toBe('db');
      for (const k of ['URL', 'NAME', 'ARN', 'REGION', 'ENDPOINT']) expect(env[`ORDERS_${k}`]).toEqual({ secretKeyRef: { name: 'orders-connection', key: k.toLowerCase() } });
    }
    expect(read('prod', 'orders/secret-connection.yaml').stringData).toEqual({
      arn: QUEUE_ARN, endpoint: 'https://sqs.us-east-1.amazonaws.com', name: 'shop-prod-orders', region: 'us-east-1', url: QUEUE_URL,
    });
  });

  test('egress goes to the database port in the VPC and to the AWS APIs on 443; nothing else but DNS', () => {
    for (const w of ['storefront', 'fulfilment']) {
      const egress = read('prod', `${w}/networkpolicy.yaml`).spec.egress;
      // (in wiring order: the QueueWorker's queue is wired when it is created, before connect(db))
      expect(egress.slice(1)).toHaveLength(2);
      expect(egress.slice(1)).toEqual(expect.arrayContaining([
        { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ]));
    }
  });
});

/** The Secret a dev stand-in's Secrets Job creates when it is absent, as the Job's script holds it (generated values as placeholders). */
function generatedSecret(id: string, name: string): Record<string, any> {
  const script: string = read('dev', `${id}/job-secrets.yaml`).spec.template.spec.containers[0].command.at(-1);
  const line = script.split('\n').find((l) => l.startsWith('{"apiVersion":"v1","kind":"Secret"') && l.includes(`"name":${JSON.stringify(name)}`))!;
  return JSON.parse(line.replace(/\$\([a-z]+ \d+\)/g, 'generated'));
}

describe('dev (in-cluster)', () => {
  test('the same program yields stand-ins instead of cloud resources, with the same connection Secret shape', () => {
    expect(read('dev', 'orders/statefulset.yaml').spec.template.spec.containers[0].image).toMatch(/^softwaremill\/elasticmq-native:/);
    expect(read('dev', 'db/statefulset.yaml').spec.template.spec.containers[0].image).toBe('postgres:17-alpine');
    // the stand-ins' connection Secrets are created in the cluster by each one's Secrets Job, with the keys the cloud recipe's have
    expect(Object.keys(generatedSecret('orders', 'orders-connection').stringData).sort()).toEqual(Object.keys(read('prod', 'orders/secret-connection.yaml').stringData).sort());
    expect(Object.keys(generatedSecret('db', 'db-connection').stringData).sort()).toEqual(['database', 'host', 'password', 'port', 'username']);
    expect(exists('dev', 'db/secret-connection.yaml')).toBe(false);
    for (const w of ['storefront', 'fulfilment']) {
      const dev = Object.keys(envOf('dev', w)).filter((k) => !k.startsWith('AWS_'));
      expect(dev).toEqual(Object.keys(envOf('prod', w)));
    }
    expect(exists('dev', 'storefront/role.yaml')).toBe(false);
  });

  test('NetworkPolicies both ways: the workloads may reach the stand-ins, and the stand-ins admit exactly them', () => {
    const storefront = read('dev', 'storefront/networkpolicy.yaml').spec.egress.slice(1);
    expect(storefront).toEqual([
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'orders' } } }], ports: [{ protocol: 'TCP', port: 9324 }] },
    ]);
    const callers = (file: string) => read('dev', file).spec.ingress[0].from.filter((p: Manifest) => p.podSelector?.matchLabels?.['app.kubernetes.io/instance']).map((p: Manifest) => p.podSelector.matchLabels['app.kubernetes.io/instance']);
    expect(callers('db/networkpolicy.yaml')).toEqual(['fulfilment', 'storefront']);
    expect(callers('orders/networkpolicy.yaml')).toEqual(['fulfilment', 'storefront']);
    expect(read('dev', 'db/networkpolicy.yaml').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
  });

  test('KEDA reads the stand-in queue with dev credentials from a Secret, never inline', () => {
    const trigger = read('dev', 'fulfilment/scaledobject.yaml').spec.triggers[0];
    expect(trigger.metadata).toMatchObject({ awsEndpoint: 'http://orders.shop-dev.svc:9324', queueLength: '10' });
    expect(read('dev', 'fulfilment/triggerauthentication.yaml').spec.secretTargetRef.map((r: Manifest) => r.parameter).sort()).toEqual(['awsAccessKeyID', 'awsSecretAccessKey']);
  });
});

describe('both environments', () => {
  test.each(['dev', 'prod'])('%s: the nightly report is a CronJob at 03:00 Amsterdam time that never overlaps', (env) => {
    const cron = read(env, 'nightly-report/cronjob.yaml').spec;
    expect(cron).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Europe/Amsterdam', concurrencyPolicy: 'Forbid' });
    expect(cron.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(0);
  });

  test.each(['dev', 'prod'])('%s: the storefront is routed, autoscaled from 2 to 10 and reachable from the gateway only', (env) => {
    expect(read(env, 'storefront/horizontalpodautoscaler.yaml').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(read(env, 'storefront/httproute.yaml').spec.hostnames).toEqual([env === 'prod' ? 'shop.example.com' : 'dev.shop.example.com']);
    expect(read(env, 'storefront/networkpolicy.yaml').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }], ports: [{ protocol: 'TCP', port: 'http' }],
    }]);
  });
});
