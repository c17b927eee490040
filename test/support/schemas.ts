/**
 * Schema conformance: holds Kubernetes objects against the upstream OpenAPI
 * definitions (../shared/reference/kubernetes-schemas), the CRDs of custom
 * resources (../shared/reference/crds) and kubernetes-models.
 *
 * Unlike the upstream schemas as published, this validator REJECTS UNKNOWN
 * FIELDS: every object schema with `properties` is closed with
 * `additionalProperties: false` (the API server's strict field validation,
 * which `kubectl apply` uses by default, rejects them too). It also checks
 * that the keys of `x-kubernetes-list-type: map` lists are unique (server-side
 * apply and CRD validation reject duplicates) and that quantities parse.
 *
 * Compiled validators are cached per (Kubernetes version, apiVersion, kind),
 * so validating hundreds of objects costs one compile per kind.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { REFERENCE_DIR } from './reference';

/** The Kubernetes versions the reference folder has definitions for. */
export const K8S_VERSIONS = ['1.27', '1.33'] as const;
export type K8sVersion = (typeof K8S_VERSIONS)[number];

const DEFINITION_FILES: Record<K8sVersion, string> = {
  '1.27': 'v1.27.0-definitions.json',
  '1.33': 'v1.33.0-definitions.json',
};

const CRD_DIR = path.join(REFERENCE_DIR, 'crds');

/**
 * The regular expression Kubernetes (and controller-gen for CRDs) accepts for
 * a resource.Quantity written as a string.
 */
export const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Annotation keywords of the Kubernetes dialect that carry no constraint ajv must know. */
const ANNOTATION_KEYWORDS = [
  'x-kubernetes-group-version-kind', 'x-kubernetes-list-type', 'x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key',
  'x-kubernetes-map-type', 'x-kubernetes-unions', 'x-kubernetes-validations', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource', 'example',
];

/** One schema violation, readable on its own. */
export interface SchemaProblem {
  /** `Kind 'name'`. */
  readonly object: string;
  /** What it was checked against, e.g. `kubernetes 1.27` or `CRD httproutes.gateway.networking.k8s.io v1`. */
  readonly against: string;
  /** JSON pointer of the offending value, e.g. `/spec/template/spec/containers/0`. */
  readonly path: string;
  readonly message: string;
}

/** `Deployment 'api' (kubernetes 1.27) /spec/replicas: must be integer`. */
export function formatSchemaProblem(p: SchemaProblem): string {
  return `${p.object} (${p.against}) ${p.path || '/'}: ${p.message}`;
}

type Schema = Record<string, any>;
type K8sObject = Record<string, any>;

function describeObject(obj: K8sObject): string {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  return `${kind} '${name}'`;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

// ---------------------------------------------------------------------------
// Schema transformation

interface TransformOptions {
  /** Where a schema says `x-kubernetes-preserve-unknown-fields`, leave it open. */
  readonly honourPreserveUnknown: boolean;
}

/**
 * Returns a copy of `schema` in which every object schema with `properties`
 * rejects unknown fields, int-or-string values accept both integers and
 * strings, `nullable` is expressed as a type union and set lists have
 * unique items.
 */
export function closeSchema(schema: Schema, options: TransformOptions): Schema {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!s || typeof s !== 'object') return s;
    const src = s as Schema;
    const out: Schema = {};
    for (const [k, v] of Object.entries(src)) {
      switch (k) {
        case 'properties':
        case 'patternProperties':
        case 'definitions':
          out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, walk(sub)]));
          break;
        case 'items':
        case 'additionalProperties':
        case 'not':
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
          out[k] = walk(v);
          break;
        default:
          // annotations, enums, defaults, x-kubernetes-* values: data, not schemas
          out[k] = v;
      }
    }
    const preserve = options.honourPreserveUnknown && out['x-kubernetes-preserve-unknown-fields'] === true;
    if (out.properties && out.additionalProperties === undefined && !preserve) out.additionalProperties = false;
    if (out.format === 'int-or-string' || out['x-kubernetes-int-or-string'] === true) {
      // Kubernetes accepts an integer or a string here, whatever `type` says
      delete out.type;
      if (out.format === 'int-or-string') delete out.format;
      if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    }
    if (out.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    delete out.nullable;
    if (out['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
    return out;
  };
  return walk(schema) as Schema;
}

// ---------------------------------------------------------------------------
// ajv

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: true,
    // the definitions are large; compile on demand per kind
    addUsedSchema: false,
  });
  addFormats(ajv);
  // written by older generators; the transform already turned it into anyOf
  ajv.addFormat('int-or-string', true);
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: function uniqueListMapKeys(keys: string[], data: unknown[]): boolean {
      const seen = new Map<string, number>();
      for (const [i, item] of data.entries()) {
        if (!item || typeof item !== 'object') continue;
        const key = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
        const first = seen.get(key);
        if (first !== undefined) {
          (uniqueListMapKeys as any).errors = [{
            keyword: 'x-kubernetes-list-map-keys', params: { keys },
            message: `items ${first} and ${i} have the same key (${keys.join(', ')}) = ${key}; a list map must not repeat a key`,
          }];
          return false;
        }
        seen.set(key, i);
      }
      return true;
    },
  });
  return ajv;
}

