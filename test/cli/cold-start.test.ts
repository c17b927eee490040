import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * What a cold `libk8s synth` loads: only what the synth uses. The timings
 * are the benchmark's (`npm run bench`); this holds the module list, which
 * is what they follow from.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const FIXTURES = path.join(__dirname, 'fixtures', 'cold-start');

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-cold-start-')));
}

/** Runs the CLI in a fresh node process; returns its exit code, output and every module file it loaded (relative to the repository). */
function run(args: string[]) {
  const dir = tmp();
  const list = path.join(dir, 'modules.txt');
  const r = spawnSync(process.execPath, ['-r', path.join(FIXTURES, 'record-modules.js'), BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LIBK8S_MODULES_OUT: list },
  });
  const modules = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean).map((f) => path.relative(ROOT, f));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules, dir };
}

/** The CLI's own modules: those outside the program's tsx namespace. */
const own = (modules: string[]) => modules.filter((f) => !f.includes('?namespace='));

describe('libk8s synth of the quickstart', () => {
  let result: ReturnType<typeof run>;
  beforeAll(() => {
    const out = tmp();
    result = run(['synth', 'examples/shop/main.ts', '--out', out, '--quiet']);
  });

  test('synthesizes', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('loads no module of cdk8s-plus-27 (lib/core/kube.ts stands in for its classes) and no YAML parser', () => {
    expect(result.modules.filter((f) => f.includes('node_modules/cdk8s-plus-27/'))).toEqual([]);
    // neither libk8s's yaml (the YAML reader's) nor the copy cdk8s loads for Yaml.load/stringify
    expect(result.modules.filter((f) => /node_modules\/(cdk8s\/node_modules\/)?yaml\//.test(f))).toEqual([]);
    expect(result.modules.filter((f) => f.startsWith('lib/guardrails/manifests.ts'))).toEqual([]);
  });

  test('loads none of the other commands, the diff, the graph or Graphviz', () => {
    const others = result.modules.filter((f) => /^lib\/cli\/(check|diff|graph|init|capture)\.ts|^lib\/(diff|graph)\/|node_modules\/@hpcc-js\//.test(f));
    expect(others).toEqual([]);
  });

  test('the CLI itself loads no JSON or SARIF reporter and no guardrails rule (the program loads its own)', () => {
    const cli = own(result.modules).filter((f) => f.startsWith('lib/'));
    expect(cli.filter((f) => /reporters\/(json|sarif)\.ts$|^lib\/guardrails\/(packs|engine)/.test(f))).toEqual([]);
    expect(cli).toContain('lib/cli/synth.ts');
  });
});

test('libk8s synth --report x.sarif loads the SARIF reporter when it writes one', () => {
  const out = tmp();
  const report = path.join(out, 'findings.sarif');
  const r = run(['synth', 'examples/shop/main.ts', '--out', out, '--quiet', '--report', report]);
  expect(r.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(report, 'utf8')).version).toBe('2.1.0');
  expect(own(r.modules)).toContain('lib/guardrails/reporters/sarif.ts');
});

test('a program that uses cdk8s\'s Yaml functions gets the YAML parser on first use', () => {
  const out = tmp();
  const r = run(['synth', path.join(FIXTURES, 'uses-cdk8s-yaml.ts'), '--out', out, '--quiet', '--guardrails', 'off']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('cdk8s Yaml: ConfigMap, Secret');
  expect(r.modules.some((f) => f.includes('node_modules/cdk8s/node_modules/yaml/'))).toBe(true);
});
