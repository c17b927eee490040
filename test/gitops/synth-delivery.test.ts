import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { App, Libk8sError, PlatformProps, runSynthSession, SynthResult, WebService } from 'libk8s';
import { recoverOutput } from '../../lib/synth/write';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const REPO = 'https://github.com/acme/shop.git';

function app(platform: PlatformProps = {}): App {
  const a = new App({ name: 'shop', team: 'commerce', platform, environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' }, prod: { namespace: 'shop', domain: 'shop.example.com' } } });
  new WebService(a, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2', route: { path: '/' } });
  return a;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-synth-delivery-'));
const docs = (file: string) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());

describe('synth writes the delivery objects beside the environments', () => {
  test("the platform's argo-cd delivery: an Application per environment in <outdir>/_delivery/<app>/, checked by the guardrails", () => {
    const out = tmp();
    const result = app({ delivery: { target: 'argo-cd', repo: REPO } }).synth({ outdir: out });
    expect(fs.readdirSync(path.join(out, '_delivery', 'shop')).sort()).toEqual(['dev.yaml', 'prod.yaml']);
    expect(docs(path.join(out, '_delivery', 'shop', 'prod.yaml'))[0]).toMatchObject({ kind: 'Application', spec: { source: { path: 'dist/prod/shop' } } });
    expect(result.delivery).toEqual({ directory: path.join(out, '_delivery', 'shop'), files: 2, bytes: expect.any(Number) });
    // one more report: the delivery objects', with no finding
    expect(result.reports!.length).toBe(3);
    expect(result.reports![2].objects).toBe(2);
    expect(result.reports!.flatMap((r) => r.findings)).toEqual([]);
    // a kustomize synth afterwards removes them with the rest of the old output
    app().synth({ outdir: out });
    expect(fs.existsSync(path.join(out, '_delivery'))).toBe(false);
    expect(fs.readdirSync(out).sort()).toEqual(['dev', 'prod']);
  });

  test("a session's delivery (the CLI's --delivery --repo --revision --path) wins over the platform's", () => {
    const out = tmp();
    const results: SynthResult[] = [];
    runSynthSession({ outdir: out, results, delivery: { target: 'flux', repo: REPO, revision: 'v1.4.2', path: 'deploy' } }, () => app({ delivery: { target: 'argo-cd', repo: 'https://example.com/other.git' } }).synth());
    expect(fs.readdirSync(path.join(out, '_delivery', 'shop')).sort()).toEqual(['dev.yaml', 'prod.yaml', 'source.yaml']);
    expect(docs(path.join(out, '_delivery', 'shop', 'source.yaml'))[0].spec).toEqual({ interval: '5m', url: REPO, ref: { tag: 'v1.4.2' } });
    expect(docs(path.join(out, '_delivery', 'shop', 'dev.yaml'))[0].spec.path).toBe('./deploy/dev/shop/resources');
    expect(docs(path.join(out, 'dev', 'shop', 'workloads', 'storefront.yaml')).map((d) => d.kind)).toContain('Deployment');
    expect(results).toHaveLength(1);
  });

  test('synth --env of some environments keeps every environment\'s delivery objects (the others\' Applications are not deleted)', () => {
    const out = tmp();
    app({ delivery: { target: 'argo-cd', repo: REPO } }).synth({ outdir: out });
    runSynthSession({ outdir: out, results: [], environments: ['dev'] }, () => app({ delivery: { target: 'argo-cd', repo: REPO } }).synth());
    expect(fs.readdirSync(path.join(out, '_delivery', 'shop')).sort()).toEqual(['dev.yaml', 'prod.yaml']);
  });

  test("the delivery's path in the repository defaults to the App's own outdir", () => {
    const out = tmp();
    const a = new App({ name: 'shop', team: 'commerce', outdir: 'manifests', platform: { delivery: { target: 'argo-cd', repo: REPO } }, environments: { prod: { namespace: 'shop', domain: 'shop.example.com' } } });
    new WebService(a, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2', route: { path: '/' } });
    a.synth({ outdir: out });
    expect(docs(path.join(out, '_delivery', 'shop', 'prod.yaml'))[0].spec.source.path).toBe('manifests/prod/shop');
  });

  test('a kill -9 while _delivery/ is switched is recovered with the environments: its previous objects come back', () => {
    const out = tmp();
    app({ delivery: { target: 'argo-cd', repo: REPO } }).synth({ outdir: out });
    const before = fs.readFileSync(path.join(out, '_delivery', 'shop', 'prod.yaml'), 'utf8');
    // a child synthesizes another repository into the same outdir and is killed right after it moved _delivery/shop aside
    const script = path.join(out, '..', `kill-${path.basename(out)}.ts`);
    fs.writeFileSync(script, `
      import * as fs from 'fs';
      import { App, WebService } from ${JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))};
      import { setWriteFs } from ${JSON.stringify(path.join(ROOT, 'lib', 'synth', 'write.ts'))};
      const target = ${JSON.stringify(path.join(out, '_delivery', 'shop'))};
      setWriteFs({ ...fs, renameSync: (from: fs.PathLike, to: fs.PathLike) => { fs.renameSync(from, to); if (String(from) === target) process.kill(process.pid, 'SIGKILL'); } } as never);
      const a = new App({ name: 'shop', team: 'commerce', platform: { delivery: { target: 'argo-cd', repo: 'https://github.com/acme/other.git' } },
        environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' }, prod: { namespace: 'shop', domain: 'shop.example.com' } } });
      new WebService(a, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2', route: { path: '/' } });
      a.synth({ outdir: ${JSON.stringify(out)} });
    `);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(out, '_delivery', 'shop'))).toBe(false);
    // the recovery every synth starts with: every folder of the killed switch, _delivery/ included, is the previous one
    expect(recoverOutput(out)).toEqual([expect.stringMatching(/rolled back/)]);
    expect(fs.readFileSync(path.join(out, '_delivery', 'shop', 'prod.yaml'), 'utf8')).toBe(before);
    const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('.libk8s-staging-'));
    expect([...leftovers(out), ...leftovers(path.join(out, '_delivery')), ...leftovers(path.join(out, 'prod'))]).toEqual([]);
  });

  test('a delivery to a GitOps tool without a repository is a problem, reported before anything is written', () => {
    const out = tmp();
    const bad = app({ delivery: { target: 'argo-cd', path: '../outside' } });
    expect(() => bad.synth({ outdir: out })).toThrow(Libk8sError);
    let message = '';
    try { bad.synth({ outdir: out }); } catch (e) { message = (e as Error).message; }
    expect(message).toContain("App 'shop' (shop): 'platform.delivery.repo' is not set, but delivery 'argo-cd' points the GitOps tool at the repository the output is committed to. Fix: set platform.delivery.repo (e.g. 'https://github.com/acme/shop.git'), or pass --repo URL to libk8s synth.");
    expect(message).toContain("'platform.delivery.path' \"../outside\" is not a path inside the repository.");
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('libk8s synth --delivery', () => {
  const program = path.join(ROOT, 'test', 'cli', 'fixtures', 'valid.ts');
  test('--delivery argo-cd --repo URL writes the Applications and says where', () => {
    const out = tmp();
    const r = spawnSync(process.execPath, [BIN, 'synth', program, '--out', out, '--delivery', 'argo-cd', '--repo', REPO, '--revision', 'release'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`shop delivery: 2 files`);
    expect(docs(path.join(out, '_delivery', 'shop', 'dev.yaml'))[0].spec.source).toEqual({ repoURL: REPO, targetRevision: 'release', path: 'dist/dev/shop' });
  });

  test('an unknown target is a usage error', () => {
    const r = spawnSync(process.execPath, [BIN, 'synth', program, '--delivery', 'helm'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('libk8s synth: --delivery takes kustomize, argo-cd, flux, not "helm".');
  });
});
