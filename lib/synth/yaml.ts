/**
 * A YAML emitter specialised for Kubernetes objects (JSON data: objects,
 * arrays, strings, finite numbers, booleans, null). It is several times
 * faster than a general emitter because it never has to decide about
 * anchors, tags, flow styles or comments.
 *
 * Correctness rule: a string is written plain only when every YAML 1.1 and
 * 1.2 parser reads it back as that same string; anything else is written as
 * a JSON double-quoted string (valid YAML) or, for multi-line text, as a
 * literal block. Round-trip tests parse every emitted file back.
 */

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./\-@+=%,~()$^*!?&;'"<>| :]*$/;
const PLAIN_NUMERIC_QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P)$/;
/** Words YAML 1.1 (yes/no/on/off/y/n) or 1.2 read as booleans or null. */
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

function isPlainSafe(s: string): boolean {
  if (RESERVED.test(s)) return false;
  if (PLAIN.test(s)) return !(s.endsWith(' ') || s.endsWith(':') || s.includes(': ') || s.includes(' #'));
  return PLAIN_NUMERIC_QUANTITY.test(s);
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\r]/;

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
  return memo(scalarMemo, s, (x) => (isPlainSafe(x) ? x : JSON.stringify(x)));
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
  return memo(keyMemo, k, (x) => (isPlainSafe(x) && !x.includes(':') ? x : JSON.stringify(x)));
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

/** Writes one object as a YAML document (no `---`), ending in a newline. */
export function toYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  emitMapping(doc, '', out);
  return out.join('\n') + '\n';
}

/** Writes several objects as a multi-document YAML stream. */
export function toYamlStream(docs: readonly Record<string, unknown>[]): string {
  return docs.map(toYaml).join('---\n');
}
