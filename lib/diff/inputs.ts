import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Libk8sError, Problem } from '../core/errors';
import type { OutputLayout, RenderedEnvironment } from '../core/pipeline';
import type { ManifestSet, SourcedManifest } from './types';

/**
 * A synthesized output tree in memory: each YAML file's path relative to
 * the output folder (`<env>/<app>/<construct>.yaml`, or
 * `<env>/<app>/<construct>/<kind>.yaml` in the `object` layout; `/`-separated),
 * and its text.
 */
export type OutputFiles = ReadonlyMap<string, string>;

/** Whether a tree path is a manifest file: `<env>/<app>/…/*.yaml` (or `.yml`), not a kustomization, nothing hidden. */
export function isManifestPath(p: string): boolean {
  const parts = p.split('/');
  if (parts.length < 3 || parts.some((x) => x === '' || x.startsWith('.'))) return false;
  const base = parts[parts.length - 1];
  if (base === 'kustomization.yaml' || base === 'kustomization.yml') return false;
  return base.endsWith('.yaml') || base.endsWith('.yml');
}

/** The manifest files under `dir` (see `isManifestPath`); a Libk8sError when `dir` is no folder. */
export function readOutputFiles(dir: string): Map<string, string> {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    throw new Libk8sError([{
      kind: 'Output folder', id: dir, path: dir, message: stat ? 'is not a folder' : 'does not exist',
      fix: 'pass the folder `libk8s synth` wrote (`dist`, or its `--out`), or a git ref.',
    }], 'libk8s diff: cannot read the output:');
  }
  const files = new Map<string, string>();
  const walk = (abs: string, rel: string, depth: number) => {
    const entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(abs, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && safeIsDir(full));
      if (isDir) walk(full, r, depth + 1);
      else if (depth >= 2 && isManifestPath(r)) files.set(r, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir, '', 0);
  return files;
}

function safeIsDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** YAML 1.1 as Kubernetes (go-yaml) reads it: no timestamps, sexagesimal numbers, binary, sets or ordered maps. */
function kubernetesTags(tags: any[]): any[] {
  const dropped = ['timestamp', 'binary', 'omap', 'pairs', 'set'].map((t) => `tag:yaml.org,2002:${t}`);
  return tags.filter((t) => !dropped.includes(t.tag) && t.format !== 'TIME');
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The Kubernetes objects of one YAML stream: every document (the items of a
 * `List` expanded), read as Kubernetes reads YAML (1.1). Empty documents
 * are skipped; malformed YAML and documents that are no object are problems.
 */
export function parseManifestStream(text: string, file: string, problems: Problem[], source = ''): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  const where = source ? `${source}/${file}` : file;
  const problem = (message: string) => problems.push({ kind: 'Manifest', id: file, path: where, message });
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1', customTags: kubernetesTags });
  } catch (e) {
    problem(`malformed YAML: ${(e as Error).message.split('\n')[0]}`);
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = (doc as any).errors?.[0];
    if (err) {
      problem(`malformed YAML: ${String(err.message).split('\n')[0]}`);
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      problem(`malformed YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      problem('holds a document that is not a Kubernetes object (a mapping with apiVersion and kind)');
      continue;
    }
    if (Array.isArray(value.items) && value.kind.endsWith('List')) {
      for (const item of value.items) if (isObject(item)) out.push(item);
      continue;
    }
    out.push(value);
  }
  return out;
}

/**
 * The objects of an output tree, per environment (the first folder of each
 * path, in sorted order); each object's `file` is its path below the
 * environment's folder (`<app>/…`). `source` names the tree in problems
 * (a folder, or `<ref>:<subdir>`). Malformed files are a Libk8sError
 * listing every one.
 */
export function parseOutputFiles(files: OutputFiles, source = ''): ManifestSet[] {
  const problems: Problem[] = [];
  const byEnv = new Map<string, SourcedManifest[]>();
  for (const p of [...files.keys()].sort()) {
    if (!isManifestPath(p)) continue;
    const slash = p.indexOf('/');
    const env = p.slice(0, slash);
    const file = p.slice(slash + 1);
    const list = byEnv.get(env) ?? byEnv.set(env, []).get(env)!;
    for (const manifest of parseManifestStream(files.get(p)!, p, problems, source)) list.push({ manifest, file });
  }
  if (problems.length) throw new Libk8sError(problems, `libk8s diff: cannot read ${source || 'the output'}: ${problems.length} malformed file${problems.length === 1 ? '' : 's'}:`);
  return [...byEnv].map(([environment, objects]) => ({ environment, objects }));
}

/** The objects of a synthesized output folder `<dir>/<env>/<app>/**.yaml`, per environment (sorted). */
export function readOutputTree(dir: string): ManifestSet[] {
  return parseOutputFiles(readOutputFiles(dir), dir);
}

export interface FromRenderedOptions {
  /**
   * The layout the files are named by (only the `file` of each object differs).
   * @default 'construct', as synth writes
   */
  readonly layout?: OutputLayout;
}

/**
 * The objects of rendered environments (`app.render()`), in the shape of
 * an output tree: `file` is `<app>/<construct>.yaml` (or
 * `<app>/<construct>/<kind>.yaml` for the `object` layout). Environments
 * rendered by several apps are merged, in order.
 */
export function fromRendered(rendered: readonly RenderedEnvironment[], options: FromRenderedOptions = {}): ManifestSet[] {
  const byEnv = new Map<string, SourcedManifest[]>();
  for (const r of rendered) {
    const list = byEnv.get(r.environment.name) ?? byEnv.set(r.environment.name, []).get(r.environment.name)!;
    for (const o of r.objects) {
      const app = String(o.component.app.name);
      const file = (options.layout ?? 'construct') === 'construct' ? `${o.component.name}.yaml` : o.file;
      list.push({ manifest: o.manifest, file: `${app}/${file}` });
    }
  }
  return [...byEnv].map(([environment, objects]) => ({ environment, objects }));
}
