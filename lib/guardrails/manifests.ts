import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { LineCounter, parseDocument } from 'yaml';
import type { Subject } from '../core/policy';
import type { InputError } from './reporters/summary';

/** The objects and the input errors of one YAML stream. */
export interface ParsedManifests {
  readonly subjects: Subject[];
  readonly errors: InputError[];
}

/**
 * The Kubernetes objects of one YAML stream: every document, the items of
 * a `List` expanded, each with its file and first line. Malformed YAML and
 * documents that are no Kubernetes object are errors, with their line.
 * Scalars are read as Kubernetes reads them (YAML 1.1: `yes`/`on` are
 * booleans, `0755` is octal), without timestamps or sexagesimal numbers.
 *
 * The stream is split into documents on its `---` and `...` markers and
 * each document is parsed on its own, so only one document's syntax tree
 * is held at a time (see `readManifests` for a file read in chunks).
 */
export function parseManifests(text: string, file: string, strings: StringTable = new StringTable()): ParsedManifests {
  const reader = new ManifestReader(file, strings);
  const splitter = new DocumentSplitter((doc, line) => reader.document(doc, line));
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length) splitter.line(text.slice(start), false);
      break;
    }
    splitter.line(text.slice(start, nl));
    start = nl + 1;
  }
  splitter.end();
  return reader.result();
}

/** The size of the chunks `readManifests` reads. */
const CHUNK_BYTES = 1 << 20;

/**
 * `parseManifests` of a file, read in chunks of `chunkBytes` (UTF-8, a
 * character split between chunks is decoded whole): only the current
 * document's text is held, never the whole file. `file` is the name the
 * findings and errors give. Throws when the file cannot be read. One
 * `strings` table given to the reads of many files shares their strings.
 */
export function readManifests(filePath: string, file: string, chunkBytes: number = CHUNK_BYTES, strings: StringTable = new StringTable()): ParsedManifests {
  const reader = new ManifestReader(file, strings);
  const splitter = new DocumentSplitter((doc, line) => reader.document(doc, line));
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(Math.max(1, chunkBytes));
  const fd = fs.openSync(filePath, 'r');
  try {
    let rest = ''; // the text after the last newline read
    let first = true;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      let text = n > 0 ? decoder.write(buffer.subarray(0, n)) : decoder.end();
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        splitter.line(rest ? rest + text.slice(start, nl) : text.slice(start, nl));
        rest = '';
        start = nl + 1;
      }
      if (start < text.length) rest += text.slice(start);
      if (n === 0) break;
    }
    if (rest) splitter.line(rest, false);
  } finally {
    fs.closeSync(fd);
  }
  splitter.end();
  return reader.result();
}

/**
 * Splits a YAML stream, fed line by line (without the newline; `newline`
 * false for a last line that has none), into its
 * documents, each with the line it starts at: a new document at each line
 * that is `---` or starts with `--- ` (the directives end marker, at
 * column 0), and after each line that is `...` or starts with `... ` (the
 * document end marker). Directives (`%YAML 1.1`) and comments before a
 * `---` stay with the document they precede.
 */
class DocumentSplitter {
  private lines: string[] = [];
  /** 1-based line of lines[0]. */
  private start = 1;
  /** Whether the lines hold a `---` or anything but blanks, comments and directives. */
  private content = false;
  /** Whether the last line had a newline (a document's last block scalar keeps it). */
  private newline = true;

  constructor(private readonly emit: (text: string, line: number) => void) {}

  public line(line: string, newline = true): void {
    this.newline = newline;
    if (isMarker(line, '-')) {
      if (this.content) this.flush();
      this.lines.push(line);
      this.content = true;
    } else if (isMarker(line, '.')) {
      this.lines.push(line);
      this.flush();
    } else {
      this.lines.push(line);
      if (!this.content && !isPreamble(line)) this.content = true;
    }
  }

  public end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.content = false;
    const start = this.start;
    this.start += lines.length;
    this.emit(this.newline ? `${lines.join('\n')}\n` : lines.join('\n'), start);
  }
}

/** `---` or `...` at column 0, alone or followed by a space or tab (`--- !tag`, `... # end`). */
function isMarker(line: string, c: '-' | '.'): boolean {
  if (line.length < 3 || line[0] !== c || line[1] !== c || line[2] !== c) return false;
  if (line.length === 3) return true;
  const next = line[3];
  return next === ' ' || next === '\t' || next === '\r';
}

/** A blank line, a comment or a directive: what may come before a document's `---`. */
function isPreamble(line: string): boolean {
  if (line[0] === '%') return true;
  const t = line.trim();
  return t === '' || t[0] === '#';
}

/**
 * One copy of each string value of the manifests read (`Deployment`,
 * `apps/v1`, a namespace): the parser gives each a string of its own, and a
 * long one is a slice that keeps its whole document's text alive. A table
 * holds at most `limit` strings; then it starts again (the strings already
 * shared stay shared).
 */
export class StringTable {
  private readonly table = new Map<string, string>();

