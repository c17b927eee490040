import type { DiffCounts, DiffResult, EnvironmentDiff, FieldChange, ObjectDiff } from './types';
import { diffExitCode } from './engine';

export type DiffFormat = 'text' | 'markdown' | 'json';

export interface DiffFormatOptions {
  /** What the "before" side is, e.g. `origin/main:dist` (shown in the markdown heading, kept in the json). */
  readonly against?: string;
  /**
   * Values longer than this many characters (as JSON) are cut, with an
   * ellipsis, in text and markdown; json keeps them whole.
   * @default 120 (markdown), 200 (text)
   */
  readonly maxValueLength?: number;
  /**
   * Markdown only: the field lines shown per object; the rest are counted.
   * @default 50
   */
  readonly maxFieldsPerObject?: number;
  /**
   * Markdown only: the comment's length budget in characters (GitHub caps
   * a comment at 65,536); field blocks past it are left out and counted.
   * @default 60000
   */
  readonly maxLength?: number;
}

/** The diff in one of the formats. */
export function formatDiff(result: DiffResult, format: DiffFormat, options: DiffFormatOptions = {}): string {
  switch (format) {
    case 'text': return formatDiffText(result, options);
    case 'markdown': return formatDiffMarkdown(result, options);
    case 'json': return formatDiffJson(result, options);
    default: throw new Error(`unknown diff format '${String(format)}' (text, markdown or json)`);
  }
}

/** `2 changed, 1 added, 0 removed` (`, 1 renamed` when there are renames). */
export function countsLine(c: DiffCounts): string {
  return `${c.changed} changed, ${c.added} added, ${c.removed} removed${c.renamed ? `, ${c.renamed} renamed` : ''}`;
}

/** `prod: 2 changed, 1 added, 0 removed (3 unchanged)`, and `, new environment` / `, environment removed`. */
export function summaryLine(e: EnvironmentDiff): string {
  const presence = e.presence === 'added' ? ', new environment' : e.presence === 'removed' ? ', environment removed' : '';
  return `${e.environment}: ${countsLine(e.counts)} (${e.counts.unchanged} unchanged${presence})`;
}

