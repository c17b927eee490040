/**
 * libk8s synth benchmark: `npm run bench [-- options]`. See bench/README.md.
 *
 * Every measurement runs in a fresh `node` process (bench/child.ts) so runs
 * share no JIT or heap state and each reports its own peak RSS.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChildResult, Mode } from './child';
import { formatProfile, ProfileSummary, summarizeProfile } from './profile';

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'child.ts');
const CLI = path.join(ROOT, 'bin', 'libk8s.js');
const SHOP = path.join('examples', 'shop', 'main.ts');

/** The issue's targets. */
const TARGET = { n: 1000, speedup: 10, synthMs: 1500, growth: 2.2, rssMB: 400, cliMs: 1500, viewMs: 1000 };

interface Options {
  sizes: number[];
  /** Where the raw results go; undefined: latest.json for a full run, quick.json otherwise. */
  runs: number;
  stageSize: number;
  tmpdir: string;
  json?: string;
  profile: 'auto' | 'always' | 'never';
  skip: Set<string>;
  strict: boolean;
}

const HELP = `npm run bench -- [options]

  --sizes 100,1000,2000   service counts N (env BENCH_SIZES)
  --runs 5                measured runs per program and size, after one discarded warm-up (env BENCH_RUNS)
  --stage-size 1000       N for the per-stage breakdown
  --tmpdir DIR            where the output is written (env BENCH_TMPDIR; default: the OS temp dir)
  --skip baseline,stages,cli
  --profile auto|always|never
                          CPU-profile one libk8s run at the stage size (auto: when a time target fails)
  --json FILE             raw results (default bench/results/latest.json for a full run: sizes 100,1000,2000
                          and at least 5 runs; bench/results/quick.json, git-ignored, for anything less)
  --strict                exit 1 when a target fails`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    sizes: (process.env.BENCH_SIZES ?? '100,1000,2000').split(',').map(Number),
    runs: Number(process.env.BENCH_RUNS ?? 5),
    stageSize: 1000,
    tmpdir: process.env.BENCH_TMPDIR ?? os.tmpdir(),
    profile: 'auto',
    skip: new Set(),
    strict: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--sizes': o.sizes = value().split(',').filter(Boolean).map(Number); break;
      case '--runs': o.runs = Number(value()); break;
      case '--stage-size': o.stageSize = Number(value()); break;
      case '--tmpdir': o.tmpdir = path.resolve(value()); break;
      case '--json': o.json = path.resolve(value()); break;
      case '--profile': o.profile = value() as Options['profile']; break;
      case '--skip': for (const s of value().split(',')) o.skip.add(s); break;
      case '--strict': o.strict = true; break;
      case '-h': case '--help': process.stdout.write(`${HELP}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${argv[i]}\n\n${HELP}`);
    }
  }
  if (o.sizes.length === 0 || o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes positive integers, e.g. 100,1000');
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs takes a positive integer');
  if (!['auto', 'always', 'never'].includes(o.profile)) throw new Error('--profile takes auto, always or never');
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

// ---------------------------------------------------------------- statistics

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Series {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function series(samples: readonly number[]): Series {
  return { samples: samples.map((x) => Math.round(x * 10) / 10), median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

// ---------------------------------------------------------------- processes

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

/** Flushes dirty pages so one run's writeback does not land in the next run's timing. */
function settle(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function runChild(mode: Mode, n: number, base: string, nodeArgs: readonly string[] = []): ChildResult {
  settle();
  const outdir = fs.mkdtempSync(path.join(base, `${mode}-${n}-`));
  const env = { ...process.env };
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, mode, String(n), outdir], {
    cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) {
    throw new Error(`child ${mode} N=${n} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}${r.stdout}`);
  }
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult;
}

/** Wall time of a whole `libk8s synth` process, ms. */
function runCli(base: string, env: NodeJS.ProcessEnv): number {
  settle();
  const out = fs.mkdtempSync(path.join(base, 'cli-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'synth', SHOP, '--out', out, '--quiet'], { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`libk8s synth failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  return ms;
}

/** Wall time of a whole `libk8s diff` (against `out`, written by a synth of the same program: no change) or `libk8s graph` process, ms. */
function runView(command: 'diff' | 'graph', args: readonly string[]): number {
  settle();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, command, SHOP, ...args], { cwd: ROOT, env: process.env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`libk8s ${command} failed (exit ${r.status}):\n${r.stderr}`);
  return ms;
}

function clean(dir: string): void {
  for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

// ---------------------------------------------------------------- measurements

interface ProgramResult {
  readonly ms: Series;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  readonly peakRssMB: Series;
}

interface SizeResult {
  readonly n: number;
  readonly libk8s: ProgramResult;
  readonly baseline?: ProgramResult;
  /** baseline median / libk8s median. */
  readonly speedup?: number;
}

function summarize(rs: readonly ChildResult[]): ProgramResult {
  const r0 = rs[0];
  for (const r of rs) {
    if (r.objects !== r0.objects || r.bytes !== r0.bytes) throw new Error(`${r.mode} N=${r.n} wrote different output in different runs`);
  }
  return {
    ms: series(rs.map((r) => r.ms)),
    objects: r0.objects,
    files: r0.files,
    bytes: r0.bytes,
    peakRssMB: series(rs.map((r) => r.maxRssBytes / 1e6)),
  };
}

function measureSize(n: number, o: Options, base: string): SizeResult {
  const withBaseline = !o.skip.has('baseline');
  const modes: Mode[] = withBaseline ? ['libk8s', 'baseline'] : ['libk8s'];
  const results: Record<string, ChildResult[]> = { libk8s: [], baseline: [] };
  for (let run = 0; run <= o.runs; run++) {
    for (const mode of modes) {
      const r = runChild(mode, n, base);
      const what = run === 0 ? 'warm-up, discarded' : `run ${run}/${o.runs}`;
      log(`  N=${n} ${mode.padEnd(8)} ${what.padEnd(18)} ${r.ms.toFixed(0).padStart(7)} ms  ${(r.maxRssBytes / 1e6).toFixed(0)} MB`);
      if (run > 0) results[mode].push(r);
    }
    clean(base);
  }
  const libk8s = summarize(results.libk8s);
  const baseline = withBaseline ? summarize(results.baseline) : undefined;
  return { n, libk8s, baseline, speedup: baseline ? baseline.ms.median / libk8s.ms.median : undefined };
}

const STAGES = ['construct', 'validate', 'render', 'guardrails', 'serialize', 'write', 'rewrite'] as const;

interface StageResult {
  readonly n: number;
  readonly stages: Record<string, Series>;
  readonly total: Series;
  readonly guardrails: { readonly rules: number; readonly findings: number };
}

function measureStages(o: Options, base: string): StageResult {
  const runs: ChildResult[] = [];
  for (let run = 0; run <= o.runs; run++) {
    const r = runChild('stages', o.stageSize, base);
    log(`  stages N=${o.stageSize} ${run === 0 ? 'warm-up, discarded' : `run ${run}/${o.runs}`}: ${STAGES.map((s) => `${s} ${r.stages![s].toFixed(0)}`).join(', ')} ms`);
    if (run > 0) runs.push(r);
    clean(base);
  }
  const stages: Record<string, Series> = {};
  for (const s of [...STAGES, 'toYamlOnly']) stages[s] = series(runs.map((r) => r.stages![s]));
  return { n: o.stageSize, stages, total: series(runs.map((r) => r.ms)), guardrails: runs[0].guardrails! };
}

interface CliResult {
  readonly warmCache: Series;
  readonly noTsxCache: Series;
  /** `libk8s diff examples/shop` against its own output (no change, exit 0). */
  readonly diff: Series;
  /** `libk8s graph examples/shop --env prod` as Mermaid, and as SVG (Graphviz in WebAssembly). */
  readonly graph: Series;
  readonly graphSvg: Series;
}

function measureCli(o: Options, base: string): CliResult {
  const runs = Math.max(o.runs, 5);
  const measure = (label: string, env: NodeJS.ProcessEnv): Series => {
    const xs: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const ms = runCli(base, env);
      log(`  libk8s synth examples/shop (${label}) ${run === 0 ? 'warm-up, discarded' : `run ${run}/${runs}`}: ${ms.toFixed(0)} ms`);
      if (run > 0) xs.push(ms);
    }
    clean(base);
    return series(xs);
  };
  const view = (label: string, once: () => number): Series => {
    const xs: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const ms = once();
      log(`  ${label} ${run === 0 ? 'warm-up, discarded' : `run ${run}/${runs}`}: ${ms.toFixed(0)} ms`);
      if (run > 0) xs.push(ms);
    }
    return series(xs);
  };
  const warmCache = measure('tsx cache warm', { ...process.env });
  const noTsxCache = measure('TSX_DISABLE_CACHE=1', { ...process.env, TSX_DISABLE_CACHE: '1' });
  const out = fs.mkdtempSync(path.join(base, 'view-'));
  const synth = spawnSync(process.execPath, [CLI, 'synth', SHOP, '--out', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`libk8s synth failed (exit ${synth.status}):\n${synth.stderr}`);
  const diff = view('libk8s diff examples/shop (no change)', () => runView('diff', ['--out', out]));
  const graph = view('libk8s graph examples/shop (mermaid)', () => runView('graph', ['--env', 'prod']));
  const graphSvg = view('libk8s graph examples/shop (svg)', () => runView('graph', ['--env', 'prod', '--format', 'svg']));
  clean(base);
  return { warmCache, noTsxCache, diff, graph, graphSvg };
}

function profileRun(o: Options, base: string): { file: string; summary: ProfileSummary } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-bench-prof-'));
  const r = runChild('libk8s', o.stageSize, base, ['--cpu-prof', '--cpu-prof-dir', dir]);
  clean(base);
  // tsx's loader thread writes a profile too; the main thread's is the one with the timed window
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const file = path.join(dir, f);
    const summary = summarizeProfile(file, ROOT);
    if (summary.windowMs > 0) {
      log(`  profiled libk8s N=${o.stageSize}: ${r.ms.toFixed(0)} ms (with the profiler on) -> ${file}`);
      return { file, summary };
    }
  }
  log(`  profiled libk8s N=${o.stageSize}, but no profile in ${dir} has the timed window`);
  return undefined;
}

// ---------------------------------------------------------------- report

interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly node: string;
  readonly os: string;
  readonly tmpdir: string;
  readonly tmpdirFs: string;
  /** The commit measured, with `+dirty` when lib/ has uncommitted changes. */
  readonly commit: string;
  /** A hash of lib/ at the start and the end: they differ when lib/ was edited during the run. */
  readonly lib: { start: string; end?: string };
  /** 1-minute load average when the run started and ended: other work on the machine skews the numbers. */
  readonly load: { start: number; end?: number };
}

function machine(tmpdir: string): Machine {
  const cpus = os.cpus();
  const fsType = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '--target', tmpdir], { encoding: 'utf8' });
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    tmpdir,
    tmpdirFs: fsType.status === 0 ? fsType.stdout.trim().split('\n').pop()! : 'unknown',
    commit: commit(),
    lib: { start: libFingerprint() },
    load: { start: os.loadavg()[0] },
  };
}

