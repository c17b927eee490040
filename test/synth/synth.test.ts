import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { JsonPatch, Libk8sError, OutputLayout, WebService } from 'libk8s';
import { newApp } from '../support/apps';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-synth-'));
}

/** Every file under a folder, relative path to content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function shop(outdir: string, image = 'ghcr.io/acme/storefront:1.4.2', outputLayout?: OutputLayout) {
  const app = newApp({ outdir, outputLayout });
  new WebService(app, 'storefront', { image, route: { path: '/' }, autoscale: { min: 2, max: 10 } });
  new WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:0.9.0', config: { files: { 'a.yaml': 'x: 1\n' } } });
  return app;
}

test("outputLayout 'object' writes one file per object under <outdir>/<env>/<app>/<construct>/ plus a kustomization", () => {
  const out = tmp();
  const result = shop(out, undefined, 'object').synth();
  const files = Object.keys(readTree(out)).sort();
  expect(files).toContain('dev/shop/storefront/deployment.yaml');
  expect(files).toContain('prod/shop/storefront/httproute.yaml');
  expect(files).toContain('prod/shop/catalog/configmap-config.yaml');
  expect(files).toContain('prod/shop/kustomization.yaml');
  expect(result.environments.map((e) => e.environment)).toEqual(['dev', 'prod']);
  const prod = result.environments[1];
  expect(prod.files).toBe(files.filter((f) => f.startsWith('prod/')).length);
  expect(prod.objects).toBe(prod.files - 1);
  const kustomization = parse(fs.readFileSync(path.join(out, 'prod/shop/kustomization.yaml'), 'utf8'));
  expect(kustomization.resources).toEqual(files.filter((f) => f.startsWith('prod/shop/') && !f.endsWith('kustomization.yaml')).map((f) => f.slice('prod/shop/'.length)).sort());
});

test('every written file parses back to exactly the rendered objects (object layout: one each; construct layout, the default: its construct\'s, in order)', () => {
  const out = tmp();
  const app = shop(out, undefined, 'object');
  const rendered = app.render();
  app.synth();
  for (const env of rendered) {
    for (const o of env.objects) {
      expect(parse(fs.readFileSync(path.join(out, env.environment.name, 'shop', o.file), 'utf8'))).toEqual(o.manifest);
    }
  }
  const byConstruct = tmp();
  shop(byConstruct).synth();
  for (const env of rendered) {
    for (const name of ['storefront', 'catalog']) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(byConstruct, env.environment.name, 'shop', `${name}.yaml`), 'utf8')).map((d) => d.toJS());
      expect(docs).toEqual(env.objects.filter((o) => o.component.name === name).map((o) => o.manifest));
    }
  }
});

test('two synths of the same program are byte-identical', () => {
  const a = tmp();
  const b = tmp();
  shop(a).synth();
  shop(b).synth();
  expect(readTree(b)).toEqual(readTree(a));
  // and again into the same folder
  shop(a).synth();
  expect(readTree(a)).toEqual(readTree(b));
});

test('a failed synth leaves the previous output untouched', () => {
  const out = tmp();
  shop(out).synth();
  const before = readTree(out);
  const broken = shop(out, 'ghcr.io/acme/storefront:latest');
  expect(() => broken.synth()).toThrow(Libk8sError);
  expect(readTree(out)).toEqual(before);
  // a failure found only while rendering (a patch that does not apply) changes nothing either
  const badPatch = shop(out);
  (badPatch.node.findChild('storefront') as WebService).addJsonPatch({ kind: 'Deployment' }, JsonPatch.replace('/spec/nope/x', 1));
  expect(() => badPatch.synth()).toThrow(/does not apply/);
  expect(readTree(out)).toEqual(before);
  expect(fs.readdirSync(out).filter((f) => f.startsWith('.staging-'))).toEqual([]);
});

test('a successful synth replaces the old output, removing files of constructs that are gone', () => {
  const out = tmp();
  shop(out).synth();
  const app = newApp({ outdir: out });
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.3' });
  app.synth();
  const files = Object.keys(readTree(out));
  expect(files.some((f) => f.includes('catalog'))).toBe(false);
  expect(fs.readFileSync(path.join(out, 'prod/shop/storefront.yaml'), 'utf8')).toContain('ghcr.io/acme/storefront:1.4.3');
});

test('synth of one environment leaves the other environments output alone', () => {
  const out = tmp();
  shop(out).synth();
  const devBefore = readTree(path.join(out, 'dev'));
  const app = newApp({ outdir: out });
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:2.0.0' });
  app.synth({ environments: ['prod'] });
  expect(readTree(path.join(out, 'dev'))).toEqual(devBefore);
  expect(fs.readFileSync(path.join(out, 'prod/shop/storefront.yaml'), 'utf8')).toContain(':2.0.0');
});

test('asking for an environment the app does not have is an error that lists the ones it has', () => {
  expect(() => shop(tmp()).synth({ environments: ['staging'] }))
    .toThrow("App 'shop' (shop): 'environments' has no environment \"staging\" (asked for with --env). Fix: use one of: dev, prod.");
});

describe("outputLayout 'construct' (the default)", () => {
  test('writes one multi-document file per construct holding exactly its objects, listed in the kustomization', () => {
    const out = tmp();
    const app = newApp({ outdir: out });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2', route: { path: '/' }, autoscale: { min: 2, max: 10 } });
    new WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:0.9.0' });
    const rendered = app.render();
    const result = app.synth();
    expect(Object.keys(readTree(path.join(out, 'prod/shop'))).sort()).toEqual(['catalog.yaml', 'kustomization.yaml', 'storefront.yaml']);
    expect(result.environments[1]).toMatchObject({ files: 3, objects: rendered[1].objects.length });
    for (const name of ['storefront', 'catalog']) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(out, 'prod/shop', `${name}.yaml`), 'utf8')).map((d) => d.toJS());
      expect(docs).toEqual(rendered[1].objects.filter((o) => o.component.name === name).map((o) => o.manifest));
    }
    expect(parse(fs.readFileSync(path.join(out, 'prod/shop/kustomization.yaml'), 'utf8')).resources).toEqual(['catalog.yaml', 'storefront.yaml']);
  });

  test('the layout can be chosen per synth, and an unknown one is an error', () => {
    const out = tmp();
    shop(out).synth({ layout: 'object' });
    expect(fs.existsSync(path.join(out, 'dev/shop/storefront/deployment.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'dev/shop/storefront.yaml'))).toBe(false);
    // and back: the files of the other layout are removed
    shop(out, undefined, 'object').synth({ layout: 'construct' });
    expect(Object.keys(readTree(path.join(out, 'dev/shop'))).sort()).toEqual(['catalog.yaml', 'kustomization.yaml', 'storefront.yaml']);
    const bad = newApp({ outputLayout: 'flat' as never });
    expect(() => bad.render()).toThrow(`App 'shop' (shop): 'outputLayout' "flat" is not a layout. Fix: use 'object' (a file per object) or 'construct' (a file per construct).`);
  });
});
