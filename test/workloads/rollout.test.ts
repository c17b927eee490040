import { App, Queue, QueueWorker, Task, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('minReadySeconds and progressDeadlineSeconds', () => {
  test('are written on the Deployment of a WebService, a Worker and a QueueWorker when set', () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'web', { image: IMAGE, minReadySeconds: 10, progressDeadlineSeconds: 300 });
    new Worker(app, 'relay', { image: IMAGE, minReadySeconds: 5 });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, progressDeadlineSeconds: 900 });
    const spec = (name: string) => only(manifests(app), 'Deployment', name).spec;
    expect(spec('web')).toMatchObject({ minReadySeconds: 10, progressDeadlineSeconds: 300 });
    expect(spec('relay').minReadySeconds).toBe(5);
    expect(spec('relay')).not.toHaveProperty('progressDeadlineSeconds');
    expect(spec('fulfilment').progressDeadlineSeconds).toBe(900);
    expect(spec('fulfilment')).not.toHaveProperty('minReadySeconds');
  });

  test('are left to the API defaults (0 and 600) when not set', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE });
    const spec = only(manifests(app), 'Deployment').spec;
    expect(spec).not.toHaveProperty('minReadySeconds');
    expect(spec).not.toHaveProperty('progressDeadlineSeconds');
  });

  test('progressDeadlineSeconds <= minReadySeconds, a negative or fractional value is refused, every one in the same run', () => {
    const app = newApp();
    new WebService(app, 'a', { image: IMAGE, minReadySeconds: 60, progressDeadlineSeconds: 60 });
    new WebService(app, 'b', { image: IMAGE, minReadySeconds: 900 });
    new Worker(app, 'c', { image: IMAGE, minReadySeconds: -1, progressDeadlineSeconds: 2.5 });
    new Worker(app, 'd', { image: IMAGE, progressDeadlineSeconds: 0 });
    expect(problemLines(app)).toEqual([
      `WebService 'a' (shop/a): 'progressDeadlineSeconds' 60 is not greater than minReadySeconds (60), which the API server requires: a rollout could never make progress in time. Fix: set 'progressDeadlineSeconds' above 60, e.g. 660, or lower minReadySeconds.`,
      `WebService 'b' (shop/b): 'minReadySeconds' 900 is not less than progressDeadlineSeconds (600 by default); the API server requires the deadline to be longer. Fix: set 'progressDeadlineSeconds' above 900, e.g. 1500.`,
      `Worker 'c' (shop/c): 'minReadySeconds' -1 is not a whole number in the range 0-2147483647. Fix: use a whole number of seconds, e.g. 10.`,
      `Worker 'c' (shop/c): 'progressDeadlineSeconds' 2.5 is not a whole number in the range 1-2147483647. Fix: use a whole number of seconds, e.g. 600.`,
      `Worker 'd' (shop/d): 'progressDeadlineSeconds' 0 is not a whole number in the range 1-2147483647. Fix: use a whole number of seconds, e.g. 600.`,
    ]);
  });

  test('a Task has no Deployment, so they are not among its props', () => {
    const app = newApp();
    // @ts-expect-error a run has no rollout
    new Task(app, 'migrate', { image: IMAGE, minReadySeconds: 10 });
    expect(only(manifests(app), 'Job').spec).not.toHaveProperty('minReadySeconds');
  });

  describeWithReference('against the schemas', () => {
    test('the Deployment validates on Kubernetes 1.27 and 1.33', () => {
      const app = newApp();
      new WebService(app, 'web', { image: IMAGE, minReadySeconds: 10, progressDeadlineSeconds: 300 });
      expect(conformanceProblems([only(manifests(app), 'Deployment')])).toEqual([]);
    });
  });
});
