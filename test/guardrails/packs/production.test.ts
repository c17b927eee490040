import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { aliasesOf, App, AppProps, blocking, BUILTIN_RULES, Finding, Guardrails, GuardrailsProps, Rule, WebService } from 'libk8s';
import { check, FIXTURES, loadFixture, where } from '../fixtures/load';
import { HAS_REFERENCE, REFERENCE_DIR } from '../../support/reference';
import { synthShopExample } from '../../support/schemas';

const PRODUCTION = BUILTIN_RULES.filter((r) => r.pack === 'production');
const rule = (id: string): Rule => PRODUCTION.find((r) => r.id === id)!;

interface Case {
  readonly rule: string;
  /** The fixture file under test/guardrails/fixtures. */
  readonly fixture: string;
  /** `Kind/name field` of every finding of the rule on the bad variant. */
  readonly flags: readonly string[];
  readonly options?: Record<string, unknown>;
  /** The rule gives each finding its own fix, matching this (known-kind names the right spelling, probes-differ fits the probe type). */
  readonly ownFix?: RegExp;
}

const C = 'spec.template.spec.containers';

/**
 * Every production rule, with a fixture that breaks it (the findings it must
 * yield, field by field) and the fixed variant of the same fixture (which
 * must yield none of them).
 */
const CASES: readonly Case[] = [
  { rule: 'resources-requests', fixture: 'no-limits', flags: [`Deployment/no-limits ${C}[0].resources.requests.cpu`, `Deployment/no-limits ${C}[0].resources.requests.memory`] },
  { rule: 'resources-memory-limit', fixture: 'no-limits', flags: [`Deployment/no-limits ${C}[0].resources.limits.memory`] },
  { rule: 'resources-cpu-limit', fixture: 'no-limits', flags: [`Deployment/no-limits ${C}[0].resources.limits.cpu`] },
  { rule: 'resources-ephemeral-storage', fixture: 'no-limits', flags: [`Deployment/no-limits ${C}[0].resources.requests.ephemeral-storage`] },
  { rule: 'probes-readiness', fixture: 'no-probes', flags: [`Deployment/no-probes ${C}[0].readinessProbe`, `StatefulSet/probed-sidecar ${C}[0].readinessProbe`] },
  { rule: 'probes-liveness', fixture: 'no-probes', flags: [`Deployment/no-probes ${C}[0].livenessProbe`, `StatefulSet/probed-sidecar ${C}[0].livenessProbe`] },
  {
    rule: 'probes-differ', fixture: 'identical-probes', ownFix: /^In libk8s, give 'probes.readiness' and 'probes.liveness' different (paths|commands) /,
    flags: [`Deployment/identical-probes ${C}[0].livenessProbe`, `Deployment/identical-probes ${C}[1].livenessProbe`],
  },
  { rule: 'probes-target-ports', fixture: 'probe-ports', flags: [`Deployment/probe-ports ${C}[0].livenessProbe.tcpSocket.port`, `Deployment/probe-ports ${C}[0].readinessProbe.httpGet.port`] },
  { rule: 'image-tag', fixture: 'latest-tag', flags: [`Deployment/latest-tag ${C}[0].image`, 'Deployment/latest-tag spec.template.spec.initContainers[0].image'] },
  { rule: 'image-pull-policy', fixture: 'latest-tag', flags: [`Deployment/latest-tag ${C}[0].imagePullPolicy`, `Deployment/latest-tag ${C}[1].imagePullPolicy`] },
  { rule: 'read-only-root-fs', fixture: 'privileged', flags: [`DaemonSet/privileged ${C}[0].securityContext.readOnlyRootFilesystem`] },
  { rule: 'read-only-root-fs', fixture: 'root', flags: ['Pod/root spec.containers[0].securityContext.readOnlyRootFilesystem', 'Pod/root spec.containers[1].securityContext.readOnlyRootFilesystem'] },
  { rule: 'seccomp-profile', fixture: 'privileged', flags: [`DaemonSet/privileged ${C}[0].securityContext.seccompProfile.type`] },
  { rule: 'seccomp-profile', fixture: 'root', flags: ['Pod/root spec.securityContext.seccompProfile.type'] },
  { rule: 'capabilities-drop-all', fixture: 'privileged', flags: [`DaemonSet/privileged ${C}[0].securityContext.capabilities.drop`] },
  { rule: 'capabilities-drop-all', fixture: 'root', flags: ['Pod/root spec.containers[0].securityContext.capabilities.drop', 'Pod/root spec.containers[1].securityContext.capabilities.drop'] },
  { rule: 'env-no-duplicates', fixture: 'duplicate-env', flags: [`Job/duplicate-env ${C}[0].env[2].name`] },
  { rule: 'env-no-secret-literals', fixture: 'secret-literal', flags: [`Deployment/secret-literal ${C}[0].env[0].value`, `Deployment/secret-literal ${C}[0].env[1].value`, `Deployment/secret-literal ${C}[0].env[2].value`] },
  { rule: 'graceful-shutdown', fixture: 'prestop', flags: ['Deployment/prestop spec.template.spec.terminationGracePeriodSeconds', 'Deployment/prestop-shell spec.template.spec.terminationGracePeriodSeconds'] },
  {
    rule: 'priority-class', fixture: 'priority-class', options: { required: true, allowed: ['business-critical', 'batch-low'] },
    flags: ['CronJob/other-priority spec.jobTemplate.spec.template.spec.priorityClassName', 'Deployment/no-priority spec.template.spec.priorityClassName'],
  },
  { rule: 'network-policy', fixture: 'no-network-policy', flags: ['CronJob/half-open spec.jobTemplate.spec.template.metadata.labels', 'Deployment/open spec.template.metadata.labels'] },
  { rule: 'network-policy-selects-pods', fixture: 'no-network-policy', flags: ['NetworkPolicy/open spec.podSelector', 'NetworkPolicy/stale spec.podSelector'] },
  {
    rule: 'service-account-token', fixture: 'token',
    flags: ['Deployment/default-sa spec.template.spec.automountServiceAccountToken', 'Deployment/token-mounted spec.template.spec.automountServiceAccountToken', 'Job/explicit-token spec.template.spec.automountServiceAccountToken'],
  },
  { rule: 'service-account-dedicated', fixture: 'token', flags: ['Deployment/default-sa spec.template.spec.serviceAccountName', 'Job/explicit-token spec.template.spec.serviceAccountName'] },
  { rule: 'service-type', fixture: 'nodeport', flags: ['Service/loadbalancer spec.type', 'Service/nodeport spec.type'] },
  { rule: 'service-selects-pods', fixture: 'service-selects-nothing', flags: ['Service/api spec.selector'] },
  {
    rule: 'public-load-balancer', fixture: 'exposure',
    flags: ['Service/annotated-lb metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]', 'Service/open-lb spec.loadBalancerSourceRanges', 'Service/world-lb spec.loadBalancerSourceRanges[0]'],
  },
  { rule: 'monitor-target-exists', fixture: 'exposure', flags: ['PodMonitor/pods spec.podMetricsEndpoints[0].port', 'ServiceMonitor/orphan spec.selector', 'ServiceMonitor/wrong-port spec.endpoints[1].port'] },
  { rule: 'service-target-port', fixture: 'service-selects-nothing', flags: ['Service/api-internal spec.ports[1].targetPort'] },
  {
    rule: 'route-tls', fixture: 'route-tls',
    flags: ['HTTPRoute/edge-route spec.parentRefs[0]', 'HTTPRoute/edge-route spec.parentRefs[1]', 'HTTPRoute/platform-route spec.parentRefs[0].sectionName', 'Ingress/no-tls spec.tls', 'Ingress/partial-tls spec.rules[1].host'],
  },
  {
    rule: 'route-backend-exists', fixture: 'httproute-missing-service',
    flags: ['HTTPRoute/web spec.rules[0].backendRefs[0].name', 'HTTPRoute/web spec.rules[1].backendRefs[0].port', 'Ingress/web spec.defaultBackend.service.port', 'Ingress/web spec.rules[0].http.paths[0].backend.service.name'],
  },
  { rule: 'pdb-exists', fixture: 'no-pdb', flags: ['Deployment/api spec.template.metadata.labels', 'StatefulSet/queue spec.template.metadata.labels'] },
  {
    rule: 'pdb-allows-disruption', fixture: 'pdb-max-unavailable-0',
    flags: ['PodDisruptionBudget/api-all spec.minAvailable', 'PodDisruptionBudget/api-three spec.minAvailable', 'PodDisruptionBudget/api-zero spec.maxUnavailable', 'PodDisruptionBudget/api-zero-percent spec.maxUnavailable', 'PodDisruptionBudget/web-eighty spec.minAvailable'],
  },
  { rule: 'pdb-selects-workload', fixture: 'pdb-max-unavailable-0', flags: ['PodDisruptionBudget/no-selector spec.selector', 'PodDisruptionBudget/orphan spec.selector'] },
  { rule: 'pdb-selects-workload', fixture: 'no-pdb', flags: ['PodDisruptionBudget/other-pods spec.selector'] },
  { rule: 'replicas-minimum', fixture: 'single-replica', flags: ['Deployment/single spec.replicas', 'StatefulSet/unset spec.replicas'] },
  { rule: 'hpa-min-replicas', fixture: 'hpa-min-1', flags: ['HorizontalPodAutoscaler/api spec.minReplicas', 'HorizontalPodAutoscaler/web spec.minReplicas'] },
  { rule: 'hpa-max-above-min', fixture: 'hpa-min-1', flags: ['HorizontalPodAutoscaler/api spec.maxReplicas'] },
  { rule: 'hpa-target-exists', fixture: 'hpa-min-1', flags: ['HorizontalPodAutoscaler/web spec.scaleTargetRef.name'] },
  { rule: 'hpa-no-fixed-replicas', fixture: 'hpa-min-1', flags: ['Deployment/api spec.replicas'] },
  { rule: 'hpa-no-fixed-replicas', fixture: 'keda-scaled', flags: ['Deployment/fixed spec.replicas'] },
  { rule: 'replicas-minimum', fixture: 'keda-scaled', flags: ['Deployment/lookalike spec.replicas'] },
  { rule: 'topology-spread', fixture: 'no-spread', flags: ['Deployment/clumped spec.template.spec.topologySpreadConstraints', 'Deployment/misaimed spec.template.spec.topologySpreadConstraints'] },
  { rule: 'selector-matches-template', fixture: 'selector-mismatch', flags: ['DaemonSet/no-selector spec.selector', 'Deployment/mismatch spec.selector', 'StatefulSet/empty-selector spec.selector'] },
  { rule: 'cronjob-deadline', fixture: 'cronjob-no-deadlines', flags: ['CronJob/nightly spec.concurrencyPolicy', 'CronJob/nightly spec.startingDeadlineSeconds'] },
  { rule: 'job-cleanup', fixture: 'cronjob-no-deadlines', flags: ['CronJob/nightly spec.failedJobsHistoryLimit', 'CronJob/nightly spec.successfulJobsHistoryLimit', 'Job/import spec.ttlSecondsAfterFinished'] },
  { rule: 'job-deadline', fixture: 'cronjob-no-deadlines', flags: ['CronJob/nightly spec.jobTemplate.spec.activeDeadlineSeconds', 'Job/import spec.activeDeadlineSeconds'] },
  { rule: 'network-policy-allow-all', fixture: 'network-allow-all', flags: ['NetworkPolicy/open-door spec.egress[0]', 'NetworkPolicy/open-door spec.egress[1].to[0]', 'NetworkPolicy/open-door spec.ingress[0]'] },
  {
    rule: 'network-policy-wide-peer', fixture: 'network-allow-all',
    flags: [
      'NetworkPolicy/wide spec.egress[0].to[0].namespaceSelector', 'NetworkPolicy/wide spec.egress[1].to[0].namespaceSelector', 'NetworkPolicy/wide spec.ingress[0].from[0].namespaceSelector',
      'NetworkPolicy/wide spec.ingress[0].from[1].ipBlock.cidr', 'NetworkPolicy/wide spec.ingress[1].from[0]', 'NetworkPolicy/wide spec.ingress[2]',
    ],
  },
  {
    rule: 'known-kind', fixture: 'known-kind', ownFix: /^(set|use) /,
    flags: ['configmap/lower-configmap kind', 'deployment/lowercase kind', 'role/lower-role kind', 'PriorityClass/wrong-group apiVersion', 'Gateway/not-served kind', 'ClusterRole/removed-version apiVersion'],
  },
  {
    rule: 'secret-values', fixture: 'secrets',
    flags: [
      'ConfigMap/leaky-config data.DB_PASSWORD', 'ConfigMap/leaky-config data["application.properties"]', 'ConfigMap/leaky-config data["settings.yaml"]', 'ConfigMap/leaky-config data["tls.pem"]',
      'Deployment/leaky metadata.annotations["acme.io/webhook"]', `Deployment/leaky ${C}[0].args[0]`, `Deployment/leaky ${C}[0].args[2]`, `Deployment/leaky ${C}[0].command[2]`,
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `Deployment/leaky ${C}[0].env[${i}].value`),
      'Secret/leaky-secret data.deploy', 'Secret/leaky-secret stringData.slack',
    ],
  },
  { rule: 'secret-literal', fixture: 'secrets', flags: ['Secret/db-login stringData', 'Secret/leaky-secret data'] },
];

