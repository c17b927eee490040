import { Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/mailer:2.0.1';

describe('a default Worker', () => {
  test('emits ServiceAccount, Deployment, PodDisruptionBudget and NetworkPolicy, and no Service, route or HPA', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE });
    const list = manifests(app);
    expect(list.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
    expect(list).toMatchSnapshot();
  });

  test('runs 2 replicas with probes on its health port and a 60 s grace period for work in flight', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE });
    const deployment = only(manifests(app), 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    const main = pod.containers[0];
    expect(main.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(main.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(main.lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
  });

  test('lets in only its own pods, on the health port, since nothing can connect to it', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE });
    const policy = only(manifests(app), 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'mailer' } });
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });

  test('healthPort false with exec probes has no port at all', () => {
    const app = newApp();
    const exec = { type: 'exec' as const, command: ['/app/healthcheck'] };
    new Worker(app, 'mailer', { image: IMAGE, healthPort: false, probes: { startup: exec, readiness: exec, liveness: exec } });
    const list = manifests(app);
    const main = only(list, 'Deployment').spec.template.spec.containers[0];
    expect(main.ports).toBeUndefined();
    expect(main.readinessProbe.exec).toEqual({ command: ['/app/healthcheck'] });
    expect(only(list, 'NetworkPolicy').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer' } } }] }]);
  });

  test('autoscale adds an HPA and leaves spec.replicas out', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE, autoscale: { min: 2, max: 6 } });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.replicas).toBeUndefined();
    expect(only(list, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'mailer' } });
  });
});

describe('Worker input errors', () => {
  test('healthPort false with the default HTTP probes names each probe', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE, healthPort: false });
    const message = renderError(app);
    for (const kind of ['startup', 'readiness', 'liveness']) {
      expect(message).toContain(`Worker 'mailer' (shop/mailer): 'probes.${kind}' is the default HTTP probe, but 'healthPort' is false, so there is no port to probe. Fix: give an exec probe`);
    }
  });

  test('a worker cannot be connected to: it serves no port', () => {
    const app = newApp();
    const mailer = new Worker(app, 'mailer', { image: IMAGE });
    new Worker(app, 'billing', { image: IMAGE }).connect(mailer);
    expect(renderError(app)).toMatch(/Worker 'billing' \(shop\/billing\): 'connect\(mailer\)' connects to Worker 'mailer' \(at test\/workloads\/worker\.test\.ts:\d+\), which serves no port to connect to\. Fix: connect to a WebService/);
  });

  test('autoscale min 0 is refused: an HPA cannot scale to zero', () => {
    const app = newApp();
    new Worker(app, 'mailer', { image: IMAGE, autoscale: { min: 0, max: 3 }, healthPort: 70000 });
    const message = renderError(app);
    expect(message).toContain("'autoscale.min' 0 is not a whole number in the range 1-1000. Fix: use a whole number of at least 1 (a Worker scales with a HorizontalPodAutoscaler, which cannot scale to zero; a QueueWorker can).");
    expect(message).toContain("'healthPort' 70000 is out of range 1-65535");
  });
});
