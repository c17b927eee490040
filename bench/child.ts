/**
 * One measurement, run in a fresh process by bench/run.ts:
 *
 *   node --import tsx bench/child.ts <mode> <n> <outdir>
 *
 * mode `libk8s` or `baseline`: builds the program and synthesizes it to
 * files in <outdir>, timing "construct + synth to files" with
 * performance.now() (module loading is not in the figure).
 * mode `stages`: the libk8s program, timed stage by stage.
 *
 * Prints one line `BENCH_RESULT <json>` on stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RenderedEnvironment } from '../lib';
import { deliveriesFor } from '../lib/gitops';
import { serializeEnvironment } from '../lib/synth/serialize';
import { writeEnvironments } from '../lib/synth/write';
import { toYaml } from '../lib/synth/yaml';
import { buildBaseline, buildLibk8s } from './programs';

export type Mode = 'libk8s' | 'baseline' | 'stages';

export interface ChildResult {
  readonly mode: Mode;
  readonly n: number;
  /** construct + synth to files, ms (for `stages`: construct + render + guardrails + serialize + write). */
  readonly ms: number;
  /** Per stage, ms (only for `stages`). */
  readonly stages?: Readonly<Record<string, number>>;
  /** Guardrail rules enabled and findings reported (only for `stages`). */
  readonly guardrails?: { readonly rules: number; readonly findings: number };
  /** Kubernetes objects written (YAML documents with a `kind`, Kustomization files not counted). */
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  /** Peak resident set size of this process, bytes. */
  readonly maxRssBytes: number;
}

/** The timed part; the profiler summary keys on this function's name. */
function benchWindow(mode: Mode, n: number, outdir: string): Pick<ChildResult, 'ms' | 'stages' | 'guardrails'> {
  if (mode === 'libk8s') {
    const t0 = performance.now();
    buildLibk8s(n, outdir).synth({ outdir });
    return { ms: performance.now() - t0 };
  }
  if (mode === 'baseline') {
    const t0 = performance.now();
    buildBaseline(n, outdir).synth();
    return { ms: performance.now() - t0 };
  }
  return stages(n, outdir);
}

/**
 * The stages of App.synth() one by one. `render` is app.render(), which
 * validates again before rendering (as synth does); `validate` is a separate
 * app.validate() call, to show what validation alone costs.
 */
function stages(n: number, outdir: string): Pick<ChildResult, 'ms' | 'stages' | 'guardrails'> {
  const t: Record<string, number> = {};
  let t0 = performance.now();
  const app = buildLibk8s(n, outdir);
  t.construct = performance.now() - t0;

  t0 = performance.now();
  const problems = app.validate();
  t.validate = performance.now() - t0;
  if (problems.length > 0) throw new Error(`the bench program is invalid: ${problems[0].message}`);

  t0 = performance.now();
  const rendered: RenderedEnvironment[] = app.render();
  t.render = performance.now() - t0;

  // the guardrails synth runs between render and write (app.check)
  t0 = performance.now();
  const reports = app.check(rendered);
  t.guardrails = performance.now() - t0;
  const guardrails = { rules: app.guardrails.rules.length, findings: reports.reduce((k, r) => k + r.findings.length, 0) };

  // toYaml of every manifest, exactly as synth does, then the kustomization (serializeEnvironment)
  t0 = performance.now();
  const deliveries = deliveriesFor(app.platform);
  const serialized = rendered.map((r) => ({ r, files: serializeEnvironment(app, r, app.appProps.outputLayout, deliveries) }));
  t.serialize = performance.now() - t0;

  // the write of synthToDisk into an empty outdir, then again over that output (the usual re-synth)
  t0 = performance.now();
  writeEnvironments(outdir, app.name, serialized);
  t.write = performance.now() - t0;
  t0 = performance.now();
  writeEnvironments(outdir, app.name, serialized);
  t.rewrite = performance.now() - t0;

  // toYaml alone, per manifest, outside the total (a cross-check of `serialize`)
  t0 = performance.now();
  for (const r of rendered) for (const o of r.objects) toYaml(o.manifest);
  t.toYamlOnly = performance.now() - t0;

  return { ms: t.construct + t.render + t.guardrails + t.serialize + t.write, stages: t, guardrails };
}


/** Counts what was written (after the timed part). */
function countOutput(dir: string): { objects: number; files: number; bytes: number } {
  let objects = 0;
  let files = 0;
  let bytes = 0;
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, rel);
    if (!/\.ya?ml$/.test(rel) || !fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file, 'utf8');
    files++;
    bytes += Buffer.byteLength(text);
    for (const doc of text.split(/^---$/m)) {
      const kind = /^kind:\s*(\S+)/m.exec(doc);
      if (kind && kind[1] !== 'Kustomization') objects++;
    }
  }
  return { objects, files, bytes };
}

function main(): void {
  const [mode, nArg, outdir] = process.argv.slice(2);
  const n = Number(nArg);
  if (!['libk8s', 'baseline', 'stages'].includes(mode) || !Number.isInteger(n) || n < 1 || !outdir) {
    process.stderr.write('usage: node --import tsx bench/child.ts libk8s|baseline|stages <n> <outdir>\n');
    process.exit(2);
  }
  const timed = benchWindow(mode as Mode, n, outdir);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const result: ChildResult = { mode: mode as Mode, n, ...timed, ...countOutput(outdir), maxRssBytes };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main();
