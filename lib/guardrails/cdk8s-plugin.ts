import * as fs from 'fs';
import { parseManifests } from './yaml-reader';
import { Libk8sError, Problem } from '../core/errors';
import { blocking, Guardrails } from './engine';
import { findingLocation } from './format';
import { formatSummary, InputError, summarize } from './reporters/summary';
import { Finding, GuardrailsProps, Severity, Subject } from '../core/policy';

// The cdk8s-cli side of the contract, declared here so that libk8s needs no
// dependency on cdk8s-cli (not even at type level). These are the members
// this plugin uses of the types in cdk8s-cli 2.207.60, lib/plugins/validation.d.ts
// (`ValidationContext`, `ValidationReport`, `ValidationLogger`,
// `ValidationViolation`, `ValidationViolatingResource`); the real classes are
// structurally assignable to them (checked at type level by test/cdk8s-plugin.test.ts).

/** A resource that breaks a rule, as cdk8s reports it (`ValidationViolatingResource`). */
export interface Cdk8sViolatingResource {
  /** `metadata.name`: cdk8s looks the construct path up by it. */
  readonly resourceName: string;
  /** The manifest file, as cdk8s gave it in `context.manifests`. */
  readonly manifestPath: string;
  /** One entry per finding on the resource. */
  readonly locations: readonly string[];
}

/** One rule broken by one or more resources (`ValidationViolation`). */
export interface Cdk8sValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly Cdk8sViolatingResource[];
}

/** The report a plugin fills in (`ValidationReport`). */
export interface Cdk8sValidationReport {
  addViolation(violation: Cdk8sValidationViolation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** What cdk8s passes to `validate` (`ValidationContext`). */
export interface Cdk8sValidationContext {
  /** The synthesized manifest files. */
  readonly manifests: readonly string[];
  readonly report: Cdk8sValidationReport;
  readonly logger: { log(message: string): void };
}

/** The rule name under which manifests that cannot be read or parsed are reported. */
export const UNREADABLE_MANIFEST_RULE = 'unreadable-manifest';

const PROPERTY_KEYS: readonly string[] = ['packs', 'severities', 'waivers', 'options', 'rules'];
const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * libk8s's guardrails as a cdk8s validation plugin, for plain cdk8s apps
 * (`cdk8s synth` runs it over the manifests it wrote). cdk8s-cli requires
 * the package's main module and creates the class named in `cdk8s.yaml`
 * with its `properties`, which are the guardrails configuration:
 *
 * ```yaml
 * validations:
 *   - package: libk8s
 *     version: 0.1.0          # an exact version; cdk8s refuses ranges
 *     class: Libk8sValidation
 *     properties:             # GuardrailsProps; every key optional
 *       packs: [pss-baseline, pss-restricted, production, ownership]
 *       severities:
 *         replicas-minimum: error
 *         required-labels: 'off'
 *       waivers:
 *         - rule: pss-restricted-run-as-non-root
 *           kind: Deployment
 *           name: legacy-app
 *           reason: the vendor image needs root; tracked in OPS-123
 *       options:              # per rule id
 *         required-labels:
 *           labels: [app.kubernetes.io/name, team]
 * ```
 *
 * Each rule broken becomes one violation listing every resource that breaks
 * it, with its manifest file and, per finding, the line of the object, the
 * field and the message. Errors nobody waived fail the report (and
 * `cdk8s synth`); warnings and info are listed but pass. Waived findings are
 * logged, not reported. A platform can publish its own rules with a
 * subclass that adds `rules` to the properties.
 */
export class Libk8sValidation {
  private readonly engine: Guardrails;

  constructor(properties: GuardrailsProps = {}) {
    throwIfAny(checkProperties(properties));
    this.engine = new Guardrails(properties);
    throwIfAny(Object.keys(properties.options ?? {})
      .filter((id) => !this.engine.known.some((r) => r.id === id))
      .map((id) => propertyProblem(`options.${id}`, 'names no rule', 'key options by rule id (see the README\'s rule list).')));
  }

  public async validate(context: Cdk8sValidationContext): Promise<void> {
    const subjects: Subject[] = [];
    const errors: InputError[] = [];
    for (const file of context.manifests) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        errors.push({ file, message: `cannot be read: ${(e as Error).message}` });
        continue;
      }
      const parsed = parseManifests(text, file);
      subjects.push(...parsed.subjects);
      errors.push(...parsed.errors);
    }

    const report = this.engine.check(subjects);
    const findings = report.findings.filter((f) => !f.waived);
    for (const f of report.findings) {
      if (f.waived) context.logger.log(`libk8s guardrails: waived ${f.severity} ${f.rule} at ${findingLocation(f)}: ${f.object.kind} '${f.object.name}'${f.field ? ` ${f.field}:` : ':'} ${f.message} (waiver: ${f.waived.reason})`);
    }
    if (report.unchecked.length) {
      context.logger.log(`libk8s guardrails: no enabled rule checks these kinds: ${report.unchecked.map((u) => `${u.kind} (${u.count})`).join(', ')}`);
    }

    for (const violation of this.violations(findings)) context.report.addViolation(violation);
    if (errors.length) context.report.addViolation(unreadable(errors));

    const summary = summarize(report);
    const metadata: Record<string, string> = {
      Guardrails: formatSummary(summary),
    };
    if (errors.length) metadata['Unreadable manifests'] = String(new Set(errors.map((e) => e.file)).size);
    context.report.submit(errors.length > 0 || blocking(report).length > 0 ? 'failure' : 'success', metadata);
  }

