import * as crypto from 'crypto';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { BUILTIN_RULES } from '../packs';
import { Finding, PolicyChange, Rule, Severity } from '../../core/policy';
import { describePolicyChange, policyChanges } from './policy';
import { LazyArray, writeJsonLines } from './stream';
import { asList, findingPosition, firstAlias, InputError, Reports, summarize, toolVersion } from './summary';

/** The SARIF 2.1.0 subset libk8s writes (see the OASIS schema for the full format). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: { readonly driver: { readonly name: 'libk8s'; readonly version: string; readonly informationUri?: string; readonly rules: readonly SarifRule[] } };
  readonly invocations: readonly {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: readonly SarifNotification[];
    /** One per lowered severity or dropped pack: a warning when it has no reason, a note otherwise. */
    readonly toolConfigurationNotifications?: readonly SarifNotification[];
  }[];
  readonly results: readonly SarifResult[];
  /** `objects` checked, the `unchecked` kinds and the `policy` changes (lowered severities, dropped packs). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SarifRule {
  readonly id: string;
  readonly shortDescription: { readonly text: string };
  readonly help: { readonly text: string };
  /** The configuration in force: a rule turned off (or in a dropped pack) is `enabled: false`, level `none`. */
  readonly defaultConfiguration: { readonly level: SarifLevel | 'none'; readonly enabled?: boolean };
  readonly properties: Readonly<Record<string, unknown>>;
}

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifLocation {
  readonly physicalLocation?: {
    readonly artifactLocation: { readonly uri: string };
    readonly region?: { readonly startLine: number; readonly startColumn?: number };
  };
  readonly logicalLocations?: readonly { readonly name: string; readonly fullyQualifiedName?: string; readonly kind?: string }[];
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  /**
   * Without `status`: the specification calls it `status`, the official
   * schema file `state` (oasis-tcs/sarif-spec#449); a suppression without
   * one counts as accepted.
   */
  readonly suppressions?: readonly { readonly kind: 'inSource' | 'external'; readonly justification: string }[];
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SarifNotification {
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations?: readonly SarifLocation[];
  /** The rule a configuration notification is about. */
  readonly associatedRule?: { readonly id: string; readonly index: number };
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface SarifOptions {
  /**
   * The rules, for their descriptions (`engine.known`). Rules not found
   * here are looked up among the built-in ones; failing that the rule id
   * stands in for the description.
   * @default BUILTIN_RULES
   */
  readonly rules?: readonly Rule[];
  /** Input that could not be checked (`libk8s check`), reported as error notifications. @default - none */
  readonly errors?: readonly InputError[];
  /** URIs are relative to this directory (the repository root in CI). @default process.cwd() */
  readonly cwd?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Readonly<Record<Severity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * The findings as a SARIF 2.1.0 log for code-scanning tools: one run whose
 * driver lists the rules that fired; each result points at the user's
 * program line (synth) or the YAML file and line (check), names the
 * construct and the object as logical locations, and carries a suppression
 * (with the waiver's reason as justification) when waived. Unchecked kinds
 * and input errors are notifications of the run's invocation.
 *
 * Lowered severities and dropped packs are shown like waivers: every rule
 * they touch is in the driver's rules (even when it fired nowhere; off
 * rules with `defaultConfiguration: { level: 'none', enabled: false }` and
 * `properties.policy`), each change is a `toolConfigurationNotifications`
 * entry of the invocation (a warning when it has no reason), and the run's
 * `properties.policy` lists them.
 */
export function toSarif(reports: Reports, options: SarifOptions = {}): SarifLog {
  const cwd = options.cwd ?? process.cwd();
  const ruleIndex = new Map<string, number>();
  const log = sarifLog(reports, options, ruleIndex, []);
  const results = log.runs[0].results as SarifResult[];
  for (const r of asList(reports)) for (const f of r.findings) results.push(sarifResult(f, ruleIndex, cwd));
  return log;
}

/** The SARIF log, indented, with a final newline. */
export function formatSarif(reports: Reports, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(reports, options), null, 2)}\n`;
}

/**
 * `formatSarif`'s text in pieces, for logs too large for one string: calls
 * `write` with blocks of whole lines, joined by newlines, without a final
 * newline, as `writeTable` does. Each result is made as it is written.
 */
export function writeSarif(reports: Reports, write: (block: string) => void, options: SarifOptions = {}, blockChars?: number): void {
  const cwd = options.cwd ?? process.cwd();
  const ruleIndex = new Map<string, number>();
  const results = new LazyArray(function* () {
    for (const r of asList(reports)) for (const f of r.findings) yield sarifResult(f, ruleIndex, cwd);
  });
  writeJsonLines(sarifLog(reports, options, ruleIndex, results), write, blockChars);
}

/** The log around its results (an array, or one written as it is made); fills `ruleIndex`. */
function sarifLog(reports: Reports, options: SarifOptions, ruleIndex: Map<string, number>, results: SarifResult[] | LazyArray<SarifResult>): SarifLog {
  const cwd = options.cwd ?? process.cwd();
  const summary = summarize(reports);
  const errors = options.errors ?? [];

  const rules: SarifRule[] = [];
  for (const r of asList(reports)) {
    for (const f of r.findings) {
      if (ruleIndex.has(f.rule)) continue;
      ruleIndex.set(f.rule, rules.length);
      rules.push(sarifRule(f, lookupRule(f.rule, options.rules)));
    }
  }

  const policy = policyChanges(reports);
  const policyOf = new Map<string, PolicyChange>();
  for (const p of policy) for (const id of p.rule !== undefined ? [p.rule] : p.rules ?? []) if (!policyOf.has(id)) policyOf.set(id, p);
  for (const [index, rule] of rules.entries()) {
    const p = policyOf.get(rule.id);
    if (p) rules[index] = { ...rule, properties: { ...rule.properties, policy: policyProperty(p) } };
  }
  for (const [id, p] of policyOf) {
    if (ruleIndex.has(id)) continue;
    ruleIndex.set(id, rules.length);
    rules.push(policyRule(id, p, lookupRule(id, options.rules)));
  }

  const notifications: SarifNotification[] = [
    ...errors.map((e): SarifNotification => ({
      level: 'error',
      message: { text: `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(e.file, cwd) }, ...(e.line ? { region: { startLine: e.line, ...(e.column ? { startColumn: e.column } : {}) } } : {}) } }],
    })),
    ...summary.unchecked.map((u): SarifNotification => ({
      level: 'note',
      message: { text: `unchecked kind ${u.kind} (${u.count} object${u.count === 1 ? '' : 's'}): no enabled rule looks at it` },
    })),
  ];

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'libk8s', version: toolVersion(), rules } },
      invocations: [{
        executionSuccessful: errors.length === 0,
        toolExecutionNotifications: notifications,
        ...(policy.length ? { toolConfigurationNotifications: policy.map((p) => policyNotification(p, ruleIndex)) } : {}),
      }],
      // (a LazyArray is written as the array of its results)
      results: results as SarifResult[],
      properties: { objects: summary.objects, unchecked: summary.unchecked, ...(policy.length ? { policy: policy.map(policyProperty) } : {}) },
    }],
  };
}

