import { App, CronTask, PlatformProps, QueueWorker, Queue, Task, WebService, Worker } from 'libk8s';
import { manifests, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

function newApp(kubernetesVersion: '1.27' | '1.30' | '1.33' = '1.27', platform: PlatformProps = {}): App<'dev' | 'prod'> {
  return new App({
    name: 'shop', team: 'commerce', platform: { kubernetesVersion, ...platform },
    environments: { dev: { namespace: 'shop-dev' }, prod: { namespace: 'shop' } },
  });
}

function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

function main(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'Deployment').spec.template.spec.containers[0];
}

describe('the preStop choice', () => {
  test("by default stays the platform's: `sleep <preStopSeconds>` as exec, in a 30 s grace period", () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE });
    expect(main(app).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(only(manifests(app), 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  test("{ action: 'sleep' } is the kubelet's sleep action, the platform's seconds unless given", () => {
    const app = newApp('1.30', { preStopSeconds: 8 });
    new WebService(app, 'web', { image: IMAGE, preStop: { action: 'sleep' } });
    new Worker(app, 'relay', { image: IMAGE, preStop: { action: 'sleep', seconds: 20 } });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'web').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 8 } } });
    expect(only(list, 'Deployment', 'relay').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
  });

  test("{ action: 'exec' } runs `sleep <seconds>`, or the command given", () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, preStop: { action: 'exec', seconds: 12 } });
    new Worker(app, 'relay', { image: IMAGE, preStop: { action: 'exec', command: ['/app/drain', '--wait=10s'], seconds: 10 } });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'web').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '12'] } } });
    expect(only(list, 'Deployment', 'relay').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['/app/drain', '--wait=10s'] } } });
  });

  test("{ action: 'none', reason } leaves the hook out, even with a grace period shorter than the platform's pause", () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, preStop: { action: 'none', reason: 'distroless image; the app drains on SIGTERM' }, terminationGracePeriodSeconds: 3 });
    expect(main(app).lifecycle).toBeUndefined();
    expect(only(manifests(app), 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(3);
  });

  test("replaces the platform's preStopAction 'sleep' for one workload", () => {
    const app = newApp('1.33', { preStopAction: 'sleep' });
    new WebService(app, 'web', { image: IMAGE });
    new Worker(app, 'relay', { image: IMAGE, preStop: { action: 'exec' } });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'web').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(only(list, 'Deployment', 'relay').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  test('is set per environment with overrides, and a QueueWorker has it too', () => {
    const app = new App({
      name: 'shop', team: 'commerce',
      environments: { dev: { kubernetesVersion: '1.27' }, prod: { kubernetesVersion: '1.31' } },
    });
    const orders = new Queue(app, 'orders');
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders, overrides: { prod: { preStop: { action: 'sleep' } } } });
    expect(main(app, 'dev').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(main(app, 'prod').lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });
});