function describeError(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field "${e.params.additionalProperty}" (${e.message})`;
    case 'enum': return `${e.message}: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: return e.message ?? e.keyword;
  }
}

function toProblems(obj: K8sObject, against: string, errors: readonly ErrorObject[] | null | undefined, prefix = ''): SchemaProblem[] {
  const object = describeObject(obj);
  const all = errors ?? [];
  // an anyOf/oneOf failure is reported once, with what each branch wanted
  const alternatives = all.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const branchOf = (e: ErrorObject) => alternatives.find((a) => a !== e && a.instancePath === e.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of all) {
    if (branchOf(e)) continue;
    let message = describeError(e);
    if (alternatives.includes(e)) {
      const branches = [...new Set(all.filter((b) => branchOf(b) === e).map(describeError))];
      if (branches.length) message = branches.join(' or ');
    }
    const p: SchemaProblem = { object, against, path: prefix + e.instancePath, message };
    const k = `${p.path}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Kubernetes definitions

interface K8sSchemas {
  readonly ajv: Ajv;
  readonly id: string;
  /** `group/version/kind` to definition name. */
  readonly byGvk: ReadonlyMap<string, string>;
  readonly validators: Map<string, ValidateFunction>;
}

const k8sCache = new Map<K8sVersion, K8sSchemas>();

function k8sSchemas(version: K8sVersion): K8sSchemas {
  let s = k8sCache.get(version);
  if (s) return s;
  const file = path.join(REFERENCE_DIR, 'kubernetes-schemas', DEFINITION_FILES[version]);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { definitions: Record<string, Schema> };
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(raw.definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[]) {
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
      if (!byGvk.has(key)) byGvk.set(key, name);
    }
  }
  const definitions = closeSchema({ definitions: raw.definitions }, { honourPreserveUnknown: true }).definitions as Record<string, Schema>;
  // both spellings, whatever the file says
  definitions[INT_OR_STRING] = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  definitions[QUANTITY] = { anyOf: [{ type: 'number' }, { type: 'string', pattern: QUANTITY_PATTERN }] };
  const id = `https://libk8s.test/kubernetes/${version}/definitions.json`;
  const ajv = newAjv();
  ajv.addSchema({ $id: id, definitions });
  s = { ajv, id, byGvk, validators: new Map() };
  k8sCache.set(version, s);
  return s;
}

function definitionValidator(version: K8sVersion, definition: string): ValidateFunction {
  const s = k8sSchemas(version);
  let v = s.validators.get(definition);
  if (!v) {
    v = s.ajv.compile({ $ref: `${s.id}#/definitions/${definition}` });
    s.validators.set(definition, v);
  }
  return v;
}

/** The definition name of a built-in kind in a Kubernetes version, if it has one. */
export function k8sDefinitionName(version: K8sVersion, apiVersion: string, kind: string): string | undefined {
  const { group, version: v } = splitApiVersion(apiVersion);
  return k8sSchemas(version).byGvk.get(`${group}/${v}/${kind}`);
}

/** Whether `apiVersion`/`kind` is a built-in kind of that Kubernetes version. */
export function isBuiltinKind(version: K8sVersion, apiVersion: string, kind: string): boolean {
  return k8sDefinitionName(version, apiVersion, kind) !== undefined;
}

/** Validates a built-in kind against the Kubernetes definitions of `version`. */
export function validateBuiltin(obj: K8sObject, version: K8sVersion): SchemaProblem[] {
  const against = `kubernetes ${version}`;
  const def = k8sDefinitionName(version, String(obj?.apiVersion), String(obj?.kind));
  if (!def) {
    return [{ object: describeObject(obj), against, path: '', message: `Kubernetes ${version} has no kind ${obj?.kind} in ${obj?.apiVersion}` }];
  }
  const v = definitionValidator(version, def);
  return v(obj) ? [] : toProblems(obj, against, v.errors);
}

// ---------------------------------------------------------------------------
// CRDs

interface CrdVersion {
  readonly crd: string;
  readonly version: string;
  readonly served: boolean;
  readonly schema: Schema;
}

const crdAjv = { instance: undefined as Ajv | undefined };
const crdIndex = new Map<string, Map<string, CrdVersion>>(); // `group/kind` -> version -> schema
const parsedCrdFiles = new Set<string>();
const crdValidators = new Map<string, ValidateFunction>();

function loadCrdFile(file: string): void {
  if (parsedCrdFiles.has(file)) return;
  parsedCrdFiles.add(file);
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const crd = doc.toJS() as K8sObject | null;
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const key = `${crd.spec.group}/${crd.spec.names.kind}`;
    const versions = crdIndex.get(key) ?? new Map<string, CrdVersion>();
    for (const v of crd.spec.versions ?? []) {
      versions.set(v.name, { crd: crd.metadata.name, version: v.name, served: v.served !== false, schema: v.schema?.openAPIV3Schema ?? {} });
    }
    crdIndex.set(key, versions);
  }
}

