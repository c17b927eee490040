import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Libk8sError } from 'libk8s';
import { diffEnvironments, diffExitCode, formatDiffText, fromRendered, readBaseline, readGitTree, readOutputTree } from '../../lib/diff';
import { serializeEnvironment } from '../../lib/synth/serialize';
import { shop } from './support';

/** Writes an app's output as `libk8s synth` lays it out: `<out>/<env>/<app>/…`, plus a kustomization.yaml. */
function writeOutput(out: string, app: ReturnType<typeof shop>, layout: 'object' | 'construct' = 'construct'): void {
  fs.rmSync(out, { recursive: true, force: true });
  for (const r of app.render()) {
    const dir = path.join(out, r.environment.name, String(app.name));
    for (const [file, text] of serializeEnvironment(app, r, layout)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Libk8sError);
    return (e as Error).message;
  }
  throw new Error('expected a Libk8sError');
}

describe('readGitTree and readOutputTree', () => {
  let repo: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-diff-'));
    git(repo, 'init', '-q');
    writeOutput(path.join(repo, 'dist'), shop());
    fs.writeFileSync(path.join(repo, 'README.md'), 'not a manifest\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'v1');
    writeOutput(path.join(repo, 'dist'), shop({ apiImage: 'ghcr.io/acme/api:1.5.0', worker: true }));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'v2');
    // the working output moves on once more, uncommitted
    writeOutput(path.join(repo, 'dist'), shop({ apiImage: 'ghcr.io/acme/api:1.6.0', worker: true }));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('the tree at HEAD~1 against the working output, without touching the work tree', () => {
    const status = git(repo, 'status', '--porcelain');
    const before = readGitTree(repo, 'HEAD~1', 'dist');
    expect(git(repo, 'status', '--porcelain')).toBe(status);
    expect(before.map((s) => s.environment)).toEqual(['dev', 'prod']);
    expect(before[1].objects.filter((o) => o.file === 'shop/api.yaml').map((o) => o.manifest.kind)).toContain('Deployment');
    expect(before.flatMap((s) => s.objects).some((o) => o.manifest.kind === 'Kustomization')).toBe(false);

    const result = diffEnvironments(before, readOutputTree(path.join(repo, 'dist')));
    expect(diffExitCode(result)).toBe(3);
    const text = formatDiffText(result);
    expect(text).toContain('  + Deployment mailer');
    expect(text).toContain('spec.template.spec.containers[name=api].image: "ghcr.io/acme/api:1.4.2" → "ghcr.io/acme/api:1.6.0"');
  });

  test('the tree at a ref equals what was rendered then; a subfolder as repoDir works', () => {
    const v2 = fromRendered(shop({ apiImage: 'ghcr.io/acme/api:1.5.0', worker: true }).render());
    expect(diffEnvironments(readGitTree(repo, 'HEAD', 'dist'), v2).changed).toBe(false);
    expect(diffEnvironments(readGitTree(path.join(repo, 'dist'), 'HEAD', '.'), v2).changed).toBe(false);
    // prod/ alone is no output tree: it holds shop/<construct>.yaml, not <env>/<app>/… (read as one, the object layout's shop/api/deployment.yaml would be environment 'shop')
    expect(diffEnvironments(readGitTree(path.join(repo, 'dist'), 'HEAD', 'prod'), []).environments).toEqual([]);
  });

  test('the working output read back equals the render (YAML 1.1, every document)', () => {
    const now = shop({ apiImage: 'ghcr.io/acme/api:1.6.0', worker: true });
    expect(diffEnvironments(readOutputTree(path.join(repo, 'dist')), fromRendered(now.render())).changed).toBe(false);
    const objectLayout = path.join(repo, 'dist-object');
    writeOutput(objectLayout, now, 'object');
    const read = readOutputTree(objectLayout);
    expect(read[1].objects.some((o) => o.file === 'shop/api/deployment.yaml')).toBe(true);
    expect(diffEnvironments(read, fromRendered(now.render())).changed).toBe(false);
    fs.rmSync(objectLayout, { recursive: true });
  });

  test('readBaseline: a folder when one exists, else a git ref', () => {
    const asRef = readBaseline('HEAD~1', { cwd: repo, outdir: 'dist' });
    expect(asRef.description).toBe('HEAD~1:dist');
    expect(asRef.sets[1].objects.find((o) => o.manifest.kind === 'Deployment')!.manifest.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.4.2');
    const asDir = readBaseline('dist', { cwd: repo, outdir: 'dist' });
    expect(asDir.description).toBe('dist/');
    expect(asDir.sets.map((s) => s.environment)).toEqual(['dev', 'prod']);
  });

  test('an unknown ref, a missing folder, no repository: a problem naming the ref and path', () => {
    const unknown = problemOf(() => readGitTree(repo, 'no-such-branch', 'dist'));
    expect(unknown).toContain('libk8s diff: cannot read no-such-branch:dist:');
    expect(unknown).toContain("'no-such-branch' is not a commit, branch or tag");
    expect(unknown).not.toMatch(/\n\s+at /);

    const missing = problemOf(() => readGitTree(repo, 'HEAD~1', 'out'));
    expect(missing).toContain('cannot read HEAD~1:out:');
    expect(missing).toContain("'out' does not exist at HEAD~1");

    const file = problemOf(() => readGitTree(repo, 'HEAD', 'README.md'));
    expect(file).toContain("'README.md' is not a folder at HEAD");

    const noRepo = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-diff-norepo-'));
    try {
      expect(problemOf(() => readGitTree(noRepo, 'HEAD', 'dist'))).toContain('is not in a git repository');
      expect(problemOf(() => readOutputTree(path.join(noRepo, 'dist')))).toMatch(/Output folder '.*dist'.*does not exist/);
    } finally {
      fs.rmSync(noRepo, { recursive: true });
    }
    expect(problemOf(() => readGitTree(repo, '--output=x', 'dist'))).toContain('is not a git ref');
  });

  test('malformed YAML in a tree: every file named, with the source', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-diff-bad-'));
    try {
      fs.mkdirSync(path.join(dir, 'prod', 'shop', 'api'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'prod', 'shop', 'api', 'a.yaml'), 'kind: [unclosed\n');
      fs.writeFileSync(path.join(dir, 'prod', 'shop', 'api', 'b.yaml'), '- just\n- a list\n');
      fs.writeFileSync(path.join(dir, 'prod', 'shop', 'api', 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {on: yes}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: d}}\n');
      const message = problemOf(() => readOutputTree(dir));
      expect(message).toContain('2 malformed files');
      expect(message).toContain("Manifest 'prod/shop/api/a.yaml'");
      expect(message).toContain("Manifest 'prod/shop/api/b.yaml'");
      fs.rmSync(path.join(dir, 'prod', 'shop', 'api', 'a.yaml'));
      fs.rmSync(path.join(dir, 'prod', 'shop', 'api', 'b.yaml'));
      const [prod] = readOutputTree(dir);
      // YAML 1.1 as Kubernetes reads it: `on: yes` is true: true; a List's items expanded
      expect(prod.objects.map((o) => o.manifest.metadata.name)).toEqual(['c', 'd']);
      expect(prod.objects[0].manifest.data).toEqual({ true: true });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
