import { Libk8sError, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/api:1.0.0';
const ns = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const port = (name: string) => [{ protocol: 'TCP', port: name }];
const own = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } });

describe('declared ingress', () => {
  test('each port admits exactly its declared peers, one rule per port, with the callers on every port', () => {
    const app = newApp();
    const api = new WebService(app, 'api', {
      image: IMAGE,
      ingress: [{ namespace: 'checkout' }, { namespace: 'ops', podLabels: { role: 'debug' } }],
      ports: [
        { name: 'admin', port: 9000, ingress: [{ podLabels: { role: 'admin-cli' } }, { cidr: '10.20.0.0/16', except: ['10.20.5.0/24'] }] },
        { name: 'grpc', port: 9443, ingress: [{ namespaceLabels: { team: 'payments' }, podLabels: { tier: 'backend' } }, { cidr: '2001:db8::/32' }] },
        { name: 'gossip', port: 7946, protocol: 'UDP' },
      ],
    });
    new Worker(app, 'caller', { image: IMAGE }).connect(api);
    expect(only(manifests(app), 'NetworkPolicy', 'api').spec.ingress).toEqual([
      { from: [{ namespaceSelector: ns('checkout') }, { namespaceSelector: ns('ops'), podSelector: { matchLabels: { role: 'debug' } } }], ports: port('http') },
      { from: [{ podSelector: { matchLabels: { role: 'admin-cli' } } }, { ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.5.0/24'] } }], ports: port('admin') },
      { from: [{ namespaceSelector: { matchLabels: { team: 'payments' } }, podSelector: { matchLabels: { tier: 'backend' } } }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: port('grpc') },
      { from: [own('caller')], ports: [...port('http'), ...port('admin'), ...port('grpc'), { protocol: 'UDP', port: 'gossip' }] },
    ]);
  });

  test("a route's gateway comes first, then the declared peers; a repeated peer is written once", () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, route: {}, ingress: [{ namespace: 'checkout' }, { namespace: 'checkout' }] });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ namespaceSelector: ns('gateway-system') }], ports: port('http') },
      { from: [{ namespaceSelector: ns('checkout') }], ports: port('http') },
    ]);
  });

  test("'monitoring' admits the platform's Prometheus pods", () => {
    const app = newApp({ platform: { monitoring: { namespace: 'observability', podLabels: { 'app.kubernetes.io/name': 'vmagent' } } } });
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'debug', port: 6060, ingress: ['monitoring'] }] });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ namespaceSelector: ns('observability'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vmagent' } } }], ports: port('debug') },
    ]);
  });

  test('without declared ingress the output is as before: a ClusterIP Service and only its own pods let in', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE });
    const list = manifests(app);
    expect(only(list, 'Service').spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/name': 'api' },
      ports: [{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http' }],
    });
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [own('api')], ports: port('http') }]);
  });
});

describe('a Service exposed outside the cluster', () => {
  test('a LoadBalancer carries its source ranges, keeps client addresses, and the NetworkPolicy admits the ranges on the main port', () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true } } });
    new WebService(app, 'front', {
      image: IMAGE,
      service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.0/24'], annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
      ports: [{ name: 'admin', port: 9000 }],
    });
    const list = manifests(app);
    const service = only(list, 'Service');
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
    expect(service.spec).toEqual({
      type: 'LoadBalancer',
      loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.0/24'],
      externalTrafficPolicy: 'Local',
      selector: { 'app.kubernetes.io/instance': 'front', 'app.kubernetes.io/name': 'front' },
      ports: [{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http' }, { name: 'admin', protocol: 'TCP', port: 9000, targetPort: 'admin' }],
    });
    // the annotation is the Service's only
    expect(only(list, 'Deployment').metadata.annotations).toBeUndefined();
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '198.51.100.0/24' } }], ports: port('http') },
    ]);
    expect(app.check(app.render({ environments: ['prod'] }))[0].findings).toEqual([]);
  });

  test("'external' on a port admits the outside clients there instead of on the main port", () => {
    const app = newApp();
    new WebService(app, 'front', {
      image: IMAGE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] },
      ports: [{ name: 'tls', port: 8443, ingress: ['external', { namespace: 'edge' }] }],
    });
    expect(only(manifests(app), 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { namespaceSelector: ns('edge') }], ports: port('tls') },
    ]);
  });

  test('a NodePort Service has no source-range field; its ranges go to the NetworkPolicy only', () => {
    const app = newApp();
    new WebService(app, 'front', { image: IMAGE, service: { type: 'NodePort', sourceRanges: ['192.0.2.0/24'] } });
    const list = manifests(app);
    expect(only(list, 'Service').spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    expect(only(list, 'Service').spec.loadBalancerSourceRanges).toBeUndefined();
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: port('http') }]);
  });

  test('a LoadBalancer without source ranges admits every IPv4 and IPv6 address', () => {
    const app = newApp();
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer' } });
    const list = manifests(app);
    expect(only(list, 'Service').spec.loadBalancerSourceRanges).toBeUndefined();
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: port('http') }]);
  });
});