/** Finds the CRD of group/kind, parsing as few files as possible (they are large). */
function findCrd(group: string, kind: string): Map<string, CrdVersion> | undefined {
  const key = `${group}/${kind}`;
  if (crdIndex.has(key)) return crdIndex.get(key);
  if (!fs.existsSync(CRD_DIR)) return undefined;
  const files = fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml') && f.startsWith(`${group}_`));
  const guess = `${group}_${kind.toLowerCase()}s.yaml`;
  for (const f of [...files.filter((f) => f === guess), ...files.filter((f) => f !== guess)]) {
    loadCrdFile(path.join(CRD_DIR, f));
    if (crdIndex.has(key)) return crdIndex.get(key);
  }
  return undefined;
}

/** The openAPIV3Schema of a CRD's version, as the file has it (not closed). */
export function crdSchema(apiVersion: string, kind: string): Schema | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return findCrd(group, kind)?.get(version)?.schema;
}

/** Whether the reference folder has a CRD for `apiVersion`/`kind` (any version). */
export function hasCrd(apiVersion: string, kind: string): boolean {
  return findCrd(splitApiVersion(apiVersion).group, kind) !== undefined;
}

/**
 * Validates a custom resource against the served version of its CRD named by
 * its apiVersion, and its metadata as ObjectMeta of Kubernetes `metaVersion`.
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
export function validateCustomResource(obj: K8sObject, metaVersion: K8sVersion = '1.33'): SchemaProblem[] {
  const { group, version } = splitApiVersion(String(obj?.apiVersion));
  const versions = findCrd(group, String(obj?.kind));
  const object = describeObject(obj);
  if (!versions) return [{ object, against: 'CRDs', path: '', message: `no CRD in ${CRD_DIR} defines kind ${obj?.kind} in group ${group}` }];
  const crdVersion = versions.get(version);
  const crdName = [...versions.values()][0].crd;
  if (!crdVersion || !crdVersion.served) {
    const served = [...versions.values()].filter((v) => v.served).map((v) => `${group}/${v.version}`);
    return [{ object, against: `CRD ${crdName}`, path: '/apiVersion', message: `${obj.apiVersion} is not a served version (served: ${served.join(', ')})` }];
  }
  const against = `CRD ${crdName} ${version}`;
  const cacheKey = `${group}/${version}/${obj.kind}`;
  let v = crdValidators.get(cacheKey);
  if (!v) {
    crdAjv.instance ??= newAjv();
    v = crdAjv.instance.compile(closeSchema(crdVersion.schema, { honourPreserveUnknown: true }));
    crdValidators.set(cacheKey, v);
  }
  const problems = v(obj) ? [] : toProblems(obj, against, v.errors);
  if (obj.metadata !== undefined) {
    const meta = definitionValidator(metaVersion, OBJECT_META);
    if (!meta(obj.metadata)) problems.push(...toProblems(obj, `${against}, metadata as kubernetes ${metaVersion} ObjectMeta`, meta.errors, '/metadata'));
  }
  return problems;
}

// ---------------------------------------------------------------------------
// kubernetes-models

const modelCache = new Map<string, (new (data: unknown) => { validate(): void }) | null>();

function modelClass(apiVersion: string, kind: string): (new (data: unknown) => { validate(): void }) | null {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key)!;
  let ctor: (new (data: unknown) => { validate(): void }) | null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ctor = require(`kubernetes-models/${apiVersion}/${kind}`)[kind] ?? null;
  } catch {
    ctor = null;
  }
  modelCache.set(key, ctor);
  return ctor;
}

/** Whether kubernetes-models has a model for `apiVersion`/`kind`. */
export function hasKubernetesModel(apiVersion: string, kind: string): boolean {
  return /^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind) && modelClass(apiVersion, kind) !== null;
}

