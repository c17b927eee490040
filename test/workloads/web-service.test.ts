import { App, Libk8sError, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('a default WebService', () => {
  test('renders a ServiceAccount, Deployment, PodDisruptionBudget, NetworkPolicy and Service, and nothing else', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(manifests(app).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/storefront',
      'Deployment/storefront',
      'PodDisruptionBudget/storefront',
      'NetworkPolicy/storefront',
      'Service/storefront',
    ]);
  });

  test('renders the same manifests as its snapshot', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(manifests(app)).toMatchSnapshot();
  });

  test('puts every object in the environment namespace', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(new Set(manifests(app, 'prod').map((m) => m.metadata.namespace))).toEqual(new Set(['shop']));
    expect(new Set(manifests(app, 'dev').map((m) => m.metadata.namespace))).toEqual(new Set(['shop-dev']));
  });

  test('labels every object and the pods with name, instance, part-of, managed-by, version and team', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const expected = {
      'app.kubernetes.io/name': 'storefront',
      'app.kubernetes.io/instance': 'storefront',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'libk8s',
      'app.kubernetes.io/version': '1.4.2',
      'libk8s.io/team': 'commerce',
    };
    const list = manifests(app);
    for (const m of list) expect(m.metadata.labels).toEqual(expected);
    expect(only(list, 'Deployment').spec.template.metadata.labels).toEqual(expected);
  });

  test('selects its pods by name and instance only, never by the version', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const list = manifests(app);
    const selector = { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/instance': 'storefront' };
    expect(only(list, 'Deployment').spec.selector).toEqual({ matchLabels: selector });
    expect(only(list, 'Service').spec.selector).toEqual(selector);
    expect(only(list, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selector });
  });

  test('exposes the http port 8080 as a ClusterIP Service on port 80', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const list = manifests(app);
    expect(only(list, 'Service').spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http' }],
    });
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('has no route: neither an HTTPRoute nor an Ingress', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const kinds = manifests(app).map((m) => m.kind);
    expect(kinds).not.toContain('HTTPRoute');
    expect(kinds).not.toContain('Ingress');
  });

  test('with no route and nobody connecting, lets in only its own pods, on its ports', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'storefront' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
    ]);
  });

  test('lets in the workloads that connect to it, on its container ports, and nothing else', () => {
    const app = newApp();
    const api = new WebService(app, 'api', { image: IMAGE, port: 3000 });
    new WebService(app, 'storefront', { image: IMAGE }).connect(api);
    new WebService(app, 'admin', { image: IMAGE }).connect(api);
    expect(only(manifests(app), 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'admin' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'storefront' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    }]);
    const storefront = manifests(app).filter((o) => o.metadata.name === 'storefront');
    expect(only(storefront, 'NetworkPolicy').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }], ports: [{ protocol: 'TCP', port: 3000 }],
    });
    expect(only(storefront, 'Deployment').spec.template.spec.containers[0].env).toEqual([{ name: 'API_URL', value: 'http://api.shop.svc:80' }]);
  });
});

describe('ports', () => {
  test('port and servicePort set the container port and the Service port', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, port: 3000, servicePort: 8443 });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(only(list, 'Service').spec.ports).toEqual([{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 8443, targetPort: 'http' }]);
  });

  test('extra ports are declared on the container and exposed on the Service under the same number', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }, { name: 'gossip', port: 7946, protocol: 'UDP' }] });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      { name: 'gossip', containerPort: 7946, protocol: 'UDP' },
    ]);
    expect(only(list, 'Service').spec.ports).toEqual([
      { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http' },
      { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
      { name: 'gossip', protocol: 'UDP', port: 7946, targetPort: 'gossip' },
    ]);
  });

  test('the NetworkPolicy lets pods of the app reach every port', () => {
    const app = newApp();
    // not a port named metrics: that one admits Prometheus instead (test/workloads/monitoring.test.ts)
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'admin', port: 9090 }] });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress[0].ports).toEqual([
      { protocol: 'TCP', port: 'http' },
      { protocol: 'TCP', port: 'admin' },
    ]);
  });
});

