/**
 * libk8s/pulumi under Pulumi's mocks: what the adapter registers for the
 * shop example's prod environment (recipe crossplane-aws, the default),
 * compared with what `app.render()` gives for it.
 */
import { installMocks, registrations, reset, settled, value } from './mocks';
import type { RenderedObject } from '../../lib';

// the mocks before the module that creates resources
const ready = installMocks('prod');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('../../lib') as typeof import('../../lib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const adapter = require('../../lib/pulumi') as typeof import('../../lib/pulumi');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shop } = require('../../examples/pulumi/shop') as typeof import('../../examples/pulumi/shop');

/** Secrets arrive in the engine's wire format; the mocks see the plain values. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
function plain(v: any): any {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if (v[SECRET_SIG] === '1b47061264138c4ac30d75fd1eb44270') return plain(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** The manifest's fields as the typed resource's inputs carry them (without undefined values, as JSON). */
function fields(manifest: Record<string, any>): Record<string, any> {
  return JSON.parse(JSON.stringify(manifest));
}

async function deploy(app = shop(), name = 'shop') {
  await ready;
  reset();
  const deployed = new adapter.Libk8sApp(name, { app });
  await settled([deployed, ...deployed.objects.map((o) => o.resource)]);
  const rendered = app.render({ environments: ['prod'] })[0].objects;
  return { app, deployed, rendered };
}

const key = (o: RenderedObject) => `${o.component.node.id}/${o.kind}/${o.name}`;

describe('Libk8sApp: the shop example in prod (crossplane-aws)', () => {
  test('every rendered object becomes exactly one resource of its type token, with the same fields; nothing else is registered', async () => {
    const { deployed, rendered } = await deploy();
    const k8s = registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(rendered.length).toBe(24);
    // nothing missing, nothing extra
    expect(k8s).toHaveLength(rendered.length);
    expect(registrations.filter((r) => !r.type.startsWith('kubernetes:')).map((r) => r.type)).toEqual(['libk8s:index:App']);
    const byName = new Map(k8s.map((r) => [r.name, r]));
    expect(byName.size).toBe(k8s.length);
    expect(deployed.objects.map((o) => key(o.object))).toEqual(rendered.map(key));
    for (const { object, name } of deployed.objects) {
      const r = byName.get(name);
      expect(r).toBeDefined();
      expect(r!.type).toBe(adapter.typeToken(object.apiVersion, object.kind));
      expect(plain(r!.inputs)).toEqual(fields(object.manifest));
    }
    const types = [...new Set(k8s.map((r) => r.type))].sort();
    expect(types).toEqual([
      'kubernetes:apps/v1:Deployment',
      'kubernetes:autoscaling/v2:HorizontalPodAutoscaler',
      'kubernetes:batch/v1:CronJob',
      'kubernetes:core/v1:Secret',
      'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ServiceAccount',
      'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute',
      'kubernetes:iam.aws.m.upbound.io/v1beta1:Role',
      'kubernetes:iam.aws.m.upbound.io/v1beta1:RolePolicy',
      'kubernetes:keda.sh/v1alpha1:ScaledObject',
      'kubernetes:keda.sh/v1alpha1:TriggerAuthentication',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:policy/v1:PodDisruptionBudget',
      'kubernetes:rds.aws.m.upbound.io/v1beta1:Instance',
      'kubernetes:sqs.aws.m.upbound.io/v1beta1:Queue',
    ]);
  });

  test('built-in kinds are typed classes, custom resources CustomResource', async () => {
    const { deployed } = await deploy();
    const k8s = await import('@pulumi/kubernetes');
    const of = (kind: string) => deployed.objects.filter((o) => o.object.kind === kind).map((o) => o.resource);
    expect(of('Deployment').every((r) => r instanceof k8s.apps.v1.Deployment)).toBe(true);
    expect(of('Service').every((r) => r instanceof k8s.core.v1.Service)).toBe(true);
    expect(of('Secret').every((r) => r instanceof k8s.core.v1.Secret)).toBe(true);
    expect(of('CronJob').every((r) => r instanceof k8s.batch.v1.CronJob)).toBe(true);
    expect(of('HorizontalPodAutoscaler').every((r) => r instanceof k8s.autoscaling.v2.HorizontalPodAutoscaler)).toBe(true);
    for (const kind of ['HTTPRoute', 'ScaledObject', 'TriggerAuthentication', 'Queue', 'Instance', 'Role', 'RolePolicy']) {
      expect(of(kind).length).toBeGreaterThan(0);
      expect(of(kind).every((r) => r instanceof k8s.apiextensions.CustomResource)).toBe(true);
    }
  });

  test('names come from the construct path and kind (and the object name when it differs); every parent is the component', async () => {
    const { deployed } = await deploy();
    const names = deployed.objects.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining([
      'shop-orders-queue-orders-dlq', 'shop-orders-queue', 'shop-orders-secret-orders-connection', 'shop-db-instance',
      'shop-storefront-role', 'shop-storefront-rolepolicy', 'shop-storefront-deployment', 'shop-storefront-service', 'shop-storefront-httproute',
      'shop-fulfilment-scaledobject', 'shop-fulfilment-triggerauthentication', 'shop-nightly-report-cronjob', 'shop-nightly-report-networkpolicy',
    ]));
    const component = registrations.find((r) => r.type === 'libk8s:index:App')!;
    expect(component.name).toBe('shop');
    for (const r of registrations.filter((x) => x.type.startsWith('kubernetes:'))) expect(r.parent).toBe(component.urn);
  });

  test('dependsOn follows the wiring: identities and the connected resources before a workload\'s objects, not a chain', async () => {
    const { deployed, app } = await deploy();
    const urnOf = new Map(registrations.map((r) => [r.name, r.urn]));
    const nameOf = new Map(registrations.map((r) => [r.urn, r.name]));
    const objectsOf = (id: string, role?: string) => deployed.objects.filter((o) => o.object.component.node.id === id && (!role || o.object.role === role)).map((o) => o.name);
    const depsOf = (name: string) => registrations.find((r) => r.name === name)!.dependencies.map((u) => nameOf.get(u)).sort();

    // resources and identities wait for nothing (there is no Namespace object)
    for (const n of [...objectsOf('orders'), ...objectsOf('db'), ...objectsOf('storefront', 'identity')]) expect(depsOf(n)).toEqual([]);
    // each workload object: its own identity, then the objects of what it connects to
    const expected = (id: string) => {
      const used = lib.wiresOf(app).filter((w) => w.from.node.id === id).map((w) => w.to.node.id);
      return [...objectsOf(id, 'identity'), ...used.flatMap((u) => objectsOf(u))].sort();
    };
    for (const id of ['storefront', 'fulfilment', 'nightly-report']) {
      for (const n of objectsOf(id, 'workload')) expect(depsOf(n)).toEqual(expected(id));
    }
    expect(depsOf('shop-storefront-deployment')).toEqual([
      'shop-db-instance', 'shop-orders-queue', 'shop-orders-queue-orders-dlq', 'shop-orders-secret-orders-connection', 'shop-storefront-role', 'shop-storefront-rolepolicy',
    ]);
    expect(depsOf('shop-nightly-report-cronjob')).toEqual([]);
    expect([...urnOf.keys()]).toContain('shop-fulfilment-deployment');
  });

  test('outputs: a GRPCRoute\'s route is the host:port a gRPC client dials', async () => {
    const app = shop();
    new lib.WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:1.0.0', protocol: 'grpc', port: 9090, route: { subdomain: 'catalog' } });
    const { deployed, rendered } = await deploy(app);
    expect(rendered.filter((o) => o.kind === 'GRPCRoute').map((o) => o.name)).toEqual(['catalog']);
    expect(await value(deployed.routes)).toEqual({ storefront: 'https://shop.example.com/', catalog: 'catalog.shop.example.com:443' });
  });

  test('outputs: the route URL, the queue URL and name, each workload\'s ServiceAccount and IAM role', async () => {
    const { deployed } = await deploy();
    expect(await value(deployed.routes)).toEqual({ storefront: 'https://shop.example.com/' });
    expect(await value(deployed.queues)).toEqual({ orders: { url: 'https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders', name: 'shop-prod-orders' } });
    expect(await value(deployed.workloads)).toEqual({
      storefront: { serviceAccountName: 'storefront', roleName: 'shop-prod-storefront', cloudRole: 'arn:aws:iam::123456789012:role/shop-prod-storefront' },
      fulfilment: { serviceAccountName: 'fulfilment', roleName: 'shop-prod-fulfilment', cloudRole: 'arn:aws:iam::123456789012:role/shop-prod-fulfilment' },
      'nightly-report': { serviceAccountName: 'nightly-report' },
    });
    expect(deployed.environment).toBe('prod');
  });

  test('the environment defaults to the stack name; an unknown one is an error naming the environments', async () => {
    await ready;
    expect(() => new adapter.Libk8sApp('x', { app: shop(), environment: 'staging' })).toThrow(/app 'shop' has no environment 'staging'; it has dev, prod/);
  });

  test('the provider is passed to every Kubernetes object', async () => {
    await ready;
    reset();
    const k8s = await import('@pulumi/kubernetes');
    const provider = new k8s.Provider('cluster', { kubeconfig: 'none' });
    const deployed = new adapter.Libk8sApp('shop', { app: shop(), provider });
    await settled([provider, deployed, ...deployed.objects.map((o) => o.resource)]);
    const providerUrn = registrations.find((r) => r.name === 'cluster')!.urn;
    const k8sRegs = registrations.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');
    expect(k8sRegs).toHaveLength(24);
    for (const r of k8sRegs) expect(r.provider.startsWith(`${providerUrn}::`)).toBe(true);
  });
});

