import { Queue, QueueWorker, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems, validateCustomResource } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/api:1.0.0';
const PROMETHEUS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
const kinds = (list: Record<string, any>[]) => list.map((m) => m.kind).sort();

describe('a WebService with a port named metrics', () => {
  test('gets a ServiceMonitor on that port and lets Prometheus in on it only', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }] });
    const list = manifests(app);
    expect(only(list, 'ServiceMonitor')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: {
        name: 'api',
        namespace: 'shop',
        // a custom resource: Argo CD skips its dry run while the CRD may still be installing
        annotations: { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' },
        labels: {
          'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/managed-by': 'libk8s', 'app.kubernetes.io/name': 'api',
          'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/version': '1.0.0', 'libk8s.io/team': 'commerce',
        },
      },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/name': 'api' } },
        endpoints: [{ port: 'metrics', path: '/metrics' }],
      },
    });
    // the ServiceMonitor's selector selects the Service by labels it carries
    expect(only(list, 'Service').metadata.labels).toMatchObject(only(list, 'ServiceMonitor').spec.selector.matchLabels);
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [PROMETHEUS], ports: [{ protocol: 'TCP', port: 'metrics' }] }]);
  });

  test('metrics: false turns the ServiceMonitor and the Prometheus ingress off; the port stays', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }], metrics: false });
    const list = manifests(app);
    expect(kinds(list)).not.toContain('ServiceMonitor');
    expect(only(list, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(JSON.stringify(only(list, 'NetworkPolicy').spec.ingress)).not.toContain('prometheus');
  });

  test('a port declared by metrics.port, with path, interval and timeout', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, metrics: { port: 9102, path: '/prom', interval: '15s', scrapeTimeout: '10s' } });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toContainEqual({ name: 'metrics', containerPort: 9102, protocol: 'TCP' });
    expect(only(list, 'Service').spec.ports).toContainEqual({ name: 'metrics', protocol: 'TCP', port: 9102, targetPort: 'metrics' });
    expect(only(list, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/prom', interval: '15s', scrapeTimeout: '10s' }]);
  });

  test('metrics on the main port: the ServiceMonitor and the Prometheus ingress name it', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, route: {}, metrics: { port: 'http' } });
    const list = manifests(app);
    expect(only(list, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics' }]);
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      { from: [PROMETHEUS], ports: [{ protocol: 'TCP', port: 'http' }] },
    ]);
  });

  test("the platform's monitoring namespace, Prometheus pod labels and monitor labels are used", () => {
    const app = newApp({ platform: { monitoring: { namespace: 'observability', podLabels: { app: 'prom' }, monitorLabels: { release: 'kube-prometheus-stack' } } } });
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }] });
    const list = manifests(app);
    expect(only(list, 'ServiceMonitor').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(only(list, 'Service').metadata.labels.release).toBeUndefined();
    expect(only(list, 'NetworkPolicy').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'prom' } } },
    ]);
  });

  test('a platform without a monitoring stack gets no monitors and no Prometheus ingress', () => {
    const app = newApp({ platform: { monitoring: false } });
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }] });
    const list = manifests(app);
    expect(kinds(list)).not.toContain('ServiceMonitor');
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }], ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 'metrics' }] },
    ]);
  });
});

