import { App, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/cart:2.1.0';

function container(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'Deployment').spec.template.spec.containers[0];
}

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('HTTP probes', () => {
  test('carry httpHeaders in order and a scheme', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE,
      probes: {
        readiness: { path: '/ready', scheme: 'HTTPS', httpHeaders: [{ name: 'Host', value: 'web.internal' }, { name: 'X-Probe', value: 'a' }, { name: 'X-Probe', value: 'b' }] },
        liveness: { type: 'http', httpHeaders: [{ name: 'X-Probe', value: 'live' }] },
      },
    });
    const c = container(app);
    expect(c.readinessProbe.httpGet).toEqual({
      path: '/ready', port: 'http', scheme: 'HTTPS',
      httpHeaders: [{ name: 'Host', value: 'web.internal' }, { name: 'X-Probe', value: 'a' }, { name: 'X-Probe', value: 'b' }],
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'live' }] });
  });

  test('default to scheme HTTPS on a port that speaks https', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, ports: [{ name: 'admin', port: 9443, appProtocol: 'https' }], probes: { liveness: { port: 'admin' } } });
    expect(container(app).livenessProbe.httpGet).toEqual({ path: '/livez', port: 'admin', scheme: 'HTTPS' });
  });
});

describe('a probe without a type follows the port it targets', () => {
  test('a probe on a gRPC extra port is a gRPC health check; one with a path stays HTTP', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE, ports: [{ name: 'rpc', port: 9000, appProtocol: 'grpc' }],
      probes: { readiness: { port: 'rpc' }, liveness: { path: '/live' } },
    });
    const c = container(app);
    expect(c.readinessProbe).toMatchObject({ grpc: { port: 9000, service: 'readiness' } });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/live', port: 'http' } });
  });

  test('a gRPC probe may name its port; service asks for a gRPC service', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', port: 7070, ports: [{ name: 'health', port: 7071 }], probes: { liveness: { type: 'grpc', port: 'health', service: 'liveness' } } });
    expect(container(app).livenessProbe.grpc).toEqual({ port: 7071, service: 'liveness' });
  });

  test('the platform names the gRPC health services', () => {
    const app = newApp({ platform: { grpcHealthServices: { readiness: 'shop.Ready', liveness: 'shop.Live' } } });
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc' });
    const c = container(app);
    expect([c.startupProbe.grpc, c.readinessProbe.grpc, c.livenessProbe.grpc]).toEqual([
      { port: 8080 }, { port: 8080, service: 'shop.Ready' }, { port: 8080, service: 'shop.Live' },
    ]);
  });
});

describe('the startup probe follows the readiness probe unless given', () => {
  test('a gRPC readiness probe gives a gRPC startup probe on its port, with the startup timing and the whole-server service', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, ports: [{ name: 'rpc', port: 9000 }], probes: { readiness: { type: 'grpc', port: 9000, service: 'shop.Cart', periodSeconds: 3 } } });
    const c = container(app);
    expect(c.startupProbe).toEqual({ grpc: { port: 9000 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.readinessProbe.grpc).toEqual({ port: 9000, service: 'shop.Cart' });
  });

  test('an HTTP readiness probe gives its port, scheme and headers, on the platform\'s startup path', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE, ports: [{ name: 'admin', port: 9000 }],
      probes: { readiness: { path: '/ready', port: 'admin', scheme: 'HTTPS', httpHeaders: [{ name: 'Host', value: 'web' }] } },
    });
    expect(container(app).startupProbe.httpGet).toEqual({ path: '/healthz', port: 'admin', scheme: 'HTTPS', httpHeaders: [{ name: 'Host', value: 'web' }] });
  });

  test('a TCP readiness probe gives a TCP startup probe on its port; an exec one its command', () => {
    const app = newApp();
    new WebService(app, 'tcp', { image: IMAGE, ports: [{ name: 'admin', port: 9000 }], probes: { readiness: { type: 'tcp', port: 'admin' } } });
    new WebService(app, 'exec', { image: IMAGE, probes: { readiness: { type: 'exec', command: ['/app/ready'] }, liveness: { type: 'exec', command: ['/app/live'] } } });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'tcp').spec.template.spec.containers[0].startupProbe.tcpSocket).toEqual({ port: 'admin' });
    expect(only(list, 'Deployment', 'exec').spec.template.spec.containers[0].startupProbe).toEqual({
      exec: { command: ['/app/ready'] }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1,
    });
  });

  test('a startup probe given, or turned off, is kept', () => {
    const app = newApp();
    new WebService(app, 'given', { image: IMAGE, probes: { startup: { path: '/started' }, readiness: { type: 'tcp' } } });
    new WebService(app, 'off', { image: IMAGE, probes: { startup: false, readiness: { type: 'tcp' } } });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'given').spec.template.spec.containers[0].startupProbe.httpGet).toEqual({ path: '/started', port: 'http' });
    expect(only(list, 'Deployment', 'off').spec.template.spec.containers[0]).not.toHaveProperty('startupProbe');
  });

  test('a Worker without a health port needs no startup probe of its own when readiness is exec', () => {
    const app = newApp();
    const exec = { type: 'exec', command: ['/app/healthcheck'] } as const;
    new Worker(app, 'mailer', { image: IMAGE, healthPort: false, probes: { readiness: exec, liveness: { type: 'exec', command: ['/app/alive'] } } });
    expect(container(app).startupProbe.exec).toEqual({ command: ['/app/healthcheck'] });
  });
});