describe('a bad preStop', () => {
  test("a 'sleep' preStop on a 1.27 target is refused, with the version it needs and what to use instead", () => {
    const app = newApp('1.27');
    new WebService(app, 'web', { image: IMAGE, preStop: { action: 'sleep' } });
    expect(problemLines(app)).toEqual([
      `WebService 'web' (shop/web): 'preStop' {"action":"sleep"} is the kubelet's preStop 'sleep' action, which needs Kubernetes 1.30 or later, but environments 'dev' targets 1.27, 'prod' targets 1.27. Fix: use { action: 'exec' } (needs a \`sleep\` binary) or { action: 'none', reason: '...' } there (per environment with overrides.<env>.preStop), or target Kubernetes 1.30 or later (see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations).`,
    ]);
  });

  test('an override that asks for the sleep action in a 1.27 environment names that override', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: { kubernetesVersion: '1.27' }, prod: { kubernetesVersion: '1.33' } } });
    new Worker(app, 'relay', { image: IMAGE, preStop: { action: 'sleep' }, overrides: { dev: { preStop: { action: 'sleep', seconds: 3 } } } });
    expect(problemLines(app)).toEqual([
      expect.stringMatching(/^Worker 'relay' \(shop\/relay\) \[environment 'dev'\]: 'overrides\.dev\.preStop' \{"action":"sleep","seconds":3\} is the kubelet's preStop 'sleep' action, which needs Kubernetes 1\.30 or later, but environment 'dev' targets 1\.27\. Fix:/),
    ]);
  });

  test('shapes that are not a choice, every one in the same run', () => {
    const app = newApp('1.33');
    new WebService(app, 'a', { image: IMAGE, preStop: { action: 'pause' } as never });
    new WebService(app, 'b', { image: IMAGE, preStop: { action: 'none' } as never });
    new WebService(app, 'c', { image: IMAGE, preStop: { action: 'sleep', seconds: 0 } });
    new WebService(app, 'd', { image: IMAGE, preStop: { action: 'exec', command: '/app/drain --wait' as never } });
    new WebService(app, 'e', { image: IMAGE, preStop: { action: 'exec', command: [] } });
    new WebService(app, 'f', { image: IMAGE, preStop: 'sleep' as never });
    expect(problemLines(app)).toEqual([
      `WebService 'a' (shop/a): 'preStop.action' "pause" is not a preStop action ('sleep', 'exec' or 'none'). Fix: use { action: 'sleep' } (Kubernetes 1.30+), { action: 'exec' } (\`sleep\` in the container) or { action: 'exec', command: [...] }, or { action: 'none', reason: '...' }.`,
      `WebService 'b' (shop/b): 'preStop.reason' undefined is not a reason; a pod without a preStop pause may get requests after SIGTERM, so say why this one needs none. Fix: give it, e.g. { action: 'none', reason: 'the app keeps serving for 10 s after SIGTERM' }.`,
      `WebService 'c' (shop/c): 'preStop.seconds' 0 is not a whole number in the range 1-3600. Fix: use a whole number of seconds from 1 to 3600, e.g. 5.`,
      `WebService 'd' (shop/d): 'preStop.command' "/app/drain --wait" is a string, not a list of strings; Kubernetes takes each element as one argument. Fix: pass a list: ["/app/drain","--wait"].`,
      `WebService 'e' (shop/e): 'preStop.command' is empty. Fix: name the program and its arguments, e.g. ['/app/drain'], or leave 'command' out for \`sleep <seconds>\`.`,
      `WebService 'f' (shop/f): 'preStop' "sleep" is not a preStop action ('sleep', 'exec' or 'none'). Fix: use { action: 'sleep' } (Kubernetes 1.30+), { action: 'exec' } (\`sleep\` in the container) or { action: 'exec', command: [...] }, or { action: 'none', reason: '...' }.`,
    ]);
  });

  test('a pause that the grace period does not outlast is refused, given on either side', () => {
    const app = newApp('1.33');
    new WebService(app, 'a', { image: IMAGE, preStop: { action: 'sleep', seconds: 30 } });
    new WebService(app, 'b', { image: IMAGE, preStop: { action: 'exec', seconds: 20 }, terminationGracePeriodSeconds: 20 });
    expect(problemLines(app)).toEqual([
      `WebService 'a' (shop/a): 'preStop.seconds' 30 is not shorter than terminationGracePeriodSeconds (30 by default), so in-flight requests are cut off. Fix: use fewer seconds, or set 'terminationGracePeriodSeconds' above 30.`,
      `WebService 'b' (shop/b): 'terminationGracePeriodSeconds' 20 is not longer than the preStop pause of 20 s, so in-flight requests are cut off. Fix: use more than 20, e.g. 30.`,
    ]);
  });

  test('a Task or CronTask has no preStop pause to choose', () => {
    const app = newApp();
    new Task(app, 'migrate', { image: IMAGE, preStop: { action: 'exec' } });
    new CronTask(app, 'report', { image: IMAGE, schedule: '0 3 * * *', timeZone: 'Etc/UTC', preStop: { action: 'none', reason: 'x' } });
    expect(problemLines(app)).toEqual([
      "Task 'migrate' (shop/migrate): 'preStop' is set, but a Task's pod is behind no Service, so it has no preStop pause. Fix: remove it.",
      "CronTask 'report' (shop/report): 'preStop' is set, but a CronTask's pod is behind no Service, so it has no preStop pause. Fix: remove it.",
    ]);
  });
});
