/**
 * The stages of App.synth() one by one, in one process (bench/child.ts
 * `stages`), and the write stage against its floors:
 *
 * - each candidate layout, written fresh as synth writes it (staging,
 *   journal, renames: `journaled`) and written straight into its folder with
 *   no guarantee at all (`plain`: one mkdir per folder, one writeFileSync
 *   per file): the difference is the cost of the all-or-nothing guarantee;
 * - the same bytes as one file (the floor of any layout);
 * - the journal alone (written and fsync'd twice, as a switch does);
 * - re-synths over the object layout: nothing changed, one service changed
 *   (and the same changed files written in place, unguarded), every file
 *   changed (the whole folder rewritten, the previous one deleted).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { App, RenderedEnvironment } from '../lib';
import { deliveriesFor } from '../lib/gitops';
import { serializeEnvironment } from '../lib/synth/serialize';
import { writeEnvironments } from '../lib/synth/write';
import { mkdirsFor, writeDurably } from '../lib/synth/write-fs';
import { toYaml } from '../lib/synth/yaml';
import { buildLibk8s } from './programs';

/** The layouts compared: libk8s's two, and every object of an environment in one file. */
export const LAYOUTS = ['object', 'construct', 'single'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export interface LayoutWrite {
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
  /** As synth writes it: staging folder, journal, renames (ms). */
  readonly journaled: number;
  /** Straight into the folder, no staging, no journal (ms). */
  readonly plain: number;
}

export interface StageTimes {
  readonly construct: number;
  readonly validate: number;
  readonly render: number;
  readonly guardrails: number;
  readonly serialize: number;
  /** The object layout's journaled write: the `write` stage of a fresh synth. */
  readonly write: number;
  /** construct + render + guardrails + serialize + write. */
  readonly total: number;
  readonly rules: number;
  readonly findings: number;
  readonly layouts: Readonly<Record<LayoutName, LayoutWrite>>;
  /** The object layout's bytes as one writeFileSync. */
  readonly oneFile: number;
  /** The journal written and fsync'd twice (switching, committed). */
  readonly journal: number;
  /** Re-synth writes over the object layout's output. */
  readonly rewrite: {
    readonly noChange: number;
    readonly oneChange: number;
    readonly oneChangeFiles: number;
    /** The one change's files written in place, without staging or journal. */
    readonly oneChangePlain: number;
    /** Every file changed: the whole folder written, the previous one deleted. */
    readonly allChanged: number;
  };
}

function settle(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function timed(f: () => void): number {
  settle();
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function serialize(app: App, rendered: readonly RenderedEnvironment[], layout: 'object' | 'construct') {
  const deliveries = deliveriesFor(app.platform);
  return rendered.map((r) => ({ r, files: serializeEnvironment(app, r, layout, deliveries) }));
}

/** Every object of the environment in one file, plus a kustomization that lists it. */
function single(objectFiles: ReadonlyMap<string, string>): Map<string, string> {
  const docs = [...objectFiles].filter(([name]) => name !== 'kustomization.yaml').map(([, text]) => text);
  return new Map([
    ['all.yaml', docs.join('---\n')],
    ['kustomization.yaml', toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['all.yaml'] })],
  ]);
}

function plainWrite(dir: string, files: ReadonlyMap<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  mkdirsFor(fs, dir, files.keys());
  for (const [rel, text] of files) fs.writeFileSync(path.join(dir, rel), text);
}

function dirsOf(files: ReadonlyMap<string, string>): number {
  return new Set([...files.keys()].map((f) => path.posix.dirname(f)).filter((d) => d !== '.')).size + 1;
}

export function measureStages(n: number, outdir: string): StageTimes {
  let t0 = performance.now();
  const app = buildLibk8s(n, outdir, { layout: 'object' });
  const construct = performance.now() - t0;

  t0 = performance.now();
  const problems = app.validate();
  const validate = performance.now() - t0;
  if (problems.length > 0) throw new Error(`the bench program is invalid: ${problems[0].message}`);

  t0 = performance.now();
  const rendered = app.render();
  const render = performance.now() - t0;

  t0 = performance.now();
  const reports = app.check(rendered);
  const guardrails = performance.now() - t0;

  t0 = performance.now();
  const object = serialize(app, rendered, 'object');
  const serialize_ = performance.now() - t0;

  const construct_ = serialize(app, rendered, 'construct');
  const variants: Record<LayoutName, { r: RenderedEnvironment; files: ReadonlyMap<string, string> }[]> = {
    object,
    construct: construct_,
    single: object.map(({ r, files }) => ({ r, files: single(files) })),
  };
  const layouts = {} as Record<LayoutName, LayoutWrite>;
  for (const name of LAYOUTS) {
    const files = variants[name][0].files;
    const journaled = timed(() => writeEnvironments(path.join(outdir, name), app.name, variants[name]));
    const plain = timed(() => plainWrite(path.join(outdir, `${name}-plain`, 'prod', app.name), files));
    layouts[name] = { files: files.size, dirs: dirsOf(files), bytes: [...files.values()].reduce((k, t) => k + Buffer.byteLength(t), 0), journaled, plain };
  }
  const all = [...object[0].files.values()].join('---\n');
  const oneFile = timed(() => fs.writeFileSync(path.join(outdir, 'one-file.yaml'), all));
  fs.mkdirSync(path.join(outdir, 'journal'));
  const journal = timed(() => {
    writeDurably(fs, path.join(outdir, 'journal', 'journal.json'), '{"version":2,"state":"switching"}');
    writeDurably(fs, path.join(outdir, 'journal', 'journal.json'), '{"version":2,"state":"committed"}');
  });

  // re-synths over the object layout's output, written above
  const over = path.join(outdir, 'object');
  const noChange = timed(() => writeEnvironments(over, app.name, object));
  const bumped = buildLibk8s(n, outdir, { layout: 'object', bump: 0 });
  const bumpedFiles = serialize(bumped, bumped.render(), 'object');
  let oneChangeFiles = 0;
  const oneChange = timed(() => { oneChangeFiles = writeEnvironments(over, app.name, bumpedFiles).units[0].written; });
  const plainDir = path.join(outdir, 'object-plain', 'prod', app.name);
  const changed = [...bumpedFiles[0].files].filter(([rel, text]) => object[0].files.get(rel) !== text);
  const oneChangePlain = timed(() => { for (const [rel, text] of changed) fs.writeFileSync(path.join(plainDir, rel), text); });
  const everyFile = object.map(({ r, files }) => ({ r, files: new Map([...files].map(([rel, text]) => [rel, `${text}# changed\n`])) }));
  const allChanged = timed(() => writeEnvironments(over, app.name, everyFile));

  const write = layouts.object.journaled;
  return {
    construct, validate, render, guardrails, serialize: serialize_, write,
    total: construct + render + guardrails + serialize_ + write,
    rules: app.guardrails.rules.length,
    findings: reports.reduce((k, r) => k + r.findings.length, 0),
    layouts, oneFile, journal,
    rewrite: { noChange, oneChange, oneChangeFiles, oneChangePlain, allChanged },
  };
}