/**
 * Validates a built-in kind with kubernetes-models (v4). Its schemas accept
 * unknown fields, so this checks types, required fields and enums only.
 */
export function validateWithKubernetesModels(obj: K8sObject): SchemaProblem[] {
  const against = 'kubernetes-models';
  const apiVersion = String(obj?.apiVersion);
  const kind = String(obj?.kind);
  if (!hasKubernetesModel(apiVersion, kind)) {
    return [{ object: describeObject(obj), against, path: '', message: `kubernetes-models has no model for ${kind} in ${apiVersion}` }];
  }
  const Model = modelClass(apiVersion, kind)!;
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw e;
    return toProblems(obj, against, errors);
  }
}

// ---------------------------------------------------------------------------
// Dispatch

/**
 * Validates any object: a built-in kind against the Kubernetes `version`
 * definitions, anything else against its CRD (metadata as that version's
 * ObjectMeta). An object neither knows is a problem.
 */
export function validateObject(obj: K8sObject, version: K8sVersion): SchemaProblem[] {
  const apiVersion = String(obj?.apiVersion);
  const kind = String(obj?.kind);
  if (isBuiltinKind(version, apiVersion, kind)) return validateBuiltin(obj, version);
  if (hasCrd(apiVersion, kind)) return validateCustomResource(obj, version);
  return [{ object: describeObject(obj), against: `kubernetes ${version}`, path: '', message: `neither Kubernetes ${version} nor any CRD in ${CRD_DIR} defines kind ${kind} in ${apiVersion}` }];
}

/**
 * Validates objects against every Kubernetes version, the API server rules
 * the schemas do not carry and, for built-in kinds, kubernetes-models.
 * Returns every problem, formatted; empty means valid.
 */