function sarifResult(f: Finding, ruleIndex: ReadonlyMap<string, number>, cwd: string): SarifResult {
  const o = f.object;
  const c = f.origin.construct;
  const env = f.origin.environment;
  const subject = `${o.kind} '${o.name}'${env ? ` [${env}]` : ''}`;
  return {
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule)!,
    level: LEVEL[f.severity],
    message: { text: `${subject}${f.field ? ` ${f.field}` : ''}: ${sentence(f.message)} Fix: ${f.fix}` },
    locations: [location(physical(f, cwd), [
      ...(c ? [{ name: c.id, fullyQualifiedName: c.path, kind: 'construct' }] : []),
      { name: `${o.kind}/${o.name}`, fullyQualifiedName: [env, o.namespace, o.kind, o.name].filter(Boolean).join('/'), kind: 'resource' },
    ])],
    partialFingerprints: { 'libk8sFinding/v1': fingerprint(f) },
    ...(f.waived ? { suppressions: [{ kind: suppressionKind(f), justification: f.waived.reason }] } : {}),
    properties: {
      pack: f.pack,
      severity: f.severity,
      fix: f.fix,
      ...(f.field ? { field: f.field } : {}),
      object: { apiVersion: o.apiVersion, kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) },
      ...(env ? { environment: env } : {}),
      ...(c ? { construct: { kind: c.kind, id: c.id, path: c.path } } : {}),
    },
  };
}

