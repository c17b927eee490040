import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../../lib/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const PROGRAM = path.join(__dirname, 'fixtures', 'guarded.ts');
const AT = 'test/cli/fixtures/guarded.ts';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-synth-'));
}

/** `libk8s synth` of guarded.ts (the platform's own rules only) in a fresh node process. */
function synth(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'synth', PROGRAM, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The line of `new WebService(app, '<id>'` in the program. */
function lineOf(id: string): number {
  return fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((l) => l.startsWith(`new WebService(app, '${id}'`)) + 1;
}

describe('libk8s synth reports its guardrails findings', () => {
  test('a refused synth prints the table of findings (--verbose: each waived one too), exits 1 and writes nothing', () => {
    const out = tmp();
    const r = synth(['--out', out, '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'libk8s synth: guardrails: 2 errors (nothing was written):',
      '',
      'shop/api (WebService)',
      `  waived   acme/deploy-note   Deployment/api         dev,prod  ${AT}:${lineOf('api')}  (polaris: acmeDeployNote)`,
      '           metadata.annotations: is not noted',
      '           fix: note it in the runbook.',
      '           waived error: the API is noted in its own repository',
      `  warning  acme/service-note  Service/api            dev,prod  ${AT}:${lineOf('api')}`,
    ]);
    expect(lines).toContain(`  error    acme/deploy-note   Deployment/storefront  dev,prod  ${AT}:${lineOf('storefront')}  (polaris: acmeDeployNote)`);
    expect(lines).toContain('2 errors, 4 warnings, 0 info, 2 waived; 20 objects checked; unchecked kinds: NetworkPolicy (4), PodDisruptionBudget (4), ServiceAccount (4)');
    expect(lines.slice(-2)).toEqual([
      "Fix the program, or waive a rule with a reason: construct.waive('<rule>', '<why>').",
      'Nothing was written; the previous output is unchanged.',
    ]);
    expect(r.stderr).not.toContain('\x1b[');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('after a successful write, warnings and waived findings go to stderr as a table; the summary stays on stdout', () => {
    const out = tmp();
    const r = synth(['--out', out], { GUARDED_DEPLOY_NOTE: 'warning' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^shop dev: 10 objects/);
    const lines = r.stderr.trimEnd().split('\n');
    // by default a waived finding is one line per rule, after the rows
    expect(lines[0]).toBe('shop/api (WebService)');
    expect(lines).toContain(`  warning  acme/deploy-note   Deployment/storefront  dev,prod  ${AT}:${lineOf('storefront')}  (polaris: acmeDeployNote)`);
    expect(lines).not.toContain('           waived warning: the API is noted in its own repository');
    const at = lines.indexOf('Waived: 2 findings of 1 rule');
    expect(lines.slice(at, at + 4)).toEqual([
      'Waived: 2 findings of 1 rule',
      '  waived  acme/deploy-note  2 findings  "the API is noted in its own repository"',
      'libk8s synth --verbose lists each waived finding.',
      '',
    ]);
    expect(lines[lines.length - 1]).toMatch(/^0 errors, 6 warnings, 0 info, 2 waived; 20 objects checked/);
    expect(fs.existsSync(path.join(out, 'prod', 'shop', 'storefront.yaml'))).toBe(true);
  });

  test('--guardrails warn writes despite errors and reports them', () => {
    const r = synth(['--out', tmp(), '--guardrails', 'warn']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`  error    acme/deploy-note   Deployment/storefront  dev,prod  ${AT}:${lineOf('storefront')}`);
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/^2 errors, 4 warnings, 0 info, 2 waived;/);
  });

  test('--quiet prints no findings on success', () => {
    const r = synth(['--out', tmp(), '--quiet'], { GUARDED_DEPLOY_NOTE: 'warning' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  test('--report FILE.sarif writes a valid SARIF log, also when the synth is refused', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')));
    const report = path.join(tmp(), 'guardrails.sarif');
    const r = synth(['--out', tmp(), '--report', report]);
    expect(r.code).toBe(1);
    const log = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(validate(log)).toBe(true);
    const results = log.runs[0].results;
    expect(results).toHaveLength(8);
    const storefront = results.find((x: any) => x.ruleId === 'acme/deploy-note' && !x.suppressions);
    expect(storefront).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: AT }, region: { startLine: lineOf('storefront') } } }],
    });
    const waived = results.filter((x: any) => x.suppressions);
    expect(waived).toHaveLength(2);
    expect(waived[0].suppressions).toEqual([{ kind: 'inSource', justification: 'the API is noted in its own repository' }]);
  });

  test('--report FILE.json writes the JSON report; --format overrides the extension', () => {
    const dir = tmp();
    expect(synth(['--out', tmp(), '--report', path.join(dir, 'r.json')], { GUARDED_DEPLOY_NOTE: 'warning' }).code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(json).toMatchObject({ version: 1, ok: true, summary: { errors: 0, warnings: 6, info: 0, waived: 2, objects: 20 } });
    expect(synth(['--out', tmp(), '--report', path.join(dir, 'r.txt'), '--format', 'table'], { GUARDED_DEPLOY_NOTE: 'warning' }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'r.txt'), 'utf8')).toContain('shop/storefront (WebService)');
  });

  test('--format without --report, or an unknown format, is a usage error', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (s: string) => err.push(s), cwd: ROOT };
    expect(await main(['synth', PROGRAM, '--format', 'sarif'], io)).toBe(2);
    expect(err.join('\n')).toContain('libk8s synth: --format needs --report FILE (synth prints its findings as a table).');
    expect(await main(['synth', PROGRAM, '--report', 'x', '--format', 'xml'], io)).toBe(2);
    expect(err.join('\n')).toContain('libk8s synth: --format takes table, json or sarif, not "xml".');
  });
});
