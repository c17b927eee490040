/**
 * The parts of `npm run bench`, each a series of fresh processes (see
 * bench/run.ts for the options and bench/report.ts for what is printed).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ChildResult } from './child';
import { countOutput, filesTouched, parseSynthOutput, ProcessRun, ROOT, Runner, stamps } from './proc';
import type { StageTimes } from './stages';
import { log, Series, series } from './stats';

export type FsName = 'disk' | 'tmpfs';

export interface Dirs {
  /** Per file system, the folder the outputs go to. */
  readonly base: Readonly<Record<FsName, string>>;
}

export interface ProgramResult {
  /** Whole process, spawn to exit. */
  readonly ms: Series;
  /** Inside the process: `synthesized in` of the CLI (program loaded, built, synthesized), the baseline's construct + synth. */
  readonly insideMs: Series;
  readonly rssMB: Series;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
}

export type Program = 'object' | 'construct' | 'baseline';

export interface WholeResult {
  readonly n: number;
  readonly fs: FsName;
  readonly programs: Partial<Record<Program, ProgramResult>>;
}

function fresh(dirs: Dirs, fsName: FsName, label: string): string {
  return fs.mkdtempSync(path.join(dirs.base[fsName], `${label}-`));
}

function clean(dir: string): void {
  for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

const show = (r: ProcessRun) => `${r.ms.toFixed(0).padStart(7)} ms  ${r.rssMB.toFixed(0)} MB`;

/** The programs and file systems that had their warm-up run (one per pair in the whole bench: tsx's cache, the page cache). */
const warmed = new Set<string>();

/**
 * Whole processes at N: `libk8s synth` in the object layout (and the
 * construct layout) and the baseline, alternating, and within each run the
 * file systems one after the other (paired, so the disk / tmpfs ratio is
 * taken under the same load). One discarded warm-up per program and file
 * system in the whole bench.
 */
export function measureWhole(runner: Runner, dirs: Dirs, n: number, fileSystems: readonly FsName[], o: { runs: number; baselineRuns: number; programs: readonly Program[] }): WholeResult[] {
  type Acc = { runs: ProcessRun[]; inside: number[]; counted?: ReturnType<typeof countOutput> };
  const acc = new Map<string, Acc>();
  for (let run = 0; run <= o.runs; run++) {
    for (const p of o.programs) {
      for (const fsName of fileSystems) {
        const key = `${p} ${fsName}`;
        if (run === 0 && warmed.has(key)) continue;
        if (p === 'baseline' && run > o.baselineRuns) continue;
        const out = fresh(dirs, fsName, p);
        const r = p === 'baseline' ? runner.baseline(n, out) : runner.libk8s(n, out, { layout: p });
        const what = run === 0 ? 'warm-up, discarded' : `run ${run}/${p === 'baseline' ? o.baselineRuns : o.runs}`;
        log(`  N=${n} ${fsName.padEnd(5)} ${(p === 'baseline' ? 'baseline' : `libk8s ${p}`).padEnd(16)} ${what.padEnd(18)} ${show(r)}`);
        warmed.add(key);
        if (run > 0) {
          const a = acc.get(key) ?? { runs: [], inside: [] };
          acc.set(key, a);
          a.runs.push(r);
          const ms = p === 'baseline' ? (JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))!.slice(13)) as ChildResult).ms : parseSynthOutput(r.stdout).insideMs;
          if (ms !== undefined) a.inside.push(ms);
          a.counted ??= countOutput(out);
        }
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
  }
  return fileSystems.map((fsName) => {
    const programs: Partial<Record<Program, ProgramResult>> = {};
    for (const p of o.programs) {
      const a = acc.get(`${p} ${fsName}`);
      if (a) programs[p] = { ms: series(a.runs.map((r) => r.ms)), insideMs: series(a.inside), rssMB: series(a.runs.map((r) => r.rssMB)), ...a.counted! };
    }
    return { n, fs: fsName, programs };
  });
}

