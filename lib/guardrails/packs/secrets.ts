/**
 * The production pack, part 6: the secret detector. Secrets written into a
 * manifest land in Git, in every clone and in every CI log that prints the
 * output. Two rules:
 *
 * - `secret-values` (error): a secret in a value: env var values (literal
 *   `value`), container args and command, ConfigMap data, annotations (the
 *   object's and the pod template's) and Secret `data`/`stringData`. It
 *   looks for private-key blocks, credentials in URLs
 *   (`scheme://user:password@host`, `redis://:password@host`, a
 *   `?password=` query), DSNs (Sentry), `--password=…` style
 *   arguments, env names such as DB_PASS, MYSQL_PWD, STRIPE_SK with a
 *   literal value, high-entropy values after secret-like names in config
 *   files (`api_key: …`, `db.password=…`), and well-known token formats
 *   (AWS AKIA…, GitHub ghp_…, GitLab glpat-…, Stripe sk_live_…, Slack
 *   xox…, Google AIza…, npm npm_…). The patterns follow gitleaks and
 *   detect-secrets. A value is never echoed in a message.
 * - `secret-literal` (error): a Secret object with literal credentials in
 *   `data` or `stringData` in the output: a key that names one (password,
 *   token, AWS_SECRET_ACCESS_KEY, tls.key, …), a value secret-values would
 *   flag, or a credential type (kubernetes.io/tls, basic-auth, ssh-auth,
 *   dockerconfigjson). A Secret of plain connection details (host, port,
 *   region, ARN, a URL without credentials), such as the connection Secret
 *   a cloud recipe publishes, is not a finding.
 *
 * Values that refer to something else are no secret: `$(VAR)`, `${VAR}`
 * and `$VAR` expansions (kubelet or shell, `$(openssl rand -hex 16)` too),
 * Grafana's `$__file{…}`/`$__env{…}`, `{{ templates }}`, `<placeholders>`,
 * `****`; nor are switches (yes, no, on, off, true, false, enabled,
 * disabled). A DSN or webhook URL env var (SENTRY_DSN, ALERT_WEBHOOK_URL)
 * is a finding only when its value carries a key (user info, a password or
 * token parameter, a long random path segment).
 * Env vars whose name env-no-secret-literals already flags are left to
 * that rule, so one literal is one finding.
 */
import { Rule, Subject, Violation } from '../../core/policy';
import { containersOf, podSpecOf } from '../pod-spec';
import { secretLookingName } from './production-containers';
import { containerName, productionRule } from './production-support';

const FIX = "reference a Secret (Env.secret(name, key)) instead of a literal; create the Secret with the platform's secret manager, never in the program. In YAML: use valueFrom.secretKeyRef (or a mounted Secret volume) and keep the value out of the manifests.";

/** A well-known secret format, by what it is. */
interface Pattern {
  readonly what: string;
  readonly re: RegExp;
}