describe('Libk8sApp: the shop example in dev (in-cluster stand-ins)', () => {
  test('every object is one resource of its type token with the same fields; the stand-ins before the workloads', async () => {
    await ready;
    reset();
    const app = shop();
    const deployed = new adapter.Libk8sApp('shop', { app, environment: 'dev' });
    await settled([deployed, ...deployed.objects.map((o) => o.resource)]);
    const rendered = app.render({ environments: ['dev'] })[0].objects;
    const k8s = registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8s).toHaveLength(rendered.length);
    expect(deployed.objects.map((o) => key(o.object))).toEqual(rendered.map(key));
    const byName = new Map(k8s.map((r) => [r.name, r]));
    for (const { object, name } of deployed.objects) {
      expect(byName.get(name)!.type).toBe(adapter.typeToken(object.apiVersion, object.kind));
      expect(plain(byName.get(name)!.inputs)).toEqual(fields(object.manifest));
    }
    expect(k8s.map((r) => r.type)).toEqual(expect.arrayContaining(['kubernetes:apps/v1:StatefulSet', 'kubernetes:core/v1:ConfigMap']));
    expect(k8s.filter((r) => r.type.startsWith('kubernetes:') && !adapter.TYPED_KINDS.some((t) => r.type === adapter.typeToken(t.slice(0, t.lastIndexOf('/')), t.slice(t.lastIndexOf('/') + 1))))
      .map((r) => r.type).sort()).toEqual(expect.arrayContaining(['kubernetes:gateway.networking.k8s.io/v1:HTTPRoute', 'kubernetes:keda.sh/v1alpha1:ScaledObject']));
    const nameOf = new Map(registrations.map((r) => [r.urn, r.name]));
    const deps = byName.get('shop-storefront-deployment')!.dependencies.map((u) => nameOf.get(u)!);
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.every((n) => n.startsWith('shop-db-') || n.startsWith('shop-orders-'))).toBe(true);
    expect(await value(deployed.workloads)).toMatchObject({ storefront: { serviceAccountName: 'storefront' } });
    expect(Object.keys(await value(deployed.queues))).toEqual(['orders']);
  });
});

