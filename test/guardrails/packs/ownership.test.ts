import { App, BUILTIN_RULES, Guardrails, Subject, WebService } from 'libk8s';
import { check, loadFixture, where } from '../fixtures/load';

const OWNERSHIP = BUILTIN_RULES.filter((r) => r.pack === 'ownership');
const ownership = (subjects: readonly Subject[], options?: Record<string, Record<string, unknown>>) => check(subjects, { packs: ['ownership'], options });

const configMap = (labels: Record<string, string>, annotations?: Record<string, string>): Subject => ({
  manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels, annotations }, data: {} },
  origin: {},
});

const OWNED = {
  'app.kubernetes.io/name': 'settings',
  'app.kubernetes.io/part-of': 'shop',
  'app.kubernetes.io/managed-by': 'kubectl',
  'libk8s.io/team': 'commerce',
};

describe('the ownership pack', () => {
  test('its rules are well-formed', () => {
    expect(OWNERSHIP.map((r) => [r.id, r.severity, r.kinds.join(',')])).toEqual([
      ['required-labels', 'warning', '*'],
      ['instance-label', 'warning', 'Pod,Deployment,StatefulSet,DaemonSet,ReplicaSet,ReplicationController,Job,CronJob'],
    ]);
    for (const r of OWNERSHIP) {
      expect(r.pack).toBe('ownership');
      expect(r.fix).toMatch(/YAML/);
    }
    expect(OWNERSHIP.find((r) => r.id === 'instance-label')!.aliases).toEqual({ polaris: 'metadataAndInstanceMismatched' });
  });

  test('required-labels flags each missing or empty ownership label on every kind; the fixed variant passes', () => {
    const bad = ownership(loadFixture('missing-labels', 'bad')).filter((f) => f.rule === 'required-labels');
    expect(where(bad).sort()).toEqual([
      'ConfigMap/settings metadata.labels["app.kubernetes.io/managed-by"]',
      'ConfigMap/settings metadata.labels["app.kubernetes.io/part-of"]',
      'ConfigMap/settings metadata.labels["libk8s.io/team"]',
    ]);
    expect(bad.map((f) => f.message)).toContain('label "app.kubernetes.io/part-of" is empty ("")');
    expect(ownership(loadFixture('missing-labels', 'good'))).toEqual([]);
  });

  test('instance-label: a workload\'s app.kubernetes.io/instance is its name; the fixed variant passes', () => {
    const bad = ownership(loadFixture('missing-labels', 'bad')).filter((f) => f.rule === 'instance-label');
    expect(bad.map((f) => `${where([f])[0]}: ${f.message}`).sort()).toEqual([
      'CronJob/cleanup metadata.labels["app.kubernetes.io/instance"]: label "app.kubernetes.io/instance" is missing',
      'Deployment/checkout metadata.labels["app.kubernetes.io/instance"]: label "app.kubernetes.io/instance" is "checkout-blue", not the name "checkout"',
    ]);
    // only workloads: a ConfigMap named after its workload carries the workload's instance
    expect(ownership([configMap({ ...OWNED, 'app.kubernetes.io/instance': 'web' })])).toEqual([]);
  });

  test('the labels and annotations are configurable through the rule\'s options', () => {
    const options = { 'required-labels': { labels: ['example.com/cost-center'], annotations: ['example.com/oncall'] } };
    expect(where(ownership([configMap(OWNED)], options))).toEqual([
      'ConfigMap/settings metadata.annotations["example.com/oncall"]',
      'ConfigMap/settings metadata.labels["example.com/cost-center"]',
    ]);
    expect(ownership([configMap({ 'example.com/cost-center': 'cc-42' }, { 'example.com/oncall': '#shop-oncall' })], options)).toEqual([]);
  });

  test('the compliant namespace passes', () => {
    expect(ownership(loadFixture('compliant'))).toEqual([]);
  });
});

describe('an App tells the ownership rule its platform\'s team label', () => {
  const build = (platform?: ConstructorParameters<typeof App>[0]['platform']) => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { namespace: 'shop', domain: 'shop.example.com' } }, platform });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0', route: {} });
    return app;
  };

  test('libk8s output carries every required label, whatever the team label', () => {
    for (const app of [build(), build({ teamLabel: 'acme.io/owner' })]) {
      const findings = app.check(app.render()).flatMap((r) => r.findings).filter((f) => f.pack === 'ownership');
      expect(findings).toEqual([]);
    }
  });

  test('with teamLabel acme.io/owner, objects must carry acme.io/owner (libk8s.io/team is not asked for)', () => {
    const app = build({ teamLabel: 'acme.io/owner' });
    const report = app.guardrails.check([configMap(OWNED)]);
    expect(where(report.findings)).toEqual(['ConfigMap/settings metadata.labels["acme.io/owner"]']);
    const labels: Record<string, string> = { ...OWNED, 'acme.io/owner': 'commerce' };
    delete labels['libk8s.io/team'];
    expect(app.guardrails.check([configMap(labels)]).findings).toEqual([]);
  });

  test('the platform\'s own options for the rule win, and its annotations are added', () => {
    const app = build({ teamLabel: 'acme.io/owner', guardrails: { options: { 'required-labels': { annotations: ['acme.io/runbook'] } } } });
    expect(where(app.guardrails.check([configMap(OWNED)]).findings)).toEqual([
      'ConfigMap/settings metadata.annotations["acme.io/runbook"]',
      'ConfigMap/settings metadata.labels["acme.io/owner"]',
    ]);
    const own = build({ guardrails: { options: { 'required-labels': { labels: ['app.kubernetes.io/name'] } } } });
    expect(own.guardrails.check([configMap({ 'app.kubernetes.io/name': 'settings' })]).findings).toEqual([]);
  });

  test('a platform that drops cpu limits turns resources-cpu-limit off, unless it set that rule itself', () => {
    const ids = (app: App) => app.guardrails.rules.map((r) => r.rule.id);
    expect(ids(build())).toContain('resources-cpu-limit');
    expect(ids(build({ dropCpuLimits: true }))).not.toContain('resources-cpu-limit');
    expect((build({ dropCpuLimits: true }).guardrails as Guardrails).policy).toEqual([{
      rule: 'resources-cpu-limit', pack: 'production', from: 'info', to: 'off', reason: 'the platform drops cpu limits (platform.dropCpuLimits)', setting: 'severities.resources-cpu-limit',
    }]);
    const kept = build({ dropCpuLimits: true, guardrails: { severities: { cpuLimitsMissing: 'warning' } } });
    expect(kept.guardrails.rules.find((r) => r.rule.id === 'resources-cpu-limit')?.severity).toBe('warning');
    // raising the rule needs no reason, so nothing is reported
    expect((kept.guardrails as Guardrails).policy).toEqual([]);
  });

  test('a bare engine (libk8s check without a platform) asks for libk8s.io/team', () => {
    expect(where(new Guardrails({ packs: ['ownership'] }).check([configMap({ ...OWNED, 'libk8s.io/team': '' })]).findings)).toEqual([
      'ConfigMap/settings metadata.labels["libk8s.io/team"]',
    ]);
  });
});
