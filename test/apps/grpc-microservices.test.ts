import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Redis, WebService, Worker } from 'libk8s';
import { describeWithReference } from '../support/reference';
import { EnvVar, expand } from '../support/kubelet-env';
import { conformanceProblems, K8sVersion, validateCustomResource } from '../support/schemas';

/**
 * A gRPC microservices shop as its upstream manifests describe it (five
 * gRPC services calling each other by host:port, a Redis cart, a public
 * frontend behind a LoadBalancer, a load generator in dev only, every
 * service with a metrics port), written with libk8s's props alone: no
 * addJsonPatch, no customize(), no waiver. Everything below is asserted
 * on the rendered manifests of both environments: dev targets Kubernetes
 * 1.27, prod 1.33.
 */
type Manifest = Record<string, any>;

const VERSIONS: Record<'dev' | 'prod', K8sVersion> = { dev: '1.27', prod: '1.33' };
const RANGES = ['203.0.113.0/24', '198.51.100.0/24'];
const image = (id: string) => `ghcr.io/acme/boutique/${id}:v0.10.2`;
const GRPC = { productcatalogservice: 3550, currencyservice: 7000, paymentservice: 50051, cartservice: 7070, checkoutservice: 5050 } as const;

function boutique() {
  const app = new App({
    name: 'boutique',
    team: 'storefront',
    platform: { exposure: { loadBalancers: true } },
    environments: {
      dev: { namespace: 'boutique-dev', domain: 'dev.boutique.example.com', kubernetesVersion: VERSIONS.dev },
      prod: { namespace: 'boutique', domain: 'boutique.example.com', kubernetesVersion: VERSIONS.prod },
    },
  });
  const redis = new Redis(app, 'redis-cart');
  const grpc = (id: keyof typeof GRPC) => new WebService(app, id, {
    image: image(id), protocol: 'grpc', port: GRPC[id], servicePort: GRPC[id], metrics: { port: 9464 },
    // distroless images have no sleep binary: the pause is the kubelet's own on 1.30+, none before
    overrides: { dev: { preStop: { action: 'none', reason: 'distroless image; the server drains on SIGTERM' } }, prod: { preStop: { action: 'sleep' } } },
  });
  const catalog = grpc('productcatalogservice');
  const currency = grpc('currencyservice');
  const payment = grpc('paymentservice');
  const cart = grpc('cartservice').connect(redis, { env: 'REDIS', format: 'hostport' });
  const checkout = grpc('checkoutservice')
    .connect(catalog, { env: 'PRODUCT_CATALOG_SERVICE' }).connect(currency, { env: 'CURRENCY_SERVICE' })
    .connect(cart, { env: 'CART_SERVICE' }).connect(payment, { env: 'PAYMENT_SERVICE' });
  const frontend = new WebService(app, 'frontend', {
    image: image('frontend'), port: 8080, ports: [{ name: 'metrics', port: 9464 }],
    service: { type: 'LoadBalancer', loadBalancerSourceRanges: RANGES },
  })
    .connect(catalog, { env: 'PRODUCT_CATALOG_SERVICE' }).connect(currency, { env: 'CURRENCY_SERVICE' })
    .connect(cart, { env: 'CART_SERVICE' }).connect(checkout, { env: 'CHECKOUT_SERVICE' });
  new Worker(app, 'loadgenerator', {
    image: image('loadgenerator'), environments: ['dev'], env: { USERS: '10', FRONTEND_URL: '$(FRONTEND_ADDR)/' },
    probes: { readiness: { type: 'exec', command: ['true'] }, liveness: { type: 'exec', command: ['true'] } },
  }).connect(frontend, { env: 'FRONTEND', format: 'hostport' });
  return app;
}

function rendered(env: 'dev' | 'prod'): Manifest[] {
  return boutique().render({ environments: [env] })[0].objects.map((o) => o.manifest);
}