/** Formats that are secrets wherever they appear (gitleaks' rules, simplified). */
const TOKEN_PATTERNS: readonly Pattern[] = [
  { what: 'a private key', re: /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/ },
  { what: 'an AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/ },
  { what: 'a GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/ },
  { what: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { what: 'a Stripe key', re: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,99}\b/ },
  { what: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { what: 'a Slack webhook URL', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/]{20,}/ },
  { what: 'a Google API key', re: /\bAIza[A-Za-z0-9_-]{35}\b/ },
  { what: 'an npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { what: 'a SendGrid key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  // host names are at most 253 characters: bounded, so a long run of host characters costs linear time, not quadratic
  { what: 'a Sentry DSN', re: /\bhttps?:\/\/[0-9a-f]{32}(?::[0-9a-f]{32})?@[a-z0-9.-]{0,253}?sentry[a-z0-9.-]{0,253}(?::\d+)?\/\d+/i },
  { what: 'a DSN with a key', re: /\bhttps?:\/\/[A-Za-z0-9]{24,}@[a-z0-9.-]{1,253}(?::\d+)?\/\d+\b/ },
];

/*
 * Every pattern below that starts with a run of name characters begins
 * with a lookbehind, so it starts only where such a run starts: without
 * it a long run of name characters (`AAAA…`, a 200 KB base64 blob) is
 * tried from each of its characters, each time to its end, which is
 * quadratic (a 40,000-character token took seconds).
 */

/** `scheme://user:password@host`, the user maybe empty (`redis://:password@host`): the password part is group 1. */
const URL_CREDENTIALS = /(?<![\w+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"']*:([^\s@/"']+)@[^\s/"']+/gi;

/** A password in a URL's query string or a JDBC URL's properties (`?user=app&password=…`, `;password=…`): the value is group 1. */
const URL_QUERY_PASSWORD = /[?&;](?:password|passwd|pwd|pass)=([^&;#\s"']+)/gi;

/** `--password=…`, `--db-password …`: the flag name is group 1, an inline value group 2. */
const SECRET_FLAG = /(?:^|\s)(--?(?:[a-z0-9]+[-_.]){0,16}(?:password|passwd|pwd|pass|secret|token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|client[-_]?secret|credentials?))(?:=("[^"]*"|'[^']*'|\S+))?(?=\s|$)/gi;

/** A config line `name: value` / `name=value` whose name ends in a secret word: name group 1, value group 2. */
const SECRET_ASSIGNMENT = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token))["']?\s*[:=]\s*("[^"\n]*"|'[^'\n]*'|[^\s"',;#]+)/gi;

/**
 * Env names that say secret but that SECRET_LOOKING_NAME lets through: DB_PASS, MYSQL_PWD, STRIPE_SK, REDIS_PASSWD.
 * Not a bare PRIVATE: ALLOW_PRIVATE and REGISTRY_PRIVATE are switches.
 */
const SECRET_ENV_NAME = /(?:^|_)(?:PASS|PWD|PASSWD|PASSPHRASE|SK|SECRET_?KEY|CREDS?|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|SESSION_?KEY)$/i;

/**
 * Env names whose value is an address that may carry a key: SENTRY_DSN, PG_DSN, ALERT_WEBHOOK_URL.
 * Only a value with key material in it (see addressHoldsKey) is a finding.
 */
const ADDRESS_ENV_NAME = /(?:^|_)(?:DSN|WEBHOOK_?URL)$/i;

/** Values that are switches, never secrets. */
const SWITCH = /^(?:yes|no|on|off|true|false|enabled|disabled)$/i;

/**
 * Whether a DSN or webhook address carries key material: user info
 * (`https://key@host/1`), a password or key parameter
 * (`password=…`, `?token=…`), or a long random path segment (a webhook's key).
 */
function addressHoldsKey(v: string): boolean {
  if (/:\/\/[^\s/@]+@/.test(v)) return true;
  for (const m of v.matchAll(/(?:^|[\s?&;])(?:password|passwd|pwd|pass|secret|token|key|api[-_]?key|access[-_]?token|sig|signature|code)=("[^"]*"|'[^']*'|[^&;#\s]+)/gi)) {
    if (!isReference(m[1])) return true;
  }
  for (const segment of v.split(/[/?#&=:@.\s]/)) {
    if (segment.length >= 20 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment) && entropy(segment) >= 3.5) return true;
  }
  return false;
}

/** Whether an env value (or a ConfigMap value of an env-named key) is a literal secret by its name. */
function secretByName(name: string, value: string): boolean {
  if (isReference(value)) return false;
  if (ADDRESS_ENV_NAME.test(name)) return addressHoldsKey(value);
  return SECRET_ENV_NAME.test(name);
}

/** Whether a value only refers to a secret kept elsewhere, or is a placeholder. */
function isReference(v: string): boolean {
  const t = v.trim().replace(/^["']|["']$/g, '');
  // `$(VAR)`, `${VAR}`, `$VAR`, `$(openssl rand -hex 16)`: a kubelet or shell expansion, maybe cut short by
  // the scanner at a space; Grafana's `$__file{…}`, `$__env{…}` are covered by `$_`
  return t === '' || /^\$[({A-Za-z_]/.test(t) || /\{\{.*\}\}/.test(t)
    || /^<[^>]*>$/.test(t) || /^\*+$/.test(t) || /^(?:x+|\.{3}|-|none|null|nil|changeme|redacted)$/i.test(t) || SWITCH.test(t)
    || /^\/[\w./-]*$/.test(t) || /^file:/.test(t) || /^(?:secretref|vault|ref|op|sops|awssm|gcpsm|azkv):/i.test(t);
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** A value after a secret-like name that looks like a secret: long and random for tokens and keys, any literal word for passwords. */
function looksSecret(name: string, raw: string): boolean {
  const v = raw.trim().replace(/^["']|["']$/g, '');
  if (isReference(v) || /^\d+(\.\d+)?$/.test(v) || /:\/\//.test(v)) return false;
  if (/pass|pwd/i.test(name)) return v.length >= 6 && !/^[a-z]+(?:[-_][a-z]+)*$/.test(v) ? true : v.length >= 12;
  return v.length >= 16 && entropy(v) >= 3.5;
}

/** What secrets a text holds: the kinds found, never the values. */
export function secretsIn(text: string, options: { assignments?: boolean; flags?: boolean; skipPrivateKey?: boolean } = {}): string[] {
  const found = new Set<string>();
  for (const p of TOKEN_PATTERNS) {
    if (options.skipPrivateKey && p.what === 'a private key') continue;
    if (p.re.test(text) && !(p.what === 'a DSN with a key' && found.has('a Sentry DSN'))) found.add(p.what);
  }
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    if (!isReference(decodeURIComponentSafe(m[1]))) found.add('credentials in a URL');
  }
  for (const m of text.matchAll(URL_QUERY_PASSWORD)) {
    if (!isReference(decodeURIComponentSafe(m[1]))) found.add('a password in a URL query');
  }
  if (options.flags) {
    for (const m of text.matchAll(SECRET_FLAG)) {
      if (m[2] !== undefined && !isReference(m[2])) found.add(`a literal ${m[1]} argument`);
    }
  }
  if (options.assignments) {
    for (const m of text.matchAll(SECRET_ASSIGNMENT)) {
      if (looksSecret(m[1], m[2])) found.add(`a literal value for ${m[1]}`);
    }
  }
  return [...found];
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const list = (xs: readonly string[]) => xs.join(', ');

/** `metadata.annotations["x"]` for a JSON path. */
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function annotationViolations(annotations: unknown, path: string): Violation[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const out: Violation[] = [];
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const found = secretsIn(v, { assignments: true, flags: true });
    if (found.length) out.push({ message: `annotation ${JSON.stringify(k)} holds ${list(found)}`, field: `${path}${key(k)}` });
  }
  return out;
}

function containerViolations(s: Subject): Violation[] {
  const pod = podSpecOf(s.manifest);
  if (!pod) return [];
  const out: Violation[] = [];
  if (pod.path !== 'spec') out.push(...annotationViolations(pod.metadata.annotations, `${pod.path.replace(/\.spec$/, '')}.metadata.annotations`));
  for (const ref of containersOf(pod)) {
    const c = ref.container;
    (Array.isArray(c.env) ? c.env : []).forEach((e: any, i: number) => {
      const value = e?.value;
      const name = typeof e?.name === 'string' ? e.name : '';
      if (typeof value !== 'string' || value === '' || secretLookingName(name)) return;
      const found = secretsIn(value, { skipPrivateKey: true, flags: true });
      if (!found.length && secretByName(name, value)) found.push('a literal value, and the name looks secret');
      if (found.length) out.push({ message: `${containerName(ref)} sets ${name} to ${list(found)}`, field: `${ref.path}.env[${i}].value` });
    });
    for (const field of ['command', 'args'] as const) {
      const argv: unknown[] = Array.isArray(c[field]) ? c[field] : [];
      argv.forEach((a, i) => {
        if (typeof a !== 'string') return;
        const found = secretsIn(a, { flags: true, assignments: /\s/.test(a) });
        // `--password hunter2`: the flag, then its value as the next argument
        const flag = /^--?(?:[a-z0-9]+[-_.])*(?:password|passwd|pwd|secret|token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|client[-_]?secret)$/i.exec(a);
        const next = argv[i + 1];
        if (flag && typeof next === 'string' && !next.startsWith('-') && !isReference(next)) {
          out.push({ message: `${containerName(ref)} passes ${a} a literal value in ${field}[${i + 1}]`, field: `${ref.path}.${field}[${i + 1}]` });
        }
        if (found.length) out.push({ message: `${containerName(ref)} has ${list(found)} in ${field}[${i}]`, field: `${ref.path}.${field}[${i}]` });
      });
    }
  }
  return out;
}

function configMapViolations(m: Readonly<Record<string, any>>): Violation[] {
  const data = m.data;
  if (!data || typeof data !== 'object') return [];
  const out: Violation[] = [];
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const found = secretsIn(v, { assignments: true, flags: true });
    // a key that is itself an env name (envFrom) or a config key: `DB_PASSWORD: hunter2`
    if (!found.length && !/\n/.test(v) && (((secretLookingName(k) || SECRET_ENV_NAME.test(k)) && looksSecret(k, v)) || (ADDRESS_ENV_NAME.test(k) && secretByName(k, v)))) {
      found.push('a literal value, and the key looks secret');
    }
    if (found.length) out.push({ message: `ConfigMap key ${JSON.stringify(k)} holds ${list(found)}`, field: `data${key(k)}` });
  }
  return out;
}

function secretDataViolations(m: Readonly<Record<string, any>>): Violation[] {
  const out: Violation[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const data = m[field];
    if (!data || typeof data !== 'object') continue;
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (typeof v !== 'string') continue;
      const text = field === 'data' ? Buffer.from(v, 'base64').toString('utf8') : v;
      const found = secretsIn(text);
      if (found.length) out.push({ message: `Secret key ${JSON.stringify(k)} holds ${list(found)}`, field: `${field}${key(k)}` });
    }
  }
  return out;
}

export const secretValues: Rule = productionRule({
  id: 'secret-values',
  severity: 'error',
  description: 'No secret is written into a manifest: no private key, credentials in a URL, DSN, --password= argument, well-known token (AWS, GitHub, Stripe, Slack, …) or random value after a secret-like name, in env values, args, command, ConfigMap data, annotations or Secret data.',
  fix: FIX,
  kinds: ['*'],
  check(s) {
    const m = s.manifest;
    return [
      ...annotationViolations(m.metadata?.annotations, 'metadata.annotations'),
      ...containerViolations(s),
      ...(m.kind === 'ConfigMap' ? configMapViolations(m) : []),
      ...(m.kind === 'Secret' ? secretDataViolations(m) : []),
    ];
  },
});

/** Secret types whose data is a credential by definition. */
const CREDENTIAL_TYPES = new Set(['kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'bootstrap.kubernetes.io/token']);
/** Secret keys that name a credential: password, token, AWS_SECRET_ACCESS_KEY, tls.key, id_rsa, .dockerconfigjson. */
const CREDENTIAL_KEY = /(pass|pwd|secret|token|credential|api[-_.]?key|access[-_.]?key|private|(^|[-_.])key$|^id_(rsa|ecdsa|ed25519)|dockerconfig|dockercfg|htpasswd|\.pem$|\.p12$|\.pfx$|\.jks$|keystore)/i;

export const secretLiteral: Rule = productionRule({
  id: 'secret-literal',
  severity: 'error',
  description: 'No Secret with literal credentials (data or stringData whose keys name a password, token or key, or whose values hold one, or a credential type such as kubernetes.io/tls) is in the output: a literal Secret lands in Git, and base64 is no encryption.',
  fix: "let the platform's secret manager create the Secret (External Secrets, Sealed Secrets, SOPS, a cloud secret store) and reference it (Env.secret(name, key)) instead of a literal. In YAML: replace the Secret with an ExternalSecret or SealedSecret, or create it out of band.",
  kinds: ['Secret'],
  check(s) {
    const m = s.manifest;
    const keys = (['data', 'stringData'] as const).flatMap((f) => {
      const d = m[f];
      return d && typeof d === 'object' ? Object.entries(d as Record<string, unknown>).map(([k, v]) => ({ f, k, v })) : [];
    });
    if (!keys.length) return [];
    const credentialType = typeof m.type === 'string' && CREDENTIAL_TYPES.has(m.type);
    // a Secret of plain connection details (host, port, region, an ARN, a URL without credentials) holds no credential
    const credentials = keys.filter(({ f, k, v }) => credentialType || CREDENTIAL_KEY.test(k)
      || (typeof v === 'string' && secretsIn(f === 'data' ? Buffer.from(v, 'base64').toString('utf8') : v).length > 0));
    if (!credentials.length) return [];
    const field = credentials[0].f;
    return [{ message: `a literal Secret lands in git: it carries ${credentials.map((x) => `${x.f}.${x.k}`).join(', ')}${credentialType ? ` (type ${m.type})` : ''}`, field }];
  },
});

export const SECRET_RULES: readonly Rule[] = [secretValues, secretLiteral];
