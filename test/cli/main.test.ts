import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const FIXTURES = path.join(__dirname, 'fixtures');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-cli-'));
}

/** Runs the real CLI as a user would: a fresh node process. */
function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: ROOT });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('usage', () => {
  test('no command prints the usage and exits 2', async () => {
    const r = await inProcess([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: libk8s <command>');
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await inProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('synth [entry]');
  });

  test('every command takes --help: synth, check, diff and graph print their usage and exit 0', async () => {
    for (const command of ['synth', 'check', 'diff', 'graph']) {
      const r = await inProcess([command, '--help']);
      expect({ command, code: r.code }).toEqual({ command, code: 0 });
      expect(r.stdout).toMatch(/Usage: libk8s/);
    }
    expect((await inProcess(['diff', '--help'])).stdout).toContain('Exit codes: 0 no change, 3 changes, 1 error, 2 usage.');
  });

  test('--version prints the package version', async () => {
    const r = await inProcess(['--version']);
    expect(r.stdout).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('an unknown command exits 2 and names it', async () => {
    const r = await inProcess(['deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("libk8s: unknown command 'deploy'.");
  });

  test('an unknown option exits 2 and names it', async () => {
    const r = await inProcess(['synth', '--fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s synth: unknown option --fast.');
  });

  test('an option without its value exits 2', async () => {
    const r = await inProcess(['synth', '--out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s synth: --out needs a value.');
  });

  test('a missing entry file exits 2 and says how to fix it', async () => {
    const r = await inProcess(['synth', 'nowhere/main.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s synth: no program at nowhere/main.ts.');
  });
});

describe('synth', () => {
  test('writes every environment and prints one summary line per environment', () => {
    const out = tmp();
    const r = cli(['synth', path.join(FIXTURES, 'valid.ts'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // the default layout: one multi-document file per construct, and the kustomization
    expect(lines[0]).toMatch(/^shop dev: 6 objects, 2 files, [\d.]+ KiB -> .*dev\/shop \(\d+ ms\)$/);
    expect(lines[1]).toMatch(/^shop prod: 6 objects, 2 files, [\d.]+ KiB -> .*prod\/shop \(\d+ ms\)$/);
    expect(lines[2]).toMatch(/^synthesized in \d+\.\d\d s$/);
    expect(fs.readdirSync(path.join(out, 'dev', 'shop')).sort()).toEqual(['kustomization.yaml', 'storefront.yaml']);
    const kinds = fs.readFileSync(path.join(out, 'prod/shop/storefront.yaml'), 'utf8').match(/^kind: \w+$/gm);
    expect(kinds).toEqual(expect.arrayContaining(['kind: Deployment', 'kind: Service', 'kind: HTTPRoute']));
    expect(kinds).toHaveLength(6);
  });

  test('--env limits the output to the named environments', () => {
    const out = tmp();
    const r = cli(['synth', path.join(FIXTURES, 'valid.ts'), '--out', out, '--env', 'prod']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual(['prod']);
  });

  test('an invalid program exits 1, lists every problem and writes nothing', () => {
    const out = tmp();
    const r = cli(['synth', path.join(FIXTURES, 'invalid.ts'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('libk8s found 4 problems:');
    expect(r.stderr).toContain("WebService 'storefront' (shop/storefront): 'image' \"ghcr.io/acme/storefront:latest\" uses the mutable tag \"latest\".");
    expect(r.stderr).toContain("WebService 'storefront' (shop/storefront): 'port' 70000 is out of range 1-65535.");
    expect(r.stderr).toContain("WebService 'Catalog' (shop/Catalog): 'id' \"Catalog\" is not a DNS-1123 label");
    expect(r.stderr).toContain("WebService 'Catalog' (shop/Catalog): 'env.DB_PASSWORD' is a literal value for a name that looks secret");
    expect(r.stderr).toContain('Nothing was written; the previous output is unchanged.');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a program that throws exits 1 with its stack', () => {
    const r = cli(['synth', path.join(FIXTURES, 'throws.ts'), '--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom from the user program');
    expect(r.stderr).toContain('throws.ts');
  });

  test('a program that never calls app.synth() exits 1 and says so', () => {
    const r = cli(['synth', path.join(FIXTURES, 'no-synth.ts'), '--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('never called app.synth()');
  });

  test('the default entry is infra/main.ts in the working directory', () => {
    const project = tmp();
    fs.mkdirSync(path.join(project, 'infra'));
    fs.copyFileSync(path.join(FIXTURES, 'valid.ts'), path.join(project, 'infra', 'main.ts'));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { libk8s: [path.join(ROOT, 'lib', 'index.ts')] } } }));
    const r = cli(['synth'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(project, 'dist/prod/shop/storefront.yaml'))).toBe(true);
  });
});

describe('synth --layout', () => {
  test('object writes one file per object, listed in the kustomization', () => {
    const out = tmp();
    const r = cli(['synth', path.join(FIXTURES, 'valid.ts'), '--out', out, '--layout', 'object']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('shop prod: 6 objects, 7 files');
    expect(fs.readdirSync(path.join(out, 'prod', 'shop')).sort()).toEqual(['kustomization.yaml', 'storefront']);
    expect(fs.existsSync(path.join(out, 'dev/shop/storefront/deployment.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'prod/shop/storefront/httproute.yaml'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'prod/shop/kustomization.yaml'), 'utf8')).toContain('  - storefront/deployment.yaml\n');
  });

  test('an unknown layout is a usage error', async () => {
    const r = await inProcess(['synth', '--layout', 'flat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s synth: --layout takes object or construct, not "flat".');
  });
});
