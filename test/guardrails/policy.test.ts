import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { blocking, BUILTIN_RULES, formatJson, Guardrails, Libk8sError, Rule, Subject, toSarif, WebService } from 'libk8s';
import type { GuardrailsProps, Report } from '../../lib/core/policy';
import { CPU_LIMITS_DROPPED } from '../../lib/guardrails/platform';
import { formatPolicyLines } from '../../lib/guardrails/reporters/policy';
import { newApp } from '../support/apps';
import { loadFixture } from './fixtures/load';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validateSarif = ajv.compile(SCHEMA);

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-policy-'));

/** A rule for tests: flags every Deployment. */
const everyDeployment: Rule = {
  id: 'test/every-deployment', pack: 'test', severity: 'error', description: 'flags Deployments', fix: 'none',
  aliases: { polaris: 'everyDeployment' }, kinds: ['Deployment'], check: () => [{ message: 'is a Deployment' }],
};
const deployment = (name: string): Subject => ({ manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name } }, origin: {} });

function problemsOf(props: GuardrailsProps): string[] {
  try {
    new Guardrails(props);
  } catch (e) {
    if (e instanceof Libk8sError) return e.problems.map((p) => `${p.prop}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('lowered severities and dropped packs are reported like waivers', () => {
  test('a lowering with a reason is in the report; raising needs none and is not listed', () => {
    const report = new Guardrails({
      packs: [], rules: [everyDeployment],
      severities: { everyDeployment: { severity: 'warning', reason: 'advice until Q3' } },
    }, []).check([deployment('a')]);
    expect(report.findings.map((f) => f.severity)).toEqual(['warning']);
    expect(report.policy).toEqual([
      { rule: 'test/every-deployment', pack: 'test', from: 'error', to: 'warning', reason: 'advice until Q3', setting: 'severities.everyDeployment' },
    ]);
  });

  test('the old plain form still works but is reported as a problem: needs a reason', () => {
    const report = new Guardrails({ packs: [], rules: [everyDeployment], severities: { 'test/every-deployment': 'off' } }, []).check([deployment('a')]);
    expect(report.findings).toEqual([]);
    expect(report.policy).toEqual([{ rule: 'test/every-deployment', pack: 'test', from: 'error', to: 'off', problem: 'needs a reason', setting: 'severities.test/every-deployment' }]);
    // raising in the plain form is fine
    expect(new Guardrails({ packs: ['production'], severities: { 'topology-spread': 'error' } }).policy.filter((p) => p.rule)).toEqual([]);
  });

  test('the object form without a reason, an unknown severity, and a contradictory dropped pack are configuration problems', () => {
    expect(problemsOf({ packs: ['production'], severities: { 'image-tag': { severity: 'off' }, 'topology-spread': { severity: 'error' } } })).toEqual([
      'severities.image-tag: lowers "image-tag" from error to off without a reason',
    ]);
    expect(problemsOf({ severities: { 'image-tag': 'fatal' as never } })).toEqual(['severities.image-tag: "fatal" is not a severity']);
    expect(problemsOf({ packs: ['production'], droppedPacks: { production: 'x', nope: 'y' } as never })).toEqual([
      'droppedPacks.production: is dropped and also listed in packs',
      'droppedPacks.nope: "nope" is not a built-in pack',
    ]);
    expect(problemsOf({ droppedPacks: { ownership: ' ' } })).toEqual(['droppedPacks.ownership: drops "ownership" without a reason']);
  });

  test('droppedPacks drops a pack with its reason; a pack left out of packs without one needs a reason', () => {
    const ownership = BUILTIN_RULES.filter((r) => r.pack === 'ownership').map((r) => r.id);
    const engine = new Guardrails({ droppedPacks: { ownership: 'labels are set by the GitOps controller' } });
    expect(engine.rules.some((r) => r.rule.pack === 'ownership')).toBe(false);
    expect(engine.rules.some((r) => r.rule.pack === 'production')).toBe(true);
    expect(engine.policy).toEqual([{ pack: 'ownership', from: 'on', to: 'off', reason: 'labels are set by the GitOps controller', setting: 'droppedPacks.ownership', rules: ownership }]);
    const plain = new Guardrails({ packs: ['pss-baseline', 'pss-restricted', 'production'] });
    expect(plain.policy).toEqual([{ pack: 'ownership', from: 'on', to: 'off', problem: 'needs a reason', setting: 'packs', rules: ownership }]);
    const both = new Guardrails({ packs: ['pss-baseline', 'pss-restricted'], droppedPacks: { production: 'checked by kube-score in CI', ownership: 'not ours' } });
    expect(both.policy.map((p) => [p.pack, p.reason])).toEqual([['production', 'checked by kube-score in CI'], ['ownership', 'not ours']]);
  });

  test('a platform that drops cpu limits turns resources-cpu-limit off with a generated reason, and it is reported', () => {
    const app = newApp({ platform: { dropCpuLimits: true } });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    const result = app.synth({ outdir: tmp() });
    for (const r of result.reports!) {
      expect(r.policy).toEqual([{ rule: 'resources-cpu-limit', pack: 'production', from: 'info', to: 'off', reason: CPU_LIMITS_DROPPED, setting: 'severities.resources-cpu-limit' }]);
    }
    expect(CPU_LIMITS_DROPPED).toBe('the platform drops cpu limits (platform.dropCpuLimits)');
  });

  test('JSON lists each change once (not once per environment), SARIF lists the rules off with level none, and the table lines name them', () => {
    const app = newApp({ platform: { guardrails: { packs: [], rules: [everyDeployment], severities: { 'test/every-deployment': { severity: 'info', reason: 'tracked in JIRA-1' } } } } });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    const reports = app.synth({ outdir: tmp() }).reports as Report[];
    expect(reports).toHaveLength(2);
    const json = JSON.parse(formatJson(reports));
    expect(json.policy.map((p: any) => p.pack)).toEqual(['pss-baseline', 'pss-restricted', 'production', 'ownership', 'test']);
    expect(json.policy[4]).toEqual({ rule: 'test/every-deployment', pack: 'test', from: 'error', to: 'info', reason: 'tracked in JIRA-1', setting: 'severities.test/every-deployment' });
    expect(json.policy[0]).toMatchObject({ pack: 'pss-baseline', problem: 'needs a reason', setting: 'packs' });
    expect(json.ok).toBe(true);

    const log = toSarif(reports, { rules: [...BUILTIN_RULES, everyDeployment] });
    expect(validateSarif(log)).toBe(true);
    const run = log.runs[0];
    // every built-in rule of the dropped packs is listed, off
    expect(run.tool.driver.rules.length).toBe(BUILTIN_RULES.length + 1);
    const fired = run.tool.driver.rules.find((r) => r.id === 'test/every-deployment')!;
    expect(fired.defaultConfiguration).toEqual({ level: 'note' });
    expect(fired.properties.policy).toMatchObject({ from: 'error', to: 'info', reason: 'tracked in JIRA-1' });
    expect(run.tool.driver.rules.find((r) => r.id === 'image-tag')!.defaultConfiguration).toEqual({ level: 'none', enabled: false });
    const notes = run.invocations[0].toolConfigurationNotifications!;
    expect(notes.map((n) => n.level)).toEqual(['warning', 'warning', 'warning', 'warning', 'note']);
    expect(notes[4].message.text).toBe('severity of test/every-deployment (test) error -> info: tracked in JIRA-1');
    expect(notes[4].associatedRule).toEqual({ id: 'test/every-deployment', index: 0 });
    expect((run.properties.policy as unknown[]).length).toBe(5);

    expect(formatPolicyLines(reports)).toEqual([
      'guardrails policy (lowered severities and dropped packs)',
      expect.stringMatching(/^ {2}dropped {2}pack pss-baseline dropped \(\d+ rules off\): needs a reason \(packs\)$/),
      expect.stringMatching(/pack pss-restricted dropped/),
      expect.stringMatching(/pack production dropped/),
      expect.stringMatching(/pack ownership dropped/),
      '  lowered  test/every-deployment (test) error -> info: tracked in JIRA-1',
      '',
    ]);
  });

  test('SARIF shows the rules even when packs: [] leaves nothing to fire', () => {
    const report = new Guardrails({ packs: [] }).check([deployment('a')]);
    expect(report.findings).toEqual([]);
    const log = toSarif(report);
    expect(validateSarif(log)).toBe(true);
    expect(log.runs[0].tool.driver.rules.map((r) => r.id).sort()).toEqual(BUILTIN_RULES.map((r) => r.id).sort());
    expect(log.runs[0].tool.driver.rules.every((r) => r.defaultConfiguration.level === 'none')).toBe(true);
    expect(formatPolicyLines(new Guardrails({}).check([]))).toEqual([]);
  });
});

describe('waivers apply to their own construct only', () => {
  test('a scope naming another construct does not waive its findings, and is a problem of the waiving construct', () => {
    const app = newApp({ platform: { guardrails: { packs: [], rules: [everyDeployment] } } });
    new WebService(app, 'victim', { image: 'ghcr.io/acme/victim:1.0.0' });
    const web = new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    web.waive('test/every-deployment', 'not mine to waive', { construct: 'shop/victim' } as never);
    expect(web.waivers).toEqual([{ rule: 'test/every-deployment', reason: 'not mine to waive', construct: 'shop/web', foreignConstruct: 'shop/victim' }]);
    let error: Error | undefined;
    try {
      app.render();
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    expect(error!.message).toContain(`WebService 'web' (shop/web): 'waive("test/every-deployment")' waives "test/every-deployment" for construct "shop/victim", but a construct waives only its own findings.`);
    // even handed to the engine directly, the waiver covers only shop/web
    const engine = new Guardrails({ packs: [], rules: [everyDeployment] }, []);
    const report = engine.check([
      { ...deployment('victim'), origin: { construct: { kind: 'WebService', id: 'victim', path: 'shop/victim' } } },
      { ...deployment('web'), origin: { construct: { kind: 'WebService', id: 'web', path: 'shop/web' } } },
    ], web.waivers);
    expect(report.findings.map((f) => [f.object.name, f.waived?.reason])).toEqual([['victim', undefined], ['web', 'not mine to waive']]);
  });

  test('a scope cannot replace the rule or the reason', () => {
    const app = newApp();
    const web = new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    web.waive('image-tag', 'pinned by the mirror', { kind: 'Deployment', rule: 'pss-baseline-privileged', reason: '' } as never);
    expect(web.waivers).toEqual([{ rule: 'image-tag', reason: 'pinned by the mirror', construct: 'shop/web', kind: 'Deployment' }]);
  });
});

describe('rules see the final manifest and cannot change it', () => {
  const mutating: Rule = {
    id: 'acme/sneaky', pack: 'acme', severity: 'warning', description: 'changes replicas', fix: 'none', kinds: ['Deployment'],
    check: (s) => {
      (s.manifest as any).spec.replicas = 99;
      return [];
    },
  };

  test('a platform rule that mutates a manifest leaves the output unchanged, and the attempt is an error finding naming the rule', () => {
    const build = (rules: Rule[]) => {
      const app = newApp({ platform: { guardrails: { packs: [], rules } } });
      new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
      return app;
    };
    const clean = tmp();
    build([]).synth({ outdir: clean });
    const out = tmp();
    const result = build([mutating]).synth({ outdir: out, guardrails: 'warn' });
    const findings = result.reports!.flatMap((r) => r.findings);
    expect(findings.map((f) => [f.rule, f.severity, f.object.kind])).toEqual([['acme/sneaky', 'error', 'Deployment'], ['acme/sneaky', 'error', 'Deployment']]);
    expect(findings[0].message).toContain('the rule "acme/sneaky" tried to change the manifest');
    const read = (dir: string) => fs.readFileSync(path.join(dir, 'prod', 'shop', 'web.yaml'), 'utf8');
    expect(read(out)).toBe(read(clean));
    expect(read(out)).not.toContain('replicas: 99');
    // enforced, the synth refuses
    expect(() => build([mutating]).synth({ outdir: tmp() })).toThrow(/acme\/sneaky/);
  });

  test('the checked manifests are frozen, the other objects of the set too', () => {
    const subjects = loadFixture('no-pdb', 'bad');
    const peek: Rule = {
      id: 'acme/peek', pack: 'acme', severity: 'info', description: 'peeks', fix: 'none', kinds: ['Deployment'],
      check: (_s, ctx) => {
        (ctx.subjects[ctx.subjects.length - 1].manifest as any).metadata.name = 'renamed';
        return [];
      },
    };
    const report = new Guardrails({ packs: [], rules: [peek] }, []).check(subjects);
    expect(report.findings.every((f) => f.rule === 'acme/peek' && f.severity === 'error')).toBe(true);
    expect(subjects.every((s) => Object.isFrozen(s.manifest) && Object.isFrozen(s.manifest.metadata))).toBe(true);
    expect(subjects[subjects.length - 1].manifest.metadata.name).not.toBe('renamed');
  });
});

describe('every object with a pod template is checked, whatever its kind', () => {
  const podSpec = {
    hostNetwork: true,
    containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0.0', securityContext: { privileged: true } }],
  };
  const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
  const pss = (manifest: Record<string, any>) => new Guardrails({ packs: ['pss-baseline'] }).check([{ manifest, origin: {} }]);
  const where = (r: Report) => r.findings.map((f) => `${f.rule} ${f.field}`);

  test('an Argo Rollout gets the same pss findings as a Deployment', () => {
    const deploymentReport = pss({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template } });
    const rollout = pss({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'x' }, spec: { template, strategy: { canary: {} } } });
    expect(where(deploymentReport)).toEqual([
      'pss-baseline-host-namespaces spec.template.spec.hostNetwork',
      'pss-baseline-privileged spec.template.spec.containers[0].securityContext.privileged',
    ]);
    expect(where(rollout)).toEqual(where(deploymentReport));
    expect(rollout.unchecked).toEqual([]);
  });

  test('a PodTemplate, a CronJob-like CRD and a CRD with spec.template.spec are found structurally', () => {
    expect(where(pss({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'x' }, template }))).toEqual([
      'pss-baseline-host-namespaces template.spec.hostNetwork',
      'pss-baseline-privileged template.spec.containers[0].securityContext.privileged',
    ]);
    expect(where(pss({ apiVersion: 'acme.io/v1', kind: 'ScheduledTask', metadata: { name: 'x' }, spec: { jobTemplate: { spec: { template } } } }))).toEqual([
      'pss-baseline-host-namespaces spec.jobTemplate.spec.template.spec.hostNetwork',
      'pss-baseline-privileged spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    ]);
    expect(where(pss({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'x' }, spec: { template } }))).toHaveLength(2);
    // no containers list: no pod spec, and the kind stays unchecked
    const widget = pss({ apiVersion: 'acme.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { template: { spec: { size: 3 } } } });
    expect(widget.findings).toEqual([]);
    expect(widget.unchecked).toEqual([{ kind: 'Widget', count: 1 }]);
  });

  test('a platform rule on WORKLOAD_KINDS sees a Rollout too, and the secret detector looks into its containers', () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'x', env: [{ name: 'DB_PASS', value: 'hunter2hunter2' }] }] } } } };
    const report = new Guardrails({ packs: ['production'] }).check([{ manifest: rollout, origin: {} }]);
    expect(report.findings.filter((f) => f.rule === 'secret-values').map((f) => f.field)).toEqual(['spec.template.spec.containers[0].env[0].value']);
    expect(report.findings.some((f) => f.rule === 'network-policy')).toBe(true);
  });
});

describe('the in-cluster stand-in Secrets', () => {
  test('are the only findings of the new rules in the shop example, and they are waived', () => {
    const out = tmp();
    const results: { reports?: readonly Report[] }[] = [];
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('libk8s') as typeof import('libk8s');
      lib.runSynthSession({ outdir: out, results: results as never[] }, () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../examples/shop/main');
      });
    });
    const reports = results.flatMap((r) => r.reports ?? []);
    expect(reports.length).toBeGreaterThan(0);
    const secret = reports.flatMap((r) => r.findings).filter((f) => f.rule.startsWith('secret-') || ['known-kind', 'network-policy-allow-all', 'network-policy-wide-peer'].includes(f.rule));
    // at most the in-cluster stand-ins' Secrets (dev only), each waived; none once the recipe stops writing literal Secrets
    const STAND_INS = ['dev secret-literal Secret/db-connection', 'dev secret-literal Secret/orders-aws-credentials'];
    expect(secret.map((f) => `${f.origin.environment} ${f.rule} ${f.object.kind}/${f.object.name}`).filter((x) => !STAND_INS.includes(x))).toEqual([]);
    expect(secret.every((f) => f.waived)).toBe(true);
    expect(reports.flatMap(blocking)).toEqual([]);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
