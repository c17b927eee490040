import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError } from '../core/errors';
import type { GuardrailsMode, OutputLayout, SynthResult } from '../core/pipeline';
import type { Report } from '../core/policy';
import { GuardrailsError } from '../guardrails/format';
import { formatJson } from '../guardrails/reporters/json';
import { formatSarif } from '../guardrails/reporters/sarif';
import { formatTable } from '../guardrails/reporters/table';
import type { SynthSession } from '../synth/session';
import { optionValue, UsageError } from './args';
import { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';

type ReportFormat = 'table' | 'json' | 'sarif';

export interface SynthArgs {
  entry: string;
  out?: string;
  envs: string[];
  quiet: boolean;
  guardrails?: GuardrailsMode;
  layout?: OutputLayout;
  report?: string;
  format?: ReportFormat;
}

export function parseSynthArgs(args: readonly string[]): SynthArgs {
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

/** `libk8s synth`: runs the program inside a synth session that carries the command line's options. */
export async function runSynth(args: SynthArgs, io: CliIO): Promise<number> {
  const entry = path.resolve(io.cwd, args.entry);
  if (!fs.existsSync(entry)) {
    io.err(`libk8s synth: no program at ${shortPath(io.cwd, entry)}. Pass the entry file (libk8s synth path/to/main.ts) or create infra/main.ts.`);
    return EXIT_USAGE;
  }
  const started = process.hrtime.bigint();
  const session: SynthSession = {
    outdir: args.out ? path.resolve(io.cwd, args.out) : undefined,
    environments: args.envs.length ? args.envs : undefined,
    guardrails: args.guardrails,
    layout: args.layout,
    results: [],
  };
  try {
    loadProgram(entry, session);
  } catch (e) {
    if (e instanceof GuardrailsError) {
      const n = e.findings.length;
      io.err([
        `libk8s synth: guardrails: ${n} error${n === 1 ? '' : 's'} (nothing was written):`,
        '',
        formatTable(e.reports, { color: !!io.color?.err }),
        '',
        "Fix the program, or waive a rule with a reason: construct.waive('<rule>', '<why>').",
        'Nothing was written; the previous output is unchanged.',
      ].join('\n'));
      writeReport(args, e.reports, io);
    } else if (e instanceof Libk8sError) {
      io.err(`libk8s synth: ${e.message}\nNothing was written; the previous output is unchanged.`);
    } else {
      const err = e as Error | undefined;
      io.err(`libk8s synth: the program ${shortPath(io.cwd, entry)} failed:\n${err?.stack ?? String(e)}\nNothing was written; the previous output is unchanged.`);
    }
    return EXIT_INVALID;
  }
  const results: readonly SynthResult[] = session.results;
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

let runs = 0;

/** The part of tsx's CommonJS API used here (its types need a resolution mode with package exports). */
interface TsxApi {
  register(options: { readonly namespace: string }): { require(id: string, fromFile: string): unknown };
}

/**
 * Runs a TypeScript or JavaScript program in this process, without a build
 * step, inside `session`. Each run loads the program afresh in a tsx
 * namespace of its own; the session is opened with the copy of libk8s that
 * the program itself loads there, so every `app.synth()` it makes sees the
 * command line's options.
 */
function loadProgram(entry: string, session: SynthSession): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsx = require('tsx/cjs/api') as TsxApi;
  const loader = tsx.register({ namespace: `libk8s-synth-${process.pid}-${++runs}` });
  const programs = loader.require(sessionModuleFor(entry), __filename) as typeof import('../synth/session');
  programs.runSynthSession(session, () => loader.require(entry, __filename));
}

/**
 * The session module of the libk8s the program imports: the package that
 * Node resolves `libk8s` to from the program's folder, else this one (a
 * program in this repository reaches it through tsconfig paths).
 */
function sessionModuleFor(entry: string): string {
  let root = path.resolve(__dirname, '..', '..');
  try {
    root = path.dirname(require.resolve('libk8s/package.json', { paths: [path.dirname(entry)] }));
  } catch {
    // not installed beside the program: the program resolves libk8s as this CLI does
  }
  const candidates = [path.join(root, 'lib', 'synth', 'session.ts'), path.join(root, 'build', 'synth', 'session.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Libk8sError([{
      kind: 'CLI', id: 'synth', path: shortPath(process.cwd(), entry), prop: 'libk8s',
      message: `the program imports the libk8s at ${root}, which has no synth session (an older version than this CLI)`,
      fix: "run that version's own CLI (npx libk8s synth), or update the program's libk8s.",
    }]);
  }
  return found;
}