describe('guardrails on exposure', () => {
  const findings = (app: ReturnType<typeof newApp>) => app.check(app.render({ environments: ['prod'] }))[0];
  const PUBLIC = "is a LoadBalancer open to every address: it has no loadBalancerSourceRanges";

  test('a public LoadBalancer is a public-load-balancer error naming the Service and the fix; the NetworkPolicy is not reported again', () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true } } });
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer' } });
    const report = findings(app);
    expect(report.findings.map((f) => [f.rule, f.severity, `${f.object.kind}/${f.object.name}`, f.field, f.message])).toEqual([
      ['public-load-balancer', 'error', 'Service/front', 'spec.loadBalancerSourceRanges', PUBLIC],
    ]);
    expect(report.findings[0].fix).toContain("service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }");
    expect(report.findings[0].fix).toContain('exposure: { publicLoadBalancers: true }');
    expect(report.findings[0].origin.construct).toMatchObject({ kind: 'WebService', id: 'front' });
  });

  test('a source range of 0.0.0.0/0 is as public as none', () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true } } });
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24', '0.0.0.0/0'] } });
    expect(findings(app).findings.map((f) => [f.rule, f.field, f.message])).toEqual([
      ['public-load-balancer', 'spec.loadBalancerSourceRanges[1]', 'is a LoadBalancer open to every address: its source range "0.0.0.0/0" is the whole internet'],
    ]);
  });

  test('without the platform allowing LoadBalancers, service-type reports the type too', () => {
    const app = newApp();
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] } });
    expect(findings(app).findings.map((f) => f.rule)).toEqual(['service-type']);
  });

  test('a platform that allows public load balancers turns the rule off, with the reason in the report', () => {
    const app = newApp({ platform: { exposure: { publicLoadBalancers: true } } });
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer' } });
    const report = findings(app);
    expect(report.findings).toEqual([]);
    expect(report.policy).toEqual([{
      rule: 'public-load-balancer', pack: 'production', from: 'error', to: 'off', setting: 'severities.public-load-balancer',
      reason: 'the platform allows public load balancers (platform.exposure.publicLoadBalancers)',
    }]);
  });

  test('a waiver on the construct keeps the finding, marked waived with its reason', () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true } } });
    new WebService(app, 'front', { image: IMAGE, service: { type: 'LoadBalancer' } }).waive('public-load-balancer', 'the public storefront, behind the CDN');
    const report = findings(app);
    expect(report.findings.map((f) => [f.rule, f.waived?.reason])).toEqual([['public-load-balancer', 'the public storefront, behind the CDN']]);
  });
});

