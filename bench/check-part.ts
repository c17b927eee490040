/**
 * `libk8s check` at 10k and 40k objects, as part of `npm run bench`: the
 * manifests come from bench/check.ts's generator (a realistic mix that breaks
 * several built-in rules), as one multi-document file and as one file per
 * object; the whole `libk8s check DIR --format table` process is timed,
 * stdout to /dev/null. bench/check.ts (`npm run bench:check`) is the full
 * check benchmark; this is the part of it the issue asks for in one run.
 *
 * The generator is imported when bench/check.ts exports it and runs its own
 * main only as a script (`require.main === module`); until then this part
 * runs bench/check.ts as a process and reads its table.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, Runner } from './proc';
import { log, median } from './stats';

export type CheckLayout = 'one-file' | 'many-files';

export interface CheckRow {
  readonly layout: CheckLayout;
  readonly n: number;
  readonly ms: number;
  readonly rssMB: number;
}

export interface CheckResult {
  readonly rows: readonly CheckRow[];
  /** How the manifests were made: bench/check.ts's generate(), imported, or bench/check.ts run as a process. */
  readonly via: 'import' | 'process';
}

type Generate = (dir: string, n: number, layouts: readonly CheckLayout[]) => unknown;

/** bench/check.ts's generator, when importing the module does not run its benchmark. */
function importedGenerator(file: string): Generate | undefined {
  const source = fs.readFileSync(file, 'utf8');
  if (!/export function generate\b/.test(source) || !/require\.main === module/.test(source)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { generate?: Generate };
  return typeof mod.generate === 'function' ? mod.generate : undefined;
}

/** `module` is bench/check.ts; another file only to try the import path. */
export function measureCheck(work: string, runner: Runner, sizes: readonly number[], runs: number, module = path.join(__dirname, 'check.ts')): CheckResult {
  const layouts: CheckLayout[] = ['one-file', 'many-files'];
  const generate = importedGenerator(module);
  if (!generate) return viaProcess(work, sizes, runs, layouts);
  const rows: CheckRow[] = [];
  for (const n of sizes) {
    const dir = path.join(work, `check-${n}`);
    generate(dir, n, layouts);
    for (const layout of layouts) {
      const rs = Array.from({ length: runs }, () => runner.run([CLI, 'check', path.join(dir, layout), '--format', 'table'], {}, dir, true));
      const row = { layout, n, ms: median(rs.map((r) => r.ms)), rssMB: median(rs.map((r) => r.rssMB)) };
      log(`  libk8s check ${layout} N=${n}: ${row.ms.toFixed(0)} ms, ${row.rssMB.toFixed(0)} MB`);
      rows.push(row);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, via: 'import' };
}

/** Runs `npm run bench:check` as a process and reads its table: `layout N input median min max CPU RSS ...`. */
function viaProcess(work: string, sizes: readonly number[], runs: number, layouts: readonly CheckLayout[]): CheckResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'check.ts'), '--sizes', sizes.join(','), '--runs', String(runs), '--mb', '0', '--layouts', layouts.join(','), '--tmpdir', work], {
    cwd: path.resolve(__dirname, '..'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench/check.ts failed (exit ${r.status}):\n${r.stderr}`.slice(0, 2000));
  const time = '([\\d.]+) (ms|s)';
  const line = new RegExp(`^(one-file|many-files)\\s+(\\d+)\\s+\\S+ (?:MB|files)\\s+${time}\\s+${time}\\s+${time}\\s+${time}\\s+(\\d+) MB`);
  const rows: CheckRow[] = [];
  for (const l of r.stdout.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    rows.push({ layout: m[1] as CheckLayout, n: Number(m[2]), ms: Number(m[3]) * (m[4] === 's' ? 1000 : 1), rssMB: Number(m[11]) });
    log(`  libk8s check ${m[1]} N=${m[2]}: ${rows[rows.length - 1].ms.toFixed(0)} ms, ${m[11]} MB`);
  }
  if (rows.length !== sizes.length * layouts.length) throw new Error(`could not read bench/check.ts's table:\n${r.stdout}`.slice(0, 2000));
  return { rows, via: 'process' };
}
