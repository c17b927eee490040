import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  Cdk8sValidationContext, Cdk8sValidationReport, Cdk8sValidationViolation, GuardrailsProps, Libk8sError, Libk8sValidation, UNREADABLE_MANIFEST_RULE,
} from 'libk8s';
import type {
  Validation, ValidationConfig, ValidationContext, ValidationReport, ValidationReportStatus, ValidationViolation,
} from '../fixtures/cdk8s-cli-validation';
import { TEST_RULES } from './reporters/support';

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(__dirname, '..', 'fixtures', 'cdk8s-plugin');
const SHOP = path.join(DIR, 'shop.yaml');
const CONFIG = path.join(DIR, 'config.yaml');
const GOOD = path.join(DIR, 'good.yaml');

/** The tests' own rules instead of the built-in packs, so the findings are fixed. */
const OWN_RULES: GuardrailsProps = { packs: [], rules: TEST_RULES };

interface Submitted {
  readonly status: ValidationReportStatus;
  readonly metadata?: { readonly [key: string]: string };
}

/**
 * A stand-in for cdk8s-cli's ValidationContext that records what the plugin
 * does. Its members are typed with cdk8s-cli's own shapes
 * (fixtures/cdk8s-cli-validation.d.ts), and, like the real report, it
 * refuses violations after `submit`.
 */
function fakeContext(manifests: readonly string[]) {
  const violations: ValidationViolation[] = [];
  const logs: string[] = [];
  let submitted: Submitted | undefined;
  const report: Pick<ValidationReport, 'addViolation' | 'submit'> = {
    addViolation(v: ValidationViolation) {
      if (submitted) throw new Error('Violations cannot be added to report after its submitted');
      violations.push(v);
    },
    submit(status: ValidationReportStatus, metadata?: { readonly [key: string]: string }) {
      submitted = { status, metadata };
    },
  };
  const context: Pick<ValidationContext, 'manifests' | 'logger'> & { report: typeof report } = { manifests, report, logger: { log: (m: string) => logs.push(m) } };
  return { context, violations, logs, submitted: () => submitted };
}

async function validate(props: GuardrailsProps, manifests: readonly string[]) {
  const fake = fakeContext(manifests);
  await new Libk8sValidation(props).validate(fake.context);
  return { violations: fake.violations, logs: fake.logs, submitted: fake.submitted() };
}

/** rule → resource → locations, the parts of a violation the tests compare in one go. */
function digest(violations: readonly ValidationViolation[]) {
  return violations.map((v) => ({
    rule: v.ruleName,
    resources: v.violatingResources.map((r) => ({ name: r.resourceName, manifest: path.relative(DIR, r.manifestPath), locations: r.locations })),
  }));
}

