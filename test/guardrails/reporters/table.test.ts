import { Finding, findingLocation, formatSummary, formatTable, Guardrails, Report, Rule, summarize, WebService } from 'libk8s';
import { writeTable } from '../../../lib/guardrails/reporters/table';
import { newApp } from '../../support/apps';
import { fileReport, testEngine } from './support';

describe('formatTable', () => {
  test('groups findings by file for check, one row per finding with its details, then the summary', () => {
    expect(formatTable(fileReport()).split('\n')).toEqual([
      'deploy/web.yaml',
      '  error    acme/min-replicas  Deployment/web    deploy/web.yaml:1      (polaris: acmeReplicas)',
      '           spec.replicas: runs 1 replica',
      '           fix: set spec.replicas to 2 or more.',
      '  warning  acme/cost-center   Deployment/web    deploy/web.yaml:1',
      '           metadata.labels: has no cost center',
      "           fix: add the label 'acme.dev/cost-center'.",
      '  info     acme/cluster-ip    Service/web       deploy/web.yaml:12',
      '           type is ClusterIP',
      '           fix: use a ClusterIP behind the Gateway.',
      '',
      'deploy/worker.yaml',
      '  waived   acme/min-replicas  Deployment/batch  deploy/worker.yaml:20  (polaris: acmeReplicas)',
      '           spec.replicas: runs 1 replica',
      '           fix: set spec.replicas to 2 or more.',
      '           waived error: a batch runner, one at a time',
      '',
      '1 error, 1 warning, 1 info, 1 waived; 5 objects checked; unchecked kinds: ConfigMap (1)',
    ]);
  });

  test('has no ANSI colour unless asked, and colours severities when asked', () => {
    const plain = formatTable(fileReport());
    const colored = formatTable(fileReport(), { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(colored).toContain('\x1b[1;31merror  \x1b[0m');
    expect(colored).toContain('\x1b[33mwarning\x1b[0m');
    expect(colored).toContain('\x1b[36minfo   \x1b[0m');
    expect(colored).toContain('\x1b[2mwaived \x1b[0m');
    // the same text once the colours are stripped
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[[\d;]*m/g, '')).toBe(plain);
  });

  test('without findings it prints only the summary', () => {
    const report = testEngine().check([{ manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { 'acme.dev/cost-center': 'x' } } }, origin: { file: 'a.yaml', line: 1 } }]);
    expect(formatTable(report)).toBe('0 errors, 0 warnings, 0 info, 0 waived; 1 object checked; unchecked kinds: Secret (1)');
    expect(formatTable([])).toBe('0 errors, 0 warnings, 0 info, 0 waived; 0 objects checked');
  });

  test('groups synth findings by construct and names the environments of a finding once', () => {
    const rule: Rule = {
      id: 'acme/deploy-note', pack: 'acme', severity: 'error', description: 'Every Deployment is noted.', fix: 'nothing.', kinds: ['Deployment'],
      check: () => [{ message: 'noted' }],
    };
    const app = newApp({ platform: { guardrails: { packs: [], rules: [rule] } } });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' });
    new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0' }).waive('acme/deploy-note', 'the API is noted elsewhere');
    const reports = app.check(app.render());
    const at = (construct: string) => findingLocation(reports[0].findings.find((f) => f.origin.construct?.id === construct)!);
    expect(at('storefront')).toMatch(/^test\/guardrails\/reporters\/table\.test\.ts:\d+$/);
    expect(formatTable(reports).split('\n')).toEqual([
      'shop/api (WebService)',
      `  waived  acme/deploy-note  Deployment/api         dev,prod  ${at('api')}`,
      '          noted',
      '          fix: nothing.',
      '          waived error: the API is noted elsewhere',
      '',
      'shop/storefront (WebService)',
      `  error   acme/deploy-note  Deployment/storefront  dev,prod  ${at('storefront')}`,
      '          noted',
      '          fix: nothing.',
      '',
      // packs: [] drops every built-in pack without a reason: listed, like the waivers, before the summary
      'guardrails policy (lowered severities and dropped packs)',
      expect.stringMatching(/^ {2}dropped {2}pack pss-baseline dropped \(\d+ rules off\): needs a reason \(packs\)$/),
      expect.stringMatching(/^ {2}dropped {2}pack pss-restricted dropped/),
      expect.stringMatching(/^ {2}dropped {2}pack production dropped/),
      expect.stringMatching(/^ {2}dropped {2}pack ownership dropped/),
      '',
      formatSummary(summarize(reports)),
    ]);
    expect(formatSummary(summarize(reports))).toMatch(/^2 errors, 0 warnings, 0 info, 2 waived; \d+ objects checked; unchecked kinds: .*\bService \(4\)/);
  });
});

