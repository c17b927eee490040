/**
 * Whole processes, timed from outside: `libk8s synth` of the bench program
 * (as a user runs it), the cdk8s-plus-27 baseline, `node -e 0`. Peak RSS and
 * CPU time come from a small preload (`node -r`) that writes
 * `process.resourceUsage()` on exit, so they cover the whole process too.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(ROOT, 'bin', 'libk8s.js');
const CHILD = path.join(__dirname, 'child.ts');
const PROGRAM = path.join(__dirname, 'main.ts');

const PRELOAD = `'use strict';
process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.LIBK8S_BENCH_USAGE, JSON.stringify({ maxRSS: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
});
`;

/** One whole process: wall time from spawn to exit, its peak RSS and CPU time, its stdout. */
export interface ProcessRun {
  readonly ms: number;
  readonly rssMB: number;
  readonly cpuMs: number;
  readonly stdout: string;
}

/** The preload and the usage file, in a folder of the run's own. */
export class Runner {
  private readonly preload: string;
  private readonly usage: string;

  constructor(work: string) {
    this.preload = path.join(work, 'usage-preload.js');
    this.usage = path.join(work, 'usage.json');
    fs.writeFileSync(this.preload, PRELOAD);
  }

  /**
   * Runs `node -r preload ...args` in the repository, after flushing dirty
   * pages (so one run's writeback does not land in the next one's time).
   * `quiet`: stdout to /dev/null (a big report), and exit 1 (findings) is fine.
   */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT, quiet = false): ProcessRun {
    spawnSync('sync', { stdio: 'ignore' });
    fs.rmSync(this.usage, { force: true });
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['-r', this.preload, ...args], {
      cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env, LIBK8S_BENCH_USAGE: this.usage },
      stdio: ['ignore', quiet ? 'ignore' : 'pipe', 'pipe'],
    });
    const ms = performance.now() - t0;
    if (r.status !== 0 && !(quiet && r.status === 1)) throw new Error(`${args.join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}${r.stdout}`.slice(0, 4000));
    const u = fs.existsSync(this.usage) ? JSON.parse(fs.readFileSync(this.usage, 'utf8')) : { maxRSS: NaN, cpuUs: NaN };
    return { ms, rssMB: (u.maxRSS * 1024) / 1e6, cpuMs: u.cpuUs / 1000, stdout: r.stdout ?? '' };
  }

  /** `libk8s synth bench/main.ts --out <outdir>` of N services. */
  libk8s(n: number, outdir: string, options: { layout?: string; bump?: number } = {}): ProcessRun {
    const args = [CLI, 'synth', PROGRAM, '--out', outdir, ...(options.layout ? ['--layout', options.layout] : [])];
    return this.run(args, { BENCH_N: String(n), ...(options.bump !== undefined ? { BENCH_BUMP: String(options.bump) } : {}) });
  }

  /** The plain cdk8s-plus-27 program of N services (one chart each), synthesized to `outdir`. */
  baseline(n: number, outdir: string): ProcessRun {
    return this.run(['--import', 'tsx', CHILD, 'baseline', String(n), outdir]);
  }

  /** `node -e 0`: the floor of any node process on this machine. */
  node(): ProcessRun {
    return this.run(['-e', '0']);
  }
}

/** What `libk8s synth` printed: the seconds it took inside the process, and per folder what it wrote. */
export function parseSynthOutput(stdout: string): { insideMs?: number; written?: number; unchanged?: number; removed?: number; nothingChanged: boolean } {
  const inside = /^synthesized in ([\d.]+) s/m.exec(stdout);
  const env = /^\S+ \S+: \d+ objects, (\d+) files, .*\)(?:: (.*))?$/m.exec(stdout);
  const tail = env?.[2] ?? '';
  const count = (re: RegExp) => Number(re.exec(tail)?.[1] ?? 0);
  return {
    insideMs: inside ? Number(inside[1]) * 1000 : undefined,
    written: !env ? undefined : tail === '' ? Number(env[1]) : tail === 'nothing changed' ? 0 : count(/(\d+) files? written/),
    unchanged: env ? count(/(\d+) unchanged/) : undefined,
    removed: env ? count(/(\d+) removed/) : undefined,
    nothingChanged: tail === 'nothing changed',
  };
}

/** Objects, YAML files and bytes under `dir` (a Kustomization is not counted as an object). */
export function countOutput(dir: string): { objects: number; files: number; bytes: number } {
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

/** Every entry under `dir` with its inode and mtime: a file written (even with the same bytes) gets another. */
export function stamps(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const s = fs.lstatSync(path.join(dir, rel), { bigint: true });
    if (s.isFile()) out.set(rel, `${s.ino}:${s.mtimeNs}`);
  }
  return out;
}

/** Files of `after` that are new or were written since `before`, and files of `before` that are gone. */
export function filesTouched(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): { written: number; removed: number } {
  let written = 0;
  for (const [rel, stamp] of after) if (before.get(rel) !== stamp) written++;
  let removed = 0;
  for (const rel of before.keys()) if (!after.has(rel)) removed++;
  return { written, removed };
}
