import * as fs from 'fs';
import * as path from 'path';
import type { CliIO } from './io';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';
import { ALL_PACKS, blocking, Guardrails } from '../guardrails/engine';
import { BUILTIN_RULES } from '../guardrails/packs';
import { writeJson } from '../guardrails/reporters/json';
import { writeSarif } from '../guardrails/reporters/sarif';
import { formatSummary, InputError, summarize } from '../guardrails/reporters/summary';
import { writeTable } from '../guardrails/reporters/table';
import { readManifests, StringTable } from '../guardrails/manifests';
import { GuardrailsProps, PackName, Rule, Subject } from '../core/policy';
import { parseCommandLine, UsageError } from './args';

export type ReportFormat = 'table' | 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif'];

export interface CheckArgs {
  readonly paths: readonly string[];
  /** @default - every built-in pack */
  readonly packs?: readonly PackName[];
  readonly format: ReportFormat;
  readonly output?: string;
  readonly help: boolean;
  /** `--verbose`: every waived finding listed in the table, not one line per rule. @default false */
  readonly verbose?: boolean;
}


export function parseCheckArgs(args: readonly string[]): CheckArgs {
  const { values: v, positionals } = parseCommandLine(args, {
    packs: { type: 'string', multiple: true }, format: { type: 'string' }, output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' },
  });
  let packs: PackName[] | undefined;
  for (const given of (v.packs as string[] | undefined) ?? []) {
    const names = given.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError('--packs needs a value');
    for (const n of names) {
      if (!(ALL_PACKS as readonly string[]).includes(n)) throw new UsageError(`--packs: ${JSON.stringify(n)} is not a built-in pack (use some of: ${ALL_PACKS.join(', ')})`);
    }
    packs = [...new Set([...(packs ?? []), ...(names as PackName[])])];
  }
  const help = v.help === true;
  if (!help && positionals.length === 0) throw new UsageError('give the YAML files or directories to check, e.g. libk8s check dist/prod');
  const format = v.format === undefined ? 'table' : parseFormat(v.format as string);
  return { paths: positionals, packs, format, output: v.output as string | undefined, help, verbose: v.verbose === true };
}

function parseFormat(s: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(s)) throw new UsageError(`--format takes table, json or sarif, not ${JSON.stringify(s)}`);
  return s as ReportFormat;
}

/** What a platform's own CLI (or a test) may set for `runCheck`. */
export interface CheckOptions {
  /** The guardrails configuration: severities, the platform's rules, waivers; `--packs` overrides its packs. @default - the built-in packs */
  readonly guardrails?: GuardrailsProps;
  /** The built-in rules. @default BUILTIN_RULES */
  readonly builtins?: readonly Rule[];
}

