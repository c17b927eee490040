import { App, Env, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';
const ENVOY = 'envoyproxy/envoy:v1.31.0';

function podSpec(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'Deployment').spec.template.spec;
}

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('Env', () => {
  test('the builders make references, not literals', () => {
    expect(Env.secret('db', 'password')).toEqual({ from: 'secret', name: 'db', key: 'password' });
    expect(Env.secret('db', 'password', { optional: true })).toEqual({ from: 'secret', name: 'db', key: 'password', optional: true });
    expect(Env.configMap('settings', 'region')).toEqual({ from: 'configMap', name: 'settings', key: 'region' });
    expect(Env.field('status.podIP')).toEqual({ from: 'field', fieldPath: 'status.podIP' });
    expect(Env.resource('limits.memory')).toEqual({ from: 'resource', resource: 'limits.memory' });
  });

  test('every kind of value renders as the matching env entry, in declaration order', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      env: {
        LOG_LEVEL: 'info',
        DB_PASSWORD: Env.secret('db', 'password'),
        REGION: Env.configMap('settings', 'region', { optional: true }),
        POD_IP: Env.field('status.podIP'),
        GOMEMLIMIT: Env.resource('limits.memory'),
      },
    });
    expect(podSpec(app).containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'REGION', valueFrom: { configMapKeyRef: { name: 'settings', key: 'region', optional: true } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
    ]);
  });

  test('no env leaves the field out', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, env: {} });
    expect(podSpec(app).containers[0]).not.toHaveProperty('env');
  });

  test('a value that is neither a string nor a reference fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, env: { PORT: 8080 as any, MODE: { from: 'vault', path: 'x' } as any } });
    const lines = problemLines(app);
    expect(lines).toEqual([
      "WebService 'api' (shop/api): 'env.PORT' 8080 is neither a string nor a reference. Fix: use a string, Env.secret(...), Env.configMap(...) or Env.field(...).",
      "WebService 'api' (shop/api): 'env.MODE' {\"from\":\"vault\",\"path\":\"x\"} is neither a string nor a reference. Fix: use a string, Env.secret(...), Env.configMap(...) or Env.field(...).",
    ]);
  });
});

describe('probes', () => {
  test('exec, tcp and grpc probes render their handler with the default timing of their kind', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      port: 9000,
      probes: { startup: { type: 'exec', command: ['/bin/ready'] }, readiness: { type: 'tcp' }, liveness: { type: 'grpc' } },
    });
    const c = podSpec(app).containers[0];
    expect(c.startupProbe).toEqual({ exec: { command: ['/bin/ready'] }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.livenessProbe).toEqual({ grpc: { port: 9000 }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 1, successThreshold: 1 });
  });

  test('timing values override the defaults one by one', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { readiness: { path: '/ready', initialDelaySeconds: 3, periodSeconds: 7 } } });
    expect(podSpec(app).containers[0].readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 3, periodSeconds: 7, failureThreshold: 3, timeoutSeconds: 1, successThreshold: 1,
    });
  });

  test('startup and liveness probes can be turned off; readiness cannot', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { startup: false, liveness: false } });
    const c = podSpec(app).containers[0];
    expect(c).not.toHaveProperty('startupProbe');
    expect(c).not.toHaveProperty('livenessProbe');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  test('a grpc probe on an undeclared port number fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { liveness: { type: 'grpc', port: 50051 } } });
    expect(problemLines(app)).toEqual([
      "WebService 'api' (shop/api): 'probes.liveness.port' 50051 is not a declared port. Fix: target one of the declared ports: 8080.",
    ]);
  });

  test('a tcp probe on an undeclared port name fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { startup: { type: 'tcp', port: 'grpc' } } });
    expect(renderError(app)).toContain("'probes.startup.port' \"grpc\" is not a declared port. Fix: target one of the declared ports: http.");
  });

  test('an exec probe without a command fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { readiness: { type: 'exec', command: [] } } });
    expect(renderError(app)).toContain("'probes.readiness.command' is empty. Fix: give the command to run, e.g. [\"/app/healthcheck\"].");
  });

  test('an http probe path without a leading slash fails with the corrected path', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { readiness: { path: 'ready' } } });
    expect(renderError(app)).toContain("'probes.readiness.path' \"ready\" does not start with \"/\". Fix: use \"/ready\".");
  });

  test('probe timing out of range fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, probes: { liveness: { periodSeconds: 0, initialDelaySeconds: -1, timeoutSeconds: 1.5 } } });
    const message = renderError(app);
    expect(message).toContain("'probes.liveness.initialDelaySeconds' -1 is not a whole number in the range 0-3600");
    expect(message).toContain("'probes.liveness.periodSeconds' 0 is not a whole number in the range 1-3600");
    expect(message).toContain("'probes.liveness.timeoutSeconds' 1.5 is not a whole number in the range 1-3600");
  });
});