describe('Libk8sApp: namespaces', () => {
  test('a Namespace object is registered first, and every other object depends on it', async () => {
    await ready;
    reset();
    // a platform recipe that also emits the namespace
    const recipe: import('../../lib').Recipe = {
      name: 'with-namespace',
      provides: ['queue'],
      connection: (q) => ({ secretName: `${q.name}-connection`, values: lib.secretValues(`${q.name}-connection`, q.connectionKeys), network: [], ids: {} }),
      provision: (q, ctx) => {
        new lib.ApiObject(ctx.scope, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ctx.environment.namespace, labels: { 'app.kubernetes.io/part-of': 'jobs' } } });
        new lib.ApiObject(ctx.scope, 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: q.standardMetadata(ctx, `${q.name}-connection`), stringData: { url: 'http://queue', name: 'q' } });
      },
      identity: () => ({}),
    };
    const app = new lib.App({ name: 'jobs', team: 'ops', environments: { prod: { recipes: 'with-namespace' } }, platform: { recipes: [recipe] } });
    const q = new lib.Queue(app, 'work');
    new lib.WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).sendTo(q);
    const deployed = new adapter.Libk8sApp('jobs', { app, guardrails: 'warn' });
    await settled([deployed, ...deployed.objects.map((o) => o.resource)]);
    const ns = registrations.find((r) => r.type === 'kubernetes:core/v1:Namespace')!;
    expect(ns.name).toBe('jobs-work-namespace-jobs-prod');
    expect(ns.dependencies).toEqual([]);
    const others = registrations.filter((r) => r.type.startsWith('kubernetes:') && r !== ns);
    expect(others.length).toBeGreaterThan(3);
    for (const r of others) expect(r.dependencies).toContain(ns.urn);
    const secret = registrations.find((r) => r.name === 'jobs-work-secret-work-connection')!;
    expect([...registrations.find((r) => r.name === 'jobs-web-deployment')!.dependencies].sort()).toEqual([ns.urn, secret.urn].sort());
  });
});

describe('Libk8sApp: guardrails', () => {
  test('an error finding throws the same report as synth, and nothing is registered', async () => {
    await ready;
    reset();
    const app = shop();
    const web = app.node.findChild('storefront') as InstanceType<typeof lib.WebService>;
    web.addJsonPatch({ kind: 'Deployment' }, lib.JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    const reports = app.check(app.render({ environments: ['prod'] }));
    const failing = reports.flatMap(lib.blocking);
    expect(failing.length).toBeGreaterThan(0);
    const expected = new lib.GuardrailsError(reports, failing).message;
    let thrown: unknown;
    try {
      new adapter.Libk8sApp('shop', { app });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(lib.GuardrailsError);
    expect((thrown as Error).message).toBe(expected);
    expect((thrown as Error).message).toContain('privileged');
    await new Promise((r) => setTimeout(r, 50));
    expect(registrations).toEqual([]);
  });
});