describe('routes', () => {
  test('a route renders an HTTPRoute for the environment domain, attached to the platform gateway https listener', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, route: {} });
    for (const [env, host, namespace] of [['prod', 'shop.example.com', 'shop'], ['dev', 'dev.shop.example.com', 'shop-dev']]) {
      const route = only(manifests(app, env), 'HTTPRoute');
      expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(route.metadata).toMatchObject({ name: 'storefront', namespace });
      expect(route.spec).toEqual({
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'https' }],
        hostnames: [host],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'storefront', port: 80, weight: 1 }],
        }],
      });
    }
  });

  test('a subdomain and a path become the host name and the path match', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, route: { subdomain: 'api', path: '/v1' } });
    const route = only(manifests(app), 'HTTPRoute');
    expect(route.spec.hostnames).toEqual(['api.shop.example.com']);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/v1' } }]);
  });

  test('an explicit host wins over the environment domain and the subdomain', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, route: { host: 'api.acme.io', subdomain: 'ignored' } });
    expect(only(manifests(app, 'dev'), 'HTTPRoute').spec.hostnames).toEqual(['api.acme.io']);
  });

  test('the HTTPRoute points at the Service port, wherever that is', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, servicePort: 8000, route: {} });
    expect(only(manifests(app), 'HTTPRoute').spec.rules[0].backendRefs[0].port).toBe(8000);
  });

  test('a route lets the gateway namespace in on the http port only', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }], route: {} });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    });
  });

  test("the platform's gateway name, namespace and listener are used", () => {
    const app = newApp({ platform: { gateway: { name: 'edge', namespace: 'edge-system', listener: 'websecure' } } });
    new WebService(app, 'api', { image: IMAGE, route: {} });
    const list = manifests(app);
    expect(only(list, 'HTTPRoute').spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'edge-system', sectionName: 'websecure' },
    ]);
    expect(only(list, 'NetworkPolicy').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge-system' } } }]);
  });

  test('an ingress route renders an Ingress with TLS and the cert-manager issuer, and no HTTPRoute', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, route: { kind: 'ingress', subdomain: 'www', path: '/shop' } });
    const list = manifests(app);
    expect(list.map((m) => m.kind)).not.toContain('HTTPRoute');
    const ingress = only(list, 'Ingress');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['www.shop.example.com'], secretName: 'web-tls' }],
      rules: [{
        host: 'www.shop.example.com',
        http: { paths: [{ path: '/shop', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      }],
    });
  });

  test('an ingress route uses the platform ingress class and issuer and lets the ingress controller namespace in', () => {
    const app = newApp({ platform: { ingressClassName: 'traefik', clusterIssuer: 'internal-ca', ingressControllerNamespace: 'traefik' } });
    new WebService(app, 'web', { image: IMAGE, route: { kind: 'ingress' } });
    const list = manifests(app);
    const ingress = only(list, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('internal-ca');
    expect(only(list, 'NetworkPolicy').spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    });
  });

  test('an override of route: false removes the route in that environment only', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, route: {}, overrides: { dev: { route: false } } });
    expect(manifests(app, 'dev').map((m) => m.kind)).not.toContain('HTTPRoute');
    expect(only(manifests(app, 'dev'), 'NetworkPolicy').spec.ingress).toHaveLength(1);
    expect(only(manifests(app, 'prod'), 'HTTPRoute').spec.hostnames).toEqual(['shop.example.com']);
  });

  test('a route override is merged over the route: prod can switch to an Ingress', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, route: { path: '/shop' }, overrides: { prod: { route: { kind: 'ingress' } } } });
    expect(only(manifests(app, 'dev'), 'HTTPRoute').spec.rules[0].matches[0].path.value).toBe('/shop');
    expect(only(manifests(app, 'prod'), 'Ingress').spec.rules[0].http.paths[0].path).toBe('/shop');
  });
});