describe('sidecars and init containers', () => {
  test('get the nano preset, the restricted security context and /tmp, and pull Always', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:3.0.0', args: ['up'] }],
      sidecars: [{ name: 'proxy', image: ENVOY, ports: [{ name: 'admin', port: 9901 }] }],
    });
    const pod = podSpec(app);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['api', 'proxy']);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['migrate']);
    for (const c of [pod.initContainers[0], pod.containers[1]]) {
      expect(c.imagePullPolicy).toBe('Always');
      expect(c.resources).toEqual({
        requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
        limits: { 'cpu': '250m', 'memory': '64Mi', 'ephemeral-storage': '256Mi' },
      });
      expect(c.securityContext).toEqual(pod.containers[0].securityContext);
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    }
    expect(pod.initContainers[0].args).toEqual(['up']);
    expect(pod.containers[1].ports).toEqual([{ name: 'admin', containerPort: 9901, protocol: 'TCP' }]);
  });

  test('mount declared volumes and take their own size and resources', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      volumes: [{ name: 'shared', mountPath: '/shared', source: { type: 'emptyDir' } }],
      sidecars: [{ name: 'shipper', image: 'fluent/fluent-bit:3.1.4', size: 'small', resources: { cpu: '20m' }, mounts: [{ volume: 'shared', mountPath: '/logs', readOnly: true }] }],
    });
    const sidecar = podSpec(app).containers[1];
    expect(sidecar.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'shared', mountPath: '/logs', readOnly: true }]);
    expect(sidecar.resources.requests).toEqual({ 'cpu': '20m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' });
  });

  test('no init containers leaves the field out', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE });
    expect(podSpec(app)).not.toHaveProperty('initContainers');
  });

  test('a container name used twice in the pod fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, sidecars: [{ name: 'api', image: ENVOY }], initContainers: [{ name: 'setup', image: ENVOY }, { name: 'setup', image: ENVOY }] });
    const lines = problemLines(app);
    expect(lines).toEqual([
      "WebService 'api' (shop/api): 'sidecars[0].name' \"api\" is used by another container of this pod. Fix: give each container its own name.",
      "WebService 'api' (shop/api): 'initContainers[1].name' \"setup\" is used by another container of this pod. Fix: give each container its own name.",
    ]);
  });

  test('a sidecar is held to the same rules as the main container', () => {
    const app = newApp();
    new WebService(app, 'api', {
      image: IMAGE,
      sidecars: [{
        name: 'Proxy',
        image: 'envoyproxy/envoy:latest',
        env: { ADMIN_TOKEN: 'abc' },
        size: 'tiny' as any,
        ports: [{ name: 'ADMIN', port: 99999 }],
      }],
    });
    const message = renderError(app);
    expect(message).toContain("'sidecars[0].name' \"Proxy\" is not a DNS-1123 label");
    expect(message).toContain("'sidecars[0].image' \"envoyproxy/envoy:latest\" uses the mutable tag \"latest\"");
    expect(message).toContain("'sidecars[0].env.ADMIN_TOKEN' is a literal value for a name that looks secret");
    expect(message).toContain("'sidecars[0].size' \"tiny\" is not a size preset");
    expect(message).toContain("'sidecars[0].ports[0].name' \"ADMIN\" is not a valid port name");
    expect(message).toContain("'sidecars[0].ports[0].port' 99999 is out of range 1-65535");
  });

  test('a sidecar request above its limit fails', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, initContainers: [{ name: 'warm', image: ENVOY, resources: { memory: '128Mi' } }] });
    expect(renderError(app)).toContain("'initContainers[0].resources.memory' request \"128Mi\" is greater than the limit \"64Mi\"");
  });
});
