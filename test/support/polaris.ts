/**
 * A small, faithful runner for the Fairwinds Polaris checks in
 * REFERENCE_DIR/polaris (check files and default severities of
 * FairwindsOps/polaris pkg/config @ c0e23a23).
 *
 * Semantics follow the Polaris sources (read, not copied):
 *  - pkg/config/schema.go: SchemaCheck, Initialize (a `schema` object is
 *    JSON-marshalled and then templated like a `schemaString`),
 *    TemplateForResource (an additional schema that templates to blank is
 *    dropped; YAML via the k8s YAML decoder), IsActionable (HandledTargets,
 *    `group/Kind` targets match on the Kind suffix, controllers and containers
 *    include/exclude, a PodTemplate check runs in the PodSpec pass),
 *    CheckAdditionalObjects (passes when ANY object of that group/kind passes).
 *  - pkg/validator/schema.go: applyControllerSchemaChecks (controller, then
 *    top-level, then pod, then init containers and containers), the
 *    schemaTarget=PodSpec copy with only the container under test,
 *    additional objects filtered to the resource's namespace, and the
 *    `polaris.fairwinds.com/exempt` / `<check>-exempt` annotations.
 *  - pkg/kube/resources.go: objects are keyed by `group/Kind` (`Kind` for the
 *    core group); GetPodSpec walks jobTemplate / spec / template.
 *  - pkg/validator/pdb_hpa_validator.go: pdbMinAvailableGreaterThanHPAMinReplicas
 *    is a Go function (its check file has no schema).
 *  - docs/customization/custom-checks.md: `.Polaris.PodSpec`,
 *    `.Polaris.PodTemplate`, `.Polaris.Container`, hasPrefix / hasSuffix.
 *
 * Known, deliberate differences (all stricter or neutral for libk8s output):
 *  - the `exemptions` list of default.yaml (third-party controller names such
 *    as cert-manager or datadog) is not applied;
 *  - objects are checked as emitted (JSON), not round-tripped through the Go
 *    API structs (which only drop empty fields no check depends on);
 *  - the Go-template subset below covers every construct the check files use
 *    and throws on anything else, never passing silently.
 *
 * Not found in the Polaris sources that could be read (pkg/validator
 * schema.go, pdb_hpa_validator.go, validations.go; pkg/kube resources.go,
 * resource.go; the check file itself): any rule that skips
 * deploymentMissingReplicas when an HPA targets the Deployment. The runner
 * therefore reports it; test/polaris.test.ts names that case as an exception.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import * as YAML from 'yaml';
import { REFERENCE_DIR } from './reference';

export type Severity = 'warning' | 'danger';

export interface PolarisCheck {
  readonly id: string;
  readonly category: string;
  readonly failureMessage: string;
  readonly severity: Severity;
  readonly target: string;
  readonly schemaTarget?: string;
  readonly controllers: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly containers: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  /** The schema as template source (a `schema` object is JSON-marshalled first, as Initialize does). */
  readonly schemaString: string;
  /** group/Kind → template source of a schema some OTHER object of that kind must satisfy. */
  readonly additionalSchemaStrings: Readonly<Record<string, string>>;
}

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  readonly category: string;
  readonly message: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The container, for container checks. */
  readonly container?: string;
}

// ---------------------------------------------------------------------------
// Loading the checks
// ---------------------------------------------------------------------------

const POLARIS_DIR = path.join(REFERENCE_DIR, 'polaris');

/** YAML as Polaris reads it: the k8s YAML decoder is go-yaml v2, i.e. YAML 1.1 scalars (yes/no/on/off are booleans). */
export function parseYaml(text: string): any {
  return YAML.parse(text, { version: '1.1' });
}

let cachedChecks: PolarisCheck[] | undefined;

