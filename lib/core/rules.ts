import { isIPv4, isIPv6 } from 'net';
import { ProblemList, show } from './errors';

/**
 * Rules shared by every construct. Each checker adds a problem to the list
 * and returns whether the value passed, so a caller can skip dependent checks.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label: what Kubernetes requires of Service and most object names. */
export function checkDnsLabel(problems: ProblemList, prop: string, value: string, max = 63): boolean {
  if (typeof value !== 'string') {
    problems.add(prop, `${show(value)} is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`,
      `use a name like ${show(suggestDnsLabel(''))}.`);
    return false;
  }
  if (value.length > max) {
    problems.add(prop, `${show(value)} is ${value.length} characters long; the limit is ${max} (DNS-1123 label)`,
      `use a shorter name of at most ${max} characters.`);
    return false;
  }
  if (!DNS_LABEL.test(value)) {
    problems.add(prop, `${show(value)} is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`,
      `use a name like ${show(suggestDnsLabel(value))}.`);
    return false;
  }
  return true;
}

/** A DNS-1123 subdomain, for host names. */
export function checkDnsSubdomain(problems: ProblemList, prop: string, value: string): boolean {
  if (!isDnsSubdomain(value)) {
    problems.add(prop, `${show(value)} is not a valid DNS name (lowercase labels of letters, digits and '-', separated by dots, at most 253 characters)`,
      'use a host name like "shop.example.com".');
    return false;
  }
  return true;
}

export function suggestDnsLabel(value: string): string {
  const s = String(value).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'my-service';
}

export function checkPort(problems: ProblemList, prop: string, value: number): boolean {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    problems.add(prop, `${show(value)} is out of range 1-65535`, 'use a whole number between 1 and 65535.');
    return false;
  }
  return true;
}

/** A flag: true or false, nothing else (a string would land in the output as one). */
export function checkBoolean(problems: ProblemList, prop: string, value: unknown, env?: string): boolean {
  if (typeof value === 'boolean') return true;
  problems.add(prop, `${show(value)} is not true or false`, 'use true or false.', env);
  return false;
}

export function checkIntRange(problems: ProblemList, prop: string, value: number, min: number, max: number, fix?: string): boolean {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.add(prop, `${show(value)} is not a whole number in the range ${min}-${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`,
      fix ?? `use a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}.`);
    return false;
  }
  return true;
}

/**
 * A Kubernetes quantity, exactly as the API server parses one
 * (k8s.io/apimachinery resource.ParseQuantity): an optional sign, a decimal
 * number (`1`, `1.5`, `1.`, `.5`), then a binary suffix (Ki … Ei), a
 * decimal suffix (n, u, m, k, M, G, T, P, E) or an exponent with a whole
 * number (`e9`, `E-3`). The OpenAPI pattern also admits a fractional
 * exponent (`1e1.5`), which ParseQuantity rejects, so libk8s does too.
 */
const QUANTITY = /^([+-])?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

const DECIMAL_SUFFIX: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
/** Beyond this power of ten a value compares as the largest (or, negative, the smallest non-zero) one: no real request is that far out. */
const MAX_POWER = 4096;
/** ParseQuantity caps a binary-suffixed quantity at 2^63-1. */
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * 10n ** 9n;

/** A parsed quantity: its exact value in nano-units (what the API server keeps: finer values round away from zero). */
export interface Quantity {
  /** The value times 10^9, rounded away from zero as the API server rounds it. */
  readonly nanos: bigint;
}

