import { App, Finding, WebService } from 'libk8s';
import { newApp } from '../../support/apps';
import { check } from '../fixtures/load';

const IMAGE = 'ghcr.io/acme/cart:2.1.0';

/** The probes-differ findings of a program, every environment. */
function differFindings(app: App): Finding[] {
  return app.check(app.render()).flatMap((r) => r.findings).filter((f) => f.rule === 'probes-differ') as Finding[];
}

/** A Deployment of one container with these ports and probes. */
function deployment(container: Record<string, unknown>): Record<string, any> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: IMAGE, ...container }] } } },
  };
}

function differ(container: Record<string, unknown>): Finding[] {
  return check([{ manifest: deployment(container), origin: {} }]).filter((f) => f.rule === 'probes-differ');
}

describe('probes-differ judges what a probe checks', () => {
  test('identical gRPC health checks are reported with a fix about gRPC services, not paths', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc', port: 7070, probes: { readiness: { type: 'grpc', service: '' } } });
    const findings = differFindings(app);
    expect(findings.map((f) => `[${f.origin.environment}] ${f.object.kind}/${f.object.name} ${f.field}: ${f.message}`)).toEqual([
      "[dev] Deployment/cart spec.template.spec.containers[0].livenessProbe: container 'cart' has readiness and liveness probes that check the same thing (gRPC health check of the whole server on port 7070)",
      "[prod] Deployment/cart spec.template.spec.containers[0].livenessProbe: container 'cart' has readiness and liveness probes that check the same thing (gRPC health check of the whole server on port 7070)",
    ]);
    expect(findings[0].fix).toBe("In libk8s, give 'probes.readiness' and 'probes.liveness' different gRPC services (the defaults differ: 'readiness' and the whole server, ''), or make the liveness probe { type: 'tcp' }. In YAML: set grpc.service on the readinessProbe to the service your health server reports readiness under, or make the livenessProbe a tcpSocket check.");
    expect(findings[0].fix).not.toMatch(/path/);
  });

  test('the default gRPC probes differ (by service), so a gRPC WebService has no finding', () => {
    const app = newApp();
    new WebService(app, 'cart', { image: IMAGE, protocol: 'grpc' });
    expect(differFindings(app)).toEqual([]);
  });

  test('identical exec probes are reported with a fix about commands', () => {
    const app = newApp();
    const exec = { type: 'exec', command: ['/app/healthcheck'] } as const;
    new WebService(app, 'web', { image: IMAGE, probes: { readiness: exec, liveness: exec } });
    const [finding] = differFindings(app);
    expect(finding.message).toBe("container 'web' has readiness and liveness probes that check the same thing (exec [\"/app/healthcheck\"])");
    expect(finding.fix).toBe("In libk8s, give 'probes.readiness' and 'probes.liveness' different commands (e.g. ['/app/healthcheck', '--ready'] and ['/app/healthcheck', '--live']). In YAML: make the livenessProbe's command check only that the process is alive, or drop it.");
    expect(finding.fix).not.toMatch(/path/);
  });

  test('HTTP probes on the same path with different headers check different things', () => {
    const app = newApp();
    new WebService(app, 'web', {
      image: IMAGE,
      probes: { readiness: { path: '/health', httpHeaders: [{ name: 'X-Check', value: 'ready' }] }, liveness: { path: '/health', httpHeaders: [{ name: 'X-Check', value: 'live' }] } },
    });
    expect(differFindings(app)).toEqual([]);
  });

  test('the same HTTP check is found through a port name and its number, and header names in any case and order', () => {
    const findings = differ({
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/health', port: 'http', httpHeaders: [{ name: 'X-A', value: '1' }, { name: 'x-b', value: '2' }] } },
      livenessProbe: { httpGet: { path: '/health', port: 8080, httpHeaders: [{ name: 'x-b', value: '2' }, { name: 'x-a', value: '1' }] } },
    });
    expect(findings.map((f) => f.message)).toEqual([
      "container 'app' has readiness and liveness probes that check the same thing (GET /health on port 8080 with x-a, x-b)",
    ]);
    expect(findings[0].fix).toMatch(/^In libk8s, give 'probes.readiness' and 'probes.liveness' different paths/);
  });

  test('a TCP connect and a gRPC health check on one port differ; two TCP connects to it do not, with a fix that fits', () => {
    expect(differ({ ports: [{ name: 'grpc', containerPort: 7070 }], readinessProbe: { grpc: { port: 7070 } }, livenessProbe: { tcpSocket: { port: 'grpc' } } })).toEqual([]);
    const [tcp] = differ({ ports: [{ name: 'grpc', containerPort: 7070 }], readinessProbe: { tcpSocket: { port: 7070 } }, livenessProbe: { tcpSocket: { port: 'grpc' } } });
    expect(tcp.message).toBe("container 'app' has readiness and liveness probes that check the same thing (TCP connect to port \"grpc\" (7070))");
    expect(tcp.fix).toMatch(/^A TCP connect only shows that the port accepts connections/);
  });

  test('gRPC checks of different services on one port differ', () => {
    expect(differ({ ports: [{ name: 'grpc', containerPort: 7070 }], readinessProbe: { grpc: { port: 7070, service: 'readiness' } }, livenessProbe: { grpc: { port: 7070 } } })).toEqual([]);
  });
});