export function conformanceProblems(objects: readonly K8sObject[], versions: readonly K8sVersion[] = K8S_VERSIONS): string[] {
  const out = new Set<string>();
  for (const obj of objects) {
    for (const v of versions) validateObject(obj, v).forEach((p) => out.add(formatSchemaProblem(p)));
    apiServerRuleProblems(obj).forEach((p) => out.add(formatSchemaProblem(p)));
    if (isBuiltinKind(versions[0] ?? '1.33', String(obj?.apiVersion), String(obj?.kind))) {
      validateWithKubernetesModels(obj).forEach((p) => out.add(formatSchemaProblem(p)));
    }
  }
  return [...out];
}

// ---------------------------------------------------------------------------
// Output on disk

/** One YAML file of a synthesized tree and the objects it holds. */
export interface ManifestFile {
  /** Path relative to the tree's root, with '/' separators. */
  readonly file: string;
  readonly objects: readonly K8sObject[];
}

/** Parses every `.yaml` file under `dir` (each may hold several documents), sorted by path. */
export function readManifestTree(dir: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const docs = parseAllDocuments(fs.readFileSync(p, 'utf8'));
        for (const doc of docs) {
          if (doc.errors.length) throw new Error(`${p}: ${doc.errors.map((x) => x.message).join('; ')}`);
        }
        out.push({ file: path.relative(dir, p).split(path.sep).join('/'), objects: docs.map((doc) => doc.toJS() as K8sObject).filter((o) => o !== null) });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Runs examples/shop/main.ts the way `libk8s synth --out <outdir>` does: in
 * a fresh module registry, inside a synth session (the channel the CLI
 * passes --out through) of the copy of libk8s the example itself loads, so
 * its `app.synth()` writes `<outdir>/<env>/shop/` instead of dist/.
 */
export function synthShopExample(outdir: string): void {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('libk8s') as typeof import('libk8s');
    lib.runSynthSession({ outdir, results: [] }, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../examples/shop/main');
    });
  });
}

// ---------------------------------------------------------------------------
// API server rules the OpenAPI schemas do not carry

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kubernetes 1.27's rule (1.34 relaxed it to any printable ASCII but '='). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** Total size of an object's annotations. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function isDns1123Label(s: unknown): boolean {
  return typeof s === 'string' && s.length <= 63 && DNS1123_LABEL.test(s);
}

function isDns1123Subdomain(s: unknown): boolean {
  return typeof s === 'string' && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A label or annotation key: `[prefix/]name`. */
function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !isDns1123Subdomain(parts[0])) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** An IANA service name, as container and Service port names must be. */
function isIanaServiceName(s: unknown): boolean {
  return typeof s === 'string' && s.length >= 1 && s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s)
    && !s.startsWith('-') && !s.endsWith('-') && !s.includes('--');
}

function parseCidr(s: unknown): { bits: bigint; prefix: number; width: number } | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[1])) {
    const octets = m[1].split('.').map(Number);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    return { bits: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), prefix, width: 32 };
  }
  if (m[1].includes(':') && prefix <= 128) {
    const [head, tail, ...rest] = m[1].split('::');
    if (rest.length) return undefined;
    const groups = (x: string | undefined) => (x ? x.split(':') : []);
    const h = groups(head);
    const t = groups(tail);
    const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return { bits: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), prefix, width: 128 };
  }
  return undefined;
}

/** Whether CIDR `inner` lies strictly inside CIDR `outer` (what NetworkPolicy demands of `except`). */
function strictlyInside(inner: NonNullable<ReturnType<typeof parseCidr>>, outer: NonNullable<ReturnType<typeof parseCidr>>): boolean {
  if (inner.width !== outer.width || inner.prefix <= outer.prefix) return false;
  const shift = BigInt(outer.width - outer.prefix);
  return inner.bits >> shift === outer.bits >> shift;
}

