import * as fs from 'fs';
import * as path from 'path';
import type { App } from './app';
import type { Report } from '../guardrails/types';
import type { RenderedEnvironment } from './render';
import { toYaml } from './yaml';

/**
 * How objects map to files: `object`, one file per object
 * (`<construct>/<kind>.yaml`); `construct`, one multi-document file per
 * construct (`<construct>.yaml`), about 8× fewer files for a large portfolio.
 */
export type OutputLayout = 'object' | 'construct';

export interface SynthOptions {
  /**
   * How objects map to files.
   * @default - the App's `outputLayout` ('object')
   */
  readonly layout?: OutputLayout;
  /**
   * The output directory.
   * @default - the CLI's `--out`, else the App's `outdir` ('dist')
   */
  readonly outdir?: string;
  /**
   * Only these environments.
   * @default - the CLI's `--env`, else every environment
   */
  readonly environments?: readonly string[];
  /**
   * `enforce` refuses to write while an error-level finding remains, `warn`
   * writes and reports, `off` skips the guardrails.
   * @default - the CLI's `--guardrails`, else 'enforce'
   */
  readonly guardrails?: 'enforce' | 'warn' | 'off';
}

export interface EnvironmentSummary {
  readonly environment: string;
  readonly namespace: string;
  /** The folder written, `<outdir>/<env>/<app>`. */
  readonly directory: string;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  /** Milliseconds to render and serialize this environment. */
  readonly millis: number;
}

export interface SynthResult {
  readonly app: string;
  readonly outdir: string;
  readonly environments: readonly EnvironmentSummary[];
  /** The guardrails report of each environment (empty when they were off). */
  readonly reports?: readonly Report[];
}

/** The files of one environment: path relative to its app folder, and content. */
export function serializeEnvironment(rendered: RenderedEnvironment, layout: OutputLayout = 'object'): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of rendered.objects) {
    const text = toYaml(o.manifest);
    const file = layout === 'construct' ? `${o.component.name}.yaml` : o.file;
    const prev = files.get(file);
    files.set(file, prev === undefined ? text : `${prev}---\n${text}`);
  }
  const resources = [...files.keys()].sort();
  files.set('kustomization.yaml', toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
  }));
  return files;
}

/**
 * Writes serialized environments to a staging folder inside `outdir`, then
 * swaps each `<outdir>/<env>/<app>` folder in with a rename; the previous
 * output is removed with the staging folder.
 */
export function writeEnvironments(outdir: string, appName: string, serialized: readonly { readonly r: RenderedEnvironment; readonly files: ReadonlyMap<string, string> }[]): void {
  fs.mkdirSync(outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outdir, '.staging-'));
  try {
    for (const { r, files } of serialized) {
      const base = path.join(staging, r.environment.name);
      const dirs = new Set<string>();
      for (const rel of files.keys()) dirs.add(path.dirname(path.join(base, rel)));
      for (const d of dirs) fs.mkdirSync(d, { recursive: true });
      for (const [rel, text] of files) fs.writeFileSync(path.join(base, rel), text);
    }
    for (const { r } of serialized) {
      const target = path.join(outdir, r.environment.name, appName);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) fs.renameSync(target, path.join(staging, `.old-${r.environment.name}`));
      fs.renameSync(path.join(staging, r.environment.name), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Serializes every environment in memory, writes it to a staging folder
 * inside `outdir`, then swaps each `<outdir>/<env>/<app>` folder in with a
 * rename. Anything that fails before the swap leaves the old output as it was.
 */
export function synthToDisk(app: App, rendered: readonly RenderedEnvironment[], options: { outdir: string; layout?: OutputLayout }): SynthResult {
  const outdir = path.resolve(options.outdir);
  const serialized = rendered.map((r) => {
    const started = performance.now();
    const files = serializeEnvironment(r, options.layout);
    return { r, files, millis: r.millis + performance.now() - started };
  });
  writeEnvironments(outdir, app.name, serialized);
  return {
    app: app.name,
    outdir,
    environments: serialized.map(({ r, files, millis }) => ({
      environment: r.environment.name,
      namespace: r.environment.namespace,
      directory: path.join(outdir, r.environment.name, app.name),
      objects: r.objects.length,
      files: files.size,
      bytes: [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0),
      millis: Math.round(millis),
    })),
  };
}