function findingsOf(c: Case, variant: 'bad' | 'good'): Finding[] {
  return check(loadFixture(c.fixture, variant), { packs: ['production'], options: c.options ? { [c.rule]: c.options } : undefined }).filter((f) => f.rule === c.rule);
}

describe('the production pack', () => {
  test('every rule is well-formed: kebab-case id, pack, kinds, a description and a fix', () => {
    expect(PRODUCTION.length).toBeGreaterThanOrEqual(35);
    for (const r of PRODUCTION) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(r.pack).toBe('production');
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.kinds.length).toBeGreaterThan(0);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.fix).toMatch(/YAML/);
    }
    expect(new Set(PRODUCTION.map((r) => r.id)).size).toBe(PRODUCTION.length);
  });

  test('every rule has a fixture case below', () => {
    expect(PRODUCTION.map((r) => r.id).filter((id) => !CASES.some((c) => c.rule === id))).toEqual([]);
  });

  (HAS_REFERENCE ? test : test.skip)('Polaris aliases name checks of the reference Polaris', () => {
    const checks = new Set(fs.readdirSync(path.join(REFERENCE_DIR, 'polaris', 'checks')).map((f) => f.replace(/\.yaml$/, '')));
    const polaris = PRODUCTION.flatMap((r) => aliasesOf({ aliases: { polaris: r.aliases?.polaris } }));
    expect(polaris.length).toBeGreaterThan(15);
    expect(polaris.filter((a) => !checks.has(a))).toEqual([]);
  });

  test('a namespace written by hand the way the pack wants it has no finding', () => {
    const subjects = loadFixture('compliant');
    expect(subjects.length).toBeGreaterThanOrEqual(20);
    expect(check(subjects).map((f) => `${f.rule} ${f.object.kind}/${f.object.name} ${f.field}: ${f.message}`)).toEqual([]);
  });

  test('every fixture parses and every variant is checked whole, with file and line', () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(24);
    const f = check(loadFixture('latest-tag', 'bad'), { packs: ['production'] }).find((x) => x.rule === 'image-tag')!;
    expect(f.origin.file).toMatch(/fixtures[/\\]latest-tag\.yaml$/);
    expect(f.origin.line).toBeGreaterThan(1);
  });
});