/** Parses a quantity as the API server does, or undefined when it would reject it. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const m = typeof value === 'string' ? QUANTITY.exec(value) : null;
  if (!m) return undefined;
  const [, sign, number, binary, decimal, exponent] = m;
  const [whole, fraction = ''] = number.split('.');
  let power = (decimal ? DECIMAL_SUFFIX[decimal] : exponent ? Number(exponent) : 0) - fraction.length + 9;
  const twos = binary ? BINARY_SUFFIX[binary] : 0;
  const mantissa = BigInt((whole || '0') + fraction) * 2n ** BigInt(twos);
  power = Math.max(-MAX_POWER, Math.min(MAX_POWER, power));
  let nanos: bigint;
  if (power >= 0) nanos = mantissa * 10n ** BigInt(power);
  else {
    const divisor = 10n ** BigInt(-power);
    nanos = mantissa / divisor + (mantissa % divisor === 0n ? 0n : 1n);
  }
  if (binary && nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
  return { nanos: sign === '-' ? -nanos : nanos };
}

/** Compares two quantities that parse: negative when `a` is less than `b`, 0 when equal, positive when greater. */
export function compareQuantities(a: string, b: string): number {
  const x = parseQuantity(a)!.nanos;
  const y = parseQuantity(b)!.nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Parses a cpu quantity (`250m`, `0.5`, `2`) to millicores, or undefined when malformed or negative. */
export function parseCpu(value: string): number | undefined {
  const q = parseQuantity(value);
  return q === undefined || q.nanos < 0n ? undefined : scaled(q.nanos, 1_000_000n);
}

/** Parses a memory or storage quantity (`128Mi`, `1Gi`, `500M`) to bytes, or undefined when malformed or negative. */
export function parseMemory(value: string): number | undefined {
  const q = parseQuantity(value);
  return q === undefined || q.nanos < 0n ? undefined : scaled(q.nanos, 1_000_000_000n);
}

/** `nanos / unit` as a number, exact for whole results. */
function scaled(nanos: bigint, unit: bigint): number {
  return Number(nanos / unit) + Number(nanos % unit) / Number(unit);
}

/** A quantity the API server takes that is more than zero. */
function isPositiveQuantity(value: unknown): boolean {
  const q = parseQuantity(value);
  return q !== undefined && q.nanos > 0n;
}

export function checkCpu(problems: ProblemList, prop: string, value: string): boolean {
  if (!isPositiveQuantity(value)) {
    problems.add(prop, `${show(value)} is not a cpu quantity`, 'use millicores like "250m" or cores like "0.5" or "2".');
    return false;
  }
  return true;
}

/**
 * Memory and storage (requests, limits, ephemeral storage, emptyDir
 * sizeLimit) count whole bytes: the API server takes `256m`, but that is
 * 256 thousandths of a byte, never what was meant (256Mi). So the
 * fractional suffixes `m`, `u` and `n` and any value that is not a whole
 * number of bytes (`0.5`, `1e-3`) are rejected here; cpu keeps the full
 * quantity grammar.
 */
export function checkMemory(problems: ProblemList, prop: string, value: string): boolean {
  if (!isPositiveQuantity(value)) {
    problems.add(prop, `${show(value)} is not a memory quantity`, 'use a power-of-two suffix like "256Mi" or "1Gi".');
    return false;
  }
  const m = QUANTITY.exec(value)!;
  const fractional = m[4] === 'm' || m[4] === 'u' || m[4] === 'n';
  if (fractional || parseQuantity(value)!.nanos % 1_000_000_000n !== 0n) {
    const meant = fractional ? `"${m[2]}Mi"` : '"256Mi"';
    const why = fractional ? `"${m[4]}" means ${m[4] === 'm' ? 'thousandths' : m[4] === 'u' ? 'millionths' : 'billionths'} of a byte` : 'it is not a whole number of bytes';
    problems.add(prop, `${show(value)} is not a memory quantity: ${why}`, `use a power-of-two suffix like ${meant} (mebibytes) or "1Gi".`);
    return false;
  }
  return true;
}

export { checkImage, ImageRef, parseImage } from './image';

/**
 * Environment variable names whose values must never be literals in a manifest.
 * AUTH counts only as a whole word (AUTH, BASIC_AUTH, not AUTHOR or OAUTH_ISSUER_URL).
 */
export const SECRET_LOOKING_NAME = /(PASSW(OR)?D|SECRET|TOKEN(?!IZ)|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|(^|[^A-Z])AUTH([^A-Z]|$))/i;

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * What the API server's IsEnvVarName accepts: `[-._a-zA-Z][-._a-zA-Z0-9]*`,
 * and not `.`, `..` or a name starting with `..`.
 */
export function isEnvName(name: unknown): boolean {
  return typeof name === 'string' && ENV_NAME.test(name) && !name.startsWith('..') && name !== '.';
}

export function checkEnvName(problems: ProblemList, prop: string, name: string): boolean {
  if (!isEnvName(name)) {
    problems.add(prop, `${show(name)} is not a valid environment variable name`, 'use letters, digits, "_", "-" and ".", not starting with a digit, and not ".", ".." or starting with "..".');
    return false;
  }
  return true;
}

/** The characters of a ConfigMap or Secret key. */
export const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** The API server's limit on a ConfigMap or Secret key (the DNS-1123 subdomain limit). */
export const CONFIG_MAP_KEY_MAX = 253;

/**
 * A ConfigMap or Secret key as the API server's IsConfigMapKey accepts one:
 * at most 253 letters, digits, '-', '_' or '.', and not `.`, `..` or a key
 * starting with `..` (the kubelet's own names in a mounted volume).
 */
export function isConfigMapKey(key: unknown): boolean {
  return typeof key === 'string' && key.length <= CONFIG_MAP_KEY_MAX && CONFIG_MAP_KEY.test(key) && key !== '.' && !key.startsWith('..');
}

/** Why `key` is not a key of a `kind` (ConfigMap or Secret; see isConfigMapKey), or undefined when it is one. */
export function configMapKeyProblem(key: unknown, kind: 'ConfigMap' | 'Secret' = 'ConfigMap'): string | undefined {
  if (typeof key !== 'string') return `${show(key)} is not a string, so not a ${kind} key`;
  if (key.length > CONFIG_MAP_KEY_MAX) return `${show(key.slice(0, 20) + '…')} is ${key.length} characters long; a ${kind} key may have at most ${CONFIG_MAP_KEY_MAX}`;
  if (!CONFIG_MAP_KEY.test(key)) return `${show(key)} is not a valid ${kind} key: letters, digits, '-', '_' and '.' only`;
  if (key === '.' || key === '..') return `${show(key)} is not a valid ${kind} key: the API server rejects "." and ".." (the kubelet's names in a mounted volume)`;
  if (key.startsWith('..')) return `${show(key)} is not a valid ${kind} key: the API server rejects a key starting with "..", which the kubelet reserves for its own entries in a mounted volume (..data)`;
  return undefined;
}

/** The API server's limit on a ConfigMap's data (MaxSecretSize): the bytes of its values. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;
/** The API server's limit on an object's annotations (TotalAnnotationSizeLimitB): the bytes of keys and values. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** The bytes the API server counts for an annotation map: each key and each value, in UTF-8. */
export function annotationsBytes(annotations: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const [k, v] of Object.entries(annotations)) n += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return n;
}

