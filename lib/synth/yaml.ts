/**
 * A YAML emitter specialised for Kubernetes objects (JSON data: objects,
 * arrays, strings, finite numbers, booleans, null). It is several times
 * faster than a general emitter because it never has to decide about
 * anchors, tags, flow styles or comments.
 *
 * Correctness rule: a string is written plain only when every YAML 1.1 and
 * 1.2 parser reads it back as that same string; anything else is written as
 * a JSON double-quoted string (valid YAML) or, for multi-line text, as a
 * literal block. Inside double quotes, what JSON leaves raw but YAML readers
 * reject or fold (U+007F-U+009F, U+FFFE, U+FFFF, U+2028/U+2029 where they
 * would fold) is written as a YAML escape; a lone surrogate is an error (see
 * toYaml). Round-trip tests parse every emitted file back, with kubectl too
 * (test/synth/yaml.roundtrip.test.ts).
 */

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./\-@+=%,~()$^*!?&;'"<>| :]*$/;
const PLAIN_NUMERIC_QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P)$/;

/**
 * Every plain scalar a YAML 1.1 or 1.2 reader resolves to something other
 * than a string, in any letter case and a little wider than the specs (when
 * in doubt, quote): booleans (y/n/yes/no/on/off/true/false), null (~, null,
 * empty), ints (0b, 0o, 0x, 0-led octal, decimal, sexagesimal 1:20, with
 * underscores), floats (1.5, .5, 1e3, and the mantissa-less `e1`/`E5` that
 * the `yaml` package's 1.1 schema reads as null; sexagesimal; .inf, .nan),
 * timestamps (2001-12-14, 2001-12-14t21:59:43.10-05:00, …), the merge key
 * `<<` and the value key `=`. PLAIN already refuses most of these by their
 * first character; this is the rule, so a wider PLAIN stays correct.
 */
const YAML_TYPED = new RegExp(`^(?:${[
  'y|yes|n|no|true|false|on|off',
  '~|null|',
  '[-+]?0b[0-9_]+',
  '[-+]?0o?[0-9_]+',
  '[-+]?0x[0-9a-f_]+',
  '[-+]?[0-9][0-9_]*(?::[0-9_]+)*',
  '[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?(?:e[-+]?[0-9]+)?',
  '[-+]?[0-9][0-9_]*(?::[0-9_]+)+\\.[0-9_]*',
  '[-+]?\\.(?:inf|nan)',
  '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|[ \\t]+)[0-9].*)?',
  '<<',
  '=',
].join('|')})$`, 'i');

function isPlainSafe(s: string): boolean {
  if (PLAIN.test(s)) return !(YAML_TYPED.test(s) || s.endsWith(' ') || s.endsWith(':') || s.includes(': ') || s.includes(' #'));
  return PLAIN_NUMERIC_QUANTITY.test(s) && !YAML_TYPED.test(s);
}

/** A UTF-16 surrogate without its partner: no UTF-8 (so no YAML file) can hold it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Characters a literal block cannot hold (they need a double-quoted escape). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\r]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What JSON.stringify leaves raw (or escapes as `\udXXX`, which YAML readers
 * refuse) and YAML needs escaped. Tested against the input string; most
 * strings never match, so the common case is one JSON.stringify call.
 */
const JSON_NOT_YAML = /[\u007f-\u009f\u2028\u2029\ud800-\udfff\ufffe\uffff]/;
/** Outside the YAML character set (kubectl: "control characters are not allowed"), or U+0085, which YAML 1.1 readers (kubectl's too) fold to a space. */
const C1_AND_NONCHARS = /[\u007f-\u009f\ufffe\uffff]/g;
/**
 * U+2028/U+2029 are line breaks to YAML 1.1 readers (libyaml, go-yaml, so
 * kubectl). A raw one in a quoted value reads back as itself, except that
 * spaces beside it are dropped (kubectl reads "a \u2028 b" as "a\u2028b")
 * and `---`/`...` after it is a document marker; in a key it makes the key
 * multi-line, which is an error. So they stay raw (as before) only in values
 * without those neighbours.
 */
const SEPARATOR_AT_RISK = / [\u2028\u2029]|[\u2028\u2029](?: |---|\.\.\.)/;

