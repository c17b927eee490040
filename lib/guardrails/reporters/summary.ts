import * as fs from 'fs';
import * as path from 'path';
import { Finding, Report, RuleAliases } from '../../core/policy';

/** Input that could not be checked (`libk8s check`): a malformed file, a document that is no Kubernetes object. */
export interface InputError {
  /** The file, as given on the command line (relative to the working directory). */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  readonly message: string;
}

/** The counts every reporter prints. */
export interface ReportSummary {
  /** Error findings nobody waived: each one fails `synth` and `check`. */
  readonly errors: number;
  /** Warning findings nobody waived. */
  readonly warnings: number;
  /** Info findings nobody waived. */
  readonly info: number;
  /** Waived findings, whatever their severity. */
  readonly waived: number;
  /** Objects checked (summed over the reports, so over environments). */
  readonly objects: number;
  /** Kinds no enabled rule looks at, with how many objects of each (summed over the reports). */
  readonly unchecked: readonly { readonly kind: string; readonly count: number }[];
}

/** One report or several (synth makes one per environment). */
export type Reports = Report | readonly Report[];

export function asList(reports: Reports): readonly Report[] {
  return Array.isArray(reports) ? reports : [reports as Report];
}

/** Every finding of the reports, in report order. */
export function allFindings(reports: Reports): Finding[] {
  const all: Finding[] = [];
  // no flatMap or push(...spread): a report may hold millions of findings
  for (const r of asList(reports)) for (const f of r.findings) all.push(f);
  return all;
}

/** Counts findings by severity (waived apart), objects and unchecked kinds. */
export function summarize(reports: Reports): ReportSummary {
  const list = asList(reports);
  let errors = 0;
  let warnings = 0;
  let info = 0;
  let waived = 0;
  for (const r of list) {
    for (const f of r.findings) {
      if (f.waived) waived++;
      else if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else info++;
    }
  }
  const unchecked = new Map<string, number>();
  for (const r of list) for (const u of r.unchecked) unchecked.set(u.kind, (unchecked.get(u.kind) ?? 0) + u.count);
  return {
    errors, warnings, info, waived,
    objects: list.reduce((n, r) => n + r.objects, 0),
    unchecked: [...unchecked.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, count]) => ({ kind, count })),
  };
}

/** `2 errors, 1 warning, 0 info, 1 waived; 12 objects checked; unchecked kinds: ConfigMap (2), HTTPRoute (2)` */
export function formatSummary(s: ReportSummary): string {
  const parts = [
    `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.info} info, ${s.waived} waived`,
    `${plural(s.objects, 'object')} checked`,
  ];
  if (s.unchecked.length) parts.push(`unchecked kinds: ${s.unchecked.map((u) => `${u.kind} (${u.count})`).join(', ')}`);
  return parts.join('; ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const ALIAS_TOOLS: readonly (readonly [keyof RuleAliases, string])[] = [['kubeScore', 'kube-score'], ['polaris', 'polaris'], ['kubeLinter', 'kube-linter']];

/** The first alias of a rule, with its tool: `kube-score: container-security-context-user-group-id`. */
export function firstAlias(aliases: RuleAliases | undefined): string | undefined {
  for (const [key, tool] of ALIAS_TOOLS) {
    const value = aliases?.[key];
    const a = typeof value === 'string' ? value : value?.[0];
    if (a) return `${tool}: ${a}`;
  }
  return undefined;
}

/** A path relative to `cwd` (as `findingLocation` prints it), or the path unchanged when it is already relative. */
export function relativeFile(file: string, cwd: string = process.cwd()): string {
  return path.isAbsolute(file) ? path.relative(cwd, file) || file : file;
}

/** Where a finding points: the program's file and line (synth), or the YAML file and the object's first line (check). */
export function findingPosition(f: Finding, cwd?: string): { readonly file: string; readonly line?: number; readonly column?: number } | undefined {
  const loc = f.origin.location;
  if (loc) return { file: relativeFile(loc.file, cwd), line: loc.line, column: loc.column };
  if (f.origin.file) return { file: relativeFile(f.origin.file, cwd), line: f.origin.line };
  return undefined;
}

let version: string | undefined;

/** The libk8s version, from its package.json (the same path from lib/ and build/). */
export function toolVersion(): string {
  if (version === undefined) {
    try {
      version = String(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version);
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