  constructor(private readonly limit = 1 << 20) {}

  /** The table's copy of `s`: a flat string of its own, never a slice of a larger one. */
  public intern(s: string): string {
    const known = this.table.get(s);
    if (known !== undefined) return known;
    // V8 slices (and concatenates) strings of 13 characters and more; a JSON round trip copies one flat
    const own = s.length >= 13 ? JSON.parse(JSON.stringify(s)) as string : s;
    if (this.table.size >= this.limit) this.table.clear();
    this.table.set(own, own);
    return own;
  }

  /** `value` with every string in it (not the keys, which are the engine's own already) interned, in place. */
  public internAll(value: unknown): unknown {
    if (typeof value === 'string') return this.intern(value);
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.internAll(value[i]);
    } else {
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (typeof v === 'string') {
          // (=== compares strings by their text: the copy is stored whether or not it is the same string)
          if (k !== '__proto__') o[k] = this.intern(v);
          // a `__proto__` key is an own property (as the parser makes it), not the prototype
          else Object.defineProperty(o, k, { value: this.intern(v), writable: true, enumerable: true, configurable: true });
        } else if (typeof v === 'object' && v !== null) this.internAll(v);
      }
    }
    return value;
  }
}

/** Parses documents one at a time, with their first line in the stream, into subjects and errors. */
class ManifestReader {
  private readonly subjects: Subject[] = [];
  private readonly errors: InputError[] = [];

  constructor(private readonly file: string, private readonly strings: StringTable) {}

  public result(): ParsedManifests {
    return { subjects: this.subjects, errors: this.errors };
  }

  /**
   * The document's value in less memory, the same as JSON: rebuilt by
   * JSON.parse (whose objects are the size of their properties; the
   * parser's grow as they are filled, about a third larger), its strings
   * interned. A value JSON cannot hold (`.nan`, `.inf`, -0) is kept as read.
   */
  private compact(value: unknown): unknown {
    return this.strings.internAll(isJson(value) ? JSON.parse(JSON.stringify(value)) : value);
  }

  /** One document: `text` starts at line `first` of the stream. */
  public document(text: string, first: number): void {
    const { file, subjects, errors } = this;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, version: '1.1', customTags: kubernetesTags });
    const offset = first - 1;
    const lineOf = (pos: number | undefined) => (pos === undefined ? undefined : lineCounter.linePos(pos).line + offset);

    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      errors.push({ file, line: pos.line + offset, column: pos.col, message: `malformed YAML: ${yamlMessage(error.message)}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      errors.push({ file, line: lineOf(doc.contents?.range[0]), message: `malformed YAML: ${(e as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // an empty document
    value = this.compact(value);
    const line = lineOf(doc.contents?.range[0]);
    const problem = notAnObject(value);
    if (problem) {
      errors.push({ file, line, message: `the document ${problem}` });
      return;
    }
    const manifest = value as Record<string, any>;
    if (isList(manifest)) {
      manifest.items.forEach((item: unknown, i: number) => {
        const node = doc.getIn(['items', i], true) as { range?: [number, number, number] } | undefined;
        const itemLine = lineOf(node?.range?.[0]) ?? line;
        const itemProblem = notAnObject(item);
        if (itemProblem) errors.push({ file, line: itemLine, message: `items[${i}] of the ${manifest.kind} ${itemProblem}` });
        else subjects.push({ manifest: item as Record<string, any>, origin: { file, line: itemLine } });
      });
      return;
    }
    subjects.push({ manifest, origin: { file, line } });
  }
}

/** Whether JSON holds the value as it is: plain objects, arrays, strings, booleans, null and finite numbers (not -0). */
function isJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string': case 'boolean': return true;
    case 'number': return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJson);
      return Object.prototype.toString.call(value) === '[object Object]' && Object.values(value).every(isJson);
    }
    default: return false;
  }
}

function notAnObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `is not a Kubernetes object (a mapping with apiVersion and kind) but ${Array.isArray(value) ? 'a sequence' : `the ${typeof value} ${JSON.stringify(value)}`}`;
  }
  const o = value as Record<string, unknown>;
  const missing = ['apiVersion', 'kind'].filter((k) => typeof o[k] !== 'string' || !o[k]);
  if (missing.length) return `is not a Kubernetes object: it has no ${missing.join(' and no ')}`;
  return undefined;
}

function isList(m: Record<string, any>): boolean {
  return Array.isArray(m.items) && (m.kind === 'List' || (typeof m.kind === 'string' && m.kind.endsWith('List')));
}

/** YAML 1.1 as Kubernetes (go-yaml) reads it: no timestamps, sexagesimal numbers, binary, sets or ordered maps. */
function kubernetesTags(tags: any[]): any[] {
  const dropped = ['timestamp', 'binary', 'omap', 'pairs', 'set'].map((t) => `tag:yaml.org,2002:${t}`);
  return tags.filter((t) => !dropped.includes(t.tag) && t.format !== 'TIME');
}

/** The first line of a yaml error, without its own position (we print file:line:column). */
function yamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}