export interface ResynthResult {
  readonly n: number;
  readonly fs: FsName;
  readonly noChange: ResynthSeries;
  readonly oneChange: ResynthSeries;
}

export interface ResynthSeries {
  readonly ms: Series;
  readonly rssMB: Series;
  /** Output files written, from inodes and mtimes before and after (the largest of the runs). */
  readonly written: number;
  readonly removed: number;
  /** What `libk8s synth` said it wrote (the CLI's line), the largest of the runs. */
  readonly said: string;
}

/**
 * Re-synths of N services over their own output, whole processes: the same
 * program (nothing changed), then one service's image changed (and back, in
 * the next run), the file systems one after the other in each run. The files
 * written are counted from the file system.
 */
export function measureResynth(runner: Runner, dirs: Dirs, n: number, fileSystems: readonly FsName[], runs: number): ResynthResult[] {
  type Sample = { r: ProcessRun; w: ReturnType<typeof filesTouched>; said: string };
  const state = fileSystems.map((fsName) => {
    const dir = fresh(dirs, fsName, 'resynth');
    runner.libk8s(n, dir);
    runner.libk8s(n, dir); // warm-up, discarded
    return { fsName, dir, bump: undefined as number | undefined, noChange: [] as Sample[], oneChange: [] as Sample[] };
  });
  for (let run = 1; run <= runs; run++) {
    for (const st of state) {
      const folder = path.join(st.dir, 'prod', 'bench');
      for (const kind of ['noChange', 'oneChange'] as const) {
        if (kind === 'oneChange') st.bump = st.bump === undefined ? 0 : undefined;
        const before = stamps(folder);
        const r = runner.libk8s(n, st.dir, { bump: st.bump });
        const w = filesTouched(before, stamps(folder));
        const said = r.stdout.split('\n').find((l) => l.startsWith('bench prod:'))?.replace(/^.*\(\d+ ms\)/, '').replace(/^: /, '') || 'every file written';
        log(`  N=${n} ${st.fsName.padEnd(5)} re-synth, ${kind === 'noChange' ? 'no change' : 'one change'} run ${run}/${runs}: ${show(r)}, ${w.written} files written, ${w.removed} removed (libk8s says: ${said})`);
        st[kind].push({ r, w, said });
      }
    }
  }
  const summary = (xs: Sample[]): ResynthSeries => {
    const worst = xs.reduce((a, b) => (b.w.written > a.w.written ? b : a));
    return { ms: series(xs.map((x) => x.r.ms)), rssMB: series(xs.map((x) => x.r.rssMB)), written: worst.w.written, removed: Math.max(...xs.map((x) => x.w.removed)), said: worst.said };
  };
  return state.map((st) => {
    fs.rmSync(st.dir, { recursive: true, force: true });
    return { n, fs: st.fsName, noChange: summary(st.noChange), oneChange: summary(st.oneChange) };
  });
}

export interface StagesResult {
  readonly n: number;
  readonly fs: FsName;
  readonly runs: readonly StageTimes[];
}

/** The stages child (bench/stages.ts) `runs` times per file system after one discarded warm-up, the file systems alternating. */
export function measureStages(dirs: Dirs, n: number, fileSystems: readonly FsName[], runs: number): StagesResult[] {
  const out = new Map<FsName, StageTimes[]>(fileSystems.map((f) => [f, []]));
  for (let run = 0; run <= runs; run++) {
    for (const fsName of fileSystems) {
      if (run === 0 && fsName !== fileSystems[0]) continue;
      spawnSync('sync', { stdio: 'ignore' });
      const dir = fresh(dirs, fsName, 'stages');
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child.ts'), 'stages', String(n), dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      fs.rmSync(dir, { recursive: true, force: true });
      const line = r.stdout?.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (r.status !== 0 || !line) throw new Error(`stages N=${n} failed (exit ${r.status}):\n${r.stderr}`.slice(0, 4000));
      const s = (JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult).stages!;
      log(`  stages N=${n} ${fsName.padEnd(5)} ${run === 0 ? 'warm-up, discarded' : `run ${run}/${runs}`}: render ${s.render.toFixed(0)}, guardrails ${s.guardrails.toFixed(0)}, serialize ${s.serialize.toFixed(0)}, `
        + `write object ${s.layouts.object.journaled.toFixed(0)} / construct ${s.layouts.construct.journaled.toFixed(0)} / single ${s.layouts.single.journaled.toFixed(0)} / one file ${s.oneFile.toFixed(0)} ms`);
      if (run > 0) out.get(fsName)!.push(s);
    }
  }
  return fileSystems.map((fsName) => ({ n, fs: fsName, runs: out.get(fsName)! }));
}

