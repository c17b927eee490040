import * as fs from 'fs';
import * as path from 'path';
import { formatJson } from '../guardrails/reporters/json';
import { formatSarif } from '../guardrails/reporters/sarif';
import { formatTable } from '../guardrails/reporters/table';
import type { Report } from '../guardrails/types';
import { optionValue, UsageError } from './args';

/** Exit codes: 0 ok, 1 the program is invalid (or failed), 2 the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: libk8s <command> [options]

Commands:
  synth [entry]     Run the program (default: infra/main.ts) and write every
                    environment's manifests to <out>/<environment>/<app>/.
  check PATH...     Run the guardrails over Kubernetes YAML: files, and the
                    *.yaml/*.yml files below directories.

Options for synth:
  --out DIR         Output directory (default: the App's outdir, 'dist').
  --env NAME        Only this environment; repeat for several.
  --layout LAYOUT   object (default): a file per object; construct: one
                    multi-document file per construct.
  --guardrails MODE enforce (default): refuse to write while an error-level
                    finding remains; warn: write and report; off: skip them.
  --report FILE     Also write the guardrails findings to FILE.
  --format FORMAT   The --report format: table, json or sarif (default: by
                    FILE's extension, .json or .sarif, else table).
  --quiet           Print nothing on success.

Options for check:
  --packs LIST      Only these built-in packs, comma-separated: pss-baseline,
                    pss-restricted, production, ownership (default: all).
  --format FORMAT   table (default), json or sarif.
  --output FILE     Write the report to FILE instead of standard output.

  -h, --help        Show this help.
  -v, --version     Show the version.

Exit codes: 0 ok, 1 invalid program or manifests, or error findings remain
(every problem is listed), 2 usage error.`;

export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly cwd: string;
  /** Whether `out` and `err` take ANSI colours (terminals without NO_COLOR). @default - no colour */
  readonly color?: { readonly out: boolean; readonly err: boolean };
}

type ReportFormat = 'table' | 'json' | 'sarif';

interface SynthArgs {
  entry: string;
  out?: string;
  envs: string[];
  quiet: boolean;
  guardrails?: 'enforce' | 'warn' | 'off';
  layout?: 'object' | 'construct';
  report?: string;
  format?: ReportFormat;
}