/**
 * The rules of HTTPRoute's HTTPPathMatch (x-kubernetes-validations in
 * gateway.networking.k8s.io_httproutes.yaml), for types Exact and
 * PathPrefix, written out because no CEL evaluator is at hand. The message
 * is the CRD's, so a test can check the CRD still says it.
 */
export const HTTP_PATH_RULES: readonly { readonly message: string; readonly ok: (value: string) => boolean }[] = [
  { message: "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']", ok: (v) => v.startsWith('/') },
  { message: "must not contain '//' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('//') },
  { message: "must not contain '/./' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('/./') },
  { message: "must not contain '/../' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('/../') },
  { message: "must not contain '%2f' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('%2f') },
  { message: "must not contain '%2F' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('%2F') },
  { message: "must not contain '#' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.includes('#') },
  { message: "must not end with '/..' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.endsWith('/..') },
  { message: "must not end with '/.' when type one of ['Exact', 'PathPrefix']", ok: (v) => !v.endsWith('/.') },
  {
    message: "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    ok: (v) => /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(v),
  },
];

/** Ingress paths of type Exact or Prefix (networking validation in the API server). */
function ingressPathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'must be an absolute path';
  for (const seq of ['//', '/./', '/../', '%2f', '%2F']) if (p.includes(seq)) return `must not contain '${seq}'`;
  for (const suffix of ['/..', '/.']) if (p.endsWith(suffix)) return `cannot end with '${suffix}'`;
  return undefined;
}

/**
 * A subset of the API server's validation in code, which the OpenAPI schemas
 * cannot express: name formats per kind, label and annotation syntax, the
 * selector of a Deployment matching its pod labels, unique and known names
 * inside a pod, port names, Service ports, NetworkPolicy CIDRs, HPA bounds,
 * and the path rules of Ingress and HTTPRoute (CEL in the CRD).
 */
export function apiServerRuleProblems(obj: K8sObject): SchemaProblem[] {
  const object = describeObject(obj);
  const against = 'API server rules';
  const out: SchemaProblem[] = [];
  const add = (p: string, message: string) => out.push({ object, against, path: p, message });

  const checkLabels = (p: string, labels: unknown) => {
    if (labels === undefined) return;
    for (const [k, v] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
      if (!isQualifiedName(k)) add(`${p}/${k}`, `label key ${JSON.stringify(k)} is not a qualified name ([prefix/]name, name at most 63 characters)`);
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) add(`${p}/${k}`, `label value ${JSON.stringify(v)} is not valid (at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends)`);
    }
  };
  const checkAnnotations = (p: string, annotations: unknown) => {
    if (annotations === undefined) return;
    let size = 0;
    for (const [k, v] of Object.entries((annotations ?? {}) as Record<string, unknown>)) {
      if (!isQualifiedName(k.toLowerCase())) add(`${p}/${k}`, `annotation key ${JSON.stringify(k)} is not a qualified name`);
      size += k.length + String(v).length;
    }
    if (size > ANNOTATIONS_MAX_BYTES) add(p, `annotations total ${size} bytes; the limit is ${ANNOTATIONS_MAX_BYTES}`);
  };

  const meta = obj?.metadata ?? {};
  const name = meta.name;
  if (obj?.kind === 'Service') {
    if (typeof name !== 'string' || name.length > 63 || !DNS1035_LABEL.test(name)) {
      add('/metadata/name', `${JSON.stringify(name)} is not a DNS-1035 label (a Service name starts with a letter: lowercase letters, digits and '-', at most 63)`);
    }
  } else if (obj?.kind === 'Namespace') {
    if (!isDns1123Label(name)) add('/metadata/name', `${JSON.stringify(name)} is not a DNS-1123 label`);
  } else if (!isDns1123Subdomain(name)) {
    add('/metadata/name', `${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  }
  if (meta.namespace !== undefined && !isDns1123Label(meta.namespace)) add('/metadata/namespace', `${JSON.stringify(meta.namespace)} is not a DNS-1123 label`);
  checkLabels('/metadata/labels', meta.labels);
  checkAnnotations('/metadata/annotations', meta.annotations);

  const spec = obj?.spec ?? {};
  switch (`${obj?.apiVersion}/${obj?.kind}`) {
    case 'apps/v1/Deployment': {
      const selector = spec.selector?.matchLabels ?? {};
      checkLabels('/spec/selector/matchLabels', selector);
      const tmplLabels = spec.template?.metadata?.labels ?? {};
      for (const [k, v] of Object.entries(selector)) {
        if (tmplLabels[k] !== v) add('/spec/template/metadata/labels', `does not match the selector: ${k}=${String(v)} is missing`);
      }
      checkLabels('/spec/template/metadata/labels', spec.template?.metadata?.labels);
      checkAnnotations('/spec/template/metadata/annotations', spec.template?.metadata?.annotations);
      const pod = spec.template?.spec ?? {};
      const volumes = new Set<string>();
      for (const [i, v] of ((pod.volumes ?? []) as K8sObject[]).entries()) {
        if (!isDns1123Label(v.name)) add(`/spec/template/spec/volumes/${i}/name`, `${JSON.stringify(v.name)} is not a DNS-1123 label`);
        if (volumes.has(v.name)) add(`/spec/template/spec/volumes/${i}/name`, `${JSON.stringify(v.name)} is used by another volume`);
        volumes.add(v.name);
      }
      const containerNames = new Set<string>();
      for (const list of ['initContainers', 'containers'] as const) {
        for (const [i, c] of ((pod[list] ?? []) as K8sObject[]).entries()) {
          const cp = `/spec/template/spec/${list}/${i}`;
          if (!isDns1123Label(c.name)) add(`${cp}/name`, `${JSON.stringify(c.name)} is not a DNS-1123 label`);
          if (containerNames.has(c.name)) add(`${cp}/name`, `${JSON.stringify(c.name)} is the name of another container of the pod`);
          containerNames.add(c.name);
          const portNames = new Set<string>();
          for (const [j, port] of ((c.ports ?? []) as K8sObject[]).entries()) {
            if (port.name === undefined) continue;
            if (!isIanaServiceName(port.name)) add(`${cp}/ports/${j}/name`, `${JSON.stringify(port.name)} is not an IANA service name (at most 15 of [a-z0-9-], a letter, no '--')`);
            if (portNames.has(port.name)) add(`${cp}/ports/${j}/name`, `${JSON.stringify(port.name)} is the name of another port of the container`);
            portNames.add(port.name);
          }
          for (const [j, e] of ((c.env ?? []) as K8sObject[]).entries()) {
            if (!ENV_VAR_NAME.test(String(e.name))) add(`${cp}/env/${j}/name`, `${JSON.stringify(e.name)} is not a valid environment variable name`);
          }
          const mountPaths = new Set<string>();
          for (const [j, m] of ((c.volumeMounts ?? []) as K8sObject[]).entries()) {
            if (!volumes.has(m.name)) add(`${cp}/volumeMounts/${j}/name`, `${JSON.stringify(m.name)} is not a volume of the pod`);
            if (mountPaths.has(m.mountPath)) add(`${cp}/volumeMounts/${j}/mountPath`, `${JSON.stringify(m.mountPath)} is mounted twice`);
            mountPaths.add(m.mountPath);
          }
          for (const probe of ['livenessProbe', 'startupProbe'] as const) {
            const s = c[probe]?.successThreshold;
            if (s !== undefined && s !== 1) add(`${cp}/${probe}/successThreshold`, 'must be 1');
          }
        }
      }
      break;
    }
    case 'v1/Service': {
      checkLabels('/spec/selector', spec.selector);
      const ports = (spec.ports ?? []) as K8sObject[];
      const names = new Set<string>();
      for (const [i, port] of ports.entries()) {
        if (ports.length > 1 && !port.name) add(`/spec/ports/${i}/name`, 'is required when a Service has more than one port');
        if (port.name !== undefined && !isDns1123Label(port.name)) add(`/spec/ports/${i}/name`, `${JSON.stringify(port.name)} is not a DNS-1123 label`);
        if (port.name !== undefined && names.has(port.name)) add(`/spec/ports/${i}/name`, `${JSON.stringify(port.name)} is the name of another port`);
        names.add(port.name);
        if (typeof port.targetPort === 'string' && !isIanaServiceName(port.targetPort)) add(`/spec/ports/${i}/targetPort`, `${JSON.stringify(port.targetPort)} is not an IANA service name`);
      }
      break;
    }
    case 'networking.k8s.io/v1/NetworkPolicy': {
      for (const dir of ['ingress', 'egress'] as const) {
        for (const [i, rule] of ((spec[dir] ?? []) as K8sObject[]).entries()) {
          for (const [j, peer] of ((rule[dir === 'ingress' ? 'from' : 'to'] ?? []) as K8sObject[]).entries()) {
            if (!peer.ipBlock) continue;
            const p = `/spec/${dir}/${i}/${dir === 'ingress' ? 'from' : 'to'}/${j}/ipBlock`;
            const cidr = parseCidr(peer.ipBlock.cidr);
            if (!cidr) add(`${p}/cidr`, `${JSON.stringify(peer.ipBlock.cidr)} is not a valid CIDR`);
            for (const [k, e] of ((peer.ipBlock.except ?? []) as unknown[]).entries()) {
              const ex = parseCidr(e);
              if (!ex) add(`${p}/except/${k}`, `${JSON.stringify(e)} is not a valid CIDR`);
              else if (cidr && !strictlyInside(ex, cidr)) add(`${p}/except/${k}`, `${JSON.stringify(e)} must be a strict subset of cidr ${peer.ipBlock.cidr}`);
            }
          }
          for (const [j, port] of ((rule.ports ?? []) as K8sObject[]).entries()) {
            if (typeof port.port === 'string' && !isIanaServiceName(port.port)) add(`/spec/${dir}/${i}/ports/${j}/port`, `${JSON.stringify(port.port)} is not an IANA service name`);
          }
        }
      }
      break;
    }
    case 'autoscaling/v2/HorizontalPodAutoscaler': {
      if (spec.minReplicas !== undefined && spec.minReplicas < 1) add('/spec/minReplicas', 'must be at least 1');
      if (spec.maxReplicas < (spec.minReplicas ?? 1)) add('/spec/maxReplicas', `must be at least minReplicas (${spec.minReplicas ?? 1})`);
      break;
    }
    case 'networking.k8s.io/v1/Ingress': {
      for (const [i, rule] of ((spec.rules ?? []) as K8sObject[]).entries()) {
        if (rule.host !== undefined && !isDns1123Subdomain(rule.host)) add(`/spec/rules/${i}/host`, `${JSON.stringify(rule.host)} is not a DNS-1123 subdomain`);
        for (const [j, hp] of ((rule.http?.paths ?? []) as K8sObject[]).entries()) {
          if (hp.pathType !== 'Exact' && hp.pathType !== 'Prefix') continue;
          const problem = ingressPathProblem(String(hp.path));
          if (problem) add(`/spec/rules/${i}/http/paths/${j}/path`, `${JSON.stringify(hp.path)} ${problem} (pathType ${hp.pathType})`);
        }
      }
      break;
    }
    case 'gateway.networking.k8s.io/v1/HTTPRoute': {
      for (const [i, rule] of ((spec.rules ?? []) as K8sObject[]).entries()) {
        for (const [j, match] of ((rule.matches ?? []) as K8sObject[]).entries()) {
          const pm = match.path;
          if (!pm || (pm.type !== 'Exact' && pm.type !== 'PathPrefix')) continue;
          for (const r of HTTP_PATH_RULES) if (!r.ok(String(pm.value))) add(`/spec/rules/${i}/matches/${j}/path`, `${JSON.stringify(pm.value)}: ${r.message}`);
        }
      }
      break;
    }
  }
  return out;
}
