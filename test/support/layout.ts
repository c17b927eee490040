import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * Reading synthesized output in the default `construct` layout (one
 * multi-document `<construct>.yaml` per construct) by the path each object
 * has in the `object` layout (`<construct>/<kind>[-<name>].yaml`, as
 * lib/synth/render.ts names it), so a test can say which object it means
 * (`storefront/deployment.yaml`) whatever the layout.
 */
type Manifest = Record<string, any>;

/** The `object`-layout file name of `manifest`, made by construct `construct`: `<construct>/<kind>[-<name>].yaml`. */
export function objectFileName(construct: string, manifest: Manifest): string {
  const name = String(manifest.metadata?.name ?? '');
  const suffix = name === construct ? '' : `-${name.startsWith(`${construct}-`) ? name.slice(construct.length + 1) : name}`;
  return `${construct}/${String(manifest.kind).toLowerCase()}${suffix}.yaml`;
}

/**
 * The objects of one construct-layout file (`rel`, relative to its app
 * folder, e.g. `storefront.yaml` or Flux's `resources/db.yaml`), by their
 * `object`-layout path relative to the same folder (`storefront/deployment.yaml`).
 */
export function splitConstructFile(rel: string, text: string): Map<string, Manifest> {
  const dir = path.posix.dirname(rel);
  const construct = path.posix.basename(rel, '.yaml');
  const out = new Map<string, Manifest>();
  for (const doc of parseAllDocuments(text)) {
    const m = doc.toJS() as Manifest | null;
    if (!m) continue;
    const file = objectFileName(construct, m);
    out.set(dir === '.' ? file : `${dir}/${file}`, m);
  }
  return out;
}

/** Every object below an app folder written in the construct layout, by `object`-layout path; kustomization files are left out. */
export function objectsByFile(appDir: string): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(appDir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') {
        for (const [file, m] of splitConstructFile(r, fs.readFileSync(path.join(appDir, r), 'utf8'))) out.set(file, m);
      }
    }
  };
  walk('');
  return out;
}

/** The construct-layout file that holds the object of `objectPath` (`storefront/deployment.yaml` -> `storefront.yaml`). */
export function constructFileOf(objectPath: string): string {
  return `${path.posix.dirname(objectPath)}.yaml`;
}

/** Whether the app folder (construct layout) holds the object of `objectPath` (its `object`-layout path). */
export function hasObject(appDir: string, objectPath: string): boolean {
  const file = path.join(appDir, constructFileOf(objectPath));
  return fs.existsSync(file) && splitConstructFile(constructFileOf(objectPath), fs.readFileSync(file, 'utf8')).has(objectPath);
}

/** The object of `objectPath` (its `object`-layout path) in an app folder written in the construct layout. */
export function readObject(appDir: string, objectPath: string): Manifest {
  const rel = constructFileOf(objectPath);
  const objects = splitConstructFile(rel, fs.readFileSync(path.join(appDir, rel), 'utf8'));
  const m = objects.get(objectPath);
  if (!m) throw new Error(`${rel} in ${appDir} holds no object of ${objectPath}; it holds ${[...objects.keys()].join(', ')}`);
  return m;
}

/** The `object`-layout file names (without `.yaml`) of construct `construct`'s objects in an app folder, sorted: what `ls <construct>/` shows in that layout. */
export function objectNames(appDir: string, construct: string): string[] {
  const rel = `${construct}.yaml`;
  return [...splitConstructFile(rel, fs.readFileSync(path.join(appDir, rel), 'utf8')).keys()].map((f) => path.posix.basename(f, '.yaml')).sort();
}

/** The object of `outPath`, its `object`-layout path in an output folder (`prod/web/storefront/deployment.yaml`), read from the construct layout. */
export function readOutputObject(outdir: string, outPath: string): Manifest {
  const [env, app, ...rest] = outPath.split('/');
  return readObject(path.join(outdir, env, app), rest.join('/'));
}