  /** One violation per rule, errors first; one resource per object, one location per finding. */
  private violations(findings: readonly Finding[]): Cdk8sValidationViolation[] {
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) {
      const list = byRule.get(f.rule) ?? [];
      list.push(f);
      byRule.set(f.rule, list);
    }
    const rules = [...byRule.entries()].sort(([a, fa], [b, fb]) => SEVERITY_ORDER[fa[0].severity] - SEVERITY_ORDER[fb[0].severity] || (a < b ? -1 : a > b ? 1 : 0));
    return rules.map(([id, list]) => {
      const rule = this.engine.find(id);
      const fix = rule?.fix ?? list[0].fix;
      const resources = new Map<string, { resourceName: string; manifestPath: string; locations: string[] }>();
      for (const f of list) {
        const key = [f.origin.file, f.origin.line, f.object.kind, f.object.namespace, f.object.name].join('\0');
        let r = resources.get(key);
        if (!r) {
          r = { resourceName: f.object.name || `(a ${f.object.kind} without a name)`, manifestPath: f.origin.file ?? '', locations: [] };
          resources.set(key, r);
        }
        r.locations.push(location(f, fix));
      }
      const severity = list[0].severity;
      return {
        ruleName: id,
        recommendation: `[${severity}] ${rule?.description ?? list[0].message}`,
        fix,
        violatingResources: [...resources.values()],
      };
    });
  }
}

/** `line 12 (Deployment): spec.template.spec.containers[0].securityContext.runAsUser: container 'app' runs as root` */
function location(f: Finding, ruleFix: string): string {
  const where = f.origin.line !== undefined ? `line ${f.origin.line} (${f.object.kind})` : f.object.kind;
  const ns = f.object.namespace ? ` in namespace ${f.object.namespace}` : '';
  const field = f.field ? ` ${f.field}:` : '';
  const fix = f.fix !== ruleFix ? ` (fix: ${f.fix})` : '';
  return `${where}${ns}:${field} ${f.message}${fix}`;
}

function unreadable(errors: readonly InputError[]): Cdk8sValidationViolation {
  const byFile = new Map<string, string[]>();
  for (const e of errors) {
    const list = byFile.get(e.file) ?? [];
    list.push(`${e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''}: ` : ''}${e.message}`);
    byFile.set(e.file, list);
  }
  return {
    ruleName: UNREADABLE_MANIFEST_RULE,
    recommendation: '[error] Every manifest is readable YAML whose documents are Kubernetes objects (a mapping with apiVersion and kind); libk8s cannot check the others.',
    fix: 'fix the file, or the program that wrote it.',
    violatingResources: [...byFile.entries()].map(([file, locations]) => ({ resourceName: '(the manifest file)', manifestPath: file, locations })),
  };
}

function propertyProblem(prop: string | undefined, message: string, fix: string): Problem {
  return { kind: 'Libk8sValidation', id: 'cdk8s.yaml', path: 'validations[].properties', prop, message, fix };
}

function throwIfAny(problems: readonly Problem[]): void {
  if (problems.length) throw new Libk8sError(problems, `libk8s cdk8s validation plugin: the properties in cdk8s.yaml have ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
}

/** The shape of the properties, which come from cdk8s.yaml untyped: unknown keys are typos, not options. */
function checkProperties(p: unknown): Problem[] {
  const problem = propertyProblem;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return [problem(undefined, 'must be a mapping', 'give packs, severities, waivers and options as keys, or no properties at all.')];
  const o = p as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(o)) {
    if (!PROPERTY_KEYS.includes(key)) problems.push(problem(key, 'is not a guardrails property', 'use packs, severities, waivers or options.'));
  }
  const isMapping = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (o.packs !== undefined && (!Array.isArray(o.packs) || o.packs.some((x) => typeof x !== 'string'))) problems.push(problem('packs', 'must be a list of pack names', 'e.g. packs: [pss-baseline, production].'));
  if (o.severities !== undefined && !isMapping(o.severities)) problems.push(problem('severities', 'must be a mapping of rule id to error, warning, info or off', 'e.g. severities: { replicas-minimum: error }.'));
  if (isMapping(o.severities)) {
    for (const [rule, s] of Object.entries(o.severities as Record<string, unknown>)) {
      if (!['error', 'warning', 'info', 'off'].includes(s as string)) problems.push(problem(`severities.${rule}`, `${JSON.stringify(s)} is not a severity`, 'use error, warning, info or off.'));
    }
  }
  if (o.waivers !== undefined && (!Array.isArray(o.waivers) || o.waivers.some((w) => !isMapping(w)))) problems.push(problem('waivers', 'must be a list of waivers', 'each with rule and reason, and optionally kind and name.'));
  if (Array.isArray(o.waivers)) {
    o.waivers.forEach((w: Record<string, unknown>, i) => {
      // objects read from manifests have no libk8s construct or environment, so such a waiver would never apply
      for (const key of ['construct', 'environment']) {
        if (isMapping(w) && w[key] !== undefined) problems.push(problem(`waivers[${i}].${key}`, `a manifest written by cdk8s has no libk8s ${key}, so this waiver would never apply`, 'narrow the waiver with kind and name instead.'));
      }
    });
  }
  if (o.options !== undefined && !isMapping(o.options)) problems.push(problem('options', 'must be a mapping of rule id to that rule\'s options', 'e.g. options: { required-labels: { labels: [team] } }.'));
  if (o.rules !== undefined && !Array.isArray(o.rules)) problems.push(problem('rules', 'must be a list of rule objects', 'rules are code: add them in a subclass of Libk8sValidation, not in cdk8s.yaml.'));
  return problems;
}
