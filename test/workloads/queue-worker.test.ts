import { App, Queue, QueueWorker, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { testRecipe } from '../support/recipes';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/fulfilment:1.4.2';
const EXEC = { type: 'exec' as const, command: ['/app/healthcheck'] };

function cloudApp(recipe = testRecipe()): App<'dev' | 'prod'> {
  return newApp({ platform: { recipes: [recipe], environmentRecipes: { '*': recipe.name } } });
}

describe('a QueueWorker', () => {
  test('emits a Deployment without replicas, a KEDA ScaledObject and TriggerAuthentication, and no HPA', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    const list = manifests(app).filter((m) => m.metadata.name === 'fulfilment');
    expect(list.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ScaledObject', 'ServiceAccount', 'TestRole', 'TriggerAuthentication']);
    expect(only(list, 'Deployment').spec.replicas).toBeUndefined();
    expect(list).toMatchSnapshot();
  });

  test('scales on queue depth from zero by default, with a fallback of one replica', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    const scaled = only(manifests(app), 'ScaledObject');
    expect(scaled.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fulfilment' },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      pollingInterval: 30,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 1 },
      triggers: [{
        type: 'test-queue',
        metadata: { queue: 'arn:test:queue:orders', length: '10', activation: '0' },
        authenticationRef: { name: 'fulfilment', kind: 'TriggerAuthentication' },
      }],
    });
    expect(only(manifests(app), 'TriggerAuthentication').spec).toEqual({ podIdentity: { provider: 'none' } });
  });

  test('autoscale sets min, max, messages per replica, activation, cooldown and polling; a cpu trigger drops the fallback', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', {
      image: IMAGE, queue: orders,
      autoscale: { min: 1, max: 20, messagesPerReplica: 5, activationMessages: 2, cooldownSeconds: 60, pollingSeconds: 10, cpuPercent: 80 },
    });
    const spec = only(manifests(app), 'ScaledObject').spec;
    expect(spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 20, pollingInterval: 10, cooldownPeriod: 60 });
    expect(spec.fallback).toBeUndefined();
    expect(spec.triggers[0].metadata).toEqual({ queue: 'arn:test:queue:orders', length: '5', activation: '2' });
    expect(spec.triggers[1]).toEqual({ type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } });
  });

  test('consumes the queue: its connection in the environment, the consume grant on its identity, egress to it', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    const list = manifests(app);
    const pod = only(list, 'Deployment').spec.template;
    expect(pod.spec.containers[0].env).toEqual(['ARN', 'ENDPOINT', 'NAME', 'REGION', 'URL'].map((k) => ({
      name: `ORDERS_${k}`, valueFrom: { secretKeyRef: { name: 'orders-connection', key: k.toLowerCase() } },
    })));
    expect(pod.metadata.labels['test.libk8s.io/identity']).toBe('true');
    expect(only(list, 'ServiceAccount', 'fulfilment').metadata.annotations).toEqual({ 'test.libk8s.io/role': 'fulfilment' });
    expect(only(list, 'TestRole').spec.grants).toEqual(['consume:arn:test:queue:orders']);
    expect(only(list, 'TestResource', 'orders').spec.users).toEqual(['fulfilment:consume']);
    expect(only(list, 'NetworkPolicy', 'fulfilment').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('its grace period covers the queue visibility timeout', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders', { visibilityTimeoutSeconds: 300 });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    expect(only(manifests(app), 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(300);
  });

  test('overrides change the scaling per environment', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, overrides: { prod: { autoscale: { min: 2, max: 50 } } } });
    expect(only(manifests(app, 'prod'), 'ScaledObject').spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 50 });
    expect(only(manifests(app, 'dev'), 'ScaledObject').spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 10 });
  });
});

describe('QueueWorker input errors', () => {
  test('no queue', () => {
    const app = cloudApp();
    new QueueWorker(app, 'fulfilment', { image: IMAGE } as any);
    expect(renderError(app)).toContain("QueueWorker 'fulfilment' (shop/fulfilment): 'queue' is not set; a QueueWorker consumes a Queue. Fix: pass the queue, e.g. queue: new Queue(app, 'orders'), or use a Worker.");
  });

  test('a queue that is not a Queue', () => {
    const app = cloudApp();
    const web = new WebService(app, 'web', { image: IMAGE });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: web as any });
    expect(renderError(app)).toContain("'queue' is WebService 'web', not a Queue. Fix: pass a Queue");
  });

  test('min greater than max, replicas, and a fallback beside a cpu trigger are all reported in one run', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, replicas: 3, autoscale: { min: 5, max: 2, cpuPercent: 70, fallbackReplicas: 1 } } as any);
    const message = renderError(app);
    expect(message).toContain("'autoscale' min 5 is greater than max 2. Fix: set min to at most 2, or raise max.");
    expect(message).toContain("'replicas' 3 is set, but KEDA sets a QueueWorker's replicas from the queue depth. Fix: remove it");
    expect(message).toContain("'autoscale.fallbackReplicas' is set together with a cpu or memory trigger, which KEDA rejects");
  });

  test("a queue whose recipe has no queue scaler names the environment and the recipe", () => {
    const app = newApp({ platform: { recipes: [testRecipe('plain', { scaler: false })], environmentRecipes: { '*': 'plain' } } });
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    expect(renderError(app)).toContain("QueueWorker 'fulfilment' (shop/fulfilment) [environment 'dev']: 'queue' is provisioned by recipe 'plain' in environment 'dev', which gives KEDA no way to read its depth.");
  });

  test('consuming and also sending to the same queue is duplicate wiring', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders }).sendTo(orders);
    expect(renderError(app)).toContain("'sendTo(orders)' wires Queue 'orders' with 'send' access, but queue() already gave it 'consume' access");
  });
});

describeWithReference('QueueWorker output is valid for real clusters', () => {
  test.each([
    ['defaults', {}],
    ['every autoscale option, with a cpu and a memory trigger', { autoscale: { min: 1, max: 30, messagesPerReplica: 5, activationMessages: 3, cooldownSeconds: 60, pollingSeconds: 15, cpuPercent: 75, memoryPercent: 80 } }],
    ['a fallback and exec probes without a health port', { healthPort: false, autoscale: { min: 0, max: 5, fallbackReplicas: 2 }, probes: { startup: EXEC, readiness: EXEC, liveness: EXEC } }],
  ] as const)('%s: every object against the Kubernetes schemas and the KEDA and Crossplane CRDs, in both recipes', (_name, props) => {
    const app = newApp();
    const orders = new Queue(app, 'orders', { fifo: true });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, ...(props as object) });
    for (const env of ['dev', 'prod']) {
      const list = manifests(app, env);
      expect(list.filter((m) => m.kind === 'ScaledObject')).toHaveLength(1);
      expect(conformanceProblems(list)).toEqual([]);
    }
  });
});
