import { Document, LineCounter, parseAllDocuments } from 'yaml';
import type { Subject } from '../core/policy';
import type { InputError } from './reporters/summary';

/**
 * The Kubernetes objects of one YAML stream: every document, the items of
 * a `List` expanded, each with its file and first line. Malformed YAML and
 * documents that are no Kubernetes object are errors, with their line.
 * Scalars are read as Kubernetes reads them (YAML 1.1: `yes`/`on` are
 * booleans, `0755` is octal), without timestamps or sexagesimal numbers.
 */
export function parseManifests(text: string, file: string): { subjects: Subject[]; errors: InputError[] } {
  const lineCounter = new LineCounter();
  const subjects: Subject[] = [];
  const errors: InputError[] = [];
  const docs = parseAllDocuments(text, { lineCounter, version: '1.1', customTags: kubernetesTags });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  for (const doc of docs as Document.Parsed[]) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      errors.push({ file, line: pos.line, column: pos.col, message: `malformed YAML: ${yamlMessage(error.message)}` });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      errors.push({ file, line: lineOf(doc.contents?.range[0]), message: `malformed YAML: ${(e as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document
    const line = lineOf(doc.contents?.range[0]);
    const problem = notAnObject(value);
    if (problem) {
      errors.push({ file, line, message: `the document ${problem}` });
      continue;
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
      continue;
    }
    subjects.push({ manifest, origin: { file, line } });
  }
  return { subjects, errors };
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
