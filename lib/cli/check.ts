import * as fs from 'fs';
import * as path from 'path';
import type { CliIO } from './io';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';
import { ALL_PACKS, blocking, Guardrails } from '../guardrails/engine';
import { BUILTIN_RULES } from '../guardrails/packs';
import { formatJson } from '../guardrails/reporters/json';
import { formatSarif } from '../guardrails/reporters/sarif';
import { formatSummary, InputError, summarize } from '../guardrails/reporters/summary';
import { formatTable } from '../guardrails/reporters/table';
import { parseManifests } from '../guardrails/manifests';
import { GuardrailsProps, PackName, Rule, Subject } from '../core/policy';
import { optionValue, UsageError } from './args';

export type ReportFormat = 'table' | 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif'];

export interface CheckArgs {
  readonly paths: readonly string[];
  /** @default - every built-in pack */
  readonly packs?: readonly PackName[];
  readonly format: ReportFormat;
  readonly output?: string;
  readonly help: boolean;
}


export function parseCheckArgs(args: readonly string[]): CheckArgs {
  const paths: string[] = [];
  let packs: PackName[] | undefined;
  let format: ReportFormat = 'table';
  let output: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string => {
      const [v, last] = optionValue(args, i, flag);
      i = last;
      return v;
    };
    if (a === '--packs' || a.startsWith('--packs=')) {
      const names = value('--packs').split(',').map((s) => s.trim()).filter(Boolean);
      if (names.length === 0) throw new UsageError('--packs needs a value');
      for (const n of names) {
        if (!(ALL_PACKS as readonly string[]).includes(n)) throw new UsageError(`--packs: ${JSON.stringify(n)} is not a built-in pack (use some of: ${ALL_PACKS.join(', ')})`);
      }
      packs = [...new Set([...(packs ?? []), ...(names as PackName[])])];
    } else if (a === '--format' || a.startsWith('--format=')) {
      format = parseFormat(value('--format'));
    } else if (a === '--output' || a === '-o' || a.startsWith('--output=')) {
      output = value('--output');
    } else if (a === '-h' || a === '--help') {
      help = true;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      paths.push(a);
    }
  }
  if (!help && paths.length === 0) throw new UsageError('give the YAML files or directories to check, e.g. libk8s check dist/prod');
  return { paths, packs, format, output, help };
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

  const { files, missing } = collectFiles(args.paths, io.cwd);
  if (missing.length) {
    io.err(missing.map((m) => `libk8s check: no file or directory ${m}.`).join('\n'));
    return EXIT_USAGE;
  }
  if (files.length === 0) {
    io.err(`libk8s check: found no YAML files (*.yaml, *.yml) in ${args.paths.join(', ')}.`);
    return EXIT_USAGE;
  }

  const subjects: Subject[] = [];
  const errors: InputError[] = [];
  for (const file of files) {
    const shown = shortPath(io.cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      errors.push({ file: shown, message: `cannot be read: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseManifests(text, shown);
    subjects.push(...parsed.subjects);
    errors.push(...parsed.errors);
  }

  const engine = new Guardrails({ ...options.guardrails, packs: args.packs ?? options.guardrails?.packs }, options.builtins ?? BUILTIN_RULES);
  const report = engine.check(subjects);
  const toFile = args.output !== undefined;
  const content = args.format === 'json' ? formatJson(report, { errors, cwd: io.cwd })
    : args.format === 'sarif' ? formatSarif(report, { rules: engine.known, errors, cwd: io.cwd })
      : formatTable(report, { color: !toFile && !!io.color?.out });

  for (const e of errors) io.err(`libk8s check: ${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`);
  if (toFile) {
    const target = path.resolve(io.cwd, args.output!);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content.endsWith('\n') ? content : `${content}\n`);
    io.out(`libk8s check: ${formatSummary(summarize(report))}; ${args.format} report written to ${shortPath(io.cwd, target)}`);
  } else {
    io.out(content.endsWith('\n') ? content.slice(0, -1) : content);
  }
  return errors.length > 0 || blocking(report).length > 0 ? EXIT_INVALID : EXIT_OK;
}

/**
 * The files to read: each file given, and every `*.yaml` / `*.yml` below
 * each directory given (hidden entries and node_modules skipped), sorted,
 * each once.
 */
export function collectFiles(inputs: readonly string[], cwd: string): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name) && (entry.isFile() || fs.statSync(full, { throwIfNoEntry: false })?.isFile())) files.add(full);
    }
  };
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) missing.push(input);
    else if (stat.isDirectory()) walk(full);
    else files.add(full);
  }
  return { files: [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), missing };
}