function find(list: Manifest[], kind: string, name: string): Manifest {
  const found = list.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} '${name}', found ${found.length}`);
  return found[0];
}


const envOf = (list: Manifest[], name: string): EnvVar[] => find(list, 'Deployment', name).spec.template.spec.containers[0].env ?? [];
const selects = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } });
const PROMETHEUS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };

/** The NetworkPolicy's ingress as "peer -> port" lines, sorted. */
function admitted(list: Manifest[], name: string): string[] {
  const lines: string[] = [];
  for (const rule of find(list, 'NetworkPolicy', name).spec.ingress ?? []) {
    for (const from of rule.from ?? [{}]) {
      for (const p of rule.ports ?? [{}]) lines.push(`${JSON.stringify(from)} -> ${p.port ?? '*'}`);
    }
  }
  return lines.sort();
}

describe.each(['dev', 'prod'] as const)('the gRPC microservices shop in %s', (env) => {
  const list = rendered(env);
  const ns = env === 'dev' ? 'boutique-dev' : 'boutique';

  test('every gRPC service: startup, readiness and liveness probes are gRPC on its port; its Service port is named grpc with appProtocol grpc', () => {
    for (const [id, port] of Object.entries(GRPC)) {
      const container = find(list, 'Deployment', id).spec.template.spec.containers[0];
      expect(container.ports).toEqual(expect.arrayContaining([{ name: 'grpc', containerPort: port, protocol: 'TCP' }]));
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(container[probe].grpc).toEqual(expect.objectContaining({ port }));
        expect(container[probe].httpGet).toBeUndefined();
      }
      expect(find(list, 'Service', id).spec.ports[0]).toEqual({ name: 'grpc', protocol: 'TCP', appProtocol: 'grpc', port, targetPort: 'grpc' });
    }
  });

  test("each client's address variables are host:port and expand, the Redis address included", () => {
    const addr = (id: string) => `${id}.${ns}.svc:${GRPC[id as keyof typeof GRPC]}`;
    expect(expand(envOf(list, 'checkoutservice'))).toEqual({
      CART_SERVICE_ADDR: addr('cartservice'), CURRENCY_SERVICE_ADDR: addr('currencyservice'),
      PAYMENT_SERVICE_ADDR: addr('paymentservice'), PRODUCT_CATALOG_SERVICE_ADDR: addr('productcatalogservice'),
    });
    expect(expand(envOf(list, 'frontend'))).toEqual({
      CART_SERVICE_ADDR: addr('cartservice'), CHECKOUT_SERVICE_ADDR: addr('checkoutservice'),
      CURRENCY_SERVICE_ADDR: addr('currencyservice'), PRODUCT_CATALOG_SERVICE_ADDR: addr('productcatalogservice'),
    });
    const cart = expand(envOf(list, 'cartservice'));
    expect(cart.REDIS_ADDR).toMatch(/^[^$:]+:[^$:]+$/);
    expect(cart.REDIS_ADDR).toBe(`${cart.REDIS_HOST}:${cart.REDIS_PORT}`);
  });

  test('NetworkPolicies admit exactly the callers, Prometheus on the metrics port, and the LoadBalancer ranges on the frontend', () => {
    const callers: Record<string, string[]> = {
      productcatalogservice: ['checkoutservice', 'frontend'], currencyservice: ['checkoutservice', 'frontend'],
      cartservice: ['checkoutservice', 'frontend'], paymentservice: ['checkoutservice'], checkoutservice: ['frontend'],
    };
    for (const [id, from] of Object.entries(callers)) {
      expect(admitted(list, id)).toEqual([
        ...from.flatMap((c) => [`${JSON.stringify(selects(c))} -> grpc`, `${JSON.stringify(selects(c))} -> metrics`]),
        `${JSON.stringify(PROMETHEUS)} -> metrics`,
      ].sort());
    }
    const front = admitted(list, 'frontend');
    const fromLb = RANGES.map((cidr) => `${JSON.stringify({ ipBlock: { cidr } })} -> http`);
    const fromLoadgen = env === 'dev' ? [`${JSON.stringify(selects('loadgenerator'))} -> http`, `${JSON.stringify(selects('loadgenerator'))} -> metrics`] : [];
    expect(front).toEqual([...fromLb, `${JSON.stringify(PROMETHEUS)} -> metrics`, ...fromLoadgen].sort());
    const lb = find(list, 'Service', 'frontend').spec;
    expect(lb.type).toBe('LoadBalancer');
    expect(lb.loadBalancerSourceRanges).toEqual(RANGES);
  });

  test('the load generator exists in dev only; its URL is composed from the wired address and expands', () => {
    const generators = list.filter((m) => m.metadata.name === 'loadgenerator');
    if (env === 'prod') {
      expect(generators).toEqual([]);
      return;
    }
    expect(generators.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
    expect(expand(envOf(list, 'loadgenerator')).FRONTEND_URL).toBe(`frontend.${ns}.svc:80/`);
  });

  test('the preStop choice follows the target version: none with a reason on 1.27, the sleep action on 1.33', () => {
    for (const id of Object.keys(GRPC)) {
      const lifecycle = find(list, 'Deployment', id).spec.template.spec.containers[0].lifecycle;
      if (env === 'dev') expect(lifecycle).toBeUndefined();
      else expect(lifecycle.preStop).toEqual({ sleep: { seconds: expect.any(Number) } });
    }
  });

});

test('synth writes both environments: the guardrails find no error, and the only waivers are the in-cluster Redis stand-in\'s own (none by the program)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-boutique-'));
  const result = boutique().synth({ outdir: out });
  expect(result.environments.map((e) => e.environment)).toEqual(['dev', 'prod']);
  const findings = (result.reports ?? []).flatMap((r) => r.findings);
  expect(findings.filter((f) => f.severity === 'error' && !f.waived)).toEqual([]);
  expect([...new Set(findings.filter((f) => f.waived).map((f) => `${f.origin.environment} ${f.object.kind}/${f.object.name}`))]).toEqual(['dev Job/redis-cart-secrets', 'dev StatefulSet/redis-cart']);
});

describeWithReference('the gRPC microservices shop against the schemas', () => {
  test.each(['dev', 'prod'] as const)('%s validates against its target version and every CRD; a ServiceMonitor per metrics port', (env) => {
    const list = rendered(env);
    expect(conformanceProblems(list as any, [VERSIONS[env]])).toEqual([]);
    const monitors = list.filter((m) => m.kind === 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([...Object.keys(GRPC), 'frontend'].sort());
    for (const m of monitors) {
      expect(m.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
      expect(validateCustomResource(m as any)).toEqual([]);
    }
  });

  test('prod uses a 1.30+ field (the preStop sleep action), so it would not validate on 1.27', () => {
    expect(conformanceProblems(rendered('prod') as any, ['1.27']).join('\n')).toMatch(/sleep/);
  });
});
