/**
 * The example's written output, held against real Kubernetes tooling:
 *
 * - always (when kubectl is on PATH): `kubectl kustomize` builds each
 *   environment's folder offline. That runs Go's YAML parser and kustomize
 *   over our files, and the objects it yields must equal what we wrote.
 * - opt-in (when KUBECONFIG is set): `kubectl apply --dry-run=server
 *   --validate=strict -k` against that cluster, which runs the API server's
 *   full validation and admission. The cluster needs the namespaces
 *   (shop-dev, shop) and the CRDs the quickstart uses installed: Gateway
 *   API, KEDA and Crossplane's provider-upjet-aws (e.g.
 *   `kubectl apply -f ../shared/reference/crds/`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { readManifestTree, synthShopExample } from './support/schemas';
import { onPath } from './support/path';

type Manifest = Record<string, any>;

const ENVIRONMENTS = ['dev', 'prod'] as const;


const KUBECTL = onPath('kubectl');

/** `describe` when `reason` is undefined, else a skipped block that says why in its name. */
function describeUnless(reason: string | undefined, name: string, fn: () => void): void {
  if (reason === undefined) describe(name, fn);
  else describe.skip(`${name} (skipped: ${reason})`, fn);
}

let outdir: string | undefined;

/** The example, synthesized once into a temporary folder. */
function synthesized(): string {
  if (!outdir) {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-cluster-'));
    synthShopExample(outdir);
  }
  return outdir;
}

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

function kubectl(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(KUBECTL!, args, { encoding: 'utf8', env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

const key = (o: Manifest) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

describeUnless(KUBECTL ? undefined : 'kubectl is not on PATH', 'kubectl kustomize (offline: Go YAML parser and kustomize)', () => {
  test.each(ENVIRONMENTS)('%s/shop builds, and yields exactly the objects of the files it lists', (env) => {
    const dir = path.join(synthesized(), env, 'shop');
    const files = readManifestTree(dir);
    const kustomization = files.find((f) => f.file === 'kustomization.yaml')!;
    const listed: string[] = kustomization.objects[0].resources;
    const written = listed.flatMap((file) => {
      const f = files.find((x) => x.file === file);
      if (!f) throw new Error(`kustomization.yaml lists ${file}, which was not written`);
      return f.objects;
    });
    expect(written.length).toBeGreaterThanOrEqual(listed.length);

    const r = kubectl(['kustomize', dir]);
    if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${r.status}):\n${r.stderr}`);
    const docs = parseAllDocuments(r.stdout);
    for (const d of docs) expect(d.errors).toEqual([]);
    const built = docs.map((d) => d.toJS() as Manifest).filter((o) => o !== null);

    expect(built).toHaveLength(written.length);
    // What Go read is what we meant: same objects, same values, same types
    const byKey = new Map(built.map((o) => [key(o), o]));
    expect(byKey.size).toBe(built.length);
    for (const o of written) expect(byKey.get(key(o))).toEqual(o);
  });
});

const clusterSkip = !process.env.KUBECONFIG
  ? 'KUBECONFIG is not set; point it at a cluster with the shop-dev and shop namespaces and the Gateway API, KEDA and Crossplane AWS CRDs to run it'
  : !KUBECTL ? 'kubectl is not on PATH' : undefined;

describeUnless(clusterSkip, 'kubectl apply --dry-run=server (the cluster in KUBECONFIG)', () => {
  test.each(ENVIRONMENTS)('%s/shop is accepted by the API server with strict field validation', (env) => {
    const dir = path.join(synthesized(), env, 'shop');
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-k', dir]);
    if (r.status !== 0) {
      throw new Error(`kubectl apply --dry-run=server -k ${dir} failed (exit ${r.status}):\n${r.stderr}\n`
        + '(a "namespaces not found" or "no matches for kind HTTPRoute/ScaledObject/Queue/Instance/Role" error means the cluster lacks the namespace or the Gateway API, KEDA or Crossplane AWS CRDs, not that the output is wrong)');
    }
    // one "… created (server dry run)" or "… configured/unchanged (server dry run)" line per object
    expect(r.stdout.trim().split('\n').filter((l) => /\(server dry run\)$/.test(l)).length).toBe(
      readManifestTree(dir).filter((f) => f.file !== 'kustomization.yaml').reduce((n, f) => n + f.objects.length, 0),
    );
  });
});