/** Every check file that has a severity in default.yaml (Polaris runs only the checks its config lists). */
export function loadChecks(): PolarisCheck[] {
  if (cachedChecks) return cachedChecks;
  const severities: Record<string, string> = parseYaml(fs.readFileSync(path.join(POLARIS_DIR, 'default.yaml'), 'utf8')).checks;
  const dir = path.join(POLARIS_DIR, 'checks');
  const checks: PolarisCheck[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const id = file.replace(/\.yaml$/, '');
    const severity = severities[id];
    if (severity !== 'warning' && severity !== 'danger') continue;
    const raw = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8'));
    const additional: Record<string, string> = { ...(raw.additionalSchemaStrings ?? {}) };
    for (const [kind, schema] of Object.entries(raw.additionalSchemas ?? {})) additional[kind] = JSON.stringify(schema);
    checks.push({
      id,
      category: raw.category,
      failureMessage: raw.failureMessage ?? raw.FailureMessage ?? '',
      severity,
      target: raw.target,
      schemaTarget: raw.schemaTarget || undefined,
      controllers: { include: raw.controllers?.include ?? [], exclude: raw.controllers?.exclude ?? [] },
      containers: { include: raw.containers?.include ?? [], exclude: raw.containers?.exclude ?? [] },
      // Initialize: json.Marshal(check.Schema) when there is no schemaString ("null" for no schema at all)
      schemaString: raw.schemaString ?? JSON.stringify(raw.schema ?? null),
      additionalSchemaStrings: additional,
    });
  }
  cachedChecks = checks;
  return checks;
}

/** Check ids with no severity in default.yaml (Polaris would not run them). */
export function checksWithoutSeverity(): string[] {
  const severities = parseYaml(fs.readFileSync(path.join(POLARIS_DIR, 'default.yaml'), 'utf8')).checks;
  return fs.readdirSync(path.join(POLARIS_DIR, 'checks')).map((f) => f.replace(/\.yaml$/, '')).filter((id) => !(id in severities));
}

// ---------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------

interface Resource {
  readonly obj: Record<string, any>;
  readonly kind: string;
  /** `group/Kind`, or `Kind` for the core group (resourceKindMap.addResource). */
  readonly groupKind: string;
  readonly name: string;
  readonly namespace: string;
  readonly podSpec?: Record<string, any>;
  readonly podTemplate?: Record<string, any>;
}

const POD_SPEC_FIELDS = ['jobTemplate', 'spec', 'template'];

const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kube.GetPodSpec: follow the first of jobTemplate/spec/template until a map with `containers`. */
function getPodSpec(m: Record<string, any>): Record<string, any> | undefined {
  for (const child of POD_SPEC_FIELDS) {
    if (child in m) return isMap(m[child]) ? getPodSpec(m[child]) : undefined;
  }
  return 'containers' in m ? m : undefined;
}

/** The pod template: the map whose `spec` is the pod spec (the Pod itself for a naked Pod). */
function getPodTemplate(m: Record<string, any>): Record<string, any> | undefined {
  if (isMap(m.spec) && 'containers' in m.spec) return m;
  for (const child of POD_SPEC_FIELDS) {
    if (child in m) return isMap(m[child]) ? getPodTemplate(m[child]) : undefined;
  }
  return undefined;
}

function toResource(obj: Record<string, any>): Resource {
  const apiVersion: string = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind: string = obj.kind;
  const podSpec = getPodSpec(obj);
  return {
    obj, kind, groupKind: group ? `${group}/${kind}` : kind,
    name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace ?? '',
    podSpec, podTemplate: podSpec ? getPodTemplate(obj) : undefined,
  };
}

// ---------------------------------------------------------------------------
// Running the checks
// ---------------------------------------------------------------------------

const HANDLED_TARGETS = ['Controller', 'Container', 'PodSpec', 'PodTemplate'];

interface TestCase {
  /** '' for the top-level pass, else one of HANDLED_TARGETS. */
  readonly target: string;
  readonly res: Resource;
  readonly all: readonly Resource[];
  readonly container?: Record<string, any>;
  readonly isInit?: boolean;
}

/** SchemaCheck.IsActionable. */
function isActionable(check: PolarisCheck, target: string, kind: string, isInit: boolean): boolean {
  if (HANDLED_TARGETS.includes(target)) {
    // applyPodSchemaChecks runs PodTemplate checks too (and returns before the controller filters)
    if (check.target === 'PodTemplate' && target === 'PodSpec') return true;
    if (check.target !== target) return false;
  } else if (check.target !== kind && !check.target.endsWith(`/${kind}`)) {
    return false;
  }
  if (check.controllers.include.length > 0 && !check.controllers.include.includes(kind)) return false;
  if (check.controllers.exclude.includes(kind)) return false;
  if (check.target === 'Container') {
    const matches = (x: string) => (x === 'initContainer' && isInit) || (x === 'container' && !isInit);
    if (check.containers.include.length > 0 && !check.containers.include.some(matches)) return false;
    if (check.containers.exclude.some(matches)) return false;
  }
  return true;
}

