import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { App, Env, WebService } from 'libk8s';
import { fastToJson } from '../../lib/synth/fast-json';
import { newApp } from '../support/apps';

/** Every ApiObject an app renders, across environments, captured through customize(). */
function renderedObjects(app: App): ApiObject[] {
  const seen: ApiObject[] = [];
  for (const c of app.components) {
    c.customize((objects) => {
      for (const o of Object.values(objects)) if (o) seen.push(o);
    });
  }
  app.render();
  return seen;
}

function matrix(): App {
  const app = newApp({ platform: { priorityClassName: 'high', dropCpuLimits: true } });
  new WebService(app, 'plain', { image: 'ghcr.io/acme/plain:1.0.0' });
  new WebService(app, 'routed', {
    image: 'ghcr.io/acme/routed:1.0.0', port: 3000, ports: [{ name: 'metrics', port: 9090 }], route: { subdomain: 'api', path: '/v1' },
    autoscale: { min: 2, max: 8, cpuPercent: 60, memoryPercent: 80 },
    env: { A: 'x', S: Env.secret('s', 'k'), C: Env.configMap('c', 'k', { optional: true }), F: Env.field('status.podIP'), R: Env.resource('limits.memory') },
    config: { files: { 'a.yaml': 'a: 1\n', 'b.txt': 'x' } },
    volumes: [
      { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', sizeLimit: '1Gi', medium: 'Memory' } },
      { name: 'certs', mountPath: '/certs', source: { type: 'secret', secret: 'certs' } },
      { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
    ],
    sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', ports: [{ name: 'http', port: 9901 }], probes: { readiness: {} } }],
    initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0', args: ['up'] }],
    probes: { startup: false, readiness: { type: 'tcp' }, liveness: { type: 'exec', command: ['/bin/check'] } },
    labels: { tier: 'web' }, annotations: { 'example.com/a': 'b' }, egress: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [443] }],
    overrides: { prod: { replicas: 4 } },
  });
  new WebService(app, 'ingress', { image: 'ghcr.io/acme/ingress:1.0.0', route: { kind: 'ingress', host: 'www.example.com' }, replicas: 3 });
  return app;
}

test('the fast path gives exactly what cdk8s toJson() gives, on every object of the matrix', () => {
  const objects = renderedObjects(matrix());
  expect(objects.length).toBeGreaterThan(30);
  let fast = 0;
  for (const o of objects) {
    const f = fastToJson(o);
    if (f) fast++;
    expect(JSON.stringify(f ?? o.toJson())).toBe(JSON.stringify(o.toJson()));
  }
  expect(fast).toBe(objects.length);
});

test('metadata edits made through the cdk8s API are kept', () => {
  const app = newApp();
  new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).customize((o) => o.service.metadata.addAnnotation('x.example.com/y', 'z'));
  const service = app.render()[0].objects.find((o) => o.kind === 'Service')!;
  expect(service.manifest.metadata.annotations).toEqual({ 'x.example.com/y': 'z' });
});

test('a value that needs cdk8s resolution falls back to toJson()', () => {
  const app = newApp();
  let lazy: ApiObject | undefined;
  new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).customize((_o, ctx) => {
    lazy = new ApiObject(ctx.scope, 'Extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-extra' }, data: { k: Lazy.any({ produce: () => 'v' }) } });
  });
  const cm = app.render()[0].objects.find((o) => o.name === 'web-extra')!;
  expect(fastToJson(lazy!)).toBeUndefined();
  expect(cm.manifest.data).toEqual({ k: 'v' });
});

test('objects of classes libk8s does not create take the cdk8s path', () => {
  const app = newApp();
  let pod: ApiObject | undefined;
  new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).customize((_o, ctx) => {
    pod = new k8s.KubeLimitRange(ctx.scope, 'Limits', { metadata: { name: 'web-limits' }, spec: { limits: [{ type: 'Container', max: { cpu: k8s.Quantity.fromString('2') } }] } });
  });
  const objects = app.render()[0].objects;
  expect(fastToJson(pod!)).toBeUndefined();
  expect(objects.find((o) => o.kind === 'LimitRange')!.manifest.spec).toEqual({ limits: [{ max: { cpu: '2' }, type: 'Container' }] });
});

test('metadata with finalizers, owner references, extra attributes and empty maps matches cdk8s', () => {
  const app = newApp();
  const seen: ApiObject[] = [];
  new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).customize((o) => {
    o.deployment.metadata.addFinalizers('example.com/keep');
    o.service.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '123', controller: false });
    o.podDisruptionBudget.metadata.add('generateName', 'web-');
    seen.push(o.deployment, o.service, o.podDisruptionBudget, o.serviceAccount);
  });
  app.render();
  for (const o of seen) expect(JSON.stringify(fastToJson(o))).toBe(JSON.stringify(o.toJson()));
});