describe('declared ingress input errors', () => {
  test('a malformed CIDR is an error with its text, and every problem of the program is reported in one run', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      ingress: [{ cidr: '10.0.0/8' }, { cidr: '10.0.0.0/8', except: ['192.168.0.0/16', 'nope'] }],
      ports: [{ name: 'admin', port: 9000, ingress: [{ cidr: '300.1.2.3/24' }, 'external', { namespaceLabels: {} }] }],
      service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/33'] } as never,
    });
    new WebService(app, 'web', { image: IMAGE, ingress: ['external', { namespace: 'Bad_NS' }, { namespace: 'a', cidr: '10.0.0.0/8' } as never, 'everyone' as never] });
    let error: Libk8sError | undefined;
    try {
      app.render();
    } catch (e) {
      error = e as Libk8sError;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    const message = error!.message;
    const lines = [
      `WebService 'api' (shop/api): 'ingress[0].cidr' "10.0.0/8" is not a CIDR. Fix: use an address block like "203.0.113.0/24", "10.0.0.0/8" or "2001:db8::/32".`,
      `WebService 'api' (shop/api): 'ingress[1].except[0]' "192.168.0.0/16" is not strictly inside "10.0.0.0/8", which Kubernetes requires of an except block. Fix: use a smaller block inside 10.0.0.0/8, or remove it.`,
      `WebService 'api' (shop/api): 'ingress[1].except[1]' "nope" is not a CIDR.`,
      `WebService 'api' (shop/api): 'ports[0].ingress[0].cidr' "300.1.2.3/24" is not a CIDR.`,
      `WebService 'api' (shop/api): 'ports[0].ingress[2].namespaceLabels' is empty, which selects every namespace. Fix: name the labels to match, e.g. { team: "payments" }.`,
      `WebService 'api' (shop/api): 'service.loadBalancerSourceRanges[0]' "203.0.113.0/33" is not a CIDR.`,
      `WebService 'web' (shop/web): 'ingress[0]' is 'external', but the Service is ClusterIP, so nothing outside the cluster reaches it. Fix: set service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }, or admit the clients by { cidr }.`,
      `WebService 'web' (shop/web): 'ingress[1].namespace' "Bad_NS" is not a DNS-1123 label`,
      `WebService 'web' (shop/web): 'ingress[2]' sets both 'namespace' and 'cidr'; a peer is one of them. Fix: give each its own entry in the list (any of them admits).`,
      `WebService 'web' (shop/web): 'ingress[3]' "everyone" is not an ingress peer. Fix: pass { namespace: 'checkout' }`,
    ];
    for (const line of lines) expect(message).toContain(line);
    expect(error!.problems).toHaveLength(lines.length);
  });

  test('a source-range option of the other Service type, and an unknown type, are named', () => {
    const app = newApp();
    new WebService(app, 'a', { image: IMAGE, service: { type: 'LoadBalancer', sourceRanges: ['10.0.0.0/8'] } as never });
    new WebService(app, 'b', { image: IMAGE, service: { type: 'ExternalName' } as never });
    const message = renderError(app);
    expect(message).toContain(`WebService 'a' (shop/a): 'service.sourceRanges' is set on a LoadBalancer Service, which has no such option. Fix: use 'loadBalancerSourceRanges'.`);
    expect(message).toContain(`WebService 'b' (shop/b): 'service.type' "ExternalName" is not a Service type libk8s exposes. Fix: use 'ClusterIP', 'LoadBalancer' or 'NodePort'.`);
  });

  test("'monitoring' on a platform without a monitoring stack is an error", () => {
    const app = newApp({ platform: { monitoring: false } });
    new WebService(app, 'api', { image: IMAGE, ingress: ['monitoring'] });
    expect(renderError(app)).toContain(`'ingress[0]' is 'monitoring', but the platform has no monitoring stack (platform.monitoring is false). Fix: remove it, or admit Prometheus by namespace: { namespace: 'monitoring' }.`);
  });
});

describeWithReference('declared ingress against the Kubernetes schemas', () => {
  test('LoadBalancer, NodePort and declared-peer objects validate against Kubernetes 1.27 and 1.33', () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true, nodePorts: true } } });
    new WebService(app, 'front', {
      image: IMAGE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/48'] },
      ports: [{ name: 'admin', port: 9000, ingress: [{ namespace: 'ops', podLabels: { role: 'cli' } }, { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }] }],
    });
    new WebService(app, 'edge', { image: IMAGE, service: { type: 'NodePort', sourceRanges: ['192.0.2.0/24'] }, ingress: [{ namespaceLabels: { team: 'edge' } }] });
    for (const env of ['dev', 'prod']) expect(conformanceProblems(manifests(app, env))).toEqual([]);
  });
});
