/**
 * libk8s synth benchmark: `npm run bench [-- options]`. See bench/README.md.
 *
 * Every measurement is a fresh process, timed from outside (spawn to exit),
 * so runs share no JIT or heap state and each reports its own peak RSS.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckResult, measureCheck } from './check-part';
import { InstallResult, measureInstall } from './install';
import { ColdResult, Dirs, FsName, measureCold, measureResynth, measureStages, measureWhole, Program, ResynthResult, StagesResult, WholeResult } from './measure';
import { ROOT, Runner } from './proc';
import { formatProfile, ProfileSummary, summarizeProfile } from './profile';
import { checks, report, TARGET } from './report';
import { log } from './stats';

const PARTS = ['whole', 'layouts', 'baseline', 'stages', 'resynth', 'cold', 'views', 'install', 'check', 'profile'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  sizes: number[];
  runs: number;
  baselineRuns: number;
  stageSize: number;
  disk: string;
  tmpfs: string;
  fileSystems: FsName[];
  parts: Set<Part>;
  checkSizes: number[];
  profile: 'auto' | 'always' | 'never';
  json?: string;
  strict: boolean;
}

const HELP = `npm run bench -- [options]

  --sizes 1000,2000       service counts N for the whole processes (env BENCH_SIZES)
  --runs 3                measured runs of each libk8s process, after one discarded warm-up (env BENCH_RUNS)
  --baseline-runs 1       measured runs of the cdk8s-plus-27 baseline (10-30 s each), after one warm-up in the whole run
  --stage-size 1000       N for the stages and the re-synth
  --disk DIR              a folder on the real disk (default: the OS temp dir; --tmpdir is the same option)
  --tmpfs DIR             a folder on tmpfs (default: /dev/shm)
  --fs disk,tmpfs         the file systems to measure on
  --only PARTS            only these parts; --skip PARTS: all but these. Parts:
                            whole     libk8s (a file per object) and the baseline, whole processes at --sizes
                            layouts   libk8s --layout construct too
                            baseline  the cdk8s-plus-27 baseline (in whole)
                            stages    the stages at --stage-size and the write against its floors, by layout
                            resynth   no-change and one-change re-synths at --stage-size
                            cold      the quickstart's cold start against node -e 0
                            views     libk8s diff and graph of the quickstart
                            install   npm pack, npm install of the tarball (and --omit=optional), the packed cold start
                            check     libk8s check at --check-sizes
                            profile   a CPU profile of one run at --stage-size (always with --profile always;
                                      by default only when a time target fails)
  --check-sizes 10000,40000
  --profile auto|always|never
  --json FILE             raw results (default bench/results/latest.json for a full default run, else
                          bench/results/quick.json, git-ignored)
  --strict                exit 1 when a target fails`;

function list(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    sizes: list(process.env.BENCH_SIZES ?? '1000,2000').map(Number),
    runs: Number(process.env.BENCH_RUNS ?? 3),
    baselineRuns: 1,
    stageSize: 1000,
    disk: process.env.BENCH_TMPDIR ?? os.tmpdir(),
    tmpfs: '/dev/shm',
    fileSystems: ['disk', 'tmpfs'],
    parts: new Set(PARTS),
    checkSizes: [10000, 40000],
    profile: 'auto',
    strict: false,
  };
  let full = true;
  const parts = (v: string): Part[] => {
    const ps = list(v);
    for (const p of ps) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`unknown part ${p} (parts: ${PARTS.join(', ')})`);
    return ps as Part[];
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    full = full && ['--json', '--strict', '--disk', '--tmpdir', '--tmpfs'].includes(flag);
    switch (flag) {
      case '--sizes': o.sizes = list(value()).map(Number); break;
      case '--runs': o.runs = Number(value()); break;
      case '--baseline-runs': o.baselineRuns = Number(value()); break;
      case '--stage-size': o.stageSize = Number(value()); break;
      case '--disk': case '--tmpdir': o.disk = path.resolve(value()); break;
      case '--tmpfs': o.tmpfs = path.resolve(value()); break;
      case '--fs': o.fileSystems = list(value()) as FsName[]; break;
      case '--only': o.parts = new Set(parts(value())); break;
      case '--skip': for (const p of parts(value())) o.parts.delete(p); break;
      case '--check-sizes': o.checkSizes = list(value()).map((s) => Number(s.replace(/k$/i, '000'))); break;
      case '--json': o.json = path.resolve(value()); break;
      case '--profile': o.profile = value() as Options['profile']; break;
      case '--strict': o.strict = true; break;
      case '-h': case '--help': process.stdout.write(`${HELP}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${argv[i]}\n\n${HELP}`);
    }
  }
  const positive = (xs: number[]) => xs.length > 0 && xs.every((n) => Number.isInteger(n) && n >= 1);
  if (!positive(o.sizes) || !positive(o.checkSizes)) throw new Error('--sizes and --check-sizes take positive integers, e.g. 1000,2000');
  if (!positive([o.runs, o.stageSize]) || !Number.isInteger(o.baselineRuns) || o.baselineRuns < 1) throw new Error('--runs, --baseline-runs and --stage-size take positive integers');
  if (!o.fileSystems.every((f) => f === 'disk' || f === 'tmpfs')) throw new Error('--fs takes disk, tmpfs or both');
  if (!['auto', 'always', 'never'].includes(o.profile)) throw new Error('--profile takes auto, always or never');
  if (o.profile === 'never') o.parts.delete('profile');
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  if (!full) o.json ??= path.join(__dirname, 'results', 'quick.json');
  return o;
}

// ---------------------------------------------------------------- the machine

function fsType(dir: string): string {
  const r = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '--target', dir], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : 'unknown';
}

/** The content of every file under lib/, hashed: it differs when lib/ was edited during the run. */
function libFingerprint(): string {
  const lib = path.join(ROOT, 'lib');
  const hash = createHash('sha256');
  for (const rel of (fs.readdirSync(lib, { recursive: true }) as string[]).sort()) {
    const file = path.join(lib, rel);
    if (fs.statSync(file).isFile()) hash.update(rel).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function commit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'lib'], { cwd: ROOT, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout?.trim() ? '+dirty' : ''}`;
}

/** A CPU profile of one in-process libk8s run (bench/child.ts libk8s) with its output on `fsName`. */
function profileRun(o: Options, dirs: Dirs, fsName: FsName): ProfileSummary | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-bench-prof-'));
  const out = fs.mkdtempSync(path.join(dirs.base[fsName], 'profile-'));
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', path.join(__dirname, 'child.ts'), 'libk8s', String(o.stageSize), out], { cwd: ROOT, encoding: 'utf8' });
  fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`the profiled run failed:\n${r.stderr}`);
  // tsx's loader thread writes a profile too; the main thread's is the one with the timed window
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const summary = summarizeProfile(path.join(dir, f), ROOT);
    if (summary.windowMs > 0) {
      log(`  profiled libk8s N=${o.stageSize}, output on ${fsName} -> ${path.join(dir, f)}`);
      return summary;
    }
  }
  return undefined;
}

function attempt<T>(part: string, f: () => T): T | { error: string } {
  try {
    return f();
  } catch (e) {
    const first = String((e as Error).message ?? e).split('\n').find(Boolean) ?? 'failed';
    log(`  ${part}: ${first}`);
    return { error: first.slice(0, 300) };
  }
}

// ---------------------------------------------------------------- main

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const base = {} as Record<FsName, string>;
  for (const f of o.fileSystems) {
    const root = f === 'disk' ? o.disk : o.tmpfs;
    fs.mkdirSync(root, { recursive: true });
    base[f] = fs.mkdtempSync(path.join(root, 'libk8s-bench-'));
  }
  const dirs: Dirs = { base };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-bench-work-'));
  const runner = new Runner(work);
  const load = { start: os.loadavg()[0], end: 0 };
  const lib = { start: libFingerprint(), end: '' };
  const fsNames = o.fileSystems.map((f) => `${f} ${base[f]} (${fsType(base[f])})`).join(', ');
  log(`libk8s bench: parts ${[...o.parts].join(', ')}; sizes ${o.sizes.join(', ')}; ${o.runs} runs; ${fsNames}`);
  try {
    const programs: Program[] = ['object', ...(o.parts.has('layouts') ? ['construct' as const] : []), ...(o.parts.has('baseline') ? ['baseline' as const] : [])];
    const whole: WholeResult[] = [];
    if (o.parts.has('whole') || o.parts.has('layouts')) {
      for (const n of o.sizes) whole.push(...measureWhole(runner, dirs, n, o.fileSystems, { runs: o.runs, baselineRuns: o.baselineRuns, programs }));
    }
    const stages: StagesResult[] = o.parts.has('stages') ? measureStages(dirs, o.stageSize, o.fileSystems, o.runs) : [];
    const resynth: ResynthResult[] = o.parts.has('resynth') ? measureResynth(runner, dirs, o.stageSize, o.fileSystems, o.runs) : [];
    const coldRuns = Math.max(o.runs, 5);
    const cold: ColdResult | undefined = o.parts.has('cold') && base.tmpfs ? measureCold(runner, dirs, coldRuns, o.parts.has('views')) : undefined;
    const install = o.parts.has('install') ? attempt('install', () => measureInstall(work, runner, base.tmpfs ?? base.disk, coldRuns)) as InstallResult | { error: string } : undefined;
    const check = o.parts.has('check') ? attempt('check', () => measureCheck(base.tmpfs ?? base.disk, runner, o.checkSizes, 1)) as CheckResult | { error: string } : undefined;
    const results = { whole, stages, resynth, cold, install, check };
    const targets = checks(results);
    const timeFailed = targets.slice(0, 6).some((c) => c.pass === false);
    const profiled = o.profile === 'always' || (o.parts.has('profile') && o.profile === 'auto' && timeFailed);
    const profile = profiled ? o.fileSystems.flatMap((f) => { const p = profileRun(o, dirs, f); return p ? [{ fs: f, n: o.stageSize, summary: p }] : []; }) : [];

    load.end = os.loadavg()[0];
    lib.end = libFingerprint();
    const cpus = os.cpus();
    const header = [
      `Machine: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1e9)} GB, Node ${process.version}, ${os.type()} ${os.release()}; `
        + `output on ${fsNames}; libk8s at ${commit()}, lib/ fingerprint ${lib.start}; the run took ${((Date.now() - started) / 60000).toFixed(1)} min.`,
      `Load average (1 min) at start ${load.start.toFixed(2)}, at end ${load.end.toFixed(2)}${Math.max(load.start, load.end) > cpus.length / 2 ? ` — other work was running on this ${cpus.length}-core machine; expect noise` : ''}.`,
      ...(lib.end !== lib.start ? [`WARNING: lib/ changed during the run (fingerprint ${lib.start} -> ${lib.end}); the numbers mix two versions of libk8s. Run again.`] : []),
      `Each libk8s figure: median of ${o.runs} fresh processes (one discarded warm-up per program and file system in the whole run); the baseline: ${o.baselineRuns} run(s) per size and file system. The file systems alternate within each run.`,
    ];
    process.stdout.write(`${report(header, results, targets, profile)}\n`);
    const json = o.json ?? path.join(__dirname, 'results', 'latest.json');
    fs.mkdirSync(path.dirname(json), { recursive: true });
    fs.writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), options: { ...o, parts: [...o.parts] }, load, lib, targets: TARGET, ...results, checks: targets, profile: profile.map((p) => ({ fs: p.fs, text: formatProfile(p.summary) })) }, null, 1)}\n`);
    log(`raw results: ${path.relative(process.cwd(), json)}`);
    if (o.strict && targets.some((c) => c.pass === false)) process.exitCode = 1;
  } finally {
    for (const dir of [...Object.values(base), work]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
