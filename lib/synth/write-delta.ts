import * as path from 'path';
import { byDepth, WriteFs } from './write-fs';

/**
 * What turns the previous output folder of one environment into the new
 * one, file by file (paths relative to the folder, `/`-separated).
 */
export interface Delta {
  /** Files there whose bytes differ (or that are not plain files): moved aside, the new one moved in. */
  readonly replace: readonly string[];
  /** Files not there yet. */
  readonly add: readonly string[];
  /** Files there that the new output does not have. */
  readonly remove: readonly string[];
  /** Folders the new files need that are not there, parents first; created during the switch. */
  readonly mkdirs: readonly string[];
  /** Folders only the previous output had, deepest first; deleted at the end of the switch. */
  readonly rmdirs: readonly string[];
  /** Set when a new file's path is a folder there: the delta cannot be switched, the whole folder is written. */
  readonly conflict?: true;
}

/** The number of files a delta writes or moves. */
export function changesOf(d: Delta): number {
  return d.replace.length + d.add.length + d.remove.length;
}

/**
 * Compares the folder `target` with the files of the new output (reading
 * every file there, so the comparison is of bytes, never of timestamps).
 * Undefined when there is no folder to compare with, or when `target` is
 * not a plain folder (a symlink, a file): the whole folder is written then.
 */
export function compareTree(wfs: WriteFs, target: string, files: ReadonlyMap<string, string>): Delta | undefined {
  let stat;
  try {
    stat = wfs.lstatSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!stat.isDirectory()) return undefined;
  /** What the folder holds: relative path -> whether it is a plain file. */
  const old = new Map<string, boolean>();
  const oldDirs = new Set<string>();
  const walk = (rel: string) => {
    for (const e of wfs.readdirSync(rel ? path.join(target, rel) : target, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        oldDirs.add(r);
        walk(r);
      } else {
        old.set(r, e.isFile());
      }
    }
  };
  walk('');
  const replace: string[] = [];
  const add: string[] = [];
  const newDirs = new Set<string>();
  let conflict = false;
  for (const [rel, text] of files) {
    if (oldDirs.has(rel)) { conflict = true; continue; }
    for (let d = path.posix.dirname(rel); d !== '.' && !newDirs.has(d); d = path.posix.dirname(d)) newDirs.add(d);
    const plain = old.get(rel);
    if (plain === undefined) add.push(rel);
    else if (!plain || wfs.readFileSync(path.join(target, rel), 'utf8') !== text) replace.push(rel);
  }
  const remove = [...old.keys()].filter((rel) => !files.has(rel));
  const mkdirs = [...newDirs].filter((d) => !oldDirs.has(d)).sort(byDepth);
  const rmdirs = [...oldDirs].filter((d) => !newDirs.has(d)).sort(byDepth).reverse();
  return conflict ? { replace, add, remove, mkdirs, rmdirs, conflict: true } : { replace, add, remove, mkdirs, rmdirs };
}

/** Whether a path read back from a journal is a plain relative path below its folder (no `..`, no absolute path). */
export function isPlainRelative(rel: unknown): rel is string {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || rel.includes('\\') || path.isAbsolute(rel)) return false;
  return rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** A delta read back from a journal, or undefined when any of its paths is not plain. */
export function deltaFromJournal(value: unknown): Delta | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const lists = ['replace', 'add', 'remove', 'mkdirs', 'rmdirs'] as const;
  for (const k of lists) {
    const list = v[k];
    if (!Array.isArray(list) || !list.every(isPlainRelative)) return undefined;
  }
  if (v.conflict !== undefined) return undefined;
  return { replace: v.replace as string[], add: v.add as string[], remove: v.remove as string[], mkdirs: v.mkdirs as string[], rmdirs: v.rmdirs as string[] };
}
