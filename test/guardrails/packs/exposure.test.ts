import { guardrailsFor, Subject, WebService } from 'libk8s';
import { newApp } from '../../support/apps';
import { check, where } from '../fixtures/load';

const subjects = (...manifests: Record<string, any>[]): Subject[] => manifests.map((manifest) => ({ manifest, origin: {} }));
const findings = (rule: string, ...manifests: Record<string, any>[]) => check(subjects(...manifests), { packs: ['production'] }).filter((f) => f.rule === rule);

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0.0', ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9000 }] }] } } },
};
const service = (type: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
});
const policy = (port: string) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port }] }] },
});

describe('network-policy-wide-peer and exposed Services', () => {
  test('ingress from every address on a port a LoadBalancer or NodePort exposes is left to the Service rules', () => {
    expect(findings('network-policy-wide-peer', deployment, service('LoadBalancer'), policy('http'))).toEqual([]);
    expect(findings('network-policy-wide-peer', deployment, service('NodePort'), policy('http'))).toEqual([]);
    // the Service is judged instead
    expect(where(findings('public-load-balancer', deployment, service('LoadBalancer'), policy('http')))).toEqual(['Service/web spec.loadBalancerSourceRanges']);
  });

  test('it is still reported behind a ClusterIP Service, or on a port the load balancer does not expose', () => {
    expect(where(findings('network-policy-wide-peer', deployment, service('ClusterIP'), policy('http')))).toEqual(['NetworkPolicy/web spec.ingress[0].from[0].ipBlock.cidr']);
    expect(where(findings('network-policy-wide-peer', deployment, service('LoadBalancer'), policy('admin')))).toEqual(['NetworkPolicy/web spec.ingress[0].from[0].ipBlock.cidr']);
  });
});

describe('public-load-balancer details', () => {
  test('internal load balancers of each cloud are not public', () => {
    for (const [key, value] of [
      ['service.beta.kubernetes.io/aws-load-balancer-internal', 'true'], ['service.beta.kubernetes.io/aws-load-balancer-scheme', 'internal'],
      ['networking.gke.io/load-balancer-type', 'Internal'], ['service.beta.kubernetes.io/azure-load-balancer-internal', 'true'],
    ]) {
      const svc = service('LoadBalancer');
      expect(findings('public-load-balancer', { ...svc, metadata: { ...svc.metadata, annotations: { [key]: value } } })).toEqual([]);
    }
    const svc = service('LoadBalancer');
    expect(findings('public-load-balancer', { ...svc, metadata: { ...svc.metadata, annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' } } })).toHaveLength(1);
  });

  test('an IPv6 range of ::/0 is the whole internet too', () => {
    expect(findings('public-load-balancer', service('LoadBalancer', { loadBalancerSourceRanges: ['::/0'] })).map((f) => f.message))
      .toEqual(['is a LoadBalancer open to every address: its source range "::/0" is the whole internet']);
  });
});

describe('guardrailsFor and platform.exposure', () => {
  test("allowed Service types become service-type's allow option; the platform's own option wins", () => {
    const app = newApp({ platform: { exposure: { loadBalancers: true, nodePorts: true } } });
    expect(guardrailsFor(app.platform).options?.['service-type']).toEqual({ allow: ['LoadBalancer', 'NodePort'] });
    const own = newApp({ platform: { exposure: { loadBalancers: true }, guardrails: { options: { 'service-type': { allow: [] } } } } });
    expect(guardrailsFor(own.platform).options?.['service-type']).toEqual({ allow: [] });
    expect(guardrailsFor(newApp().platform).options?.['service-type']).toBeUndefined();
  });

  test("publicLoadBalancers implies loadBalancers; the platform's own severity for the rule wins", () => {
    const app = newApp({ platform: { exposure: { publicLoadBalancers: true } } });
    expect(app.platform.exposure).toEqual({ loadBalancers: true, nodePorts: false, publicLoadBalancers: true });
    const strict = newApp({ platform: { exposure: { publicLoadBalancers: true }, guardrails: { severities: { 'public-load-balancer': 'warning' } } } });
    new WebService(strict, 'front', { image: 'ghcr.io/acme/front:1.0.0', service: { type: 'LoadBalancer' } });
    const report = strict.check(strict.render({ environments: ['prod'] }))[0];
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['public-load-balancer', 'warning']]);
  });
});