/** The content of every file under lib/, hashed. */
function libFingerprint(): string {
  const lib = path.join(ROOT, 'lib');
  const hash = createHash('sha256');
  const files = (fs.readdirSync(lib, { recursive: true }) as string[]).sort();
  for (const rel of files) {
    const file = path.join(lib, rel);
    if (!fs.statSync(file).isFile()) continue;
    hash.update(rel).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function commit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'lib'], { cwd: ROOT, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout?.trim() ? '+dirty' : ''}`;
}

const fmtMs = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtInt = (x: number): string => x.toLocaleString('en-US');
const fmtMB = (bytes: number): string => (bytes / 1e6).toFixed(1);

interface Check {
  readonly name: string;
  readonly pass: boolean | undefined;
  readonly detail: string;
}

function checks(sizes: readonly SizeResult[], cli: CliResult | undefined): Check[] {
  const at = (n: number) => sizes.find((s) => s.n === n);
  const s1 = at(TARGET.n);
  const s2 = at(2 * TARGET.n);
  const out: Check[] = [];
  const missing = (why: string) => ({ pass: undefined, detail: `not measured (${why})` });
  out.push({
    name: `1,000 WebServices >= ${TARGET.speedup}x faster than the cdk8s-plus-27 baseline`,
    ...(s1?.speedup !== undefined
      ? { pass: s1.speedup >= TARGET.speedup, detail: `${s1.speedup.toFixed(2)}x (baseline ${fmtMs(s1.baseline!.ms.median)} ms / libk8s ${fmtMs(s1.libk8s.ms.median)} ms)` }
      : missing('needs N=1000 and the baseline')),
  });
  out.push({
    name: `1,000 WebServices construct + synth <= ${TARGET.synthMs / 1000} s`,
    ...(s1 ? { pass: s1.libk8s.ms.median <= TARGET.synthMs, detail: `${fmtMs(s1.libk8s.ms.median)} ms` } : missing('needs N=1000')),
  });
  out.push({
    name: `t(2000)/t(1000) <= ${TARGET.growth}`,
    ...(s1 && s2
      ? { pass: s2.libk8s.ms.median / s1.libk8s.ms.median <= TARGET.growth, detail: `${(s2.libk8s.ms.median / s1.libk8s.ms.median).toFixed(2)}` }
      : missing('needs N=1000 and N=2000')),
  });
  out.push({
    name: `peak RSS at 1,000 <= ${TARGET.rssMB} MB`,
    ...(s1 ? { pass: s1.libk8s.peakRssMB.median <= TARGET.rssMB, detail: `${s1.libk8s.peakRssMB.median.toFixed(0)} MB (max ${s1.libk8s.peakRssMB.max.toFixed(0)})` } : missing('needs N=1000')),
  });
  out.push({
    name: `libk8s synth examples/shop cold start <= ${TARGET.cliMs / 1000} s`,
    ...(cli
      ? { pass: cli.warmCache.median <= TARGET.cliMs, detail: `${fmtMs(cli.warmCache.median)} ms (without tsx's cache: ${fmtMs(cli.noTsxCache.median)} ms)` }
      : missing('skipped')),
  });
  for (const [name, key] of [['libk8s diff examples/shop', 'diff'], ['libk8s graph examples/shop (mermaid)', 'graph'], ['libk8s graph examples/shop (svg)', 'graphSvg']] as const) {
    out.push({
      name: `${name} <= ${TARGET.viewMs / 1000} s, whole process`,
      ...(cli ? { pass: cli[key].median <= TARGET.viewMs, detail: `${fmtMs(cli[key].median)} ms` } : missing('skipped')),
    });
  }
  return out;
}

