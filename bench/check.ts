/**
 * `libk8s check` benchmark: `npm run bench:check [-- options]`.
 *
 * Generates N Kubernetes objects (a realistic mix: Deployments that break
 * several built-in rules, Services, ConfigMaps) into a temp dir, twice: as
 * one multi-document file and as one file per object. Then it runs the real
 * CLI as a whole process (`node bin/libk8s.js check DIR --format table`,
 * stdout to /dev/null; `--format json` or `sarif` writes the report to a
 * file with `--output`, as CI does) `--runs` times per size and layout and prints the
 * median wall time, the growth t(largest)/t(smallest) (linear: the size
 * ratio, ~4 for 10k -> 40k) and peak RSS. Last, the peak RSS of a check of
 * one `--mb` MB file.
 *
 * Peak RSS is `process.resourceUsage().maxRSS` of the CLI process, written
 * on exit by a small preload (`node -r`) with its CPU time (user + system,
 * steadier than wall time when the machine is busy), so it is the whole process:
 * node, tsx, the loaded modules, the reader, the engine and the report.
 * It is a benchmark, not a test: it prints numbers and exits 0 unless a run
 * fails (exit code other than 0 or 1) or `--strict` is set and a target is
 * missed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'libk8s.js');

/** Linear within 30%: t(40k)/t(10k) at most 4 * 1.3; peak RSS of the big file under 1 GB. */
const TARGET = { growthSlack: 1.3, rssMB: 1024 };

interface Options {
  sizes: number[];
  runs: number;
  mb: number;
  tmpdir: string;
  layouts: Layout[];
  keep: boolean;
  strict: boolean;
  formats: Format[];
}

type Format = 'table' | 'json' | 'sarif';

type Layout = 'one-file' | 'many-files';

const HELP = `npm run bench:check -- [options]

  --sizes 10000,40000     object counts N (env BENCH_CHECK_SIZES)
  --runs 3                runs per size and layout; the median is reported (env BENCH_CHECK_RUNS)
  --mb 100                size of the file for the peak-RSS run, in MB; 0 skips it (env BENCH_CHECK_MB)
  --layouts one-file,many-files
  --format table          the report format(s), e.g. table,json,sarif; json and sarif are written
                          to a file (--output), the table to stdout (/dev/null); each format is run
  --tmpdir DIR            where the manifests are generated (default: the OS temp dir)
  --keep                  keep the generated manifests
  --strict                exit 1 when a target is missed (growth within 30% of linear, RSS < 1 GB)
`;