/** hasExemptionAnnotation. */
function exempt(res: Resource, checkId: string): boolean {
  const a = res.obj.metadata?.annotations ?? {};
  return String(a['polaris.fairwinds.com/exempt'] ?? '').toLowerCase() === 'true'
    || String(a[`polaris.fairwinds.com/${checkId}-exempt`] ?? '').toLowerCase() === 'true';
}

/** The data a check's templates see: the whole object, plus `.Polaris` for workloads. */
function templateInput(test: TestCase): Record<string, any> {
  const input: Record<string, any> = { ...test.res.obj };
  if (test.res.podSpec) {
    input.Polaris = { PodSpec: test.res.podSpec, PodTemplate: test.res.podTemplate, ...(test.container ? { Container: test.container } : {}) };
  }
  return input;
}

type CustomCheck = (test: TestCase) => boolean;

/**
 * Checks Polaris implements in Go rather than JSON Schema
 * (pkg/validator/pdb_hpa_validator.go, registerCustomChecks).
 */
const CUSTOM_CHECKS: Record<string, CustomCheck> = {
  pdbMinAvailableGreaterThanHPAMinReplicas(test) {
    const deployment = test.res.obj;
    const templateLabels: Record<string, string> = deployment.spec?.template?.metadata?.labels ?? {};
    // hasPDBAttached / hasHPAAttached look at every PDB and HPA (not only the namespace's)
    const pdb = test.all.find((r) => r.groupKind === 'policy/PodDisruptionBudget'
      && isMap(r.obj.spec?.selector?.matchLabels)
      && Object.entries(r.obj.spec.selector.matchLabels as Record<string, string>).some(([k, v]) => templateLabels[k] === v))?.obj;
    const hpa = test.all.find((r) => r.groupKind === 'autoscaling/HorizontalPodAutoscaler'
      && r.obj.spec?.scaleTargetRef?.kind === 'Deployment' && r.obj.spec?.scaleTargetRef?.name === deployment.metadata?.name)?.obj;
    if (!pdb || !hpa) return true;
    const minAvailable = pdb.spec?.minAvailable;
    if (minAvailable === undefined || minAvailable === null) return true;
    const hpaMin: number | undefined = hpa.spec?.minReplicas;
    let value: number;
    if (typeof minAvailable === 'number') value = minAvailable;
    else if (typeof minAvailable === 'string' && /^\d+%$/.test(minAvailable)) {
      if (hpaMin === undefined) return true;
      value = Math.ceil((parseInt(minAvailable, 10) * hpaMin) / 100); // GetScaledValueFromIntOrPercent(..., roundUp=true)
    } else return true; // Polaris logs the parse error and passes
    return !(hpaMin !== undefined && value > hpaMin);
  },
};

function runCheck(check: PolarisCheck, test: TestCase): boolean | undefined {
  if (exempt(test.res, check.id)) return undefined;
  if (!isActionable(check, test.target, test.res.kind, test.isInit ?? false)) return undefined;
  const custom = CUSTOM_CHECKS[check.id];
  if (custom) return custom(test);
  if (check.schemaString.trim() === 'null') throw new Error(`check ${check.id} has no schema and no Go implementation in this runner`);

  const input = templateInput(test);
  const main = renderTemplate(check.schemaString, input, check.id);
  let passes: boolean;
  const validate = (source: string, data: unknown) => (source.trim() === '' ? true : compile(source, check.id)(data));
  if (check.schemaTarget) {
    if (check.schemaTarget !== 'PodSpec' || check.target !== 'Container') {
      throw new Error(`Unknown combination of target (${check.target}) and schema target (${check.schemaTarget})`);
    }
    const podCopy: Record<string, any> = { ...test.res.podSpec, containers: [test.container] };
    delete podCopy.initContainers; // an empty slice, omitted when marshalled
    passes = validate(main, podCopy);
  } else if (check.target === 'PodSpec') {
    passes = validate(main, test.res.podSpec);
  } else if (check.target === 'PodTemplate') {
    passes = validate(main, test.res.podTemplate);
  } else if (check.target === 'Container') {
    passes = validate(main, test.container);
  } else {
    passes = validate(main, test.res.obj);
  }
  for (const [groupKind, source] of Object.entries(check.additionalSchemaStrings)) {
    if (!passes) break;
    const rendered = renderTemplate(source, input, `${check.id}/${groupKind}`);
    if (rendered.trim() === '') continue; // templated to nothing: no additional validator
    const namespace = test.res.kind === 'Namespace' ? test.res.name : test.res.namespace;
    const others = test.all.filter((r) => r.groupKind === groupKind && r.namespace === namespace);
    const v = compile(rendered, `${check.id}/${groupKind}`);
    passes = others.some((r) => v(r.obj));
  }
  return passes;
}