function lookupRule(id: string, rules: readonly Rule[] | undefined): Rule | undefined {
  return rules?.find((r) => r.id === id) ?? BUILTIN_RULES.find((r) => r.id === id);
}

function sarifRule(f: Finding, rule: Rule | undefined): SarifRule {
  const alias = firstAlias(f.aliases);
  return {
    id: f.rule,
    shortDescription: { text: rule?.description ?? f.rule },
    help: { text: rule?.fix ?? f.fix },
    // the severity in force for this run (the platform may have changed the rule's own)
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      pack: f.pack,
      tags: ['kubernetes', f.pack],
      ...(Object.keys(f.aliases).length ? { aliases: { ...f.aliases } } : {}),
      ...(alias ? { alias } : {}),
    },
  };
}

function policyProperty(p: PolicyChange): Record<string, unknown> {
  return {
    ...(p.rule !== undefined ? { rule: p.rule } : {}), pack: p.pack, from: p.from, to: p.to,
    ...(p.reason !== undefined ? { reason: p.reason } : {}), ...(p.problem !== undefined ? { problem: p.problem } : {}), setting: p.setting,
  };
}

/** A rule the run does not report at its own severity: off (or in a dropped pack), or lowered. */
function policyRule(id: string, p: PolicyChange, rule: Rule | undefined): SarifRule {
  const pack = rule?.pack ?? p.pack;
  const aliases = rule?.aliases ?? {};
  const alias = firstAlias(aliases);
  const off = p.to === 'off';
  return {
    id,
    shortDescription: { text: rule?.description ?? id },
    help: { text: rule?.fix ?? id },
    defaultConfiguration: off ? { level: 'none', enabled: false } : { level: LEVEL[p.to as Severity] },
    properties: {
      pack,
      tags: ['kubernetes', pack],
      ...(Object.keys(aliases).length ? { aliases: { ...aliases } } : {}),
      ...(alias ? { alias } : {}),
      policy: policyProperty(p),
    },
  };
}

function policyNotification(p: PolicyChange, ruleIndex: ReadonlyMap<string, number>): SarifNotification {
  const text = p.rule !== undefined
    ? `severity of ${describePolicyChange(p)}`
    : describePolicyChange(p);
  return {
    level: p.reason === undefined ? 'warning' : 'note',
    message: { text },
    ...(p.rule !== undefined && ruleIndex.has(p.rule) ? { associatedRule: { id: p.rule, index: ruleIndex.get(p.rule)! } } : {}),
    properties: policyProperty(p),
  };
}

/** A result's location: its file and line, when it has one, then its logical locations. */
function location(physicalLocation: SarifLocation['physicalLocation'], logicalLocations: SarifLocation['logicalLocations']): SarifLocation {
  // made whole, not spread: an object spread into each of millions of results outlives the young generation
  return physicalLocation ? { physicalLocation, logicalLocations } : { logicalLocations };
}

function physical(f: Finding, cwd: string): SarifLocation['physicalLocation'] {
  const pos = findingPosition(f, cwd);
  if (!pos) return undefined;
  const artifactLocation = { uri: toUri(pos.file, cwd) };
  if (!pos.line) return { artifactLocation };
  return { artifactLocation, region: pos.column ? { startLine: pos.line, startColumn: pos.column } : { startLine: pos.line } };
}

/** A relative URI (forward slashes, escaped) below cwd; a file: URI outside it. */
function toUri(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}

/**
 * A waiver in the program (`construct.waive(…)`) is in source; one in the
 * platform's configuration, or any waiver of a `check` run, is external.
 * The finding does not say which waiver matched, so a finding of a
 * construct counts as waived in source.
 */
function suppressionKind(f: Finding): 'inSource' | 'external' {
  return f.origin.construct ? 'inSource' : 'external';
}

function fingerprint(f: Finding): string {
  const c = f.origin.construct;
  const key = [f.rule, f.origin.environment, c?.path ?? f.origin.file, f.object.kind, f.object.namespace, f.object.name, f.field].map((s) => s ?? '').join('\u0000');
  return sha256(key).slice(0, 32);
}

/**
 * The SHA-256 of a text, in hex: one call, no Hash object where Node has
 * `crypto.hash` (20.12 and later). A log of millions of results would make
 * millions of Hash objects, which outlive the young generation.
 */
const sha256: (text: string) => string = typeof (crypto as { hash?: unknown }).hash === 'function'
  ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: 'hex'): string }).hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