describe.each(CASES)('$rule on $fixture', (c) => {
  test('flags each deliberate mistake at its field, and nothing in the fixed variant', () => {
    const bad = findingsOf(c, 'bad');
    expect(where(bad).sort()).toEqual([...c.flags].sort());
    for (const f of bad) {
      expect(f.severity).toBe(rule(c.rule).severity);
      expect(f.message).not.toMatch(/undefined|\[object Object\]/);
      if (c.ownFix) expect(f.fix).toMatch(c.ownFix);
      else expect(f.fix).toBe(rule(c.rule).fix);
    }
    expect(where(findingsOf(c, 'good'))).toEqual([]);
  });
});

describe('rule details', () => {
  const bad = (fixture: string, props: GuardrailsProps = {}) => check(loadFixture(fixture, 'bad'), { packs: ['production'], ...props });
  const messages = (fs: readonly Finding[], id: string) => fs.filter((f) => f.rule === id).map((f) => f.message);

  test('messages name the container and the value', () => {
    expect(messages(bad('latest-tag'), 'image-tag')).toContain('container \'app\' image "nginx:latest" uses the mutable tag "latest"');
    expect(messages(bad('probe-ports'), 'probes-target-ports')).toContain('container \'app\' readinessProbe targets port "health", which the container does not declare (declared: http (8080))');
    expect(messages(bad('nodeport'), 'service-type')).toContain('type is "NodePort": every node opens port 30080 to reach the pods from outside the cluster');
    expect(messages(bad('pdb-max-unavailable-0'), 'pdb-allows-disruption')).toContain('minAvailable "80%" (2 pods) is not below the 2 replicas of Deployment \'web\', so none may be evicted');
    expect(messages(bad('no-network-policy'), 'network-policy')).toContain('NetworkPolicy \'half-open\' selects its pods but none restricts egress');
  });

  test('a secret literal is reported by name, never with its value', () => {
    const found = bad('secret-literal').filter((f) => f.rule === 'env-no-secret-literals');
    expect(found.map((f) => f.message).join('\n')).toMatch(/DB_PASSWORD/);
    expect(found.map((f) => `${f.message} ${f.fix}`).join('\n')).not.toMatch(/hunter2|sk_live|MIIE/);
  });

  test('priority-class reports nothing unless the platform requires a priority class', () => {
    expect(messages(bad('priority-class'), 'priority-class')).toEqual([]);
    expect(messages(bad('priority-class', { options: { 'priority-class': { required: true } } }), 'priority-class')).toEqual(['the pod names no priorityClassName']);
  });

  test('network-policy: a policy without policyTypes (or with an empty list) isolates what the API server defaults it to', () => {
    const workload = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0' }] } } } };
    const withPolicy = (spec: Record<string, unknown>) => messages(check([workload, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api', namespace: 'shop' }, spec: { podSelector: {}, ...spec } }]
      .map((manifest) => ({ manifest, origin: {} })), { packs: ['production'] }), 'network-policy');
    // Egress is defaulted in only when there is at least one egress rule
    expect(withPolicy({ egress: [] })).toEqual(["NetworkPolicy 'api' selects its pods but none restricts egress"]);
    expect(withPolicy({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })).toEqual([]);
    // an empty policyTypes is defaulted like an absent one
    expect(withPolicy({ policyTypes: [], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })).toEqual([]);
    expect(withPolicy({ policyTypes: ['Egress'] })).toEqual(["NetworkPolicy 'api' selects its pods but none restricts ingress"]);
  });

  test('service-type: a platform may allow LoadBalancer Services', () => {
    const found = bad('nodeport', { options: { 'service-type': { allow: ['LoadBalancer'] } } }).filter((f) => f.rule === 'service-type');
    expect(where(found)).toEqual(['Service/nodeport spec.type']);
  });

  test('security and data-loss rules are errors and block; reliability ones warn; advice informs', () => {
    const severity = Object.fromEntries(PRODUCTION.map((r) => [r.id, r.severity]));
    for (const id of ['image-tag', 'read-only-root-fs', 'seccomp-profile', 'capabilities-drop-all', 'env-no-secret-literals', 'network-policy', 'service-account-token', 'service-type', 'route-tls', 'selector-matches-template']) {
      expect([id, severity[id]]).toEqual([id, 'error']);
    }
    for (const id of ['resources-cpu-limit', 'probes-liveness', 'job-cleanup']) expect([id, severity[id]]).toEqual([id, 'info']);
    const report = new Guardrails({ packs: ['production'] }).check(loadFixture('privileged', 'bad'));
    expect(new Set(blocking(report).map((f) => f.rule))).toEqual(new Set(['read-only-root-fs', 'seccomp-profile', 'capabilities-drop-all', 'network-policy', 'service-account-token']));
  });

  test('a waiver or a severity may name a rule by its kube-score, Polaris or kube-linter alias', () => {
    const subjects = loadFixture('latest-tag', 'bad');
    const engine = new Guardrails({
      packs: ['production'],
      waivers: [{ rule: 'tagNotSpecified', reason: 'vendor image, pinned by the mirror' }],
      severities: { 'container-image-pull-policy': { severity: 'off', reason: 'the mirror serves every tag immutably' } },
    });
    const report = engine.check(subjects);
    const found = report.findings;
    expect(report.policy?.filter((p) => p.rule)).toEqual([{
      rule: 'image-pull-policy', pack: 'production', from: 'warning', to: 'off', reason: 'the mirror serves every tag immutably', setting: 'severities.container-image-pull-policy',
    }]);
    expect(found.filter((f) => f.rule === 'image-tag').every((f) => f.waived?.reason === 'vendor image, pinned by the mirror')).toBe(true);
    expect(found.filter((f) => f.rule === 'image-pull-policy')).toEqual([]);
  });

  test('cross-object lookups follow the objects of each run, even a list reused after a change', () => {
    const engine = new Guardrails({ packs: ['production'] });
    const subjects = loadFixture('no-pdb', 'bad');
    const pdbExists = () => where(engine.check(subjects).findings.filter((f) => f.rule === 'pdb-exists'));
    expect(pdbExists()).toEqual(['Deployment/api spec.template.metadata.labels', 'StatefulSet/queue spec.template.metadata.labels']);
    subjects.push(...loadFixture('no-pdb', 'good').filter((s) => s.manifest.metadata.name === 'api' && s.manifest.kind === 'PodDisruptionBudget'));
    expect(pdbExists()).toEqual(['StatefulSet/queue spec.template.metadata.labels']);
  });

  test('objects without a namespace are compared with each other, not with namespaced ones', () => {
    const shop = loadFixture('no-pdb', 'good');
    const moved = shop.map((s) => (s.manifest.kind === 'PodDisruptionBudget' ? { ...s, manifest: { ...s.manifest, metadata: { ...s.manifest.metadata, namespace: 'elsewhere' } } } : s));
    expect(where(check(moved, { packs: ['production'] }).filter((f) => f.rule === 'pdb-exists'))).toEqual(['Deployment/api spec.template.metadata.labels', 'StatefulSet/queue spec.template.metadata.labels']);
  });
});

/** The production and ownership findings of every environment of an app. */
function findingsOfApp(app: App): string[] {
  return app.check(app.render()).flatMap((r) => r.findings)
    .filter((f) => f.pack === 'production' || f.pack === 'ownership')
    .map((f) => `[${f.origin.environment}] ${f.rule} ${f.object.kind}/${f.object.name} ${f.field}: ${f.message}`);
}

function shop(props: Partial<AppProps<'dev' | 'prod'>> = {}): App<'dev' | 'prod'> {
  return new App({
    name: 'shop',
    team: 'commerce',
    environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' }, prod: { namespace: 'shop', domain: 'shop.example.com' } },
    ...props,
  });
}

describe('libk8s output passes the production and ownership packs as it is', () => {
  const image = 'ghcr.io/acme/web:1.4.2';
  const configurations: Record<string, (app: App<'dev' | 'prod'>, id: string) => void> = {
    'internal service': (app, id) => new WebService(app, id, { image }),
    'HTTPRoute': (app, id) => new WebService(app, id, { image, route: { path: '/' } }),
    'Ingress': (app, id) => new WebService(app, id, { image, route: { kind: 'ingress', subdomain: 'api', path: '/v1' } }),
    'autoscaling': (app, id) => new WebService(app, id, { image, autoscale: { min: 2, max: 10, memoryPercent: 80 } }),
    'fixed replicas': (app, id) => new WebService(app, id, { image, replicas: 3 }),
    'config files': (app, id) => new WebService(app, id, { image, config: { files: { 'catalog.yaml': 'pageSize: 50\n' } }, env: { CONFIG: '/etc/catalog/catalog.yaml' } }),
    'sidecars and init containers': (app, id) => new WebService(app, id, {
      image,
      sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0', ports: [{ name: 'admin', port: 9901 }], mounts: [{ volume: 'cache', mountPath: '/cache' }] }],
      initContainers: [{ name: 'migrate', image, command: ['/app/migrate'], env: { DB_PASSWORD: { from: 'secret', name: 'db', key: 'password' } } }],
      volumes: [{ name: 'cache', mountPath: '/var/cache/web', source: { type: 'emptyDir', sizeLimit: '1Gi' } }],
    }),
    'extra ports, probes on them, egress': (app, id) => new WebService(app, id, {
      image, port: 3000, ports: [{ name: 'metrics', port: 9090 }, { name: 'grpc', port: 9000 }],
      probes: { readiness: { type: 'grpc', port: 9000 }, liveness: { type: 'tcp', port: 'metrics' }, startup: { path: '/started', port: 'metrics' } },
      egress: [{ cidr: '10.20.0.0/16', ports: [5432] }],
    }),
    'overrides per environment': (app, id) => new WebService(app, id, {
      image, route: { path: '/' }, replicas: 2, size: 'small', env: { LOG_LEVEL: 'info' },
      overrides: {
        dev: { replicas: 2, env: { LOG_LEVEL: 'debug' }, route: { subdomain: 'preview' } },
        prod: { autoscale: { min: 3, max: 30, cpuPercent: 60 }, size: 'large', resources: { memoryLimit: '2Gi' }, image: 'ghcr.io/acme/web:1.4.3' },
      },
    }),
  };

  test.each(Object.keys(configurations))('%s', (name) => {
    const app = shop();
    configurations[name](app, 'web');
    expect(findingsOfApp(app)).toEqual([]);
  });

  test('all of them in one app, cross-object rules included', () => {
    const app = shop();
    Object.values(configurations).forEach((add, i) => add(app, `web${i}`));
    expect(app.components.length).toBe(Object.keys(configurations).length);
    expect(findingsOfApp(app)).toEqual([]);
  });

  test.each<[string, AppProps['platform']]>([
    ['without cpu limits (the rule is off for such a platform)', { dropCpuLimits: true }],
    ['with its own team label', { teamLabel: 'acme.io/owner' }],
    ['with a required priority class', { priorityClassName: 'business', guardrails: { options: { 'priority-class': { required: true, allowed: ['business'] } } } }],
    ['with its own Gateway listener and sizes', { gateway: { name: 'edge', namespace: 'edge-system', listener: 'websecure' }, defaultSize: 'medium' }],
    ['with the preStop sleep action and a long pause', { preStopAction: 'sleep', preStopSeconds: 20, kubernetesVersion: '1.30' }],
  ])('on a platform %s', (_name, platform) => {
    const app = shop({ platform });
    new WebService(app, 'storefront', { image, route: {}, autoscale: { min: 2, max: 4 } });
    new WebService(app, 'catalog', { image, replicas: 2, sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0' }] });
    expect(findingsOfApp(app)).toEqual([]);
  });

  test('what the program chose is reported: one replica, no liveness probe, identical probes', () => {
    const app = shop();
    new WebService(app, 'web', {
      image, replicas: 1,
      probes: { readiness: { path: '/health' }, liveness: { path: '/health' } },
      overrides: { dev: { replicas: 2 } },
    });
    new WebService(app, 'worker', { image, probes: { liveness: false } });
    expect(findingsOfApp(app).map((f) => f.replace(/:.*/, ''))).toEqual([
      '[dev] probes-differ Deployment/web spec.template.spec.containers[0].livenessProbe',
      '[dev] probes-liveness Deployment/worker spec.template.spec.containers[0].livenessProbe',
      '[prod] probes-differ Deployment/web spec.template.spec.containers[0].livenessProbe',
      '[prod] replicas-minimum Deployment/web spec.replicas',
      '[prod] probes-liveness Deployment/worker spec.template.spec.containers[0].livenessProbe',
    ]);
  });

  test('the shop example synthesizes with the guardrails enforced', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-shop-'));
    try {
      synthShopExample(out);
      for (const env of ['dev', 'prod']) {
        expect(fs.readdirSync(path.join(out, env, 'shop')).sort()).toEqual(expect.arrayContaining(['fulfilment.yaml', 'nightly-report.yaml', 'storefront.yaml']));
        expect(fs.readFileSync(path.join(out, env, 'shop', 'storefront.yaml'), 'utf8')).toMatch(/^kind: Deployment$/m);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