/** `libk8s check DIR|FILE…`: the guardrails over YAML manifests. Returns the exit code. */
export async function runCheck(argv: readonly string[], io: CliIO, usage: string, options: CheckOptions = {}): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseCheckArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`libk8s check: ${e.message}.\n\n${usage}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.out(usage);
    return EXIT_OK;
  }

  const { files, missing, errors: unreadable } = collectFiles(args.paths, io.cwd);
  if (missing.length) {
    io.err(missing.map((m) => `libk8s check: no file or directory ${m}.`).join('\n'));
    return EXIT_USAGE;
  }
  if (files.length === 0 && unreadable.length === 0) {
    io.err(`libk8s check: found no YAML files (*.yaml, *.yml) in ${args.paths.join(', ')}.`);
    return EXIT_USAGE;
  }

  const { subjects, errors } = readFiles(files, unreadable, io.cwd);

  const engine = new Guardrails({ ...options.guardrails, packs: args.packs ?? options.guardrails?.packs }, options.builtins ?? BUILTIN_RULES);
  const report = engine.check(subjects);
  subjects.length = 0; // the findings keep no manifest: let them go before the report is written
  // every format is written in blocks of lines as it is made: a report may be larger than a string can be
  const write = (out: (block: string) => void, color: boolean) => {
    if (args.format === 'json') writeJson(report, out, { errors, cwd: io.cwd });
    else if (args.format === 'sarif') writeSarif(report, out, { rules: engine.known, errors, cwd: io.cwd });
    else writeTable(report, out, args.verbose ? { color } : { color, waived: 'summary', waivedHint: 'libk8s check --verbose lists each waived finding.' });
  };

  for (const e of errors) io.err(`libk8s check: ${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`);
  if (args.output !== undefined) {
    const target = path.resolve(io.cwd, args.output);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, 'w');
    try {
      write((block) => writeAll(fd, `${block}\n`), false);
    } finally {
      fs.closeSync(fd);
    }
    io.out(`libk8s check: ${formatSummary(summarize(report))}; ${args.format} report written to ${shortPath(io.cwd, target)}`);
  } else {
    write(io.out, !!io.color?.out);
  }
  return errors.length > 0 || blocking(report).length > 0 ? EXIT_INVALID : EXIT_OK;
}

/**
 * The objects of the files, and the input errors (after `unreadable`). The
 * table of the strings they share goes when it returns: only the objects
 * (and, once checked, the findings) keep theirs.
 */
function readFiles(files: readonly string[], unreadable: readonly InputError[], cwd: string): { subjects: Subject[]; errors: InputError[] } {
  const subjects: Subject[] = [];
  const errors: InputError[] = [...unreadable];
  // one copy of each string of the manifests (kinds, namespaces, labels), across files
  const strings = new StringTable();
  for (const file of files) {
    const shown = shortPath(cwd, file);
    let parsed: ReturnType<typeof readManifests>;
    try {
      // in chunks, document by document: the file's text is never held whole
      parsed = readManifests(file, shown, undefined, strings);
    } catch (e) {
      errors.push({ file: shown, message: `cannot be read: ${fileError(e)}` });
      continue;
    }
    // no push(...spread): a file may hold more objects than a call takes arguments
    for (const s of parsed.subjects) subjects.push(s);
    for (const e of parsed.errors) errors.push(e);
    parsed.subjects.length = 0; // held by `subjects` alone, so that they can go once checked
  }
  return { subjects, errors };
}

/**
 * The files to read: each file given, and every `*.yaml` / `*.yml` below
 * each directory given (hidden entries and node_modules skipped), sorted,
 * each once. Symlinks are followed, but a directory already walked (by
 * its real path) is not walked again, so a link back to a parent ends
 * there. Directories behind links are walked last, so a directory that is
 * also given or reached directly is listed under its own path. A path that
 * cannot be resolved (a symlink loop: ELOOP) or a directory that cannot be
 * listed is an input error naming it.
 */
export function collectFiles(inputs: readonly string[], cwd: string): { files: string[]; missing: string[]; errors: InputError[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  const errors: InputError[] = [];
  const unreadable = (full: string, e: unknown) => errors.push({ file: shortPath(cwd, full), message: `cannot be read: ${fileError(e)}` });
  /** Real paths of the directories walked. */
  const visited = new Set<string>();
  /** Directories behind symlinks, walked once the real ones are. */
  const linked: string[] = [];
  const walk = (dir: string) => {
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync.native(dir);
      if (visited.has(real)) return;
      visited.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      unreadable(dir, e);
      return;
    }
    // sorted: which link a directory reached twice is listed under does not depend on the file system's order
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      // a kustomization.yaml below a directory is kustomize's configuration (synth writes one per environment), not an object
      const yaml = /\.ya?ml$/i.test(entry.name) && !/^kustomization\.ya?ml$/i.test(entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        if (yaml) files.add(full);
      } else if (entry.isSymbolicLink()) {
        let target: fs.Stats | undefined;
        try {
          target = fs.statSync(full, { throwIfNoEntry: false }); // undefined: a dangling link, skipped
        } catch (e) {
          unreadable(full, e);
          continue;
        }
        if (target?.isDirectory()) linked.push(full);
        else if (yaml && target?.isFile()) files.add(full);
      }
    }
  };
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(full, { throwIfNoEntry: false });
    } catch (e) {
      unreadable(full, e);
      continue;
    }
    if (!stat) missing.push(input);
    else if (stat.isDirectory()) walk(full);
    else files.add(full);
  }
  for (let i = 0; i < linked.length; i++) walk(linked[i]);
  return { files: [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), missing, errors };
}

/** Writes all of `text` (a write may take only part of it). */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** A file system error in words: `a symlink loop (ELOOP)`, else the error's message without its own `, open '/abs/path'`. */
function fileError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ELOOP') return 'a symlink loop (ELOOP: too many levels of symbolic links)';
  const message = String(err.message ?? e).split('\n')[0];
  return err.code && err.syscall ? message.replace(/, \w+ '[^']*'$/, '') : message;
}