describe('the cdk8s validation plugin: the report', () => {
  test('one violation per rule, errors first, with every resource, its manifest, line and field; unwaived errors fail', async () => {
    const r = await validate(OWN_RULES, [SHOP, CONFIG]);
    expect(digest(r.violations)).toEqual([
      {
        rule: 'acme/min-replicas',
        resources: [
          { name: 'batch', manifest: 'shop.yaml', locations: ['line 23 (Deployment) in namespace shop: spec.replicas: runs 1 replica'] },
          { name: 'web', manifest: 'shop.yaml', locations: ['line 3 (Deployment) in namespace shop: spec.replicas: runs 1 replica'] },
        ],
      },
      {
        rule: 'acme/cost-center',
        resources: [
          { name: 'settings', manifest: 'config.yaml', locations: ['line 1 (ConfigMap) in namespace shop: metadata.labels: has no cost center'] },
          { name: 'web', manifest: 'shop.yaml', locations: ['line 3 (Deployment) in namespace shop: metadata.labels: has no cost center'] },
        ],
      },
      {
        rule: 'acme/cluster-ip',
        // the finding's own fix differs from the rule's, so it is kept with the location
        resources: [{ name: 'web', manifest: 'shop.yaml', locations: ['line 12 (Service) in namespace shop: type is NodePort (fix: use a ClusterIP behind the Gateway.)'] }],
      },
    ]);
    expect(r.violations[0]).toMatchObject({
      ruleName: 'acme/min-replicas',
      recommendation: '[error] Deployments run at least two replicas.',
      fix: 'set spec.replicas to 2 or more.',
    });
    expect(r.violations[1].recommendation).toBe('[warning] Every object names its cost center.');
    expect(r.violations[2]).toMatchObject({ recommendation: '[info] Services are reported with their type.', fix: 'nothing to do.' });
    // manifest paths are passed through as cdk8s gave them
    expect(r.violations[0].violatingResources[0].manifestPath).toBe(SHOP);
    expect(r.submitted).toEqual({
      status: 'failure',
      metadata: { Guardrails: '2 errors, 2 warnings, 1 info, 0 waived; 4 objects checked; unchecked kinds: ConfigMap (1)' },
    });
    expect(r.logs).toEqual(['libk8s guardrails: no enabled rule checks these kinds: ConfigMap (1)']);
  });

  test('several findings of one rule on one object are one resource with several locations', async () => {
    const twoFields = [{
      id: 'acme/two', pack: 'acme', severity: 'warning' as const, description: 'Two findings.', fix: 'fix both.', kinds: ['Deployment'],
      check: () => [{ message: 'first', field: 'a' }, { message: 'second', field: 'b' }],
    }];
    const r = await validate({ packs: [], rules: twoFields }, [SHOP]);
    expect(digest(r.violations)).toEqual([{
      rule: 'acme/two',
      resources: [
        { name: 'batch', manifest: 'shop.yaml', locations: ['line 23 (Deployment) in namespace shop: a: first', 'line 23 (Deployment) in namespace shop: b: second'] },
        { name: 'web', manifest: 'shop.yaml', locations: ['line 3 (Deployment) in namespace shop: a: first', 'line 3 (Deployment) in namespace shop: b: second'] },
      ],
    }]);
    expect(r.submitted?.status).toBe('success');
  });

  test('clean manifests: no violation, success', async () => {
    const r = await validate(OWN_RULES, [GOOD]);
    expect(r.violations).toEqual([]);
    expect(r.submitted).toEqual({ status: 'success', metadata: { Guardrails: '0 errors, 0 warnings, 0 info, 0 waived; 2 objects checked; unchecked kinds: ConfigMap (1)' } });
    expect(r.logs).toEqual(['libk8s guardrails: no enabled rule checks these kinds: ConfigMap (1)']);
  });

  test('warnings and info alone are reported but pass', async () => {
    const r = await validate({ ...OWN_RULES, severities: { 'acme/min-replicas': 'warning' } }, [SHOP, CONFIG]);
    expect(r.violations.map((v) => v.ruleName)).toEqual(['acme/cost-center', 'acme/min-replicas', 'acme/cluster-ip']);
    expect(r.violations[1].recommendation).toBe('[warning] Deployments run at least two replicas.');
    expect(r.submitted?.status).toBe('success');
  });

  test('no manifests: nothing checked, success', async () => {
    const r = await validate(OWN_RULES, []);
    expect(r.violations).toEqual([]);
    expect(r.submitted).toEqual({ status: 'success', metadata: { Guardrails: '0 errors, 0 warnings, 0 info, 0 waived; 0 objects checked' } });
  });
});

describe('the cdk8s validation plugin: waivers from the properties', () => {
  test('a waived finding is no violation, and is logged with its reason', async () => {
    const r = await validate({ ...OWN_RULES, waivers: [{ rule: 'acmeReplicas', kind: 'Deployment', name: 'batch', reason: 'a batch runner, one at a time' }] }, [SHOP, CONFIG]);
    expect(digest(r.violations)[0]).toEqual({
      rule: 'acme/min-replicas',
      resources: [{ name: 'web', manifest: 'shop.yaml', locations: ['line 3 (Deployment) in namespace shop: spec.replicas: runs 1 replica'] }],
    });
    expect(r.logs).toContain(`libk8s guardrails: waived error acme/min-replicas at ${SHOP}:23: Deployment 'batch' spec.replicas: runs 1 replica (waiver: a batch runner, one at a time)`);
    expect(r.submitted?.status).toBe('failure');
    expect(r.submitted?.metadata?.Guardrails).toBe('1 error, 2 warnings, 1 info, 1 waived; 4 objects checked; unchecked kinds: ConfigMap (1)');
  });

  test('once every error is waived, the report succeeds and lists the rest', async () => {
    const r = await validate({ ...OWN_RULES, waivers: [{ rule: 'acme/min-replicas', reason: 'replicas are set by the deploy tool' }] }, [SHOP, CONFIG]);
    expect(r.violations.map((v) => v.ruleName)).toEqual(['acme/cost-center', 'acme/cluster-ip']);
    expect(r.logs.filter((l) => l.includes('waived'))).toHaveLength(2);
    expect(r.submitted?.status).toBe('success');
  });
});

