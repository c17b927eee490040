import { Finding, PolicyChange } from '../../core/policy';
import { policyChanges } from './policy';
import { LazyArray, writeJsonLines } from './stream';
import { asList, findingPosition, InputError, Reports, ReportSummary, summarize, toolVersion } from './summary';

/**
 * The JSON report of `libk8s check --format json` and `libk8s synth
 * --report FILE --format json`. Stable: fields are only ever added; an
 * incompatible change bumps `version`. Optional fields are left out when
 * they do not apply, never set to null.
 *
 * ```json
 * {
 *   "version": 1,
 *   "tool": { "name": "libk8s", "version": "0.1.0" },
 *   "ok": false,
 *   "summary": { "errors": 1, "warnings": 0, "info": 0, "waived": 0, "objects": 3 },
 *   "objects": 3,
 *   "unchecked": [{ "kind": "ConfigMap", "count": 1 }],
 *   "findings": [{
 *     "rule": "run-as-non-root", "pack": "pss-restricted", "severity": "error",
 *     "aliases": { "polaris": "runAsRootAllowed" },
 *     "message": "…", "fix": "…", "field": "spec.template.spec.securityContext.runAsNonRoot",
 *     "object": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": "shop" },
 *     "location": { "file": "deploy/web.yaml", "line": 1 }
 *   }],
 *   "policy": [{
 *     "rule": "resources-cpu-limit", "pack": "production", "from": "error", "to": "off",
 *     "reason": "the platform drops cpu limits (platform.dropCpuLimits)", "setting": "severities.resources-cpu-limit"
 *   }, {
 *     "pack": "ownership", "from": "on", "to": "off", "problem": "needs a reason", "setting": "packs",
 *     "rules": ["required-labels", "instance-label"]
 *   }],
 *   "errors": []
 * }
 * ```
 */
export interface JsonReport {
  /** The format version: 1. */
  readonly version: 1;
  readonly tool: { readonly name: 'libk8s'; readonly version: string };
  /** No error finding remains unwaived and every input could be read: `synth` writes, `check` exits 0. */
  readonly ok: boolean;
  /** Finding counts (waived ones apart from the severities) and objects checked. */
  readonly summary: { readonly errors: number; readonly warnings: number; readonly info: number; readonly waived: number; readonly objects: number };
  /** Objects checked (summed over environments). */
  readonly objects: number;
  /** Kinds no enabled rule looks at, with their object counts: listed, never silently passed. */
  readonly unchecked: ReportSummary['unchecked'];
  /** Every finding, waived ones included, in report order (environment, construct or file, object, severity, rule). */
  readonly findings: readonly JsonFinding[];
  /**
   * Every lowered severity and dropped pack of the configuration, each once,
   * with its reason, or `problem: "needs a reason"` when it has none:
   * reviewed like waivers. Empty when nothing is lowered or dropped.
   */
  readonly policy: readonly PolicyChange[];
  /** Input that could not be checked (`libk8s check` only): malformed YAML, documents without apiVersion or kind. */
  readonly errors: readonly InputError[];
}

/** A finding as JSON: the engine's fields, with its origin flattened and paths made relative. */
export interface JsonFinding extends Omit<Finding, 'origin'> {
  /** The environment (synth). */
  readonly environment?: string;
  /** The construct that produced the object (synth). */
  readonly construct?: { readonly kind: string; readonly id: string; readonly path: string };
  /** The program line that created the construct (synth) or the YAML file and the object's first line (check); relative to the working directory. */
  readonly location?: { readonly file: string; readonly line?: number; readonly column?: number };
}

export interface JsonOptions {
  /** Input errors to include (`libk8s check`). @default - none */
  readonly errors?: readonly InputError[];
  /** Paths in `location` are relative to this. @default process.cwd() */
  readonly cwd?: string;
}

/** The JSON report as an object. */
export function toJsonReport(reports: Reports, options: JsonOptions = {}): JsonReport {
  const findings: JsonFinding[] = [];
  for (const r of asList(reports)) for (const f of r.findings) findings.push(jsonFinding(f, options.cwd));
  return jsonReport(reports, options, findings);
}

/** The JSON report, indented, with a final newline. */
export function formatJson(reports: Reports, options: JsonOptions = {}): string {
  return `${JSON.stringify(toJsonReport(reports, options), null, 2)}\n`;
}

/**
 * `formatJson`'s text in pieces, for reports too large for one string (a
 * string holds at most 2^29 characters, ~1M findings' worth): calls `write`
 * with blocks of whole lines, joined by newlines, without a final newline,
 * as `writeTable` does. Each finding is made as it is written.
 */
export function writeJson(reports: Reports, write: (block: string) => void, options: JsonOptions = {}, blockChars?: number): void {
  const findings = new LazyArray(function* () {
    for (const r of asList(reports)) for (const f of r.findings) yield jsonFinding(f, options.cwd);
  });
  writeJsonLines(jsonReport(reports, options, findings), write, blockChars);
}

/** The report around its findings (an array, or one written as it is made). */
function jsonReport<F extends readonly JsonFinding[] | LazyArray<JsonFinding>>(reports: Reports, options: JsonOptions, findings: F): Omit<JsonReport, 'findings'> & { findings: F } {
  const summary = summarize(reports);
  const errors = options.errors ?? [];
  return {
    version: 1,
    tool: { name: 'libk8s', version: toolVersion() },
    ok: summary.errors === 0 && errors.length === 0,
    summary: { errors: summary.errors, warnings: summary.warnings, info: summary.info, waived: summary.waived, objects: summary.objects },
    objects: summary.objects,
    unchecked: summary.unchecked,
    findings,
    policy: policyChanges(reports).map((p) => ({
      rule: p.rule, pack: p.pack, from: p.from, to: p.to, reason: p.reason, problem: p.problem, setting: p.setting, rules: p.rules ? [...p.rules] : undefined,
    })),
    errors: errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })),
  };
}

function jsonFinding(f: Finding, cwd: string | undefined): JsonFinding {
  const c = f.origin.construct;
  const o = f.object;
  return {
    rule: f.rule,
    pack: f.pack,
    severity: f.severity,
    aliases: { ...f.aliases },
    message: f.message,
    fix: f.fix,
    field: f.field,
    object: { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace },
    environment: f.origin.environment,
    construct: c ? { kind: c.kind, id: c.id, path: c.path } : undefined,
    location: findingPosition(f, cwd),
    waived: f.waived ? { reason: f.waived.reason } : undefined,
  };
}
