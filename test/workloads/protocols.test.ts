import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { App, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference, REFERENCE_DIR } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/cart:2.1.0';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

/** A gRPC service routed through the platform Gateway, with a metrics port, and a client that connects to it. */
function grpcShop(): App<'dev' | 'prod'> {
  const app = newApp();
  const cart = new WebService(app, 'cart', {
    image: IMAGE, port: 7070, protocol: 'grpc', route: { subdomain: 'api' },
    ports: [{ name: 'admin', port: 9901, appProtocol: 'http' }],
  });
  new WebService(app, 'checkout', { image: 'ghcr.io/acme/checkout:2.1.0', port: 5050, protocol: 'grpc' }).connect(cart);
  return app;
}

describe('a gRPC WebService', () => {
  test('names its main port "grpc" and declares it on the container', () => {
    const list = manifests(grpcShop());
    expect(only(list, 'Deployment', 'cart').spec.template.spec.containers[0].ports).toEqual([
      { name: 'grpc', containerPort: 7070, protocol: 'TCP' },
      { name: 'admin', containerPort: 9901, protocol: 'TCP' },
    ]);
  });

  test('has gRPC startup, readiness and liveness probes on the main port, readiness asking for the "readiness" service', () => {
    const c = only(manifests(grpcShop()), 'Deployment', 'cart').spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual({ grpc: { port: 7070 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.readinessProbe).toEqual({ grpc: { port: 7070, service: 'readiness' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.livenessProbe).toEqual({ grpc: { port: 7070 }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 1, successThreshold: 1 });
  });

  test('exposes the main port as "grpc" with appProtocol grpc, and an extra port with its own appProtocol', () => {
    expect(only(manifests(grpcShop()), 'Service', 'cart').spec.ports).toEqual([
      { name: 'grpc', protocol: 'TCP', appProtocol: 'grpc', port: 80, targetPort: 'grpc' },
      { name: 'admin', protocol: 'TCP', appProtocol: 'http', port: 9901, targetPort: 'admin' },
    ]);
  });

  test('is routed by a GRPCRoute on the platform Gateway\'s HTTPS listener, not an HTTPRoute', () => {
    const list = manifests(grpcShop());
    expect(list.filter((m) => m.kind === 'HTTPRoute')).toEqual([]);
    const route = only(list, 'GRPCRoute', 'cart');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toBe('shop');
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['api.shop.example.com'],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'cart', port: 80, weight: 1 }] }],
    });
  });

  test('admits the Gateway and the workloads that connect to it on the "grpc" port by name', () => {
    const policy = only(manifests(grpcShop()), 'NetworkPolicy', 'cart');
    expect(policy.spec.ingress).toEqual(expect.arrayContaining([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }], ports: [{ protocol: 'TCP', port: 'grpc' }] },
      expect.objectContaining({ from: [expect.objectContaining({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'checkout' } } })], ports: expect.arrayContaining([{ protocol: 'TCP', port: 'grpc' }]) }),
    ]));
  });

  test('passes every built-in guardrail pack with zero findings', () => {
    const app = grpcShop();
    expect(app.check(app.render()).flatMap((r) => r.findings).map((f) => `${f.rule} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
  });

  test('routes only the named gRPC services when grpcServices lists them', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: { subdomain: 'api', grpcServices: ['shop.v1.CartService', 'grpc.health.v1.Health'] } });
    expect(only(manifests(app), 'GRPCRoute').spec.rules).toEqual([{
      matches: [{ method: { type: 'Exact', service: 'shop.v1.CartService' } }, { method: { type: 'Exact', service: 'grpc.health.v1.Health' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'cart', port: 80, weight: 1 }],
    }]);
  });

  test('keeps an explicit HTTPRoute when route.kind asks for one', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: { kind: 'httproute' } });
    const kinds = manifests(app).map((m) => m.kind);
    expect(kinds).toContain('HTTPRoute');
    expect(kinds).not.toContain('GRPCRoute');
  });
});

describe('the main port follows its protocol', () => {
  test('a default WebService names it "http" with appProtocol http and probes it with HTTP GETs', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE });
    const list = manifests(app);
    expect(only(list, 'Service').spec.ports).toEqual([{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http' }]);
    const c = only(list, 'Deployment').spec.template.spec.containers[0];
    expect([c.startupProbe.httpGet, c.readinessProbe.httpGet, c.livenessProbe.httpGet]).toEqual([
      { path: '/healthz', port: 'http' }, { path: '/readyz', port: 'http' }, { path: '/livez', port: 'http' },
    ]);
  });

  test('portName names the main port; probes, the Service and the NetworkPolicy use the name', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', portName: 'rpc', route: {} });
    const list = manifests(app);
    expect(only(list, 'Service').spec.ports).toEqual([{ name: 'rpc', protocol: 'TCP', appProtocol: 'grpc', port: 80, targetPort: 'rpc' }]);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toEqual([{ name: 'rpc', containerPort: 8080, protocol: 'TCP' }]);
    expect(only(list, 'NetworkPolicy').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'rpc' }]);
  });

  test.each([
    ['h2c', 'kubernetes.io/h2c', { httpGet: { path: '/readyz', port: 'h2c' } }],
    ['https', 'https', { httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } }],
    ['ws', 'kubernetes.io/ws', { httpGet: { path: '/readyz', port: 'ws' } }],
    ['wss', 'kubernetes.io/wss', { httpGet: { path: '/readyz', port: 'wss', scheme: 'HTTPS' } }],
    ['tcp', 'tcp', { tcpSocket: { port: 'tcp' } }],
    ['tls', 'tls', { tcpSocket: { port: 'tls' } }],
  ] as const)('protocol %s: appProtocol %s and a readiness probe of its kind', (protocol, appProtocol, handler) => {
    const app = newApp();
    new WebService(app, 'svc', { image: IMAGE, protocol });
    const list = manifests(app);
    expect(only(list, 'Service').spec.ports[0]).toEqual({ name: protocol, protocol: 'TCP', appProtocol, port: 80, targetPort: protocol });
    expect(only(list, 'Deployment').spec.template.spec.containers[0].readinessProbe).toMatchObject(handler);
  });

  test('an extra port without appProtocol has none on the Service', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, ports: [{ name: 'gossip', port: 7946, protocol: 'UDP' }] });
    expect(only(manifests(app), 'Service').spec.ports[1]).toEqual({ name: 'gossip', protocol: 'UDP', port: 7946, targetPort: 'gossip' });
  });

  test('a Worker keeps its health port "http" without an appProtocol (it has no Service)', () => {
    const app = newApp();
    new Worker(app, 'jobs', { image: IMAGE });
    const c = only(manifests(app), 'Deployment').spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });
});

describeWithReference('protocol-aware output against the Kubernetes schemas and CRDs', () => {
  test('the gRPC app validates against Kubernetes 1.27 and 1.33 and the GRPCRoute against its CRD', () => {
    const app = grpcShop();
    for (const env of ['dev', 'prod']) {
      const list = manifests(app, env);
      expect(list.map((m) => m.kind)).toContain('GRPCRoute');
      expect(conformanceProblems(list)).toEqual([]);
    }
  });

  test('every protocol and a GRPCRoute with services validate', () => {
    const app = newApp();
    for (const protocol of ['http', 'https', 'h2c', 'grpc', 'ws', 'wss', 'tcp', 'tls'] as const) {
      new WebService(app, `svc-${protocol}`, { image: IMAGE, protocol, ports: [{ name: 'extra', port: 9000, appProtocol: protocol }] });
    }
    new WebService(app, 'routed', { image: IMAGE, protocol: 'grpc', route: { grpcServices: ['shop.v1.CartService'] } });
    expect(conformanceProblems(manifests(app))).toEqual([]);
  });

  test('the service names pass the GRPCRoute CRD\'s own CEL rule (the schema validator does not evaluate CEL)', () => {
    const crd = parse(fs.readFileSync(path.join(REFERENCE_DIR, 'crds', 'gateway.networking.k8s.io_grpcroutes.yaml'), 'utf8'));
    const method = crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.rules.items.properties.matches.items.properties.method;
    const rule: string = method['x-kubernetes-validations'].find((r: any) => /service must only contain/.test(r.message)).rule;
    const pattern = new RegExp(rule.match(/matches\(r"""\^\(\?i\)(.*)"""\)/)![1].replace(/^/, '^'), 'i');
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: { grpcServices: ['shop.v1.CartService', '.grpc.health.v1.Health', 'Snake_Case2'] } });
    const services = only(manifests(app), 'GRPCRoute').spec.rules[0].matches.map((m: any) => m.method.service);
    expect(services.filter((s: string) => !pattern.test(s))).toEqual([]);
  });
});

describe('protocol validation', () => {
  test('every wrong protocol, port name and route is reported in one run', () => {
    const app = newApp();
    new WebService(app, 'bad', {
      image: IMAGE,
      protocol: 'grpcs' as never,
      portName: 'Main_Port',
      ports: [{ name: 'dns', port: 5353, protocol: 'UDP', appProtocol: 'grpc' }, { name: 'x', port: 9000, appProtocol: 'quic' as never }],
    });
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: { path: '/cart', kind: 'ingress' } });
    new WebService(app, 'web', { image: IMAGE, route: { kind: 'grpcroute', grpcServices: ['shop.v1.Cart'] } });
    new WebService(app, 'rpc', { image: IMAGE, protocol: 'grpc', route: { grpcServices: ['shop/v1.Cart', 'shop.v1.Cart', 'shop.v1.Cart'] } });
    new WebService(app, 'raw', { image: IMAGE, protocol: 'tcp', route: {} });
    new WebService(app, 'twice', { image: IMAGE, protocol: 'grpc', ports: [{ name: 'grpc', port: 9000 }] });
    expect(problemLines(app)).toEqual([
      "WebService 'bad' (shop/bad): 'protocol' \"grpcs\" is not an application protocol libk8s knows. Fix: use one of: 'http', 'https', 'h2c', 'grpc', 'ws', 'wss', 'tcp', 'tls'.",
      "WebService 'bad' (shop/bad): 'portName' \"Main_Port\" is not a valid port name (IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter). Fix: use a name like \"http\" or \"metrics\".",
      "WebService 'bad' (shop/bad): 'ports[0].appProtocol' \"grpc\" runs over TCP, but the port's 'protocol' is \"UDP\". Fix: leave 'appProtocol' out on a UDP port, or use protocol 'TCP'.",
      "WebService 'bad' (shop/bad): 'ports[1].appProtocol' \"quic\" is not an application protocol libk8s knows. Fix: use one of: 'http', 'https', 'h2c', 'grpc', 'ws', 'wss', 'tcp', 'tls'.",
      "WebService 'cart' (shop/cart): 'route.kind' is 'ingress', but the main port speaks gRPC, which an Ingress does not route without controller-specific annotations. Fix: leave 'kind' out (a gRPC service gets a GRPCRoute on the platform Gateway).",
      "WebService 'web' (shop/web): 'route.kind' is 'grpcroute', but the main port's protocol is \"http\". Fix: set protocol: 'grpc', or use 'httproute'.",
      "WebService 'rpc' (shop/rpc): 'route.grpcServices[0]' \"shop/v1.Cart\" is not a gRPC service name (dot-separated identifiers of letters, digits and '_'). Fix: use the fully qualified name, e.g. 'shop.v1.CartService'.",
      "WebService 'rpc' (shop/rpc): 'route.grpcServices[2]' \"shop.v1.Cart\" is listed twice. Fix: list each service once.",
      "WebService 'raw' (shop/raw): 'route' is set, but the main port's protocol is \"tcp\": HTTPRoutes, GRPCRoutes and Ingresses route HTTP, not a TCP stream. Fix: leave 'route' out, or expose the port through a LoadBalancer Service (service: { type: 'LoadBalancer' }).",
      "WebService 'twice' (shop/twice): 'ports[0].name' \"grpc\" is already the name of 'port' (the main port is named \"grpc\" after its protocol). Fix: give each port its own name.",
    ]);
  });

  test('a path on a GRPCRoute is an error that points at grpcServices', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: { path: '/cart' } });
    expect(problemLines(app)).toEqual([
      "WebService 'cart' (shop/cart): 'route.path' \"/cart\" is set, but a GRPCRoute matches gRPC services, not URL paths. Fix: leave 'path' out, and name the services in 'grpcServices' (e.g. ['shop.v1.CartService']) to route only those.",
    ]);
  });

  test('grpcServices on an HTTP route is an error', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, route: { grpcServices: ['shop.v1.Cart'] } });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'route.grpcServices' is set, but the route is an HTTPRoute, which matches paths, not gRPC services. Fix: leave it out, or route a gRPC service (protocol: 'grpc').",
    ]);
  });

  test('a per-environment route override is checked against the protocol in that environment', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', route: {}, overrides: { dev: { route: { kind: 'ingress' } } } });
    expect(problemLines(app)).toEqual([
      "WebService 'cart' (shop/cart) [environment 'dev']: 'overrides.dev.route.kind' is 'ingress', but the main port speaks gRPC, which an Ingress does not route without controller-specific annotations. Fix: leave 'kind' out (a gRPC service gets a GRPCRoute on the platform Gateway).",
    ]);
  });
});