/**
 * Runs every check on every object, as a Polaris audit of these objects
 * would. Give one namespace's objects at a time: the PDB/HPA Go check looks
 * across namespaces, as Polaris does.
 */
export function runPolaris(objects: readonly Record<string, any>[], checks: readonly PolarisCheck[] = loadChecks()): Finding[] {
  const all = objects.map(toResource);
  const findings: Finding[] = [];
  const apply = (test: TestCase) => {
    for (const check of checks) {
      if (runCheck(check, test) === false) {
        findings.push({
          check: check.id, severity: check.severity, category: check.category, message: check.failureMessage,
          kind: test.res.kind, name: test.res.name, namespace: test.res.namespace,
          ...(test.container ? { container: test.container.name } : {}),
        });
      }
    }
  };
  for (const res of all) {
    if (!res.podSpec) {
      apply({ target: '', res, all });
      continue;
    }
    apply({ target: 'Controller', res, all });
    apply({ target: '', res, all });
    apply({ target: 'PodSpec', res, all });
    for (const c of res.podSpec.initContainers ?? []) apply({ target: 'Container', res, all, container: c, isInit: true });
    for (const c of res.podSpec.containers ?? []) apply({ target: 'Container', res, all, container: c, isInit: false });
  }
  return findings;
}

/** `check kind/name[container]` lines, for readable assertions. */
export function describeFindings(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.check} ${f.kind}/${f.name}${f.container ? `[${f.container}]` : ''}`);
}

// ---------------------------------------------------------------------------
// JSON Schema (draft 2019-09, as Polaris loads it with jsonschema.LoadDraft2019_09)
// ---------------------------------------------------------------------------

/**
 * Go's RE2 accepts the inline flag `(?i)`; JavaScript does not. The check
 * files only put it first (optionally after `^`), where it covers the whole
 * pattern, so it becomes the `i` flag. Any other `(?` group is refused.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  let p = pattern;
  let f = flags;
  const m = /^(\^?)\(\?i\)/.exec(p);
  if (m) {
    p = m[1] + p.slice(m[0].length);
    f += 'i';
  }
  if (p.includes('(?')) throw new Error(`Go regexp syntax this runner does not translate: ${pattern}`);
  return new RegExp(p, f);
}

const ajv = new Ajv2019({ strict: false, code: { regExp: Object.assign(goRegExp, { code: 'goRegExp' }) } });
addFormats(ajv);
const compiled = new Map<string, (data: unknown) => boolean>();

/** `required:` with nothing under it is YAML null; qri-io/jsonschema reads it as no requirement. */
function sanitize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sanitize);
  if (!isMap(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$schema') continue; // Polaris validates every check as draft 2019-09
    if (k === 'required' && v === null) continue;
    out[k] = sanitize(v);
  }
  return out;
}

function compile(source: string, where: string): (data: unknown) => boolean {
  let v = compiled.get(source);
  if (!v) {
    let schema: unknown;
    try {
      schema = parseYaml(source);
    } catch (e) {
      throw new Error(`${where}: the templated schema is not valid YAML: ${(e as Error).message}\n${source}`, { cause: e });
    }
    const fn = ajv.compile(sanitize(schema ?? {}) as object);
    v = (data: unknown) => fn(data) as boolean;
    compiled.set(source, v);
  }
  return v;
}

// ---------------------------------------------------------------------------
// Go text/template: the subset the check files use
// ---------------------------------------------------------------------------

export class TemplateError extends Error {}

type Operand =
  | { readonly k: 'dot' }
  | { readonly k: 'field'; readonly path: readonly string[] }
  | { readonly k: 'var'; readonly name: string; readonly path: readonly string[] }
  | { readonly k: 'lit'; readonly value: unknown }
  | { readonly k: 'ident'; readonly name: string }
  | { readonly k: 'paren'; readonly pipe: Pipeline; readonly path: readonly string[] };

interface Pipeline {
  readonly decl?: { readonly vars: readonly string[]; readonly assign: boolean };
  readonly cmd: readonly Operand[];
}

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'action'; readonly pipe: Pipeline }
  | { readonly t: 'if'; readonly pipe: Pipeline; readonly then: readonly Node[]; readonly else: readonly Node[] }
  | { readonly t: 'range'; readonly pipe: Pipeline; readonly body: readonly Node[]; readonly else: readonly Node[] };

interface Tok { readonly type: 'sym' | 'str' | 'num' | 'ident' | 'field' | 'var' | 'kw'; readonly value: string; readonly spaceBefore: boolean }

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function tokenize(src: string, where: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let space = true;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; space = true; continue; }
    const push = (type: Tok['type'], value: string, len: number) => { toks.push({ type, value, spaceBefore: space }); i += len; space = false; };
    if (src.startsWith(':=', i)) { push('sym', ':=', 2); continue; }
    if ('()|,='.includes(c)) { push('sym', c, 1); continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      const lit = src.slice(i, j + 1);
      let value: string;
      try { value = JSON.parse(lit); } catch { throw new TemplateError(`${where}: unsupported string literal ${lit}`); }
      push('str', value, j + 1 - i);
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`${where}: unterminated raw string`);
      push('str', src.slice(i + 1, j), j + 1 - i);
      continue;
    }
    let m = /^-?\d+(\.\d+)?(?![\w.])/.exec(src.slice(i));
    if (m) { push('num', m[0], m[0].length); continue; }
    m = /^\$[A-Za-z0-9_]*((\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(src.slice(i));
    if (m) { push('var', m[0], m[0].length); continue; }
    m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+|^\./.exec(src.slice(i));
    if (m) { push('field', m[0], m[0].length); continue; }
    m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (m) { push(KEYWORDS.has(m[0]) ? 'kw' : 'ident', m[0], m[0].length); continue; }
    throw new TemplateError(`${where}: unsupported template syntax at "${src.slice(i, i + 20)}"`);
  }
  return toks;
}

type Item = { readonly t: 'text'; text: string } | { readonly t: 'action'; readonly toks: Tok[] };

/** Splits text and actions, applying the `{{-` / `-}}` trim markers and dropping comments. */
function lex(src: string, where: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) { items.push({ t: 'text', text }); break; }
    let j = open + 2;
    const trimLeft = /^- /.test(src.slice(j)) || /^-[\t\r\n]/.test(src.slice(j));
    if (trimLeft) { text = text.replace(/[ \t\r\n]+$/, ''); j += 1; }
    items.push({ t: 'text', text });
    const rest = src.slice(j).replace(/^[ \t\r\n]*/, '');
    const skipped = src.slice(j).length - rest.length;
    if (rest.startsWith('/*')) {
      const endComment = src.indexOf('*/', j + skipped + 2);
      if (endComment < 0) throw new TemplateError(`${where}: unclosed comment`);
      const after = /^( -)?\}\}/.exec(src.slice(endComment + 2));
      if (!after) throw new TemplateError(`${where}: comment ends before closing delimiter`);
      trimNext = after[1] !== undefined;
      i = endComment + 2 + after[0].length;
      continue;
    }
    // find the closing delimiter outside string literals
    let k = j;
    let close = -1;
    while (k < src.length) {
      const ch = src[k];
      if (ch === '"') { k++; while (k < src.length && src[k] !== '"') k += src[k] === '\\' ? 2 : 1; k++; continue; }
      if (ch === '`') { k = src.indexOf('`', k + 1) + 1; if (k === 0) break; continue; }
      if (src.startsWith('}}', k)) { close = k; break; }
      k++;
    }
    if (close < 0) throw new TemplateError(`${where}: unclosed action`);
    let body = src.slice(j, close);
    if (/[ \t\r\n]-$/.test(body)) { body = body.slice(0, -1); trimNext = true; }
    items.push({ t: 'action', toks: tokenize(body, where) });
    i = close + 2;
  }
  return items;
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[], private readonly where: string) {}

  parse(): Node[] {
    const { nodes, stop } = this.list();
    if (stop) throw new TemplateError(`${this.where}: unexpected {{${stop}}}`);
    return nodes;
  }

  /** Nodes until `else` / `end` (returned as `stop`, with the rest of that action) or the end. */
  private list(): { nodes: Node[]; stop?: string; rest?: Tok[] } {
    const nodes: Node[] = [];
    while (this.pos < this.items.length) {
      const item = this.items[this.pos++];
      if (item.t === 'text') { if (item.text) nodes.push({ t: 'text', text: item.text }); continue; }
      const [first, ...rest] = item.toks;
      if (!first) throw new TemplateError(`${this.where}: empty action`);
      if (first.type === 'kw') {
        switch (first.value) {
          case 'end': case 'else': return { nodes, stop: first.value, rest };
          case 'if': nodes.push(this.ifNode(rest)); break;
          case 'range': nodes.push(this.rangeNode(rest)); break;
          default: throw new TemplateError(`${this.where}: {{${first.value}}} is not supported by this runner`);
        }
        continue;
      }
      nodes.push({ t: 'action', pipe: this.pipeline(item.toks, false) });
    }
    return { nodes };
  }

  private ifNode(toks: Tok[]): Node {
    const pipe = this.pipeline(toks, false);
    const body = this.list();
    if (body.stop === 'end') return { t: 'if', pipe, then: body.nodes, else: [] };
    if (body.stop !== 'else') throw new TemplateError(`${this.where}: {{if}} without {{end}}`);
    if (body.rest?.[0]?.type === 'kw' && body.rest[0].value === 'if') {
      // {{else if …}} chains share the one {{end}}
      return { t: 'if', pipe, then: body.nodes, else: [this.ifNode(body.rest.slice(1))] };
    }
    if (body.rest?.length) throw new TemplateError(`${this.where}: unsupported {{else …}}`);
    const alt = this.list();
    if (alt.stop !== 'end') throw new TemplateError(`${this.where}: {{else}} without {{end}}`);
    return { t: 'if', pipe, then: body.nodes, else: alt.nodes };
  }

  private rangeNode(toks: Tok[]): Node {
    const pipe = this.pipeline(toks, true);
    const body = this.list();
    if (body.stop === 'end') return { t: 'range', pipe, body: body.nodes, else: [] };
    if (body.stop !== 'else' || body.rest?.length) throw new TemplateError(`${this.where}: {{range}} without {{end}}`);
    const alt = this.list();
    if (alt.stop !== 'end') throw new TemplateError(`${this.where}: {{else}} without {{end}}`);
    return { t: 'range', pipe, body: body.nodes, else: alt.nodes };
  }

  private pipeline(toks: Tok[], inRange: boolean): Pipeline {
    let decl: Pipeline['decl'];
    let rest = toks;
    const declMatch = (n: number) => rest.length > n && rest[n].type === 'sym' && (rest[n].value === ':=' || rest[n].value === '=');
    if (rest[0]?.type === 'var' && declMatch(1)) {
      decl = { vars: [rest[0].value], assign: rest[1].value === '=' };
      rest = rest.slice(2);
    } else if (inRange && rest[0]?.type === 'var' && rest[1]?.value === ',' && rest[2]?.type === 'var' && declMatch(3)) {
      decl = { vars: [rest[0].value, rest[2].value], assign: rest[3].value === '=' };
      rest = rest.slice(4);
    }
    const { cmd, end } = this.command(rest, 0);
    if (end !== rest.length) throw new TemplateError(`${this.where}: unsupported pipeline (pipes "|" are not supported)`);
    return { decl, cmd };
  }

  /** Operands from toks[start] up to a `)` or the end; returns the index it stopped at. */
  private command(toks: Tok[], start: number): { cmd: Operand[]; end: number } {
    const cmd: Operand[] = [];
    let i = start;
    while (i < toks.length) {
      const t = toks[i];
      if (t.type === 'sym' && t.value === ')') break;
      if (t.type === 'sym' && t.value === '(') {
        const inner = this.command(toks, i + 1);
        if (toks[inner.end]?.value !== ')') throw new TemplateError(`${this.where}: unclosed "("`);
        i = inner.end + 1;
        let fieldPath: string[] = [];
        if (toks[i]?.type === 'field' && !toks[i].spaceBefore) { fieldPath = toks[i].value.split('.').slice(1); i++; }
        cmd.push({ k: 'paren', pipe: { cmd: inner.cmd }, path: fieldPath });
        continue;
      }
      i++;
      switch (t.type) {
        case 'str': cmd.push({ k: 'lit', value: t.value }); break;
        case 'num': cmd.push({ k: 'lit', value: Number(t.value) }); break;
        case 'field': cmd.push(t.value === '.' ? { k: 'dot' } : { k: 'field', path: t.value.split('.').slice(1) }); break;
        case 'var': {
          const [name, ...p] = t.value.split('.');
          cmd.push({ k: 'var', name, path: p });
          break;
        }
        case 'ident':
          if (t.value === 'true' || t.value === 'false') cmd.push({ k: 'lit', value: t.value === 'true' });
          else if (t.value === 'nil') cmd.push({ k: 'lit', value: null });
          else cmd.push({ k: 'ident', name: t.value });
          break;
        default: throw new TemplateError(`${this.where}: unexpected "${t.value}" in command`);
      }
    }
    if (cmd.length === 0) throw new TemplateError(`${this.where}: missing value for command`);
    return { cmd, end: i };
  }
}

/** Go template truth: no value / nil / false / 0 / "" / empty map or slice are false. */
function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

class Executor {
  private readonly scopes: Map<string, unknown>[];
  private out = '';
  constructor(private readonly root: unknown, private readonly where: string) {
    this.scopes = [new Map([['$', root]])];
  }

  run(nodes: readonly Node[]): string {
    this.walk(nodes, this.root);
    return this.out;
  }

  private fail(msg: string): never {
    throw new TemplateError(`${this.where}: ${msg}`);
  }

  private walk(nodes: readonly Node[], dot: unknown): void {
    for (const n of nodes) {
      switch (n.t) {
        case 'text': this.out += n.text; break;
        case 'action': {
          const v = this.pipeline(n.pipe, dot);
          if (!n.pipe.decl) this.out += this.print(v);
          break;
        }
        case 'if': {
          this.scopes.push(new Map());
          const v = this.pipeline(n.pipe, dot);
          this.walk(truth(v) ? n.then : n.else, dot);
          this.scopes.pop();
          break;
        }
        case 'range': {
          const v = this.eval(n.pipe.cmd, dot);
          const vars = n.pipe.decl?.vars ?? [];
          let entries: [unknown, unknown][];
          if (v === undefined || v === null) entries = [];
          else if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
          else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]); // Go ranges over map keys in sorted order
          else this.fail(`range can't iterate over ${JSON.stringify(v)}`);
          if (entries.length === 0) { this.walk(n.else, dot); break; }
          for (const [k, x] of entries) {
            this.scopes.push(new Map());
            if (vars.length === 1) this.scopes[this.scopes.length - 1].set(vars[0], x);
            if (vars.length === 2) { this.scopes[this.scopes.length - 1].set(vars[0], k); this.scopes[this.scopes.length - 1].set(vars[1], x); }
            this.walk(n.body, x);
            this.scopes.pop();
          }
          break;
        }
      }
    }
  }

  private pipeline(p: Pipeline, dot: unknown): unknown {
    const v = this.eval(p.cmd, dot);
    if (p.decl) {
      const name = p.decl.vars[0];
      if (p.decl.assign) {
        const scope = [...this.scopes].reverse().find((s) => s.has(name));
        if (!scope) this.fail(`undefined variable: ${name}`);
        scope.set(name, v);
      } else {
        this.scopes[this.scopes.length - 1].set(name, v);
      }
    }
    return v;
  }

  private lookupVar(name: string): unknown {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].has(name)) return this.scopes[i].get(name);
    return this.fail(`undefined variable: ${name}`);
  }

  /**
   * Field chains on map data: a missing key gives "no value" (undefined) and
   * stays so down the chain; a present key holding JSON null is a nil
   * interface, and a field of it is an error, as in Go.
   */
  private field(v: unknown, p: readonly string[]): unknown {
    let cur = v;
    for (const f of p) {
      if (cur === undefined) continue;
      if (cur === null) this.fail(`nil pointer evaluating interface {}.${f}`);
      if (!isMap(cur)) this.fail(`can't evaluate field ${f} in ${JSON.stringify(cur)}`);
      cur = Object.prototype.hasOwnProperty.call(cur, f) ? cur[f] : undefined;
    }
    return cur;
  }

  private operand(o: Operand, dot: unknown): unknown {
    switch (o.k) {
      case 'dot': return dot;
      case 'field': return this.field(dot, o.path);
      case 'var': return this.field(this.lookupVar(o.name), o.path);
      case 'lit': return o.value;
      case 'paren': return this.field(this.eval(o.pipe.cmd, dot), o.path);
      case 'ident': return this.fail(`function ${o.name} used as a value`);
    }
  }

  private eval(cmd: readonly Operand[], dot: unknown): unknown {
    const [head, ...args] = cmd;
    if (head.k !== 'ident') {
      if (args.length > 0) this.fail("can't give argument to non-function");
      return this.operand(head, dot);
    }
    const arg = (i: number) => this.operand(args[i], dot);
    const all = () => args.map((a) => this.operand(a, dot));
    const need = (n: number) => { if (args.length !== n) this.fail(`wrong number of args for ${head.name}: want ${n} got ${args.length}`); };
    switch (head.name) {
      case 'not': need(1); return !truth(arg(0));
      case 'and': {
        if (args.length < 1) this.fail('and needs arguments');
        let v: unknown;
        for (let i = 0; i < args.length; i++) { v = arg(i); if (!truth(v)) return v; }
        return v;
      }
      case 'or': {
        if (args.length < 1) this.fail('or needs arguments');
        let v: unknown;
        for (let i = 0; i < args.length; i++) { v = arg(i); if (truth(v)) return v; }
        return v;
      }
      case 'eq': {
        if (args.length < 2) this.fail('missing argument for comparison');
        const [a, ...bs] = all();
        return bs.some((b) => this.equal(a, b));
      }
      case 'ne': need(2); return !this.equal(arg(0), arg(1));
      case 'index': {
        if (args.length < 1) this.fail('index needs an argument');
        let cur = arg(0);
        for (let i = 1; i < args.length; i++) {
          const key = arg(i);
          if (cur === undefined || cur === null) this.fail('index of untyped nil');
          if (Array.isArray(cur)) {
            if (typeof key !== 'number' || key < 0 || key >= cur.length) this.fail(`index out of range: ${String(key)}`);
            cur = cur[key];
          } else if (isMap(cur)) {
            if (typeof key !== 'string') this.fail(`value has type ${typeof key}; should be string`);
            // a missing map key gives the element type's zero value: a nil interface
            cur = Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : null;
          } else this.fail(`can't index item of type ${typeof cur}`);
        }
        return cur;
      }
      case 'print': {
        const vs = all();
        let s = '';
        vs.forEach((v, i) => {
          // fmt.Sprint: a space between operands when neither is a string
          if (i > 0 && typeof v !== 'string' && typeof vs[i - 1] !== 'string') s += ' ';
          s += this.print(v);
        });
        return s;
      }
      case 'hasPrefix': case 'hasSuffix': {
        need(2);
        const [s, p] = all();
        if (typeof s !== 'string' || typeof p !== 'string') this.fail(`${head.name} needs two strings`);
        return head.name === 'hasPrefix' ? s.startsWith(p) : s.endsWith(p);
      }
      default: return this.fail(`function "${head.name}" is not supported by this runner`);
    }
  }

  /** Go's eq on basic kinds; no value / nil equals only no value / nil; mixed kinds are an error. */
  private equal(a: unknown, b: unknown): boolean {
    const aNil = a === undefined || a === null;
    const bNil = b === undefined || b === null;
    if (aNil || bNil) return aNil && bNil;
    if (typeof a === 'object' || typeof b === 'object') this.fail('invalid type for comparison');
    if (typeof a !== typeof b) this.fail('incompatible types for comparison');
    return a === b;
  }

  private print(v: unknown): string {
    if (v === undefined) return '<no value>';
    if (v === null) return '<nil>';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(`printing ${Array.isArray(v) ? 'a list' : 'a map'} is not supported by this runner`);
  }
}

/** Executes a Go text/template (the subset above) against `data`. */
export function renderTemplate(source: string, data: unknown, where = 'template'): string {
  return new Executor(data, where).run(new Parser(lex(source, where), where).parse());
}
