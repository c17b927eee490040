import { App, Queue, QueueWorker, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('HorizontalPodAutoscaler targets', () => {
  test('cpuAverage and memoryAverage are AverageValue targets, with no default cpu percent beside them', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, autoscale: { min: 2, max: 10, cpuAverage: '500m' } });
    new Worker(app, 'relay', { image: IMAGE, autoscale: { min: 2, max: 4, cpuPercent: 80, memoryAverage: '400Mi' } });
    const list = manifests(app);
    expect(only(list, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
    expect(only(list, 'HorizontalPodAutoscaler', 'relay').spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } },
    ]);
  });

  test('without any target the HPA still scales on cpu at 70 % of the request', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, autoscale: { min: 2, max: 10 } });
    expect(only(manifests(app), 'HorizontalPodAutoscaler').spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  test('an override may switch to an average target', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, autoscale: { min: 2, max: 10 }, overrides: { prod: { autoscale: { min: 3, max: 12, cpuAverage: '1' } } } });
    expect(only(manifests(app, 'dev'), 'HorizontalPodAutoscaler').spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 70 });
    expect(only(manifests(app, 'prod'), 'HorizontalPodAutoscaler').spec.metrics[0].resource.target).toEqual({ type: 'AverageValue', averageValue: '1' });
  });

  test("a QueueWorker's cpu and memory averages are KEDA AverageValue triggers (and there is then no fallback)", () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, autoscale: { min: 0, max: 20, cpuAverage: '250m', memoryPercent: 80 } });
    const so = only(manifests(app), 'ScaledObject');
    expect(so.spec.triggers.slice(1)).toEqual([
      { type: 'cpu', metricType: 'AverageValue', metadata: { value: '250m' } },
      { type: 'memory', metricType: 'Utilization', metadata: { value: '80' } },
    ]);
    expect(so.spec.fallback).toBeUndefined();
  });

  test('a bad averageValue, or an average beside the percent of the same resource, is refused, every one in the same run', () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'web', { image: IMAGE, autoscale: { min: 2, max: 10, cpuAverage: '500 millicores' } });
    new Worker(app, 'relay', { image: IMAGE, autoscale: { min: 2, max: 4, memoryAverage: '400m', cpuPercent: 50, cpuAverage: '1' } });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, autoscale: { min: 0, max: 20, cpuAverage: -1 as never } });
    new WebService(app, 'api', { image: IMAGE, overrides: { prod: { autoscale: { min: 2, max: 5, memoryAverage: '0' } } } });
    expect(problemLines(app)).toEqual([
      `WebService 'web' (shop/web): 'autoscale.cpuAverage' "500 millicores" is not a cpu quantity. Fix: use millicores like "250m" or cores like "0.5" or "2".`,
      `Worker 'relay' (shop/relay): 'autoscale.cpuAverage' is set together with 'cpuPercent'; an autoscaler targets cpu either as a percent of the request or as an average quantity per pod. Fix: keep one: 'cpuPercent' (e.g. 70) or 'cpuAverage' (e.g. '500m').`,
      `Worker 'relay' (shop/relay): 'autoscale.memoryAverage' "400m" is not a memory quantity: "m" means thousandths of a byte. Fix: use a power-of-two suffix like "400Mi" (mebibytes) or "1Gi".`,
      `QueueWorker 'fulfilment' (shop/fulfilment): 'autoscale.cpuAverage' -1 is not a cpu quantity. Fix: use millicores like "250m" or cores like "0.5" or "2".`,
      `WebService 'api' (shop/api): 'overrides.prod.autoscale.memoryAverage' "0" is not a memory quantity. Fix: use a power-of-two suffix like "256Mi" or "1Gi".`,
    ]);
  });

  describeWithReference('against the schemas', () => {
    test('the AverageValue HPA and ScaledObject validate on Kubernetes 1.27 and 1.33 and against the KEDA CRD', () => {
      const app = newApp();
      const orders = new Queue(app, 'orders');
      new WebService(app, 'web', { image: IMAGE, autoscale: { min: 2, max: 10, cpuAverage: '500m', memoryAverage: '1Gi' } });
      new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, autoscale: { min: 0, max: 20, memoryAverage: '512Mi' } });
      const list = manifests(app);
      expect(conformanceProblems([only(list, 'HorizontalPodAutoscaler'), only(list, 'ScaledObject')])).toEqual([]);
    });
  });
});