describe('probe validation', () => {
  test('a gRPC readiness probe and an HTTP startup probe given on the same port is an error', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', port: 7070, probes: { startup: { type: 'http', path: '/healthz' } } });
    expect(problemLines(app)).toEqual([
      "WebService 'cart' (shop/cart): 'probes.startup' is an HTTP GET on port \"grpc\" (7070), which 'probes.readiness' checks with gRPC: a gRPC server does not answer an HTTP/1.1 request, so this probe never passes and the container is restarted after 60 s. Fix: leave 'probes.startup' out (it then follows the readiness probe: gRPC on port \"grpc\" (7070)), or make it { type: 'grpc' }.",
    ]);
  });

  test('a gRPC readiness probe on an HTTP main port reports the HTTP probes given and the default liveness one', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, probes: { startup: { path: '/started', periodSeconds: 4 }, readiness: { type: 'grpc' } } });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'probes.startup' is an HTTP GET on port \"http\" (8080), which 'probes.readiness' checks with gRPC: a gRPC server does not answer an HTTP/1.1 request, so this probe never passes and the container is restarted after 120 s. Fix: leave 'probes.startup' out (it then follows the readiness probe: gRPC on port \"http\" (8080)), or make it { type: 'grpc' }.",
      "WebService 'web' (shop/web): 'probes.liveness' is the default HTTP GET on port \"http\" (8080), which 'probes.readiness' checks with gRPC: a gRPC server does not answer an HTTP/1.1 request, so this probe never passes and the container is restarted over and over. Fix: declare that port as gRPC (protocol: 'grpc'), so every probe defaults to gRPC, or give 'probes.liveness' explicitly, e.g. { type: 'grpc' }.",
    ]);
  });

  test('props of another probe type, thresholds the API server refuses and malformed headers are reported together', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE,
      probes: {
        startup: { type: 'grpc', path: '/x' } as never,
        readiness: { path: '/ready', successThreshold: 2, terminationGracePeriodSeconds: 10, scheme: 'https' as never, httpHeaders: [{ name: 'Bad Header', value: 'x' }] },
        liveness: { type: 'tcp', successThreshold: 2, service: 'x' } as never,
      },
    });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'probes.startup.path' is set, but a grpc probe has no 'path'. Fix: leave it out, or make it a { type: 'http' } probe.",
      "WebService 'web' (shop/web): 'probes.readiness.terminationGracePeriodSeconds' is set on a readiness probe, whose failure never kills the container (the API server rejects it). Fix: leave it out, or set it on the liveness or startup probe.",
      "WebService 'web' (shop/web): 'probes.readiness.scheme' \"https\" is not 'HTTP' or 'HTTPS'. Fix: use 'HTTP' or 'HTTPS' (upper case, as the API server takes it).",
      "WebService 'web' (shop/web): 'probes.readiness.httpHeaders[0].name' \"Bad Header\" is not an HTTP header name (letters, digits and '-'). Fix: use a name like 'X-Health-Check'.",
      "WebService 'web' (shop/web): 'probes.liveness.successThreshold' 2 is not 1; the API server requires 1 of a liveness probe. Fix: leave it out (1), or set it on the readiness probe.",
      "WebService 'web' (shop/web): 'probes.liveness.service' is set, but a tcp probe has no 'service'. Fix: leave it out, or make it a { type: 'grpc' } probe.",
    ]);
  });

  test('a gRPC probe on an undeclared port name, and a probe type that does not exist, fail', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE, probes: { readiness: { type: 'grpc', port: 'rpc' }, liveness: { type: 'ping' } as never } });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'probes.readiness.port' \"rpc\" is not a declared port. Fix: target one of the declared ports: http.",
      "WebService 'web' (shop/web): 'probes.liveness.type' \"ping\" is not a probe type. Fix: use 'http', 'grpc', 'tcp' or 'exec'.",
    ]);
  });
});

describeWithReference('every probe field against the Kubernetes schemas', () => {
  test('headers, scheme, gRPC services, success thresholds and probe grace periods validate on 1.27 and 1.33', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE, ports: [{ name: 'rpc', port: 9000, appProtocol: 'grpc' }],
      probes: {
        startup: { type: 'grpc', port: 'rpc', terminationGracePeriodSeconds: 5 },
        readiness: { path: '/ready', scheme: 'HTTPS', successThreshold: 2, httpHeaders: [{ name: 'Host', value: 'web' }] },
        liveness: { type: 'grpc', port: 9000, service: 'liveness', terminationGracePeriodSeconds: 10 },
      },
    });
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc' });
    expect(conformanceProblems(manifests(app))).toEqual([]);
  });
});