describe('workloads without a Service', () => {
  test('a Worker with metrics.port gets the port, a PodMonitor and Prometheus ingress on it', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE, metrics: { port: 9102 } });
    const list = manifests(app);
    expect(kinds(list)).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'PodMonitor', 'ServiceAccount']);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
    ]);
    const monitor = only(list, 'PodMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer', 'app.kubernetes.io/name': 'mailer' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
    });
    // the PodMonitor's selector selects the pods
    expect(only(list, 'Deployment').spec.template.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [PROMETHEUS], ports: [{ protocol: 'TCP', port: 'metrics' }] }]);
  });

  test('a Worker without metrics is as before', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE });
    expect(kinds(manifests(app))).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
  });

  test('a QueueWorker scraped on its health port gets a PodMonitor', () => {
    const app = newApp();
    new QueueWorker(app, 'fulfil', { image: IMAGE, queue: new Queue(app, 'orders'), metrics: { port: 'http' } });
    const list = manifests(app);
    expect(only(list, 'PodMonitor').spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics' }]);
    expect(only(list, 'NetworkPolicy', 'fulfil').spec.ingress).toEqual([{ from: [PROMETHEUS], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });
});

describe('metrics input errors', () => {
  test('each mistake is named with its value and fix, all in one run', () => {
    const app = newApp();
    new WebService(app, 'a', { image: IMAGE, metrics: { port: 'admin' } });
    new WebService(app, 'b', { image: IMAGE, metrics: {} });
    new WebService(app, 'c', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }], metrics: { port: 8080, interval: '30 s', scrapeTimeout: '1m', path: 'metrics' } });
    new WebService(app, 'd', { image: IMAGE, metrics: { port: 9090, interval: '10s', scrapeTimeout: '20s' } });
    new Worker(app, 'e', { image: IMAGE, healthPort: false, probes: { startup: false, readiness: { type: 'exec', command: ['/ok'] }, liveness: false }, metrics: {} });
    const message = renderError(app);
    for (const line of [
      `WebService 'a' (shop/a): 'metrics.port' "admin" is not a declared port. Fix: name one of the declared ports (http), or give a number to declare a port named "metrics".`,
      `WebService 'b' (shop/b): 'metrics.port' is not set and no port is named "metrics", so there is nothing to scrape. Fix: give the port number (port: 9090) or name a declared port (http).`,
      `WebService 'c' (shop/c): 'metrics.port' 8080 is already the number of port "http". Fix: scrape that port by name (port: "http"), or use another number.`,
      `WebService 'c' (shop/c): 'metrics.port' 8080 declares a port named "metrics", but the workload already has one. Fix: leave 'metrics.port' out (the port named metrics is scraped), or rename the other port.`,
      `WebService 'c' (shop/c): 'metrics.path' "metrics" does not start with "/". Fix: use a path like "/metrics".`,
      `WebService 'c' (shop/c): 'metrics.interval' "30 s" is not a Prometheus duration. Fix: use a duration like "30s", "1m" or "1m30s".`,
      `WebService 'd' (shop/d): 'metrics.scrapeTimeout' "20s" is longer than the interval "10s", which Prometheus rejects. Fix: use at most "10s".`,
      `Worker 'e' (shop/e): 'metrics.port' is not set and no port is named "metrics", so there is nothing to scrape. Fix: give the port number (port: 9090) or name a declared port (none).`,
    ]) expect(message).toContain(line);
  });

  test('metrics on a platform without a monitoring stack is an error', () => {
    const app = newApp({ platform: { monitoring: false } });
    new Worker(app, 'mailer', { image: IMAGE, metrics: { port: 9102 } });
    expect(renderError(app)).toContain(`Worker 'mailer' (shop/mailer): 'metrics' is set, but the platform has no monitoring stack (platform.monitoring is false), so nothing would scrape it. Fix: remove 'metrics', or have the platform name its monitoring stack.`);
  });
});

describe('monitors and the guardrails', () => {
  test('the default output with metrics passes every built-in pack with zero findings, monitors checked', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }] });
    new Worker(app, 'mailer', { image: IMAGE, metrics: { port: 9102 } });
    const report = app.check(app.render({ environments: ['prod'] }))[0];
    expect(report.findings).toEqual([]);
    expect(report.unchecked.map((u) => u.kind)).not.toEqual(expect.arrayContaining(['ServiceMonitor']));
    expect(report.unchecked.map((u) => u.kind)).not.toEqual(expect.arrayContaining(['PodMonitor']));
  });
});

describeWithReference('monitors against their CRDs', () => {
  test('ServiceMonitor and PodMonitor validate against the Prometheus Operator CRDs, the rest against Kubernetes 1.27 and 1.33', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }], metrics: { interval: '30s', scrapeTimeout: '10s' } });
    new Worker(app, 'mailer', { image: IMAGE, metrics: { port: 9102, path: '/stats' } });
    for (const env of ['dev', 'prod']) {
      const list = manifests(app, env);
      const monitors = list.filter((m) => m.kind === 'ServiceMonitor' || m.kind === 'PodMonitor');
      expect(kinds(monitors)).toEqual(['PodMonitor', 'ServiceMonitor']);
      for (const m of monitors) expect(validateCustomResource(m, '1.27')).toEqual([]);
      expect(conformanceProblems(list)).toEqual([]);
    }
  });

  test('the validator rejects a monitor the CRD forbids (it can fail)', () => {
    const bad = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' }, spec: { selector: {}, endpoints: [{ port: 'metrics', interval: '30 s' }] } };
    expect(validateCustomResource(bad).map((p) => p.path)).toContain('/spec/endpoints/0/interval');
  });
});
