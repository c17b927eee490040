import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App as Cdk8sApp, Chart, Lazy } from 'cdk8s';
import { k8s as plus } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { App, Bucket, CronTask, Env, Postgres, Queue, QueueWorker, Redis, Task, WebService, Worker } from 'libk8s';
import * as k8s from '../../lib/core/kube';
import { fastToJson } from '../../lib/synth/fast-json';

/** The classes lib/core/kube.ts stands in for, by name. */
const KINDS = [
  'KubeConfigMap', 'KubeCronJob', 'KubeDaemonSet', 'KubeDeployment', 'KubeHorizontalPodAutoscalerV2', 'KubeIngress', 'KubeJob', 'KubeNetworkPolicy',
  'KubePodDisruptionBudget', 'KubeRole', 'KubeRoleBinding', 'KubeSecret', 'KubeService', 'KubeServiceAccount', 'KubeStatefulSet',
] as const;
type KindName = (typeof KINDS)[number];

const shimOf = (name: KindName) => (k8s as unknown as Record<KindName, new (s: Construct, id: string, p?: object) => ApiObject>)[name];
const realOf = (name: KindName) => (plus as unknown as Record<KindName, new (s: Construct, id: string, p?: object) => ApiObject>)[name];

function chart(): Chart {
  return new Chart(new Cdk8sApp({ outdir: '.' }), 'test', { disableResourceNameHashes: true });
}

/** `x` with this module's IntOrString and Quantity values made cdk8s-plus-27's. */
function withPlusUnions(x: unknown): unknown {
  if (x instanceof k8s.IntOrString) return typeof x.value === 'number' ? plus.IntOrString.fromNumber(x.value) : plus.IntOrString.fromString(x.value);
  if (x instanceof k8s.Quantity) return typeof x.value === 'number' ? plus.Quantity.fromNumber(x.value) : plus.Quantity.fromString(x.value);
  if (Array.isArray(x)) return x.map(withPlusUnions);
  if (x === null || typeof x !== 'object' || Object.getPrototypeOf(x) !== Object.prototype) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, withPlusUnions(v)]));
}

/** The JSON cdk8s-plus-27's own class renders for the props a stand-in object was made with. */
function realJson(obj: ApiObject): string {
  const props = withPlusUnions((obj as unknown as { props: object }).props) as Record<string, unknown>;
  delete props.apiVersion;
  delete props.kind;
  const real = new (realOf(obj.constructor.name as KindName))(chart(), 'real', props);
  return JSON.stringify(real.toJson());
}

/** Every ApiObject the components of an app render, in every environment. */
function renderedObjects(app: App): ApiObject[] {
  const scopes: Construct[] = [];
  for (const c of app.components) c.customize((_o, ctx) => { scopes.push(ctx.scope); });
  app.render();
  return scopes.flatMap((s) => s.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)));
}

/** Every workload and resource kind, with in-cluster stand-ins (dev) and Crossplane AWS resources (prod). */
function matrix(): App {
  const app = new App({
    name: 'shop', team: 'commerce',
    environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' }, prod: { namespace: 'shop', domain: 'shop.example.com' } },
    platform: { priorityClassName: 'high' },
  });
  const orders = new Queue(app, 'orders', { deadLetter: { maxReceiveCount: 5 } });
  const db = new Postgres(app, 'db', { storageGiB: 20 });
  const cache = new Redis(app, 'cache');
  const uploads = new Bucket(app, 'uploads');
  new WebService(app, 'storefront', {
    image: 'ghcr.io/acme/storefront:1.4.2', port: 8080, route: { path: '/' }, autoscale: { min: 2, max: 10, cpuPercent: 70, memoryPercent: 80 },
    env: { A: 'x', S: Env.secret('s', 'k'), C: Env.configMap('c', 'k', { optional: true }), F: Env.field('status.podIP'), R: Env.resource('limits.memory') },
    config: { files: { 'a.yaml': 'a: 1\n' } },
    volumes: [
      { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', sizeLimit: '1Gi', medium: 'Memory' } },
      { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
    ],
    sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', ports: [{ name: 'http', port: 9901 }], probes: { readiness: {} } }],
    probes: { startup: false, readiness: { type: 'tcp' }, liveness: { type: 'exec', command: ['/bin/check'] } },
    egress: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [443] }],
  }).sendTo(orders).connect(db).connect(cache).connect(uploads);
  new WebService(app, 'www', { image: 'ghcr.io/acme/www:1.0.0', route: { kind: 'ingress', host: 'www.example.com' }, replicas: 3 });
  new QueueWorker(app, 'fulfilment', { image: 'ghcr.io/acme/fulfilment:1.4.2', queue: orders, autoscale: { min: 0, max: 20, messagesPerReplica: 10 } }).connect(db);
  new Worker(app, 'indexer', { image: 'ghcr.io/acme/indexer:1.0.0' }).connect(cache);
  new CronTask(app, 'nightly-report', { image: 'ghcr.io/acme/reports:1.4.2', schedule: '0 3 * * *', timeZone: 'Europe/Amsterdam' }).connect(db);
  new Task(app, 'migrate', { image: 'ghcr.io/acme/migrate:1.0.0', args: ['up'] }).connect(db);
  return app;
}