function parseSynthArgs(args: readonly string[]): SynthArgs {
  const parsed: SynthArgs = { entry: 'infra/main.ts', envs: [], quiet: false };
  let entrySeen = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string => {
      const [v, last] = optionValue(args, i, flag);
      i = last;
      return v;
    };
    if (a === '--out' || a.startsWith('--out=')) parsed.out = value('--out');
    else if (a === '--env' || a.startsWith('--env=')) parsed.envs.push(...value('--env').split(',').filter(Boolean));
    else if (a === '--quiet' || a === '-q') parsed.quiet = true;
    else if (a === '--layout' || a.startsWith('--layout=')) {
      const layout = value('--layout');
      if (layout !== 'object' && layout !== 'construct') throw new UsageError(`--layout takes object or construct, not ${JSON.stringify(layout)}`);
      parsed.layout = layout;
    } else if (a === '--guardrails' || a.startsWith('--guardrails=')) {
      const mode = value('--guardrails');
      if (mode !== 'enforce' && mode !== 'warn' && mode !== 'off') throw new UsageError(`--guardrails takes enforce, warn or off, not ${JSON.stringify(mode)}`);
      parsed.guardrails = mode;
    }
    else if (a === '--report' || a.startsWith('--report=')) parsed.report = value('--report');
    else if (a === '--format' || a.startsWith('--format=')) {
      const format = value('--format');
      if (format !== 'table' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format takes table, json or sarif, not ${JSON.stringify(format)}`);
      parsed.format = format;
    }
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (entrySeen) throw new UsageError(`only one entry file may be given (got ${parsed.entry} and ${a})`);
    else { parsed.entry = a; entrySeen = true; }
  }
  if (parsed.format && !parsed.report) throw new UsageError('--format needs --report FILE (synth prints its findings as a table)');
  return parsed;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '-v' || command === '--version') {
    io.out(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    return EXIT_OK;
  }
  if (command === 'check') {
    // loaded on demand (only check reads YAML), with require: tsx runs the sources as CommonJS
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runCheck } = require('./check') as typeof import('./check');
    return runCheck(rest, io, USAGE);
  }
  if (command !== 'synth') {
    io.err(`libk8s: unknown command '${command}'.\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  let args: SynthArgs;
  try {
    args = parseSynthArgs(rest);
  } catch (e) {
    io.err(`libk8s synth: ${(e as Error).message}.\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return synth(args, io);
}

async function synth(args: SynthArgs, io: CliIO): Promise<number> {
  const entry = path.resolve(io.cwd, args.entry);
  if (!fs.existsSync(entry)) {
    io.err(`libk8s synth: no program at ${shortPath(io.cwd, entry)}. Pass the entry file (libk8s synth path/to/main.ts) or create infra/main.ts.`);
    return EXIT_USAGE;
  }
  const started = process.hrtime.bigint();
  const sinkKey = Symbol.for('libk8s.synth-results');
  const results: any[] = [];
  (globalThis as any)[sinkKey] = results;
  const saved = { out: process.env.LIBK8S_OUTDIR, envs: process.env.LIBK8S_ENVIRONMENTS, guardrails: process.env.LIBK8S_GUARDRAILS, layout: process.env.LIBK8S_LAYOUT };
  if (args.out) process.env.LIBK8S_OUTDIR = path.resolve(io.cwd, args.out);
  if (args.envs.length) process.env.LIBK8S_ENVIRONMENTS = args.envs.join(',');
  if (args.guardrails) process.env.LIBK8S_GUARDRAILS = args.guardrails;
  if (args.layout) process.env.LIBK8S_LAYOUT = args.layout;
  try {
    loadProgram(entry);
  } catch (e) {
    const err = e as Error & { reports?: readonly Report[]; findings?: readonly unknown[] };
    if (err && err.name === 'GuardrailsError' && Array.isArray(err.reports) && Array.isArray(err.findings)) {
      const n = err.findings.length;
      io.err([
        `libk8s synth: guardrails: ${n} error${n === 1 ? '' : 's'} (nothing was written):`,
        '',
        formatTable(err.reports, { color: !!io.color?.err }),
        '',
        "Fix the program, or waive a rule with a reason: construct.waive('<rule>', '<why>').",
        'Nothing was written; the previous output is unchanged.',
      ].join('\n'));
      writeReport(args, err.reports, io);
    } else if (err && (err.name === 'Libk8sError' || err.name === 'GuardrailsError')) {
      io.err(`libk8s synth: ${err.message}\nNothing was written; the previous output is unchanged.`);
    } else {
      io.err(`libk8s synth: the program ${shortPath(io.cwd, entry)} failed:\n${err?.stack ?? String(e)}\nNothing was written; the previous output is unchanged.`);
    }
    return EXIT_INVALID;
  } finally {
    delete (globalThis as any)[sinkKey];
    restoreEnv('LIBK8S_OUTDIR', saved.out);
    restoreEnv('LIBK8S_ENVIRONMENTS', saved.envs);
    restoreEnv('LIBK8S_GUARDRAILS', saved.guardrails);
    restoreEnv('LIBK8S_LAYOUT', saved.layout);
  }
  if (results.length === 0) {
    io.err(`libk8s synth: ${shortPath(io.cwd, entry)} ran but never called app.synth(); add app.synth() at its end.`);
    return EXIT_INVALID;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const reports: Report[] = results.flatMap((r) => r.reports ?? []);
  if (!args.quiet && reports.some((r) => r.findings.length > 0)) io.err(formatTable(reports, { color: !!io.color?.err }));
  writeReport(args, reports, io);
  if (!args.quiet) {
    for (const r of results) {
      for (const e of r.environments) {
        io.out(`${r.app} ${e.environment}: ${e.objects} objects, ${e.files} files, ${formatBytes(e.bytes)} -> ${shortPath(io.cwd, e.directory)} (${e.millis} ms)`);
      }
    }
    io.out(`synthesized in ${seconds.toFixed(2)} s`);
  }
  return EXIT_OK;
}

/** Writes the findings to --report FILE, in --format (else by the file's extension). */
function writeReport(args: SynthArgs, reports: readonly Report[], io: CliIO): void {
  if (!args.report) return;
  const target = path.resolve(io.cwd, args.report);
  const format: ReportFormat = args.format ?? (/\.sarif(\.json)?$/i.test(target) ? 'sarif' : /\.json$/i.test(target) ? 'json' : 'table');
  const content = format === 'json' ? formatJson(reports, { cwd: io.cwd }) : format === 'sarif' ? formatSarif(reports, { cwd: io.cwd }) : `${formatTable(reports)}\n`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

/** A path relative to the working directory when it lies below it, else absolute. */
function shortPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** Runs a TypeScript or JavaScript program in this process, without a build step. */
function loadProgram(entry: string): void {
  if (/\.[cm]?ts$/.test(entry)) {
    // loaded lazily: only a TypeScript entry needs the transpiler
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsx = require('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
    tsx.require(entry, __filename);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  }
}

function defaultIO(): CliIO {
  const color = (tty: boolean | undefined) => !!tty && !process.env.NO_COLOR;
  return {
    out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n'), cwd: process.cwd(),
    color: { out: color(process.stdout.isTTY), err: color(process.stderr.isTTY) },
  };
}