/**
 * An object's annotations over the API server's 256 KiB limit
 * (ValidateAnnotationsSize, keys and values). `annotations` are what the
 * object carries in the end (later maps win), `what` names the object.
 */
export function checkAnnotationsSize(problems: ProblemList, prop: string, annotations: Readonly<Record<string, unknown>>, what: string, env?: string): boolean {
  const bytes = annotationsBytes(annotations);
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    problems.add(prop, `makes the annotations of ${what} ${bytes} bytes (keys and values); the API server rejects more than ${ANNOTATIONS_MAX_BYTES} (256 KiB)`,
      'move large values out of annotations, e.g. into a ConfigMap (config.files).', env);
    return false;
  }
  return true;
}

/** Whether `value` is a plain object (a record from a literal, JSON or Object.create(null)), not an array, class instance or primitive. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Object.prototype of any realm (a vm context, a test runner's), or none
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A map prop (labels, env, files, …) that is set must be a plain object. */
export function checkRecord(problems: ProblemList, prop: string, value: unknown, example: string): value is Record<string, unknown> | undefined {
  if (value === undefined || isRecord(value)) return true;
  problems.add(prop, `${show(value)} is not an object of names to values`, `pass an object, e.g. ${example}.`);
  return false;
}

/** A list prop (volumes, sidecars, …) that is set must be an array. */
export function checkList(problems: ProblemList, prop: string, value: unknown, example: string): value is readonly unknown[] | undefined {
  if (value === undefined || Array.isArray(value)) return true;
  problems.add(prop, `${show(value)} is not a list`, `pass an array, e.g. ${example}.`);
  return false;
}