describe('the cdk8s validation plugin: manifests that cannot be checked', () => {
  test('malformed YAML, documents that are no object and missing files fail the report, with file and line', async () => {
    const missing = path.join(DIR, 'missing.yaml');
    const r = await validate(OWN_RULES, [path.join(DIR, 'malformed.yaml'), missing]);
    const last = r.violations[r.violations.length - 1];
    expect(last.ruleName).toBe(UNREADABLE_MANIFEST_RULE);
    expect(last.recommendation).toMatch(/^\[error\] /);
    expect(last.violatingResources.map((v) => v.manifestPath)).toEqual([path.join(DIR, 'malformed.yaml'), missing]);
    const [malformed, gone] = last.violatingResources.map((v) => v.locations);
    expect(malformed).toHaveLength(2);
    expect(malformed[0]).toMatch(/^line 6: the document is not a Kubernetes object .* but a sequence$/);
    expect(malformed[1]).toMatch(/^line \d+, column \d+: malformed YAML: /);
    expect(gone).toEqual([expect.stringMatching(/^cannot be read: ENOENT/)]);
    // the readable document was still checked
    expect(r.violations.map((v) => v.ruleName)).toEqual(['acme/cost-center', UNREADABLE_MANIFEST_RULE]);
    expect(r.submitted?.status).toBe('failure');
    expect(r.submitted?.metadata?.['Unreadable manifests']).toBe('2');
  });
});

describe('the cdk8s validation plugin: the built-in packs', () => {
  test('pss-restricted on a root pod: failure, with the PSS rules and the pod\'s line', async () => {
    const r = await validate({ packs: ['pss-restricted'] }, [path.join(DIR, 'pod-root.yaml')]);
    const rules = r.violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['pss-restricted-run-as-non-root', 'pss-restricted-seccomp', 'pss-restricted-capabilities', 'pss-restricted-privilege-escalation']));
    for (const v of r.violations) {
      expect(v.violatingResources).toEqual([expect.objectContaining({ resourceName: 'shell', manifestPath: path.join(DIR, 'pod-root.yaml') })]);
      for (const l of v.violatingResources[0].locations) expect(l).toMatch(/^line 2 \(Pod\) in namespace tools: /);
    }
    expect(r.submitted?.status).toBe('failure');
  });

  test('pss-restricted on the same pod done right: success', async () => {
    const r = await validate({ packs: ['pss-restricted'] }, [path.join(DIR, 'pod-nonroot.yaml')]);
    expect(r.violations).toEqual([]);
    expect(r.submitted?.status).toBe('success');
  });

  test('no properties at all: every built-in pack', async () => {
    const r = await validate({}, [path.join(DIR, 'pod-root.yaml')]);
    expect(r.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['pss-restricted-run-as-non-root', 'required-labels']));
  });
});

