/**
 * One measurement, run in a fresh process by bench/run.ts:
 *
 *   node --import tsx bench/child.ts <mode> <n> <outdir>
 *
 * mode `libk8s` or `baseline`: builds the program and synthesizes it to
 * files in <outdir>, timing "construct + synth to files" with
 * performance.now() (module loading is not in that figure; bench/run.ts
 * times the whole process from outside).
 * mode `stages`: the libk8s program, timed stage by stage, and the write
 * stage against its floors (see bench/stages.ts).
 *
 * Prints one line `BENCH_RESULT <json>` on stdout.
 */
import { buildBaseline, buildLibk8s } from './programs';
import { measureStages, StageTimes } from './stages';

export type Mode = 'libk8s' | 'baseline' | 'stages';

export interface ChildResult {
  readonly mode: Mode;
  readonly n: number;
  /** construct + synth to files, ms (for `stages`: construct + render + guardrails + serialize + write). */
  readonly ms: number;
  /** The stages and the write experiments (only for `stages`). */
  readonly stages?: StageTimes;
  /** Peak resident set size of this process, bytes. */
  readonly maxRssBytes: number;
}

/** The timed part; the profiler summary keys on this function's name. */
function benchWindow(mode: Mode, n: number, outdir: string): Pick<ChildResult, 'ms' | 'stages'> {
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
  const stages = measureStages(n, outdir);
  return { ms: stages.total, stages };
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
  const result: ChildResult = { mode: mode as Mode, n, ...timed, maxRssBytes };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main();