describe('WebService validation', () => {
  test('an id that is not a DNS-1123 label fails with a suggested name', () => {
    const app = newApp();
    new WebService(app, 'Store_Front', { image: IMAGE });
    expect(problemLines(app)).toContain(
      "WebService 'Store_Front' (shop/Store_Front): 'id' \"Store_Front\" is not a DNS-1123 label: lowercase letters, digits and '-', "
      + 'starting and ending with a letter or digit. Fix: use a name like "store-front".');
  });

  test('an id longer than 63 characters fails and says how long it is', () => {
    const id = 'a'.repeat(64);
    const app = newApp();
    new WebService(app, id, { image: IMAGE });
    expect(problemLines(app)).toEqual([
      `WebService '${id}' (shop/${id}): 'id' "${id}" is 64 characters long; the limit is 63 (DNS-1123 label). Fix: use a shorter name of at most 63 characters.`,
    ]);
  });

  test('an id of exactly 63 characters is accepted', () => {
    const app = newApp();
    new WebService(app, 'a'.repeat(63), { image: IMAGE });
    expect(only(manifests(app), 'Service').metadata.name).toHaveLength(63);
  });

  test('an id starting with a digit fails, because it names the Service (a DNS-1035 label)', () => {
    const app = newApp();
    new WebService(app, '2fa', { image: IMAGE });
    expect(problemLines(app)).toEqual([
      "WebService '2fa' (shop/2fa): 'id' \"2fa\" starts with a digit, but it is the Service's name, which must start with a letter (DNS-1035 label). Fix: use a name like \"svc-2fa\".",
    ]);
  });

  test('a port out of range fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, port: 70000 });
    expect(problemLines(app)).toEqual([
      "WebService 'api' (shop/api): 'port' 70000 is out of range 1-65535. Fix: use a whole number between 1 and 65535.",
    ]);
  });

  test.each([
    ['port', { port: 0 }, "'port' 0 is out of range 1-65535"],
    ['port', { port: 80.5 }, "'port' 80.5 is out of range 1-65535"],
    ['servicePort', { servicePort: 65536 }, "'servicePort' 65536 is out of range 1-65535"],
    ['ports[0].port', { ports: [{ name: 'metrics', port: -1 }] }, "'ports[0].port' -1 is out of range 1-65535"],
  ])('%s out of range fails', (_prop, props, sentence) => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ...props });
    expect(renderError(app)).toContain(sentence);
  });

  test('an extra port named "http" clashes with the main port', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'http', port: 9090 }] });
    expect(problemLines(app)).toEqual([
      "WebService 'api' (shop/api): 'ports[0].name' \"http\" is already the name of 'port' (the main port is named \"http\" after its protocol). Fix: give each port its own name.",
    ]);
  });

  test('two extra ports with the same name fail', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }, { name: 'metrics', port: 9091 }] });
    expect(renderError(app)).toContain("'ports[1].name' \"metrics\" is already the name of 'ports[0]'. Fix: give each port its own name.");
  });

  test('an extra port on the default 8080 clashes with the main port and says 8080 is the default', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 8080 }] });
    expect(problemLines(app)).toEqual([
      "WebService 'api' (shop/api): 'ports[0].port' 8080 is already used by 'port' (8080 by default). Fix: give each port its own number.",
    ]);
  });

  test('two extra ports with the same number fail', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, port: 3000, ports: [{ name: 'metrics', port: 9090 }, { name: 'admin', port: 9090 }, { name: 'debug', port: 3000 }] });
    const message = renderError(app);
    expect(message).toContain("'ports[1].port' 9090 is already used by 'ports[0]'");
    expect(message).toContain("'ports[2].port' 3000 is already used by 'port'.");
  });

  test('a port name that is not an IANA service name fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'Metrics_Port', port: 9090 }, { name: '9090', port: 9091 }, { name: 'a-very-long-port-name', port: 9092 }] });
    const lines = problemLines(app);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("WebService 'api' (shop/api): 'ports[0].name' \"Metrics_Port\" is not a valid port name (IANA service name: at most 15 lowercase letters, "
      + "digits and '-', with at least one letter). Fix: use a name like \"http\" or \"metrics\".");
    expect(lines[1]).toContain("'ports[1].name' \"9090\" is not a valid port name");
    expect(lines[2]).toContain("'ports[2].name' \"a-very-long-port-name\" is not a valid port name");
  });

  test('a route without host fails for each environment that has no domain, naming the environment', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: { namespace: 'shop-dev' }, prod: { domain: 'shop.example.com' } } });
    new WebService(app, 'web', { image: IMAGE, route: {} });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web) [environment 'dev']: 'route.host' is not set and environment 'dev' has no domain, so the route has no host name. "
      + "Fix: set 'domain' on environment 'dev' or a 'host' on the route.",
    ]);
  });

  test('a route without host is accepted when the environment without a domain overrides the route', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, prod: { domain: 'shop.example.com' } } });
    new WebService(app, 'web', { image: IMAGE, route: {}, overrides: { dev: { route: false } } });
    new WebService(app, 'api', { image: IMAGE, route: { subdomain: 'api' }, overrides: { dev: { route: { host: 'api.dev.internal' } } } });
    expect(only(manifests(app, 'dev'), 'HTTPRoute', 'api').spec.hostnames).toEqual(['api.dev.internal']);
    expect(only(manifests(app, 'prod'), 'HTTPRoute', 'api').spec.hostnames).toEqual(['api.shop.example.com']);
  });

  test('a route override without host fails for its environment when that has no domain', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, prod: { domain: 'shop.example.com' } } });
    new WebService(app, 'web', { image: IMAGE, overrides: { dev: { route: { path: '/' } } } });
    expect(renderError(app)).toContain("WebService 'web' (shop/web) [environment 'dev']: 'overrides.dev.route.host' is not set and environment 'dev' has no domain");
  });

  test.each([
    [{ path: 'v1' }, "'route.path' \"v1\" does not start with \"/\". Fix: use \"/v1\"."],
    [{ host: 'Shop.Example.com' }, "'route.host' \"Shop.Example.com\" is not a valid DNS name"],
    [{ subdomain: 'api_v1' }, "'route.subdomain' \"api_v1\" is not a valid DNS name"],
    [{ kind: 'gateway' as any }, "'route.kind' \"gateway\" is not a route kind. Fix: use 'httproute', 'grpcroute' or 'ingress'."],
  ])('a route of %j fails', (route, sentence) => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, route });
    expect(renderError(app)).toContain(sentence);
  });

  test('overrides for an environment the app does not have are a compile error and a render error', () => {
    const app = newApp();
    // @ts-expect-error 'staging' is not one of the app's environments ('dev' | 'prod')
    new WebService(app, 'web', { image: IMAGE, overrides: { staging: {} } });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'overrides.staging' names environment \"staging\", which the app does not have. Fix: use one of the app's environments: dev, prod.",
    ]);
  });

  test('the error of a failing render is a Libk8sError with one problem per mistake', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, port: 0, servicePort: 0 });
    let error: unknown;
    try {
      app.render();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    expect((error as Libk8sError).problems).toEqual([
      expect.objectContaining({ kind: 'WebService', id: 'api', path: 'shop/api', prop: 'port' }),
      expect.objectContaining({ kind: 'WebService', id: 'api', path: 'shop/api', prop: 'servicePort' }),
    ]);
  });
});