function parseOptions(argv: string[]): Options {
  const env = process.env;
  const o: Options = {
    sizes: (env.BENCH_CHECK_SIZES ?? '10000,40000').split(',').map(Number),
    runs: Number(env.BENCH_CHECK_RUNS ?? 3),
    mb: Number(env.BENCH_CHECK_MB ?? 100),
    tmpdir: os.tmpdir(),
    layouts: ['one-file', 'many-files'],
    keep: false,
    strict: false,
    formats: ['table'],
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--sizes') o.sizes = value().split(',').map((s) => Number(s.replace(/k$/i, '000')));
    else if (flag === '--runs') o.runs = Number(value());
    else if (flag === '--mb') o.mb = Number(value());
    else if (flag === '--tmpdir') o.tmpdir = value();
    else if (flag === '--layouts') o.layouts = value().split(',') as Layout[];
    else if (flag === '--format') o.formats = value().split(',') as Format[];
    else if (flag === '--keep') o.keep = true;
    else if (flag === '--strict') o.strict = true;
    else if (flag === '-h' || flag === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${argv[i]}\n\n${HELP}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('--sizes takes positive integers');
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs takes a positive integer');
  if (o.layouts.some((l) => l !== 'one-file' && l !== 'many-files')) throw new Error('--layouts takes one-file and/or many-files');
  if (o.formats.some((f) => !['table', 'json', 'sarif'].includes(f))) throw new Error('--format takes table, json and/or sarif');
  return o;
}

// ---------------------------------------------------------------------------
// the manifests

/** A Deployment as a team would write it before the guardrails: root, no limits, `latest`, one replica. */
function deployment(i: number): string {
  const name = `app-${i}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 50}
  labels:
    app: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: app
          image: registry.example.com/team-${i % 50}/${name}:latest
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: FEATURE_FLAGS
              value: "a,b,c"
          securityContext:
            runAsUser: 0
            allowPrivilegeEscalation: true
          volumeMounts:
            - name: config
              mountPath: /etc/${name}
      volumes:
        - name: config
          configMap:
            name: ${name}-config
`;
}

function service(i: number): string {
  const name = `app-${i - 1}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: team-${(i - 1) % 50}
  labels:
    app: ${name}
spec:
  type: ClusterIP
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;
}

function configMap(i: number): string {
  const name = `app-${i - 2}-config`;
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: team-${(i - 2) % 50}
data:
  mode: production
  replicas: "3"
  app.properties: |
    server.port=8080
    server.shutdown=graceful
    logging.level.root=INFO
    cache.ttl=300
`;
}

/** Object i of the mix: a Deployment, its Service, its ConfigMap, in turn. */
function manifest(i: number): string {
  return i % 3 === 0 ? deployment(i) : i % 3 === 1 ? service(i) : configMap(i);
}

/** N objects as one multi-document file and as one file per object. */
function generate(dir: string, n: number, layouts: readonly Layout[]): { bytes: number } {
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  if (layouts.includes('one-file')) {
    fs.mkdirSync(path.join(dir, 'one-file'));
    const fd = fs.openSync(path.join(dir, 'one-file', 'all.yaml'), 'w');
    let buf: string[] = [];
    for (let i = 0; i < n; i++) {
      buf.push(`---\n${manifest(i)}`);
      if (buf.length === 1000) {
        bytes += fs.writeSync(fd, buf.join(''));
        buf = [];
      }
    }
    bytes += fs.writeSync(fd, buf.join(''));
    fs.closeSync(fd);
  }
  if (layouts.includes('many-files')) {
    const many = path.join(dir, 'many-files');
    for (let i = 0; i < n; i++) {
      // 1,000 files a folder, as a large repository would spread them
      const sub = path.join(many, `part-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
      if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, `obj-${String(i).padStart(6, '0')}.yaml`), manifest(i));
    }
  }
  return { bytes };
}

/** One file of at least `mb` MB (the same mix); its object count. */
function generateBig(file: string, mb: number): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let i = 0;
  while (written < mb * 1024 * 1024) {
    let chunk = '';
    for (let k = 0; k < 1000; k++, i++) chunk += `---\n${manifest(i)}`;
    written += fs.writeSync(fd, chunk);
  }
  // end on a whole Deployment/Service/ConfigMap triple
  while (i % 3 !== 0) written += fs.writeSync(fd, `---\n${manifest(i++)}`);
  fs.closeSync(fd);
  return i;
}

// ---------------------------------------------------------------------------
// running the CLI

interface Run {
  readonly ms: number;
  /** user + system CPU time of the CLI process: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly rssMB: number;
  readonly code: number;
  /** The size of the report file (json, sarif). */
  readonly reportMB?: number;
}

/**
 * `node -r preload bin/libk8s.js check DIR --format table > /dev/null` (json and sarif: `--output FILE`,
 * removed after the run), timed from outside, peak RSS from inside.
 */
function runCheck(target: string, preload: string, rssFile: string, format: Format, extra: readonly string[] = []): Run {
  fs.rmSync(rssFile, { force: true });
  const report = path.join(path.dirname(rssFile), `report.${format}`);
  const output = format === 'table' ? [] : ['--output', report];
  const devnull = fs.openSync('/dev/null', 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', preload, CLI, 'check', target, '--format', format, ...output, ...extra], {
    cwd: path.dirname(target),
    stdio: ['ignore', devnull, 'pipe'],
    env: { ...process.env, NO_COLOR: '1', LIBK8S_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.closeSync(devnull);
  // 1 is findings (or input errors, printed as `libk8s check: ...`); an uncaught error also exits 1, with a stack
  const stray = String(r.stderr).split('\n').filter((l) => l && !l.startsWith('libk8s check: '));
  if ((r.status !== 0 && r.status !== 1) || stray.length) {
    throw new Error(`libk8s check ${target} exited ${r.status ?? r.signal}:\n${stray.join('\n').slice(0, 2000)}`);
  }
  const reportMB = format === 'table' ? undefined : fs.statSync(report).size / 1024 / 1024;
  fs.rmSync(report, { force: true });
  const usage = fs.existsSync(rssFile) ? JSON.parse(fs.readFileSync(rssFile, 'utf8')) : { maxRSS: NaN, cpuUs: NaN };
  return { ms, cpuMs: usage.cpuUs / 1000, rssMB: usage.maxRSS / 1024, code: r.status, reportMB };
}

const PRELOAD = `'use strict';
process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.LIBK8S_BENCH_RSS_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
});
`;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtMs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtMB = (mb: number) => `${Math.round(mb)} MB`;

function main(): number {
  const o = parseOptions(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(o.tmpdir, 'libk8s-bench-check-'));
  const preload = path.join(work, 'rss-preload.js');
  const rssFile = path.join(work, 'rss.txt');
  fs.writeFileSync(preload, PRELOAD);
  let missed = false;
  try {
    console.log(`libk8s check benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${o.runs} run(s) per size, stdout to /dev/null`);
    console.log('objects: 1/3 Deployments (root, allowPrivilegeEscalation, :latest, 1 replica, no resources), 1/3 Services, 1/3 ConfigMaps\n');
    console.log(`load average at the start: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}\n`);
    const medians = new Map<string, Map<number, { wall: number; cpu: number }>>();
    const withFormat = o.formats.length > 1 || o.formats[0] !== 'table';
    const label = (layout: Layout, format: Format) => (withFormat ? `${layout} ${format}` : layout);
    const width = withFormat ? 17 : 11;
    console.log(`${'layout'.padEnd(width)} ${'N'.padStart(7)} ${'input'.padStart(11)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)} ${'CPU'.padStart(8)} ${'peak RSS'.padStart(9)}  wall ms/1k objects`);
    for (const n of o.sizes) {
      const dir = path.join(work, `n${n}`);
      const { bytes } = generate(dir, n, o.layouts);
      for (const layout of o.layouts) {
        for (const format of o.formats) {
          const runs: Run[] = [];
          for (let k = 0; k < o.runs; k++) runs.push(runCheck(path.join(dir, layout), preload, rssFile, format));
          const ms = runs.map((r) => r.ms);
          const med = median(ms);
          const cpu = median(runs.map((r) => r.cpuMs));
          const key = label(layout, format);
          if (!medians.has(key)) medians.set(key, new Map());
          medians.get(key)!.set(n, { wall: med, cpu });
          const size = layout === 'one-file' ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${n} files`;
          console.log(`${key.padEnd(width)} ${String(n).padStart(7)} ${size.padStart(11)} ${fmtMs(med).padStart(8)} ${fmtMs(Math.min(...ms)).padStart(8)} `
            + `${fmtMs(Math.max(...ms)).padStart(8)} ${fmtMs(cpu).padStart(8)} ${fmtMB(median(runs.map((r) => r.rssMB))).padStart(9)}  ${(med / (n / 1000)).toFixed(1)}`);
        }
      }
      if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
    }
    if (o.sizes.length > 1) {
      const lo = Math.min(...o.sizes);
      const hi = Math.max(...o.sizes);
      console.log('');
      for (const [key, m] of medians) {
        const growth = m.get(hi)!.wall / m.get(lo)!.wall;
        const cpuGrowth = m.get(hi)!.cpu / m.get(lo)!.cpu;
        const limit = (hi / lo) * TARGET.growthSlack;
        const ok = growth <= limit;
        missed ||= !ok;
        console.log(`growth ${key}: t(${hi})/t(${lo}) = ${growth.toFixed(2)} wall, ${cpuGrowth.toFixed(2)} CPU `
          + `(linear: ${(hi / lo).toFixed(1)}; target <= ${limit.toFixed(1)}) ${ok ? 'PASS' : 'FAIL'}`);
      }
    }
    if (o.mb > 0) {
      const big = path.join(work, 'big', 'big.yaml');
      fs.mkdirSync(path.dirname(big), { recursive: true });
      const objects = generateBig(big, o.mb);
      const size = fs.statSync(big).size;
      console.log(`\none file of ${(size / 1024 / 1024).toFixed(1)} MB (${objects} objects), one run each:`);
      // every pack: ~11 findings an object, so the findings (the engine's) outweigh the manifests;
      // pss-baseline: a few findings, so the figure is mostly the reader and the objects read (once, in the first format)
      const cases = [
        ...o.formats.map((format) => [`every pack, ${format}`, format, []] as const),
        [`--packs pss-baseline, ${o.formats[0]}`, o.formats[0], ['--packs', 'pss-baseline']] as const,
      ];
      for (const [name, format, extra] of cases) {
        const r = runCheck(big, preload, rssFile, format, extra);
        const ok = r.rssMB < TARGET.rssMB;
        missed ||= !ok;
        const report = r.reportMB === undefined ? '' : `, report ${fmtMB(r.reportMB)}`;
        console.log(`  ${name.padEnd(29)} ${fmtMs(r.ms).padStart(8)} (CPU ${fmtMs(r.cpuMs)}), peak RSS ${fmtMB(r.rssMB).padStart(8)} (target < ${TARGET.rssMB} MB) ${ok ? 'PASS' : 'FAIL'}${report}`);
      }
      if (!o.keep) fs.rmSync(path.dirname(big), { recursive: true, force: true });
    }
  } finally {
    if (!o.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`\nmanifests kept in ${work}`);
  }
  return o.strict && missed ? 1 : 0;
}

process.exitCode = main();