test('each class has the group, version and kind of the generated one', () => {
  for (const name of KINDS) {
    const shim = shimOf(name) as unknown as { GVK: object; name: string };
    expect(shim.GVK).toEqual((realOf(name) as unknown as { GVK: object }).GVK);
    expect(shim.name).toBe(name);
  }
});

test('every object libk8s renders serializes as cdk8s-plus-27 serializes its props, on both paths', () => {
  const objects = renderedObjects(matrix());
  const kinds = new Set<string>();
  let compared = 0;
  for (const obj of objects) {
    if (!(KINDS as readonly string[]).includes(obj.constructor.name)) {
      // the other objects (Crossplane's, KEDA's) are plain ApiObjects, as before
      expect(Object.getPrototypeOf(obj)).toBe(ApiObject.prototype);
      continue;
    }
    kinds.add(obj.constructor.name);
    const expected = realJson(obj);
    expect(JSON.stringify(obj.toJson())).toBe(expected);
    // (Roles, RoleBindings and DaemonSets are not on the fast path's list: they take toJson() in the synth too)
    expect(JSON.stringify(fastToJson(obj) ?? obj.toJson())).toBe(expected);
    compared++;
  }
  expect(compared).toBeGreaterThan(60);
  expect([...kinds].sort()).toEqual(KINDS.filter((k) => k !== 'KubeDaemonSet' && k !== 'KubeSecret'));
});

test('IntOrString, Quantity, nested undefined and empty values come out as the generated classes write them', () => {
  const props = (ns: typeof k8s | typeof plus, strategy: string, rolling: 'maxSurge' | 'partition') => ({
    metadata: { name: 'web', labels: { a: 'b', gone: undefined as unknown as string }, annotations: {} },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      [strategy]: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: ns.IntOrString.fromString('10%'), ...(rolling === 'maxSurge' ? { maxSurge: ns.IntOrString.fromNumber(1) } : { partition: 0 }) } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'web', image: 'ghcr.io/acme/web:1.0.0', args: [], env: [{ name: 'A', value: undefined }],
            ports: [{ containerPort: 8080, name: undefined }],
            resources: { limits: { memory: ns.Quantity.fromString('256Mi'), cpu: ns.Quantity.fromNumber(1) }, requests: { cpu: ns.Quantity.fromString('100m') } },
            readinessProbe: { httpGet: { path: '/', port: ns.IntOrString.fromString('http') }, periodSeconds: 0 },
          }],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
  for (const name of ['KubeDaemonSet', 'KubeDeployment', 'KubeStatefulSet'] as const) {
    // (each with its own kind's fields: the generated classes drop a field the API does not have, these do not)
    const strategy = name === 'KubeDeployment' ? 'strategy' : 'updateStrategy';
    const rolling = name === 'KubeStatefulSet' ? 'partition' : 'maxSurge';
    const real = new (realOf(name))(chart(), 'real', props(plus, strategy, rolling));
    const shim = new (shimOf(name))(chart(), 'shim', props(k8s, strategy, rolling));
    expect(JSON.stringify(real.toJson())).toContain('"maxUnavailable":"10%"');
    expect(JSON.stringify(shim.toJson())).toBe(JSON.stringify(real.toJson()));
    expect(JSON.stringify(fastToJson(shim) ?? shim.toJson())).toBe(JSON.stringify(real.toJson()));
    if (name !== 'KubeDaemonSet') expect(fastToJson(shim)).toBeDefined();
  }
  const secret = { metadata: { name: 's' }, stringData: { b: '2', a: '1' }, type: 'Opaque', immutable: false };
  expect(JSON.stringify(new k8s.KubeSecret(chart(), 'shim', secret).toJson())).toBe(JSON.stringify(new plus.KubeSecret(chart(), 'real', secret).toJson()));
  // manifest(): the same content (its maps' keys sorted)
  expect(k8s.KubeSecret.manifest(secret)).toEqual(plus.KubeSecret.manifest(secret));
  const service = { spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } };
  expect(JSON.stringify(k8s.KubeService.manifest(service))).toBe(JSON.stringify(plus.KubeService.manifest({ spec: { ports: [{ port: 80, targetPort: plus.IntOrString.fromString('http') }] } })));
});

