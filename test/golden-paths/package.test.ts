import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The package as npm publishes it: `npm pack` (prepack builds), installed
 * from the tarball into empty projects offline (libk8s's dependencies come
 * from this machine's npm cache), then used the ways a consumer uses it.
 * One tarball, packed once, is shared by every test in this file.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const GOLDEN_PATHS = ['cron-job', 'queue-backed-app', 'web-service', 'worker'];

let stage: string;
let tarball: string;
let packed: string[];
let consumer: string;

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  // no npm_config_* of an outer `npm test` (its cwd, its prefix) leaks into the nested npm
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...env, NO_COLOR: '1' } });
}

function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** npm install of the tarball into `dir`, offline where the cache has everything. */
function installTarball(dir: string): number {
  const start = Date.now();
  ok(run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], dir));
  return Date.now() - start;
}

beforeAll(() => {
  stage = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-packed-'));
  const out = ok(run(NPM, ['pack', '--json', '--pack-destination', stage], ROOT));
  // prepack's tsc output comes first on stdout; the JSON report is the last array printed
  const report = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1));
  tarball = path.join(stage, report[0].filename);
  packed = (report[0].files as { path: string }[]).map((f) => f.path).sort();
  consumer = path.join(stage, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const ms = installTarball(consumer);
  if (ms > 90_000) console.warn(`installing the tarball took ${ms} ms`);
}, 480_000);

describe('the tarball', () => {
  test('holds build/, bin/, golden-paths/, README.md, CHANGELOG.md and package.json only', () => {
    const top = [...new Set(packed.map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p)))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'README.md', 'bin/', 'build/', 'golden-paths/', 'package.json']);
    // no tests, no sources: TypeScript only as declarations, and the golden paths' app programs
    expect(packed.filter((p) => /\.test\.|__snapshots__|(^|\/)test\//.test(p))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.startsWith('golden-paths/'))).toEqual([]);
    expect(packed).toContain('build/index.js');
    expect(packed).toContain('build/index.d.ts');
    expect(packed).toContain('build/cli/init.js');
  });

  test('every golden path is packed whole: CI workflow and gitignore included', () => {
    for (const p of GOLDEN_PATHS) {
      expect(packed.filter((f) => f.startsWith(`golden-paths/${p}/`)).map((f) => f.slice(`golden-paths/${p}/`.length)).sort()).toEqual([
        '.github/workflows/deploy.yml', 'README.md', 'gitignore', 'golden-path.json', 'infra/main.ts', 'package.json', 'renovate.json', 'tsconfig.json',
      ]);
    }
  });
});

describe('installed from the tarball', () => {
  test('CommonJS require() and ESM import() both load it', () => {
    expect(ok(run(process.execPath, ['-e', "const l = require('libk8s'); console.log(typeof l.App, typeof l.WebService)"], consumer)).trim()).toBe('function function');
    expect(ok(run(process.execPath, ['--input-type=module', '-e', "const l = await import('libk8s'); console.log(typeof l.default.App, typeof l.App)"], consumer)).trim()).toBe('function function');
    expect(ok(run(process.execPath, ['--input-type=module', '-e', "import { App, Queue } from 'libk8s'; console.log(typeof App, typeof Queue)"], consumer)).trim()).toBe('function function');
  });

  test.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('its types resolve with moduleResolution %s', (name, options) => {
    fs.writeFileSync(path.join(consumer, 'main.ts'), [
      "import { App, WebService, type WebServiceProps } from 'libk8s';",
      "const app = new App({ name: 'shop', team: 'commerce', environments: { prod: {} } });",
      "const props: WebServiceProps<'prod'> = { image: 'ghcr.io/acme/web:1.0.0', overrides: { prod: { replicas: 3 } } };",
      "new WebService(app, 'web', props);",
      // a wrong prop must fail: the types are really read, not `any`
      "// @ts-expect-error unknown environment",
      "new WebService(app, 'api', { image: 'ghcr.io/acme/api:1.0.0', overrides: { staging: {} } });",
      '',
    ].join('\n'));
    const config = path.join(consumer, `tsconfig.${name}.json`);
    // a Node project's types (the build's declarations import 'fs'); no skipLibCheck: libk8s's declarations are checked too
    const typeRoots = [path.join(ROOT, 'node_modules', '@types')];
    fs.writeFileSync(config, JSON.stringify({ compilerOptions: { ...options, target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots }, files: ['main.ts'] }));
    const r = run(process.execPath, [TSC, '-p', config], consumer);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('npx libk8s --help prints the usage', () => {
    const r = run('npx', ['--no', '--', 'libk8s', '--help'], consumer);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: libk8s <command>');
    expect(r.stdout).toContain('init PATH [dir]');
  });
});

describe.each(GOLDEN_PATHS)('the golden path %s, scaffolded by the installed libk8s init', (goldenPath) => {
  test('installs the tarball, type-checks, synthesizes and checks with zero findings', () => {
    const cli = path.join(consumer, 'node_modules', '.bin', 'libk8s');
    const app = path.join(stage, `app-${goldenPath}`);
    ok(run(cli, ['init', goldenPath, app, '--team', 'payments'], stage));
    installTarball(app);
    expect(JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).devDependencies.libk8s).toMatch(/^file:/);
    ok(run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'], app));
    const synth = run(path.join(app, 'node_modules', '.bin', 'libk8s'), ['synth'], app);
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(synth.stdout).toMatch(new RegExp(`^app-${goldenPath} staging: \\d+ objects`, 'm'));
    expect(synth.stdout).toMatch(new RegExp(`^app-${goldenPath} prod: \\d+ objects`, 'm'));
    const check = run(path.join(app, 'node_modules', '.bin', 'libk8s'), ['check', 'dist', '--format', 'json'], app);
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout).findings).toEqual([]);
  });
});

test('the scaffolds shared one tarball', () => {
  expect(execFileSync('ls', [stage], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.tgz'))).toHaveLength(1);
});