export interface ColdResult {
  readonly node: Series;
  /** `node -e "require('tsx/cjs/api').register()"`: what loading tsx adds to node. */
  readonly tsx: Series;
  readonly synth: Series;
  /** What `libk8s synth` says it took inside the process (the program loaded, run, written). */
  readonly synthInside: Series;
  readonly synthNoTsxCache: Series;
  readonly views?: { readonly diff: Series; readonly graph: Series; readonly graphSvg: Series };
}

const SHOP = path.join('examples', 'shop', 'main.ts');

/** The quickstart's cold start (`libk8s synth examples/shop/main.ts --out <tmpfs>`) against node's own, and the CLI's other commands. */
export function measureCold(runner: Runner, dirs: Dirs, runs: number, views: boolean): ColdResult {
  const repeat = (label: string, once: () => ProcessRun, inside?: number[]): Series => {
    const xs: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const r = once();
      log(`  ${label} ${run === 0 ? 'warm-up, discarded' : `run ${run}/${runs}`}: ${r.ms.toFixed(0)} ms`);
      if (run > 0) {
        xs.push(r.ms);
        const ms = parseSynthOutput(r.stdout).insideMs;
        if (inside && ms !== undefined) inside.push(ms);
      }
    }
    return series(xs);
  };
  const synth = (env: NodeJS.ProcessEnv) => () => {
    const out = fresh(dirs, 'tmpfs', 'cold');
    const r = runner.run([path.join(ROOT, 'bin', 'libk8s.js'), 'synth', SHOP, '--out', out], env);
    fs.rmSync(out, { recursive: true, force: true });
    return r;
  };
  const node = repeat('node -e 0', () => runner.node());
  const tsx = repeat("node -e \"require('tsx/cjs/api').register()\"", () => runner.run(['-e', "require('tsx/cjs/api').register()"]));
  const inside: number[] = [];
  const synthWarm = repeat('libk8s synth examples/shop (tsx cache warm)', synth({}), inside);
  const synthNoTsxCache = repeat('libk8s synth examples/shop (TSX_DISABLE_CACHE=1)', synth({ TSX_DISABLE_CACHE: '1' }));
  let v: ColdResult['views'];
  if (views) {
    const out = fresh(dirs, 'tmpfs', 'view');
    runner.run([path.join(ROOT, 'bin', 'libk8s.js'), 'synth', SHOP, '--out', out, '--quiet']);
    const cli = (args: string[]) => () => runner.run([path.join(ROOT, 'bin', 'libk8s.js'), ...args]);
    v = {
      diff: repeat('libk8s diff examples/shop (no change)', cli(['diff', SHOP, '--out', out])),
      graph: repeat('libk8s graph examples/shop (mermaid)', cli(['graph', SHOP, '--env', 'prod'])),
      graphSvg: repeat('libk8s graph examples/shop (svg)', cli(['graph', SHOP, '--env', 'prod', '--format', 'svg'])),
    };
    clean(out);
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { node, tsx, synth: synthWarm, synthInside: series(inside), synthNoTsxCache, views: v };
}