function growthRows(sizes: readonly SizeResult[]): string[] {
  const rows: string[] = [];
  for (const s of sizes) {
    const d = sizes.find((x) => x.n === 2 * s.n);
    if (!d) continue;
    const b = s.baseline && d.baseline ? (d.baseline.ms.median / s.baseline.ms.median).toFixed(2) : 'n/a';
    rows.push(`| t(${fmtInt(d.n)}) / t(${fmtInt(s.n)}) | ${(d.libk8s.ms.median / s.libk8s.ms.median).toFixed(2)} | ${b} |`);
  }
  // the exponent k in t ~ N^k between consecutive sizes
  for (let i = 1; i < sizes.length; i++) {
    const [a, c] = [sizes[i - 1], sizes[i]];
    const k = (x: number, y: number) => (Math.log(y / x) / Math.log(c.n / a.n)).toFixed(2);
    const b = a.baseline && c.baseline ? k(a.baseline.ms.median, c.baseline.ms.median) : 'n/a';
    rows.push(`| exponent k (t ~ N^k), ${fmtInt(a.n)} -> ${fmtInt(c.n)} | ${k(a.libk8s.ms.median, c.libk8s.ms.median)} | ${b} |`);
  }
  return rows;
}

function report(m: Machine, o: Options, sizes: readonly SizeResult[], stages: StageResult | undefined, cli: CliResult | undefined,
  results: readonly Check[], profile: ProfileSummary | undefined): string {
  const lines: string[] = [];
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, ${m.os}; output written to ${m.tmpdir} (${m.tmpdirFs}); libk8s at ${m.commit}, lib/ fingerprint ${m.lib.start}.`);
  const busy = Math.max(m.load.start, m.load.end ?? 0) > m.cores / 2;
  lines.push(`Load average (1 min) at start ${m.load.start.toFixed(2)}, at end ${(m.load.end ?? 0).toFixed(2)}${busy ? ` — other work was running on this ${m.cores}-core machine; expect noise` : ''}.`);
  if (m.lib.end !== undefined && m.lib.end !== m.lib.start) {
    lines.push(`WARNING: lib/ changed during the run (fingerprint ${m.lib.start} -> ${m.lib.end}); the numbers mix two versions of libk8s. Run again.`);
  }
  lines.push(`Each figure: median of ${o.runs} fresh processes after one discarded warm-up, libk8s and baseline alternating.`);
  lines.push('Time = construct the program + synth to files, measured inside the process (node start-up and module loading excluded).');
  lines.push('');
  lines.push('| N services | program | objects | files | MB written | time, median (min–max) | µs / object | peak RSS MB | baseline / libk8s |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of sizes) {
    const row = (name: string, p: ProgramResult, ratio: string) =>
      `| ${fmtInt(s.n)} | ${name} | ${fmtInt(p.objects)} | ${fmtInt(p.files)} | ${fmtMB(p.bytes)} | ${fmtMs(p.ms.median)} ms (${fmtMs(p.ms.min)}–${fmtMs(p.ms.max)}) | ${((p.ms.median * 1000) / p.objects).toFixed(0)} | ${p.peakRssMB.median.toFixed(0)} | ${ratio} |`;
    lines.push(row('libk8s', s.libk8s, s.speedup !== undefined ? `**${s.speedup.toFixed(2)}×**` : ''));
    if (s.baseline) lines.push(row('cdk8s-plus-27, chart per service', s.baseline, ''));
  }
  lines.push('');
  lines.push('libk8s: one App, one environment, N WebServices with route (HTTPRoute), autoscale, config file and secret env: 8 objects each (ServiceAccount, ConfigMap, Deployment, PodDisruptionBudget, HPA, NetworkPolicy, Service, HTTPRoute), a file per object plus kustomization.yaml.');
  lines.push('Baseline: cdk8s-plus-27 Deployment + exposeViaService() + HorizontalPodAutoscaler, one Chart per service (3 objects each), cdk8s App.synth() (a file per chart).');
  const growth = growthRows(sizes);
  if (growth.length) {
    lines.push('');
    lines.push('| growth | libk8s | baseline |');
    lines.push('|---|---:|---:|');
    lines.push(...growth);
  }
  if (stages) {
    const total = stages.total.median;
    lines.push('');
    lines.push(`Stages of libk8s synth at N = ${fmtInt(stages.n)} (median of ${o.runs} processes):`);
    lines.push('');
    lines.push('| stage | what | median ms | share of total |');
    lines.push('|---|---|---:|---:|');
    const what: Record<string, string> = {
      construct: 'new App + N × new WebService',
      validate: 'app.validate() (props and cross-tree rules), run on its own',
      render: 'app.render(): validate again + cdk8s objects + toJson + patches',
      guardrails: stages.guardrails.rules === 0
        ? 'app.check(rendered): the engine only, 0 rules enabled (the built-in packs are empty so far)'
        : `app.check(rendered): ${stages.guardrails.rules} rules enabled, ${stages.guardrails.findings} findings`,
      serialize: 'toYaml of every manifest + kustomization (serializeEnvironment)',
      write: 'as synthToDisk into an empty outdir: mkdir + writeFileSync per file into a staging dir, rename',
      rewrite: 'the same write over that output (a re-synth): also renames the old folder aside and deletes it',
    };
    for (const s of STAGES) {
      const v = stages.stages[s].median;
      const share = s === 'validate' ? '(in render)' : s === 'rewrite' ? '(instead of write)' : `${((100 * v) / total).toFixed(0)}%`;
      lines.push(`| ${s} | ${what[s]} | ${fmtMs(v)} | ${share} |`);
    }
    lines.push('| schema validation | objects against the Kubernetes OpenAPI schemas | not yet implemented | – |');
    lines.push(`| **total** | construct + render + guardrails + serialize + write | **${fmtMs(total)}** | 100% |`);
    lines.push('');
    lines.push(`toYaml alone over every manifest: ${fmtMs(stages.stages.toYamlOnly.median)} ms. Schema validation: not yet implemented in lib/, so there is no number for it.`);
    if (stages.guardrails.rules === 0) lines.push('guardrails: not yet implemented beyond the engine (0 rules enabled), so the guardrails figure is the cost of an empty pass only.');
  }
  if (cli) {
    lines.push('');
    lines.push(`| \`libk8s synth examples/shop\`, whole process from a cold start | median | min–max |`);
    lines.push('|---|---:|---:|');
    lines.push(`| fresh node process (tsx's transform cache warm, the usual case) | ${fmtMs(cli.warmCache.median)} ms | ${fmtMs(cli.warmCache.min)}–${fmtMs(cli.warmCache.max)} ms |`);
    lines.push(`| fresh node process, TSX_DISABLE_CACHE=1 (first run ever) | ${fmtMs(cli.noTsxCache.median)} ms | ${fmtMs(cli.noTsxCache.min)}–${fmtMs(cli.noTsxCache.max)} ms |`);
    lines.push(`| \`libk8s diff examples/shop\` against its own output (no change) | ${fmtMs(cli.diff.median)} ms | ${fmtMs(cli.diff.min)}–${fmtMs(cli.diff.max)} ms |`);
    lines.push(`| \`libk8s graph examples/shop --env prod\` (Mermaid) | ${fmtMs(cli.graph.median)} ms | ${fmtMs(cli.graph.min)}–${fmtMs(cli.graph.max)} ms |`);
    lines.push(`| \`libk8s graph examples/shop --env prod --format svg\` | ${fmtMs(cli.graphSvg.median)} ms | ${fmtMs(cli.graphSvg.min)}–${fmtMs(cli.graphSvg.max)} ms |`);
  }
  lines.push('');
  lines.push('Targets:');
  for (const c of results) lines.push(`${c.pass === undefined ? 'SKIP' : c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  if (profile) {
    lines.push('');
    lines.push(`CPU profile of one libk8s run at N = ${fmtInt(o.stageSize)} (node --cpu-prof, timed window only):`);
    lines.push('```');
    lines.push(formatProfile(profile));
    lines.push('```');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.tmpdir, { recursive: true });
  const base = fs.mkdtempSync(path.join(o.tmpdir, 'libk8s-bench-'));
  const m = machine(base);
  log(`libk8s bench: sizes ${o.sizes.join(', ')}, ${o.runs} runs each, output in ${base} (${m.tmpdirFs})`);
  try {
    const sizes: SizeResult[] = [];
    for (const n of o.sizes) sizes.push(measureSize(n, o, base));
    const stages = o.skip.has('stages') ? undefined : measureStages(o, base);
    const cli = o.skip.has('cli') ? undefined : measureCli(o, base);
    const results = checks(sizes, cli);
    const timeFailed = results.slice(0, 3).some((c) => c.pass === false);
    let profile: { file: string; summary: ProfileSummary } | undefined;
    if (o.profile === 'always' || (o.profile === 'auto' && timeFailed)) profile = profileRun(o, base);

    m.load.end = os.loadavg()[0];
    m.lib.end = libFingerprint();
    if (m.lib.end !== m.lib.start) log(`WARNING: lib/ changed during the run (${m.lib.start} -> ${m.lib.end})`);
    const md = report(m, o, sizes, stages, cli, results, profile?.summary);
    process.stdout.write(`${md}\n`);

    const full = [100, 1000, 2000].every((n) => o.sizes.includes(n)) && o.runs >= 5 && o.skip.size === 0;
    const json = o.json ?? path.join(__dirname, 'results', full ? 'latest.json' : 'quick.json');
    fs.mkdirSync(path.dirname(json), { recursive: true });
    const raw = {
      date: new Date().toISOString(),
      machine: m,
      options: { sizes: o.sizes, runs: o.runs, stageSize: o.stageSize },
      targets: TARGET,
      sizes,
      stages,
      cli,
      checks: results,
      profile: profile && { file: profile.file, ...profile.summary },
    };
    fs.writeFileSync(json, `${JSON.stringify(raw, null, 1)}\n`);
    log(`raw results: ${path.relative(process.cwd(), json)}`);
    if (o.strict && results.some((c) => c.pass === false)) process.exitCode = 1;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
