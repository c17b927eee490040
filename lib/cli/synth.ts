import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError } from '../core/errors';
import type { DeliveryTarget } from '../core/platform';
import type { GuardrailsMode, OutputLayout, SynthResult } from '../core/pipeline';
import { DELIVERY_TARGETS } from '../gitops/source';
import type { Report } from '../core/policy';
import { GuardrailsError } from '../guardrails/format';
import { formatJson, formatSarif } from './reporters';
import { formatTable, TableOptions } from '../guardrails/reporters/table';
import type { SynthSession, SynthWrite, WriteRecordingSession } from '../synth/session';
import { describeCode, OutputError } from '../synth/output-error';
import { entryOf, listValue, oneOf, parseCommandLine, UsageError } from './args';
import { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';

type ReportFormat = 'table' | 'json' | 'sarif';

export interface SynthArgs {
  entry: string;
  out?: string;
  envs: string[];
  quiet: boolean;
  /** `--verbose`: every waived finding listed, not one line per rule. */
  verbose: boolean;
  guardrails?: GuardrailsMode;
  layout?: OutputLayout;
  report?: string;
  format?: ReportFormat;
  /** `--delivery --repo --revision --path`. */
  delivery: { target?: DeliveryTarget; repo?: string; revision?: string; path?: string };
}

export function parseSynthArgs(args: readonly string[]): SynthArgs {
  const { values: v, positionals } = parseCommandLine(args, {
    out: { type: 'string' }, env: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' },
    layout: { type: 'string' }, guardrails: { type: 'string' }, delivery: { type: 'string' }, repo: { type: 'string' },
    revision: { type: 'string' }, path: { type: 'string' }, report: { type: 'string' }, format: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  const str = (k: string) => v[k] as string | undefined;
  const parsed: SynthArgs = {
    entry: entryOf(positionals),
    out: str('out'),
    envs: listValue(v.env),
    quiet: v.quiet === true,
    verbose: v.verbose === true,
    layout: oneOf<OutputLayout>('--layout', str('layout'), ['object', 'construct'], 'object or construct'),
    guardrails: oneOf<GuardrailsMode>('--guardrails', str('guardrails'), ['enforce', 'warn', 'off'], 'enforce, warn or off'),
    report: str('report'),
    format: oneOf<ReportFormat>('--format', str('format'), ['table', 'json', 'sarif'], 'table, json or sarif'),
    delivery: { target: oneOf<DeliveryTarget>('--delivery', str('delivery'), DELIVERY_TARGETS), repo: str('repo'), revision: str('revision'), path: str('path') },
  };
  if (parsed.format && !parsed.report) throw new UsageError('--format needs --report FILE (synth prints its findings as a table)');
  return parsed;
}

/** The findings table: waived findings one line per rule unless `--verbose`. */
function tableOptions(args: SynthArgs, color: boolean): TableOptions {
  return args.verbose ? { color } : { color, waived: 'summary', waivedHint: 'libk8s synth --verbose lists each waived finding.' };
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
  const notices = new Set<string>();
  const session: WriteRecordingSession = {
    outdir: args.out ? path.resolve(io.cwd, args.out) : undefined,
    environments: args.envs.length ? args.envs : undefined,
    guardrails: args.guardrails,
    layout: args.layout,
    delivery: Object.values(args.delivery).some((v) => v !== undefined) ? args.delivery : undefined,
    results: [],
    failures: [],
    writes: [],
    notice: (message) => {
      if (notices.has(message)) return;
      notices.add(message);
      io.err(`libk8s synth: ${message}.`);
    },
  };
  try {
    await loadProgram(entry, session);
  } catch (e) {
    const outcome = describeOutcome(session, e, io);
    if (e instanceof GuardrailsError) {
      const n = e.findings.length;
      io.err([
        `libk8s synth: guardrails: ${n} error${n === 1 ? '' : 's'} (${session.results.length === 0 ? 'nothing was written' : `app '${failedApp(session, e) ?? '?'}' was not written`}):`,
        '',
        formatTable(e.reports, tableOptions(args, !!io.color?.err)),
        '',
        "Fix the program, or waive a rule with a reason: construct.waive('<rule>', '<why>').",
        ...outcome,
      ].join('\n'));
      reportSafely(args, e.reports, io);
    } else if (e instanceof OutputError) {
      // the error's own line says what happened to its app; the others' only when some were written
      const others = describeOutcome(session, e, io, e);
      io.err([`libk8s synth: ${describeOutputError(e, io.cwd)}`, ...others.filter((l) => l !== UNCHANGED_ALL)].join('\n'));
    } else if (e instanceof Libk8sError) {
      io.err(`libk8s synth: ${e.message}\n${outcome.join('\n')}`);
    } else if (isFsError(e)) {
      // a file-system error of the program's own code: what, where, and no stack
      io.err([`libk8s synth: the program ${shortPath(io.cwd, entry)} failed: ${describeFsError(e, io.cwd)}.`, ...outcome].join('\n'));
    } else {
      const err = e as Error | undefined;
      io.err(`libk8s synth: the program ${shortPath(io.cwd, entry)} failed:\n${err?.stack ?? String(e)}\n${outcome.join('\n')}`);
    }
    return EXIT_INVALID;
  }
  const results: readonly SynthResult[] = session.results;
  const failures = session.failures ?? [];
  if (results.length === 0 && failures.length === 0) {
    io.err(`libk8s synth: ${shortPath(io.cwd, entry)} ran but never called app.synth(); add app.synth() at its end.`);
    return EXIT_INVALID;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const reports: Report[] = results.flatMap((r) => r.reports ?? []);
  if (!args.quiet && reports.some((r) => r.findings.length > 0)) io.err(formatTable(reports, tableOptions(args, !!io.color?.err)));
  const reported = reportSafely(args, reports, io);
  if (!args.quiet) {
    const writes = session.writes ?? [];
    let allUnchanged = writes.length === results.length;
    results.forEach((r, i) => {
      // the program's own libk8s fills `writes` (an older one does not): paired with the results in order
      const w = writes[i]?.app === r.app && writes[i]?.outdir === r.outdir ? writes[i] : undefined;
      const unit = (name: string) => w?.units.find((u) => u.name === name);
      for (const e of r.environments) {
        const u = unit(e.environment);
        allUnchanged &&= u?.mode === 'unchanged';
        io.out(`${r.app} ${e.environment}: ${e.objects} objects, ${e.files} files, ${formatBytes(e.bytes)} -> ${shortPath(io.cwd, e.directory)} (${e.millis} ms)${describeWrite(u)}`);
      }
      if (r.delivery) {
        const u = unit(DELIVERY_UNIT);
        allUnchanged &&= u?.mode === 'unchanged';
        io.out(`${r.app} delivery: ${r.delivery.files} files, ${formatBytes(r.delivery.bytes)} -> ${shortPath(io.cwd, r.delivery.directory)}${describeWrite(u)}`);
      }
    });
    io.out(`synthesized in ${seconds.toFixed(2)} s${allUnchanged ? '; nothing changed, no file written' : ''}`);
  }
  if (failures.length > 0) {
    // the program caught an app.synth() error and went on: the run did not write everything it asked for
    for (const f of failures) io.err(`libk8s synth: app.synth() of app '${f.app}' failed (the program caught the error): ${firstLine(f.error)}`);
    io.err(describeOutcome(session, undefined, io).join('\n'));
    return EXIT_INVALID;
  }
  return reported ? EXIT_OK : EXIT_INVALID;
}

const UNCHANGED_ALL = 'Nothing was written; the previous output is unchanged.';

/** The folder of the GitOps tool's objects, a unit of the write like an environment (lib/synth/delivery.ts's DELIVERY_DIR). */
const DELIVERY_UNIT = '_delivery';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * What the write did to a folder, after its summary: nothing for a folder
 * written whole with nothing to remove (a first synth), else what was
 * written, left as it was and removed.
 */
function describeWrite(u: SynthWrite['units'][number] | undefined): string {
  if (!u || (u.unchanged === 0 && u.removed === 0)) return '';
  if (u.mode === 'unchanged') return ': nothing changed';
  const parts = [`${plural(u.written, 'file')} written`];
  if (u.unchanged > 0) parts.push(`${u.unchanged} unchanged`);
  if (u.removed > 0) parts.push(`${u.removed} removed`);
  return `: ${parts.join(', ')}`;
}

/** The app whose app.synth() threw `e`. */
function failedApp(session: SynthSession, e: unknown): string | undefined {
  return session.failures?.find((f) => f.error === e)?.app;
}

function envList(envs: readonly string[]): string {
  return envs.join(', ');
}

/**
 * What a failed run did to the output, from the session's record: nothing at
 * all (the one line the CLI always printed), or which apps and environments
 * were written and which were not.
 */
function describeOutcome(session: SynthSession, e: unknown, io: CliIO, described?: unknown): string[] {
  const written = session.results;
  const failures = (session.failures ?? []).filter((f) => described === undefined || f.error !== described);
  if (written.length === 0 && failures.every((f) => f.output === 'unchanged')) return [UNCHANGED_ALL];
  const lines: string[] = [];
  const thrownBySynth = e === undefined || failures.some((f) => f.error === e);
  for (const r of written) {
    const envs = envList(r.environments.map((x) => x.environment));
    lines.push(thrownBySynth
      ? `Written before the failure: app '${r.app}' (${envs}) in ${shortPath(io.cwd, r.outdir)}; that output is new.`
      : `The program failed after app.synth() had written app '${r.app}' (${envs}) in ${shortPath(io.cwd, r.outdir)}; that output is new.`);
  }
  for (const f of failures) {
    const where = f.outdir ? ` in ${shortPath(io.cwd, f.outdir)}` : '';
    lines.push(f.output === 'unchanged'
      ? `Not written: app '${f.app}' (${envList(f.environments)})${where}; its previous output is unchanged.`
      : `App '${f.app}' (${envList(f.environments)})${where} may be partly written; the next libk8s synth into that folder restores it.`);
  }
  return lines;
}

/** One line for a write the file system refused: what, which path, the reason, and what happened to the output. */
function describeOutputError(e: OutputError, cwd: string): string {
  const change = e.change === 'unchanged'
    ? `the output of app '${e.app}' is unchanged (${envList(e.environments)} hold${e.environments.length === 1 ? 's' : ''} the previous synth).`
    : `the output of app '${e.app}' may be mixed; the next libk8s synth into this folder restores it from ${shortPath(cwd, e.journal ?? e.path)}.`;
  return `cannot ${e.action} ${shortPath(cwd, e.path)}: ${e.reason}${e.code ? ` (${e.code})` : ''}; ${change}`;
}

const FS_CODES = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST', 'EISDIR', 'EXDEV', 'EPERM', 'EACCES', 'EBUSY', 'ENAMETOOLONG', 'ENOENT']);

function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException | undefined;
  return typeof err === 'object' && err !== null && typeof err.code === 'string' && FS_CODES.has(err.code) && typeof err.syscall === 'string';
}

function describeFsError(e: NodeJS.ErrnoException, cwd: string): string {
  const where = e.path ? ` ${shortPath(cwd, e.path)}` : '';
  return `${e.syscall}${where}: ${describeCode(e.code, e.message)} (${e.code})`;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** writeReport, with a file-system error as one line; false when the report could not be written. */
function reportSafely(args: SynthArgs, reports: readonly Report[], io: CliIO): boolean {
  try {
    writeReport(args, reports, io);
    return true;
  } catch (e) {
    if (!isFsError(e)) throw e;
    io.err(`libk8s synth: cannot write the report ${shortPath(io.cwd, path.resolve(io.cwd, args.report ?? ''))}: ${describeCode(e.code, e.message)} (${e.code}).`);
    return false;
  }
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
export async function loadProgram(entry: string, session: SynthSession): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsx = require('tsx/cjs/api') as TsxApi;
  const loader = tsx.register({ namespace: `libk8s-synth-${++runs}` });
  const programs = loader.require(sessionModuleFor(entry), __filename) as typeof import('../synth/session');
  const exported = programs.runSynthSession(session, () => loader.require(entry, __filename)) as { default?: unknown } | undefined;
  // an async program: a promise it exports (module.exports or default) is awaited, and so is a pending
  // `main().then(…)` that has not called app.synth() yet, for one turn of the event loop
  const pending = [exported, exported?.default].find((x): x is PromiseLike<unknown> => typeof (x as PromiseLike<unknown>)?.then === 'function');
  if (pending) await pending;
  else if (session.results.length === 0 && (session.failures?.length ?? 0) === 0 && (session.captured?.length ?? 0) === 0) await new Promise((r) => setImmediate(r));
}

/**
 * The session module of the libk8s the program imports, found the way the
 * program's `import 'libk8s'` is resolved: through the `paths` of the
 * tsconfig.json tsx reads (the working directory's; a program in this
 * repository), else as Node resolves `libk8s` from the program's folder
 * (its node_modules, or the package itself), else this CLI's own copy.
 */
function sessionModuleFor(entry: string): string {
  const index = mappedByTsconfig(process.cwd()) ?? resolvedByNode(entry) ?? path.resolve(__dirname, '..', path.extname(__filename) === '.ts' ? 'index.ts' : 'index.js');
  const session = path.join(path.dirname(index), 'synth', `session${path.extname(index) === '.ts' ? '.ts' : '.js'}`);
  if (!fs.existsSync(session)) {
    throw new Libk8sError([{
      kind: 'CLI', id: 'synth', path: shortPath(process.cwd(), entry), prop: 'libk8s',
      message: `the program imports the libk8s at ${path.dirname(index)}, which has no synth session (an older version than this CLI)`,
      fix: "run that version's own CLI (npx libk8s synth), or update the program's libk8s.",
    }]);
  }
  return session;
}

/** The file tsconfig.json's `paths` map `libk8s` to, if the working directory has one that does. */
function mappedByTsconfig(cwd: string): string | undefined {
  const file = path.join(cwd, 'tsconfig.json');
  try {
    // tsconfig allows comments and trailing commas; the part read here is plain
    const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1');
    const options = JSON.parse(text).compilerOptions ?? {};
    const target = options.paths?.libk8s?.[0];
    if (typeof target !== 'string') return undefined;
    // resolved as a module is: the file, with an extension, or a folder's index
    const mapped = path.resolve(cwd, options.baseUrl ?? '.', target);
    return [mapped, `${mapped}.ts`, `${mapped}.js`, path.join(mapped, 'index.ts'), path.join(mapped, 'index.js')]
      .find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  } catch {
    return undefined;
  }
}

/** Where Node resolves `libk8s` from the program's folder, if it does. */
function resolvedByNode(entry: string): string | undefined {
  try {
    return require.resolve('libk8s', { paths: [path.dirname(entry)] });
  } catch {
    return undefined;
  }
}
