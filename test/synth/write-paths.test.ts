import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { JsonPatch, Libk8sError, WebService } from 'libk8s';
import { writeEnvironments } from '../../lib/synth/write';
import { newApp } from '../support/apps';

/** A fresh folder tree: <root>/a/b/c/d/e/out, so a traversal of five '..' lands in <root>. */
function deepOut(): { root: string; out: string; parents: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-paths-'));
  const out = path.join(root, 'a', 'b', 'c', 'd', 'e', 'out');
  fs.mkdirSync(out, { recursive: true });
  const parents: string[] = [];
  for (let d = out; d !== root; d = path.dirname(d)) parents.push(path.dirname(d));
  return { root, out, parents };
}

/** Every entry below each of the parents of the output folder (the output itself excluded). */
function outsideListing(root: string, out: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (p === out) continue;
      found.push(path.relative(root, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return found.sort();
}

function withExtra(out: string, manifest: Record<string, unknown>) {
  const app = newApp({ outdir: out });
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' })
    .customize((_objects, ctx) => { new ApiObject(ctx.scope, 'Extra', manifest as any); });
  return app;
}

function synthError(fn: () => unknown): Libk8sError {
  try {
    fn();
  } catch (e) {
    if (e instanceof Libk8sError) return e;
    throw e;
  }
  throw new Error('expected a Libk8sError');
}

describe('synth writes only inside the output folder', () => {
  test("a metadata.name that climbs out ('x/../../../../../PWNED') is a problem naming construct, object, rule and fix; nothing is written anywhere", () => {
    const { root, out } = deepOut();
    const before = outsideListing(root, out);
    const app = withExtra(out, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x/../../../../../PWNED' }, data: { a: 'b' } });
    const e = synthError(() => app.synth());
    const lines = e.message.split('\n');
    const line = lines.find((l) => l.includes('PWNED'))!;
    expect(line).toBe(
      "  - WebService 'storefront' (shop/storefront) [environment 'dev']: 'metadata.name' emits ConfigMap \"x/../../../../../PWNED\", whose name is not a DNS-1123 subdomain as the API server requires "
      + "(lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters); it names the object's file, which would lie outside the output folder "
      + '("storefront/configmap-x/../../../../../PWNED.yaml"), so the object is not written. Fix: name it like "x-pwned" where it is added (customize() or a patch).',
    );
    // both environments are reported, each problem on one line
    expect(e.problems.filter((p) => p.prop === 'metadata.name').map((p) => p.environment)).toEqual(['dev', 'prod']);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(outsideListing(root, out)).toEqual(before);
    expect(fs.existsSync(path.join(root, 'PWNED.yaml'))).toBe(false);
  });

  test("a kind holding '/../' is a problem too, reported with every other problem of the program", () => {
    const { root, out } = deepOut();
    const before = outsideListing(root, out);
    const app = withExtra(out, { apiVersion: 'v1', kind: 'ConfigMap/../../../../../../../PWNED', metadata: { name: 'storefront-extra' } });
    new WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:0.9.0' }).addJsonPatch({ kind: 'Deployment' }, JsonPatch.replace('/spec/nope/x', 1));
    const e2 = synthError(() => app.synth());
    const found = e2.problems.map((p) => `${p.id} ${p.environment} ${p.prop}`);
    expect(found).toHaveLength(4);
    expect(found).toEqual(expect.arrayContaining(['storefront dev kind', 'storefront prod kind', 'catalog dev addJsonPatch', 'catalog prod addJsonPatch']));
    expect(e2.message).toContain("WebService 'storefront' (shop/storefront) [environment 'dev']: 'kind' emits an object (metadata.name \"storefront-extra\") whose kind \"ConfigMap/../../../../../../../PWNED\" is not a Kubernetes kind: letters and digits, starting with a letter; it names the object's file, so the object is not written. Fix: set kind to the type of the object");
    expect(fs.readdirSync(out)).toEqual([]);
    expect(outsideListing(root, out)).toEqual(before);
  });

  test('a name the API server would take but no file system (a 253-character name) is a problem, not an ENAMETOOLONG', () => {
    const { out } = deepOut();
    const name = `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(63)}`;
    expect(name).toHaveLength(252);
    const e = synthError(() => withExtra(out, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }).synth());
    expect(e.problems[0].message).toMatch(/whose file name "configmap-a+\.b+\.c+\.d+\.yaml" is 267 bytes long; file systems take at most 255/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a kind that is not a string, or a missing name, is reported, not a TypeError', () => {
    const { out } = deepOut();
    const e = synthError(() => withExtra(out, { apiVersion: 'v1', kind: 42, metadata: { name: 'storefront-n' } }).synth());
    expect(e.problems[0]).toMatchObject({ kind: 'WebService', id: 'storefront', prop: 'kind' });
  });

  test('the write proves every path itself: a file or environment that escapes is a Libk8sError before anything is written', () => {
    const { root, out } = deepOut();
    const before = outsideListing(root, out);
    const app = newApp({ outdir: out });
    const [dev] = app.render({ environments: ['dev'] });
    const files = new Map([['ok.yaml', 'a: 1\n'], ['../../../../../../../PWNED.yaml', 'b: 2\n']]);
    expect(() => writeEnvironments(out, 'shop', [{ r: dev, files }])).toThrow(
      /App 'shop' \(shop\) \[environment 'dev'\]: 'file' "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/PWNED\.yaml" would be written to .*PWNED\.yaml, outside .*out\/dev\/shop; nothing was written\./,
    );
    const evil = { ...dev, environment: { ...dev.environment, name: '../../up' } };
    expect(() => writeEnvironments(out, 'shop', [{ r: evil as any, files: new Map([['a.yaml', 'x: 1\n']]) }])).toThrow(/'environments\.\.\.\/\.\.\/up' "\.\.\/\.\.\/up" would be written to .*, outside /);
    expect(() => writeEnvironments(out, '../x', [{ r: dev, files: new Map([['a.yaml', 'x: 1\n']]) }])).toThrow(/'name' "\.\.\/x" would be written/);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(outsideListing(root, out)).toEqual(before);
  });
});