test('a value cdk8s must resolve (a Lazy, also of an IntOrString) takes the cdk8s path and is resolved', () => {
  const props = { metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: Lazy.any({ produce: () => k8s.IntOrString.fromNumber(8080) }) }], type: Lazy.any({ produce: () => 'ClusterIP' }) } };
  const shim = new k8s.KubeService(chart(), 'shim', props as never);
  const real = new plus.KubeService(chart(), 'real', { ...props, spec: { ...props.spec, ports: [{ port: 80, targetPort: Lazy.any({ produce: () => plus.IntOrString.fromNumber(8080) }) }] } } as never);
  expect(fastToJson(shim)).toBeUndefined();
  expect(shim.toJson()).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 8080 }], type: 'ClusterIP' } });
  expect(JSON.stringify(shim.toJson())).toBe(JSON.stringify(real.toJson()));
});

test('metadata edits and JSON patches of the cdk8s API work on them', () => {
  const cm = new k8s.KubeConfigMap(chart(), 'cm', { metadata: { name: 'c' }, data: { k: 'v' } });
  cm.metadata.addLabel('x', 'y');
  expect(ApiObject.isApiObject(cm)).toBe(true);
  expect(cm.toJson()).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { x: 'y' }, name: 'c' }, data: { k: 'v' } });
  expect(fastToJson(cm)).toEqual(cm.toJson());
});

/**
 * The generated classes rename a few fields (the props' `clusterIp` is the
 * API's `clusterIP`); these classes and the fast path do not. Props that
 * used one would be written wrong, so no source of lib/ may.
 */
test('no source of lib/ sets a field that cdk8s-plus-27 renames', () => {
  const generated = fs.readFileSync(require.resolve('cdk8s-plus-27/lib/imports/k8s.js'), 'utf8');
  const renamed = new Set<string>();
  // (JSONSchemaProps' `ref` and `schema`, of CustomResourceDefinitions, are left out: libk8s makes none)
  for (const fn of generated.matchAll(/function (toJson_\w+)\(obj\) \{([\s\S]*?)\n\}/g)) {
    if (fn[1] === 'toJson_JsonSchemaProps') continue;
    for (const m of fn[2].matchAll(/'([^']+)': (?:\(\()?(?:toJson_\w+\()?obj\.(\w+)/g)) if (m[1] !== m[2]) renamed.add(m[2]);
  }
  expect(renamed.has('clusterIp')).toBe(true);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(path.resolve(__dirname, '..', '..', 'lib'));
  const uses = files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\b(\w+)\s*:/g)].filter((m) => renamed.has(m[1])).map((m) => `${path.basename(f)}: ${m[1]}`));
  expect(uses).toEqual([]);
});

test('an object is of this module\'s class; instanceof a cdk8s-plus-27 class holds as for any ApiObject', () => {
  const d = new k8s.KubeDeployment(chart(), 'd', { spec: { selector: {}, template: {} } });
  expect(d.constructor).toBe(k8s.KubeDeployment);
  expect(d).toBeInstanceOf(ApiObject);
  expect(d instanceof plus.KubeDeployment).toBe(true);
  expect(d instanceof plus.KubeService).toBe(true);
});

test('a union of this module inside a cdk8s-plus-27 object is written as its own', () => {
  const real = new plus.KubeService(chart(), 'real', { spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
  expect(real.toJson().spec).toEqual({ ports: [{ port: 80, targetPort: 'http' }] });
});