describe('formatTable at scale', () => {
  /** A `libk8s check` report of `objects` Deployments in one file, `perObject` error findings each (built directly: no engine). */
  function bigReport(objects: number, perObject: number): Report {
    const findings: Finding[] = [];
    for (let i = 0; i < objects; i++) {
      const origin = { file: 'all.yaml', line: 1 + 30 * i };
      for (let k = 0; k < perObject; k++) {
        findings.push({
          rule: `acme/rule-${k}`, pack: 'acme', severity: 'error', aliases: { polaris: `acmeRule${k}` },
          message: `breaks rule ${k}`, fix: 'fix it.', field: 'spec.template.spec',
          object: { apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${i}`, namespace: 'shop' }, origin,
        });
      }
    }
    return { findings, unchecked: [], objects };
  }

  test('40,000 objects with 5 findings each (200,000 rows in one file) format without overflowing the stack, in seconds', () => {
    const report = bigReport(40_000, 5);
    const start = Date.now();
    const lines = formatTable(report).split('\n');
    // the quadratic table took 49 s at 20k objects and threw RangeError (Math.max(...rows)) at 40k
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(lines.length).toBe(1 + 200_000 * 3 + 2);
    expect(lines[0]).toBe('all.yaml');
    expect(lines[1]).toBe('  error  acme/rule-0  Deployment/app-0      all.yaml:1        (polaris: acmeRule0)');
    expect(lines[2]).toBe('         spec.template.spec: breaks rule 0');
    // rows in line order: the last object's last finding comes last
    expect(lines[lines.length - 5]).toBe('  error  acme/rule-4  Deployment/app-39999  all.yaml:1199971  (polaris: acmeRule4)');
    expect(lines[lines.length - 2]).toBe('');
    expect(lines[lines.length - 1]).toBe('200000 errors, 0 warnings, 0 info, 0 waived; 40000 objects checked');
  });

  test('the same finding in many environments is one row, and writeTable writes the same text in blocks of lines', () => {
    const one = bigReport(2_000, 2);
    const envs = ['dev', 'staging', 'prod'].map((environment): Report => ({
      ...one, findings: one.findings.map((f) => ({ ...f, origin: { ...f.origin, environment } })),
    }));
    const text = formatTable(envs);
    const lines = text.split('\n');
    expect(lines.length).toBe(1 + 4_000 * 3 + 2);
    expect(lines[1]).toBe('  error  acme/rule-0  Deployment/app-0     dev,staging,prod  all.yaml:1      (polaris: acmeRule0)');
    for (const [report, size] of [[envs, 1000], [fileReport(), 1], [fileReport(), 4], [[] as Report[], 7]] as const) {
      const blocks: string[] = [];
      writeTable(report, (b) => blocks.push(b), { color: true }, size);
      expect(blocks.every((b) => b.split('\n').length <= size)).toBe(true);
      expect(blocks.join('\n')).toBe(formatTable(report, { color: true }));
    }
  });
});

describe('summarize', () => {
  test('sums objects and unchecked kinds over reports, and counts waived findings apart', () => {
    const a: Report = { findings: fileReport().findings, unchecked: [{ kind: 'Service', count: 1 }, { kind: 'ConfigMap', count: 2 }], objects: 4 };
    const b: Report = { findings: [], unchecked: [{ kind: 'ConfigMap', count: 1 }], objects: 3 };
    expect(summarize([a, b])).toEqual({
      errors: 1, warnings: 1, info: 1, waived: 1, objects: 7,
      unchecked: [{ kind: 'ConfigMap', count: 3 }, { kind: 'Service', count: 1 }],
    });
    expect(formatSummary(summarize([a, b]))).toBe('1 error, 1 warning, 1 info, 1 waived; 7 objects checked; unchecked kinds: ConfigMap (3), Service (1)');
  });

  test('a rule severity set by the platform is the one reported', () => {
    const engine = new Guardrails({ packs: [], rules: testEngine().known, severities: { 'acme/cost-center': 'error' } }, []);
    const report = engine.check([{ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, origin: { file: 'c.yaml', line: 1 } }]);
    expect(formatTable(report).split('\n')[1]).toBe('  error  acme/cost-center  ConfigMap/c  c.yaml:1');
  });
});
