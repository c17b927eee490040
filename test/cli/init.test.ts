import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/main';
import { fill } from '../../lib/cli/init';
import { stringify } from 'yaml';
import { readObject } from '../support/layout';

const ROOT = path.resolve(__dirname, '..', '..');
const PLATFORM = path.join(ROOT, 'examples', 'platform-team');
const GOLDEN_PATHS = ['cron-job', 'queue-backed-app', 'web-service', 'worker'];

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-init-'));
}

async function init(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['init', ...args], { out: (s) => out.push(s), err: (s) => err.push(s), cwd });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('libk8s init', () => {
  test('happy path: copies the golden path, fills every placeholder, prints the next steps', async () => {
    const cwd = tmp();
    const r = await init(['web-service', 'checkout', '--team', 'payments'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = path.join(cwd, 'checkout');
    expect(files(dir)).toEqual(['.github/workflows/deploy.yml', '.gitignore', 'README.md', 'infra/main.ts', 'package.json', 'renovate.json', 'tsconfig.json']);
    for (const f of files(dir)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toMatch(/(?<!\$)\{\{/);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('checkout');
    expect(pkg.devDependencies).toEqual({ libk8s: `^${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`, typescript: '~5.9' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'renovate.json'), 'utf8')).packageRules[0].matchPackageNames).toEqual(['libk8s']);
    const main = fs.readFileSync(path.join(dir, 'infra', 'main.ts'), 'utf8');
    expect(main).toContain("name: 'checkout',");
    expect(main).toContain("team: 'payments',");
    // GitHub Actions expressions are not placeholders
    expect(fs.readFileSync(path.join(dir, '.github/workflows/deploy.yml'), 'utf8')).toContain('${{ github.token }}');
    expect(r.stdout).toContain('Created checkout (team payments) from the golden path web-service in checkout: 7 files.');
    expect(r.stdout).toContain('Next steps:\n  cd checkout\n  npm install\n  npx libk8s synth');
  });

  test('the name defaults to the directory, the directory to the name', async () => {
    const cwd = tmp();
    expect((await init(['worker', '--name', 'mailer'], cwd)).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'mailer', 'package.json'), 'utf8')).name).toBe('mailer');
    expect((await init(['cron-job', 'jobs/nightly'], cwd)).code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'jobs', 'nightly', 'infra', 'main.ts'), 'utf8')).toContain("new CronTask(app, 'nightly', {");
  });

  test('an empty existing directory is fine; a non-empty one is refused and left as it was', async () => {
    const cwd = tmp();
    fs.mkdirSync(path.join(cwd, 'empty'));
    expect((await init(['worker', 'empty'], cwd)).code).toBe(0);
    fs.mkdirSync(path.join(cwd, 'taken'));
    fs.writeFileSync(path.join(cwd, 'taken', 'notes.txt'), 'mine');
    const r = await init(['worker', 'taken'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('libk8s init: taken exists and is not an empty directory; nothing was written. Fix: name a new directory.');
    expect(fs.readdirSync(path.join(cwd, 'taken'))).toEqual(['notes.txt']);
  });

  test('an unknown golden path is a usage error listing the available ones', async () => {
    const r = await init(['web-servce'], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`libk8s init: unknown golden path "web-servce"; available: ${GOLDEN_PATHS.join(', ')}.`);
    expect(r.stderr).toContain('Usage: libk8s <command>');
  });

  test('an invalid --name (or --team) is reported as DNS-1123 problems before anything is written', async () => {
    const cwd = tmp();
    const r = await init(['web-service', 'app', '--name', 'Check_Out', '--team=-payments'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('libk8s init: nothing was written:');
    expect(r.stderr).toContain(`'--name' "Check_Out" is not a DNS-1123 label`);
    expect(r.stderr).toContain('Fix: use a name like "check-out".');
    expect(r.stderr).toContain(`'--team' "-payments" is not a DNS-1123 label`);
    expect(fs.readdirSync(cwd)).toEqual([]);
    const long = await init(['web-service', '--name', 'a'.repeat(41)], cwd);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('the limit is 40');
  });

  test('usage errors: no golden path, an unknown option, an option without its value', async () => {
    expect((await init([], tmp())).stderr).toContain('libk8s init: init needs a golden path (libk8s init --list shows them).');
    expect((await init(['worker', '--force'], tmp())).code).toBe(2);
    expect((await init(['worker', '--name'], tmp())).stderr).toContain('libk8s init: --name needs a value.');
  });

  test('--list prints one line per golden path with its description', async () => {
    const r = await init(['--list'], tmp());
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(GOLDEN_PATHS);
    for (const l of lines) expect(l).toMatch(/^[a-z-]+ +\S.{20,}$/);
  });
});

describe('libk8s init --platform', () => {
  /** A project that installed @acme/platform (a link to examples/platform-team). */
  function project(): string {
    const cwd = tmp();
    fs.mkdirSync(path.join(cwd, 'node_modules', '@acme'), { recursive: true });
    fs.symlinkSync(PLATFORM, path.join(cwd, 'node_modules', '@acme', 'platform'));
    return cwd;
  }

  test("--list adds the platform package's golden paths, named by their package", async () => {
    const r = await init(['--list', '--platform', '@acme/platform'], project());
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^acme-service +An Acme HTTP service.*\(@acme\/platform\)$/);
    expect(r.stdout.split('\n')).toHaveLength(GOLDEN_PATHS.length + 1);
  });

  test("scaffolds the platform's golden path, resolved from the working directory, with the package as a dependency", async () => {
    const cwd = project();
    const r = await init(['acme-service', 'billing', '--team', 'payments', '--platform', '@acme/platform'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = path.join(cwd, 'billing');
    expect(fs.readFileSync(path.join(dir, 'infra', 'main.ts'), 'utf8')).toContain("import { acmeApp, AcmeWebService } from '@acme/platform';");
    expect(fs.existsSync(path.join(dir, 'golden-path.json'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies['@acme/platform']).toBe('^3.2.0');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'renovate.json'), 'utf8')).packageRules[0].matchPackageNames).toEqual(['@acme/platform', 'libk8s']);
  });

  test("a library golden path with --platform depends on the platform too; the platform's folder may be given as a path", async () => {
    const cwd = tmp();
    expect((await init(['worker', 'mailer', '--platform', PLATFORM], cwd)).code).toBe(0);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cwd, 'mailer', 'package.json'), 'utf8')).devDependencies)).toEqual(['@acme/platform', 'libk8s', 'typescript']);
  });

  test("the platform's golden path synthesizes with zero findings (libk8s and the platform from this repository's sources)", async () => {
    const cwd = project();
    expect((await init(['acme-service', 'billing', '--team', 'payments', '--platform', '@acme/platform'], cwd)).code).toBe(0);
    const dir = path.join(cwd, 'billing');
    // tsx honours tsconfig paths: the two packages resolve to their sources, as jest maps them
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions = { ...tsconfig.compilerOptions, baseUrl: '.', paths: { libk8s: [path.join(ROOT, 'lib', 'index.ts')], '@acme/platform': [path.join(PLATFORM, 'index.ts')] } };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', '--report', 'report.json'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^billing dev: \d+ objects.*\nbilling staging: .*\nbilling prod: /);
    const deployment = stringify(readObject(path.join(dir, 'dist', 'prod', 'billing'), 'billing/deployment.yaml'));
    expect(deployment).toContain('image: registry.acme.example/payments/billing:0.1.0');
    expect(deployment).toContain('namespace: billing\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).findings).toEqual([]);
  });

  test('a platform package that is not installed is a usage error saying how to fix it', async () => {
    const r = await init(['worker', '--platform', '@acme/nowhere'], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s init: cannot find the platform package "@acme/nowhere"');
  });
});

describe('placeholders', () => {
  test('a line whose placeholder is empty is left out; an unknown placeholder is an error; ${{ }} is left alone', () => {
    expect(fill('a\n  "{{p}}",\n  "libk8s"\n${{ x }}', { p: '' }, 'f')).toBe('a\n  "libk8s"\n${{ x }}');
    expect(() => fill('{{nope}}', { name: 'x' }, 'f.json')).toThrow('f.json: unknown placeholder {{nope}} (known: name)');
  });
});