/** A value as JSON, cut to `max` characters (whole code points) with an ellipsis. */
export function showValue(value: unknown, max: number): string {
  const s = value === undefined ? 'undefined' : JSON.stringify(value);
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

const SYMBOL: Record<ObjectDiff['status'], string> = { changed: '~', added: '+', removed: '-', renamed: '→' };

/** `old → new` of one field; a masked (Secret) value only says what happened to it. */
function fieldLine(f: FieldChange, max: number): string {
  if (f.masked) return `${f.path}: ${f.change}`;
  const old = f.change === 'added' ? '(none)' : showValue(f.old, max);
  const neu = f.change === 'removed' ? '(none)' : showValue(f.new, max);
  return `${f.path}: ${old} → ${neu}`;
}

/** Whether the objects shown span more than one namespace (then each line names its own). */
function manyNamespaces(objects: readonly ObjectDiff[]): boolean {
  return new Set(objects.map((o) => o.namespace)).size > 1;
}

function objectTitle(o: ObjectDiff, withNamespace: boolean): string {
  const name = o.status === 'renamed' ? `${o.previousName} → ${o.name}` : o.name;
  const ns = withNamespace && o.namespace ? ` (namespace ${o.namespace})` : '';
  return `${o.kind} ${name}${ns}`;
}

/**
 * A terminal summary: per environment its summary line, then each object
 * that differs (`~` changed, `+` added, `-` removed, `→` renamed) with its
 * field lines `path: old → new`.
 */
export function formatDiffText(result: DiffResult, options: DiffFormatOptions = {}): string {
  const max = options.maxValueLength ?? 200;
  const lines: string[] = [];
  for (const e of result.environments) {
    lines.push(summaryLine(e));
    const ns = manyNamespaces(e.objects);
    for (const o of e.objects) {
      lines.push(`  ${SYMBOL[o.status]} ${objectTitle(o, ns)}${o.status === 'renamed' ? ' (renamed)' : ''}`);
      for (const f of o.fields) lines.push(`      ${fieldLine(f, max)}`);
    }
  }
  return lines.join('\n');
}

/** Escapes what markdown (and a table cell) would read: `\ ` * _ [ ] < > | ~ # !` and `&`. */
export function escapeMarkdown(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/[\\`*_[\]<>|~#!{}]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A code fence longer than any run of backticks in the text. */
function fence(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  return '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
}

/** The lines of an object's field block, in diff style: `-` old, `+` new; a masked value only as `~ path: changed`. */
function diffBlockLines(o: ObjectDiff, max: number, limit: number): string[] {
  const lines: string[] = [];
  for (const f of o.fields.slice(0, limit)) {
    if (f.masked) lines.push(`~ ${f.path}: ${f.change}`);
    else {
      if (f.change !== 'added') lines.push(`- ${f.path}: ${showValue(f.old, max)}`);
      if (f.change !== 'removed') lines.push(`+ ${f.path}: ${showValue(f.new, max)}`);
    }
  }
  if (o.fields.length > limit) lines.push(`# … and ${o.fields.length - limit} more field${o.fields.length - limit === 1 ? '' : 's'}`);
  return lines;
}

const STATUS_WORD: Record<ObjectDiff['status'], string> = { changed: 'changed', added: 'added', removed: 'removed', renamed: 'renamed' };

/**
 * A pull-request comment: a heading with the totals, then one collapsible
 * `<details>` per environment (its counts in the summary) holding a table
 * of the objects that differ and a fenced `diff` block of field changes per
 * changed or renamed object. Values are cut to `maxValueLength`; the
 * comment stays within `maxLength`.
 */
export function formatDiffMarkdown(result: DiffResult, options: DiffFormatOptions = {}): string {
  const max = options.maxValueLength ?? 120;
  const perObject = options.maxFieldsPerObject ?? 50;
  const budget = options.maxLength ?? 60000;
  const t = result.totals;
  const envs = result.environments.length;
  const envWord = `${envs} environment${envs === 1 ? '' : 's'}`;
  const out: string[] = [];
  out.push(result.changed
    ? `### libk8s diff: ${countsLine(t)} in ${envWord} (${t.unchanged} unchanged)`
    : `### libk8s diff: no changes (${t.unchanged} object${t.unchanged === 1 ? '' : 's'} in ${envWord})`);
  out.push('');
  if (options.against) {
    out.push(`Compared with \`${options.against.replace(/`/g, "'")}\`.`);
    out.push('');
  }
  let length = out.join('\n').length;
  let omitted = 0;
  for (const e of result.environments) {
    const section: string[] = [];
    section.push('<details>');
    section.push(`<summary><b>${escapeHtml(e.environment)}</b>: ${escapeHtml(summaryLine(e).slice(e.environment.length + 2))}</summary>`);
    section.push('');
    if (e.objects.length === 0) {
      section.push('No changes.');
      section.push('');
    } else {
      section.push('| | Kind | Name | Namespace | Change |');
      section.push('|---|---|---|---|---|');
      for (const o of e.objects) {
        const name = o.status === 'renamed' ? `${escapeMarkdown(o.previousName ?? '')} → ${escapeMarkdown(o.name)}` : escapeMarkdown(o.name);
        const n = o.fields.length;
        const what = o.status === 'changed' || (o.status === 'renamed' && n > 0) ? `${STATUS_WORD[o.status]}: ${n} field${n === 1 ? '' : 's'}` : STATUS_WORD[o.status];
        section.push(`| ${SYMBOL[o.status]} | ${escapeMarkdown(o.kind)} | ${name} | ${escapeMarkdown(o.namespace)} | ${what} |`);
      }
      section.push('');
      length += section.join('\n').length;
      for (const o of e.objects) {
        if (o.fields.length === 0) continue;
        const body = diffBlockLines(o, max, perObject).join('\n');
        const f = fence(body);
        const title = o.status === 'renamed'
          ? `**${escapeMarkdown(o.kind)} ${escapeMarkdown(o.previousName ?? '')} → ${escapeMarkdown(o.name)}**`
          : `**${escapeMarkdown(o.kind)} ${escapeMarkdown(o.name)}**`;
        const block = [title, '', `${f}diff`, body, f, ''];
        const size = block.join('\n').length + 1;
        if (length + size > budget) {
          omitted += 1;
          continue;
        }
        length += size;
        section.push(...block);
      }
    }
    section.push('</details>');
    section.push('');
    if (e.objects.length === 0) length += section.join('\n').length;
    out.push(...section);
  }
  if (omitted) out.push(`_${omitted} object${omitted === 1 ? '' : 's'}' field changes left out to keep this comment short; run \`libk8s diff\` for all of them._`, '');
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** The json shape (`schemaVersion` 1): see `DiffJson`. */
export interface DiffJson {
  readonly schemaVersion: 1;
  /** The "before" side, when it was named. */
  readonly against?: string;
  /** Whether anything differs. */
  readonly changed: boolean;
  /** The exit code of `libk8s diff`: 0 no changes, 3 changes. */
  readonly exitCode: 0 | 3;
  readonly totals: DiffCounts;
  readonly environments: ReadonlyArray<{
    readonly environment: string;
    readonly presence: EnvironmentDiff['presence'];
    readonly counts: DiffCounts;
    readonly objects: ReadonlyArray<{
      readonly status: ObjectDiff['status'];
      readonly kind: string;
      readonly group: string;
      readonly apiVersion: string;
      /** '' for a cluster-scoped object. */
      readonly namespace: string;
      readonly name: string;
      readonly previousName?: string;
      readonly file: string;
      readonly previousFile?: string;
      readonly similarity?: number;
      /** `old` / `new` absent for added / removed fields, both absent and `masked: true` for a Secret's values. */
      readonly fields: ReadonlyArray<{ readonly path: string; readonly change: FieldChange['change']; readonly old?: unknown; readonly new?: unknown; readonly masked?: true }>;
    }>;
  }>;
}

function counts(c: DiffCounts): DiffCounts {
  return { changed: c.changed, added: c.added, removed: c.removed, renamed: c.renamed, unchanged: c.unchanged };
}

/** The diff as the documented json shape (keys in a fixed order, values whole). */
export function toDiffJson(result: DiffResult, options: DiffFormatOptions = {}): DiffJson {
  return {
    schemaVersion: 1,
    ...(options.against !== undefined ? { against: options.against } : {}),
    changed: result.changed,
    exitCode: diffExitCode(result),
    totals: counts(result.totals),
    environments: result.environments.map((e) => ({
      environment: e.environment,
      presence: e.presence,
      counts: counts(e.counts),
      objects: e.objects.map((o) => ({
        status: o.status, kind: o.kind, group: o.group, apiVersion: o.apiVersion, namespace: o.namespace, name: o.name,
        ...(o.previousName !== undefined ? { previousName: o.previousName } : {}),
        file: o.file,
        ...(o.previousFile !== undefined ? { previousFile: o.previousFile } : {}),
        ...(o.similarity !== undefined ? { similarity: o.similarity } : {}),
        fields: o.fields.map((f) => (f.masked
          ? { path: f.path, change: f.change, masked: true as const }
          : { path: f.path, change: f.change, ...(f.change !== 'added' ? { old: f.old } : {}), ...(f.change !== 'removed' ? { new: f.new } : {}) })),
      })),
    })),
  };
}

/** `toDiffJson`, indented by two spaces. */
export function formatDiffJson(result: DiffResult, options: DiffFormatOptions = {}): string {
  return JSON.stringify(toDiffJson(result, options), null, 2);
}
