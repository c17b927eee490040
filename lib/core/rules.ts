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
  const s = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
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

const CPU = /^(\d+(\.\d+)?|\.\d+)(m)?$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Parses a cpu quantity (`250m`, `0.5`, `2`) to millicores, or undefined when malformed. */
export function parseCpu(value: string): number | undefined {
  const m = CPU.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[3] ? n : n * 1000;
}

const MEMORY_FACTORS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Parses a memory or storage quantity (`128Mi`, `1Gi`, `500M`) to bytes, or undefined when malformed. */
export function parseMemory(value: string): number | undefined {
  const m = MEMORY.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_FACTORS[m[3] ?? ''];
}

export function checkCpu(problems: ProblemList, prop: string, value: string): boolean {
  if (typeof value !== 'string' || parseCpu(value) === undefined || parseCpu(value) === 0) {
    problems.add(prop, `${show(value)} is not a cpu quantity`, 'use millicores like "250m" or cores like "0.5" or "2".');
    return false;
  }
  return true;
}

export function checkMemory(problems: ProblemList, prop: string, value: string): boolean {
  if (typeof value !== 'string' || parseMemory(value) === undefined || parseMemory(value) === 0) {
    problems.add(prop, `${show(value)} is not a memory quantity`, 'use a power-of-two suffix like "256Mi" or "1Gi".');
    return false;
  }
  return true;
}

/** `registry/repo:tag`, `repo@sha256:…`; rejects a missing tag and `:latest`. */
export function checkImage(problems: ProblemList, prop: string, value: string): boolean {
  const ref = parseImage(value);
  if (!ref) {
    problems.add(prop, `${show(value)} is not an image reference`, 'use "registry/repository:tag", e.g. "ghcr.io/acme/app:1.4.2".');
    return false;
  }
  if (!ref.tag && !ref.digest) {
    problems.add(prop, `${show(value)} has no tag, so the cluster runs whatever "latest" is at pull time`,
      `pin a version: ${show(`${value}:1.0.0`)} or a digest "@sha256:…".`);
    return false;
  }
  if (ref.tag === 'latest' && !ref.digest) {
    problems.add(prop, `${show(value)} uses the mutable tag "latest"`, 'pin a version tag like ":1.4.2" or a digest "@sha256:…".');
    return false;
  }
  return true;
}

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const IMAGE = /^((?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export function parseImage(value: string): ImageRef | undefined {
  if (typeof value !== 'string') return undefined;
  const m = IMAGE.exec(value);
  if (!m) return undefined;
  return { repository: m[1], tag: m[2], digest: m[3] };
}

/**
 * Environment variable names whose values must never be literals in a manifest.
 * AUTH counts only as a whole word (AUTH, BASIC_AUTH, not AUTHOR or OAUTH_ISSUER_URL).
 */
export const SECRET_LOOKING_NAME = /(PASSW(OR)?D|SECRET|TOKEN(?!IZ)|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|(^|[^A-Z])AUTH([^A-Z]|$))/i;

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function checkEnvName(problems: ProblemList, prop: string, name: string): boolean {
  if (!ENV_NAME.test(name)) {
    problems.add(prop, `${show(name)} is not a valid environment variable name`, 'use letters, digits, "_", "-" and ".", not starting with a digit.');
    return false;
  }
  return true;
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
