import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');

/** A program in a temporary project folder, importing libk8s by name (tsconfig paths of the repository, run from ROOT). */
function program(dir: string, name: string, image: string, extra = ''): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `import { App, Postgres, WebService, Worker } from 'libk8s';
const app = new App({ name: 'shop', team: 'commerce', environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' }, prod: { namespace: 'shop', domain: 'shop.example.com' } } });
const db = new Postgres(app, 'db', {});
new WebService(app, 'storefront', { image: '${image}', route: { path: '/' } }).connect(db);
${extra}
app.synth();
`);
  return file;
}

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('libk8s diff', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-diff-cli-'));
  const out = path.join(dir, 'dist');
  const before = program(dir, 'before.ts', 'ghcr.io/acme/storefront:1.4.2');
  const after = program(dir, 'after.ts', 'ghcr.io/acme/storefront:1.5.0', "new Worker(app, 'mailer', { image: 'ghcr.io/acme/mailer:2.0.0' });");

  beforeAll(() => {
    expect(cli(['synth', before, '--out', out, '-q']).code).toBe(0);
  });

  test('no change: exit 0, one summary line per environment, nothing written', () => {
    const listing = fs.readdirSync(out, { recursive: true }).sort();
    const r = cli(['diff', before, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev: 0 changed, 0 added, 0 removed \(\d+ unchanged\)$/m);
    expect(r.stdout).toMatch(/^prod: 0 changed, 0 added, 0 removed \(\d+ unchanged\)$/m);
    expect(fs.readdirSync(out, { recursive: true }).sort()).toEqual(listing);
  });

  test('a changed image and an added worker: exit 3, the workload with its old and new tag, the new objects', () => {
    const r = cli(['diff', after, '--out', out, '--env', 'prod']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('~ Deployment storefront');
    expect(r.stdout).toContain('spec.template.spec.containers[name=storefront].image: "ghcr.io/acme/storefront:1.4.2" → "ghcr.io/acme/storefront:1.5.0"');
    expect(r.stdout).toContain('+ Deployment mailer');
    expect(r.stdout).not.toMatch(/^dev:/m);
  });

  test('--format markdown is a pull-request comment with the counts in its summary; --format json parses', () => {
    const md = cli(['diff', after, '--out', out, '--format', 'markdown']);
    expect(md.code).toBe(3);
    expect(md.stdout).toMatch(/<details>/);
    expect(md.stdout).toMatch(/<summary>.*prod.*changed.*<\/summary>/);
    const json = JSON.parse(cli(['diff', after, '--out', out, '--format', 'json']).stdout);
    expect(json.environments.map((e: { environment: string }) => e.environment)).toEqual(['dev', 'prod']);
  });

  test('--against a git ref reads the committed output without touching the work tree', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-diff-git-'));
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    expect(cli(['synth', before, '--out', path.join(repo, 'dist'), '-q']).code).toBe(0);
    git('add', '-A');
    git('commit', '-q', '-m', 'before');
    expect(cli(['synth', after, '--out', path.join(repo, 'dist'), '-q']).code).toBe(0);
    const status = git('status', '--porcelain').stdout;
    const r = cli(['diff', after, '--out', 'dist', '--against', 'main', '--env', 'prod'], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('+ Deployment mailer');
    expect(git('status', '--porcelain').stdout).toBe(status);
    const unknown = cli(['diff', after, '--out', 'dist', '--against', 'no-such-ref'], repo);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^libk8s diff: .*no-such-ref/m);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  test('--delivery --repo as for synth: the delivery objects synth wrote are no change', () => {
    const delivered = path.join(dir, 'delivered');
    const flags = ['--delivery', 'argo-cd', '--repo', 'https://github.com/acme/shop.git'];
    expect(cli(['synth', before, '--out', delivered, '-q', ...flags]).code).toBe(0);
    expect(cli(['diff', before, '--out', delivered, ...flags]).code).toBe(0);
    const without = cli(['diff', before, '--out', delivered]);
    expect(without.code).toBe(3);
    expect(without.stdout).toMatch(/^_delivery: 0 changed, 0 added, 2 removed/m);
  });

  test('a bad option is a usage error', () => {
    expect(cli(['diff', before, '--format', 'html']).code).toBe(2);
  });
});

describe('libk8s graph', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-graph-cli-'));
  const app = program(dir, 'app.ts', 'ghcr.io/acme/storefront:1.4.2');

  test('Mermaid by default for the first environment: every workload, resource and connection', () => {
    const r = cli(['graph', app]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart LR/);
    expect(r.stdout).toContain('storefront');
    expect(r.stdout).toContain('db<br/>Postgres · in-cluster');
    expect(r.stdout).toMatch(/workload_storefront -->\|"connect"\| resource_db/);
  });

  test('--format svg --out FILE writes an SVG laid out by Graphviz naming the workloads and resources', () => {
    const file = path.join(dir, 'shop.svg');
    const r = cli(['graph', app, '--env', 'prod', '--format', 'svg', '--out', file]);
    expect(r.code).toBe(0);
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    const text = svg.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
    for (const name of ['storefront', 'db', 'Postgres · crossplane-aws']) expect(text).toContain(name);
  });

  test('an environment the app does not have is an error naming the ones it has', () => {
    const r = cli(['graph', app, '--env', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('staging');
    expect(r.stderr).toMatch(/dev.*prod/);
  });
});

describe('an async program', () => {
  test('libk8s synth awaits the promise the program exports, so its app.synth() after an await is written', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-async-'));
    const r = cli(['synth', path.join(ROOT, 'test', 'cli', 'fixtures', 'async.ts'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^shop prod: 6 objects/m);
    expect(fs.existsSync(path.join(out, 'prod', 'shop', 'storefront.yaml'))).toBe(true);
  });
});