describe('the cdk8s validation plugin: properties from cdk8s.yaml', () => {
  const problems = (props: unknown): string => {
    try {
      new Libk8sValidation(props as GuardrailsProps);
    } catch (e) {
      expect(e).toBeInstanceOf(Libk8sError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  test('typos, wrong shapes and waivers that could never apply are refused when cdk8s creates the plugin', () => {
    const message = problems({ pack: ['production'], severities: { 'image-tag': 'fatal' }, waivers: [{ rule: 'image-tag', reason: 'r', construct: 'web' }], options: 'x' });
    expect(message).toMatch(/^libk8s cdk8s validation plugin: the properties in cdk8s.yaml have 4 problems:/);
    expect(message).toContain("'pack' is not a guardrails property");
    expect(message).toContain('\'severities.image-tag\' "fatal" is not a severity');
    expect(message).toContain("'waivers[0].construct' a manifest written by cdk8s has no libk8s construct");
    expect(message).toContain("'options' must be a mapping");
  });

  test('the engine\'s own checks apply: unknown packs, rules, waivers without a reason', () => {
    const message = problems({ packs: ['pss-strict'], waivers: [{ rule: 'image-tag', reason: ' ' }] });
    expect(message).toContain('"pss-strict" is not a built-in pack');
    expect(message).toContain('waives "image-tag" without a reason');
  });

  test('options must name a rule', () => {
    expect(problems({ options: { 'required-label': { labels: ['team'] } } })).toContain("'options.required-label' names no rule");
  });

  test('the cdk8s.yaml snippet in the class documentation is valid', () => {
    const source = fs.readFileSync(path.join(ROOT, 'lib', 'guardrails', 'cdk8s-plugin.ts'), 'utf8');
    const block = /```yaml\n([\s\S]*?)\n\s*\* ```/.exec(source)![1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
    const entry = (YAML.parse(block).validations as ValidationConfig[])[0];
    expect(entry).toMatchObject({ package: 'libk8s', class: 'Libk8sValidation' });
    expect(entry.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(() => new Libk8sValidation(entry.properties)).not.toThrow();
  });

  test('options reach the rule', async () => {
    const r = await validate({ packs: ['ownership'], options: { 'required-labels': { labels: ['team'] } } }, [CONFIG]);
    expect(digest(r.violations)).toEqual([{
      rule: 'required-labels',
      resources: [{ name: 'settings', manifest: 'config.yaml', locations: [expect.stringMatching(/^line 1 \(ConfigMap\) in namespace shop: metadata\.labels(\.team|\["team"\]): /)] }],
    }]);
  });
});

describe('the cdk8s validation plugin: compatibility with cdk8s-cli 2.207.60', () => {
  test('type level: the plugin fits cdk8s-cli\'s contract (checked by tsc over test/)', () => {
    // what cdk8s casts the instance to
    const plugin = new Libk8sValidation({}) satisfies Validation;
    // method parameters are bivariant, so check each direction that matters explicitly:
    // cdk8s's context is what validate() expects…
    const contextFits = (c: ValidationContext): Cdk8sValidationContext => c;
    // …the violations and statuses the plugin submits are what cdk8s's report accepts…
    const violationFits = (v: Cdk8sValidationViolation): ValidationViolation => v;
    const statusFits = (s: Parameters<Cdk8sValidationReport['submit']>[0]): ValidationReportStatus => s;
    // …and cdk8s's untyped `properties` (or `{}`) construct it.
    const constructs = (c: ValidationConfig) => new Libk8sValidation(c.properties ?? {});
    expect([contextFits, violationFits, statusFits, constructs].every((f) => typeof f === 'function')).toBe(true);
    expect(typeof plugin.validate).toBe('function');
  });

  /**
   * The published package as cdk8s-cli installs it (`npm install libk8s@0.1.0
   * --prefix <pluginsDir>/libk8s/0.1.0`), loaded the way its PluginManager
   * does: `require(require.resolve(<dir>))`, which follows package.json
   * `main`, then the class by name, `new` with the properties.
   */
  test('loads from the published layout by package main and class name, and validates', () => {
    const plugins = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-cdk8s-plugins-'));
    try {
      const prefix = path.join(plugins, 'libk8s', '0.1.0', 'node_modules');
      const pkgDir = path.join(prefix, 'libk8s');
      fs.mkdirSync(pkgDir, { recursive: true });
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkgDir, 'build')]);
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkgDir, 'package.json'));
      for (const dep of Object.keys(pkg.dependencies)) {
        fs.mkdirSync(path.dirname(path.join(prefix, dep)), { recursive: true });
        fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(prefix, dep));
      }

      const script = `
        const [dir, cls, props, manifest] = process.argv.slice(1);
        const mod = require(require.resolve(dir));
        const clazz = mod[cls];
        if (!clazz) throw new Error('no class ' + cls);
        const plugin = new clazz(JSON.parse(props));
        if (typeof plugin.validate !== 'function') throw new Error('not a validation plugin');
        const out = { violations: [], logs: [] };
        const context = {
          manifests: [manifest], pkg: 'libk8s', version: '0.1.0', metadata: {},
          report: { addViolation: (v) => out.violations.push(v), submit: (status, metadata) => { out.status = status; out.metadata = metadata; } },
          logger: { log: (m) => out.logs.push(m) },
        };
        plugin.validate(context).then(() => console.log(JSON.stringify(out)));`;
      const props = JSON.stringify({ packs: ['pss-restricted'], waivers: [{ rule: 'pss-restricted-seccomp', kind: 'Pod', name: 'shell', reason: 'the node enforces a profile' }] });
      const r = spawnSync(process.execPath, ['-e', script, pkgDir, 'Libk8sValidation', props, path.join(DIR, 'pod-root.yaml')], { cwd: plugins, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.status).toBe('failure');
      expect(out.violations.map((v: ValidationViolation) => v.ruleName)).toContain('pss-restricted-run-as-non-root');
      expect(out.violations.map((v: ValidationViolation) => v.ruleName)).not.toContain('pss-restricted-seccomp');
      expect(out.logs).toEqual([expect.stringContaining('waived error pss-restricted-seccomp')]);
    } finally {
      fs.rmSync(plugins, { recursive: true, force: true });
    }
  }, 120_000);
});