/** Thrown by the emitter for a string UTF-8 cannot encode; toYaml turns it into an error naming the path. */
class LoneSurrogate extends Error {}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16)}` : `\\u${code.toString(16)}`;
}

/**
 * A double-quoted scalar: JSON's escapes are YAML's, except for what
 * JSON_NOT_YAML catches. A lone surrogate is refused (LoneSurrogate) rather
 * than replaced: U+FFFD would change the value silently, and JSON's `\ud800`
 * is rejected by kubectl; toYaml reports the value's path.
 */
function quote(s: string, isKey = false): string {
  const json = JSON.stringify(s);
  if (!JSON_NOT_YAML.test(s)) return json;
  if (LONE_SURROGATE.test(s)) throw new LoneSurrogate();
  const escaped = json.replace(C1_AND_NONCHARS, escapeChar);
  return isKey || SEPARATOR_AT_RISK.test(s) ? escaped.replace(/[\u2028\u2029]/g, escapeChar) : escaped;
}

// Kubernetes objects repeat the same keys and values (labels, field names)
// thousands of times; deciding how to write each once is a measurable share
// of a large synth. Bounded, so a huge app cannot grow it without limit.
const MEMO_LIMIT = 50_000;
const scalarMemo = new Map<string, string>();
const keyMemo = new Map<string, string>();

function memo(cache: Map<string, string>, s: string, compute: (s: string) => string): string {
  let out = cache.get(s);
  if (out === undefined) {
    out = compute(s);
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(s, out);
  }
  return out;
}

function scalar(s: string): string {
  return memo(scalarMemo, s, (x) => (isPlainSafe(x) ? x : quote(x)));
}

function blockLiteral(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || NEEDS_ESCAPE.test(s) || /^[ \t\n]/.test(s) || /[^\S\n]\n|[^\S\n]$/.test(s)) return undefined;
  let chomp = '-';
  let body = s;
  if (s.endsWith('\n')) {
    body = s.slice(0, -1);
    chomp = body.endsWith('\n') ? '+' : '';
    if (chomp === '+') body = s.slice(0, -1);
  }
  const lines = body.split('\n').map((l) => (l === '' ? '' : indent + l));
  return `|${chomp}\n${lines.join('\n')}`;
}

function key(k: string): string {
  return memo(keyMemo, k, (x) => (isPlainSafe(x) && !x.includes(':') ? x : quote(x, true)));
}

/** The text of a scalar, placed after `key:` or `- `. */
function value(v: unknown, indent: string): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return blockLiteral(v, indent) ?? scalar(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML`);
      return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default: break;
  }
  throw new Error(`cannot write a ${typeof v} to YAML`);
}

function emitMapping(obj: Record<string, unknown>, indent: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    emitEntry(`${lead}${key(k)}:`, v, indent, out);
  }
  if (first) out.push(`${firstPrefix ?? indent}{}`);
}

function emitEntry(head: string, v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) { out.push(`${head} []`); return; }
    out.push(head);
    emitSequence(v, indent + '  ', out);
  } else if (typeof v === 'object' && v !== null) {
    if (Object.keys(v).length === 0) { out.push(`${head} {}`); return; }
    out.push(head);
    emitMapping(v as Record<string, unknown>, indent + '  ', out);
  } else {
    out.push(`${head} ${value(v, indent + '  ')}`);
  }
}

function emitSequence(arr: readonly unknown[], indent: string, out: string[]): void {
  for (const item of arr) {
    if (Array.isArray(item)) {
      if (item.length === 0) { out.push(`${indent}- []`); continue; }
      // nested sequence: "- " then the inner sequence on following lines
      out.push(`${indent}-`);
      emitSequence(item, indent + '  ', out);
    } else if (typeof item === 'object' && item !== null) {
      if (Object.keys(item).length === 0) { out.push(`${indent}- {}`); continue; }
      emitMapping(item as Record<string, unknown>, indent + '  ', out, `${indent}- `);
    } else {
      out.push(`${indent}- ${value(item, indent + '  ')}`);
    }
  }
}

/** `a.b[0]["c d"]`: the path of a value, for error messages. */
function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(the document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, escapeChar)}]`)).join('');
}

/** The path of the first key or string value with a lone surrogate (the key's own path when the key holds it). */
function findLoneSurrogate(v: unknown, path: (string | number)[]): string | undefined {
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? `the value at ${pathText(path)}` : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = findLoneSurrogate(v[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, item] of Object.entries(v)) {
    if (item === undefined) continue;
    if (LONE_SURROGATE.test(k)) return `the key at ${pathText([...path, k])}`;
    const found = findLoneSurrogate(item, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Writes one object as a YAML document (no `---`), ending in a newline.
 *
 * Throws for what YAML cannot hold: a non-finite number, a function, and a
 * string (key or value) with a lone UTF-16 surrogate (e.g. '\uD800', from
 * slicing a string between the two halves of an emoji): UTF-8 cannot encode
 * it, so there is no faithful way to write it, and replacing it with U+FFFD
 * would change the value silently. The message names the key path.
 */
export function toYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  try {
    emitMapping(doc, '', out);
  } catch (e) {
    if (!(e instanceof LoneSurrogate)) throw e;
    const where = findLoneSurrogate(doc, []) ?? 'a string';
    throw new Error(`cannot write ${where} to YAML: it holds a lone UTF-16 surrogate, which UTF-8 cannot encode`, { cause: e });
  }
  return out.join('\n') + '\n';
}

/** Writes several objects as a multi-document YAML stream. */
export function toYamlStream(docs: readonly Record<string, unknown>[]): string {
  return docs.map(toYaml).join('---\n');
}