/** `command` and `args`: a list of strings (a string would be emitted one character per argument). */
export function checkStringList(problems: ProblemList, prop: string, value: unknown, example: string): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') {
    problems.add(prop, `${show(value)} is a string, not a list of strings; Kubernetes takes each element as one argument`, `pass a list: ${show(value.split(/\s+/).filter(Boolean))}.`);
    return false;
  }
  if (!Array.isArray(value)) {
    problems.add(prop, `${show(value)} is not a list of strings`, `pass a list of strings, e.g. ${example}.`);
    return false;
  }
  let ok = true;
  value.forEach((v, i) => {
    if (typeof v !== 'string') {
      problems.add(`${prop}[${i}]`, `${show(v)} is not a string`, `quote it: ${show(String(v))}.`);
      ok = false;
    }
  });
  return ok;
}

/** Whether a name is a property of every JavaScript object (`constructor`, `__proto__`, `toString`, …), which a plain object cannot hold as a key of its own. */
export function isPrototypeKey(name: unknown): boolean {
  return typeof name === 'string' && name in Object.prototype;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function checkLabelValue(problems: ProblemList, prop: string, value: string): boolean {
  if (!isLabelValue(value)) {
    problems.add(prop, `${show(value)} is not a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`,
      'use a short value like "commerce".');
    return false;
  }
  return true;
}

/** Whether `value` is a DNS-1123 label (what checkDnsLabel accepts at its default length). */
export function isDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/** Whether `value` is a DNS-1123 subdomain (what checkDnsSubdomain accepts). */
export function isDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Whether `value` is a label value (what checkLabelValue accepts). */
export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/** Whether `key` is a label or annotation key (what checkKey accepts). */
export function isKey(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || isDnsSubdomain(prefix)) && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function checkKey(problems: ProblemList, prop: string, key: string): boolean {
  if (!isKey(key)) {
    problems.add(prop, `${show(key)} is not a valid key (an optional DNS prefix and "/", then at most 63 letters, digits, '-', '_' or '.')`,
      'use a key like "example.com/tier" or "tier".');
    return false;
  }
  return true;
}

/** Checks the keys and values of a label map, and the keys of an annotation map. */
export function checkMetadataMaps(problems: ProblemList, prop: string, labels?: Readonly<Record<string, string>>, annotations?: Readonly<Record<string, string>>, annotationsProp = 'annotations'): void {
  if (!checkRecord(problems, prop, labels, "{ tier: 'frontend' }")) labels = undefined;
  if (!checkRecord(problems, annotationsProp, annotations, "{ 'example.com/owner': 'web-team' }")) annotations = undefined;
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (checkKey(problems, `${prop}`, k)) checkLabelValue(problems, `${prop}.${k}`, v);
  }
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (checkKey(problems, annotationsProp, k) && typeof v !== 'string') {
      problems.add(`${annotationsProp}.${k}`, `${show(v)} is not a string`, 'annotation values are strings; quote numbers and booleans.');
    }
  }
}

/** A parsed CIDR block: its address bits, prefix length and address width (32 or 128). */
export interface Cidr { readonly bits: bigint; readonly prefix: number; readonly width: number }

/** Parses an IPv4 or IPv6 CIDR the way the API server's NetworkPolicy validation accepts it. */
export function parseCidr(value: unknown): Cidr | undefined {
  const m = typeof value === 'string' ? /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(value) : null;
  if (!m) return undefined;
  const prefix = Number(m[2]);
  if (isIPv4(m[1])) return prefix <= 32 ? { bits: m[1].split('.').reduce((a, o) => (a << 8n) | BigInt(o), 0n), prefix, width: 32 } : undefined;
  if (!isIPv6(m[1]) || m[1].includes('.') || prefix > 128) return undefined;
  const [head, tail] = m[1].split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { bits: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n), prefix, width: 128 };
}

/** Whether `inner` is a strictly smaller block inside `outer`. */
export function cidrStrictlyInside(inner: Cidr, outer: Cidr): boolean {
  const shift = BigInt(outer.width - outer.prefix);
  return inner.width === outer.width && inner.prefix > outer.prefix && inner.bits >> shift === outer.bits >> shift;
}
