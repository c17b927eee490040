import * as fs from 'fs';
import * as path from 'path';

/** The file-system calls the write makes; tests pass one that fails on purpose (or counts). */
export type WriteFs = Pick<typeof fs,
  'mkdirSync' | 'writeFileSync' | 'renameSync' | 'rmSync' | 'realpathSync' | 'readdirSync' | 'readFileSync' | 'lstatSync'
  | 'openSync' | 'fsyncSync' | 'closeSync' | 'rmdirSync'>;

let currentFs: WriteFs = fs;

/** @internal Replaces the file-system calls of every following write (tests inject faults); no argument restores node's `fs`. */
export function setWriteFs(next?: WriteFs): void {
  currentFs = next ?? fs;
}

/** The file-system calls in use (node's `fs` unless a test replaced them). */
export function writeFs(): WriteFs {
  return currentFs;
}

/** Whether something is at `p` (a symlink counts); any error but "not there" is thrown, so a rollback never takes a failing disk for a done one. */
export function exists(wfs: WriteFs, p: string): boolean {
  try {
    wfs.lstatSync(p);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/** A staging folder, with a `.gitignore` of `*` so git never commits it. */
export function mkStaging(wfs: WriteFs, dir: string): void {
  wfs.mkdirSync(dir);
  wfs.writeFileSync(path.join(dir, '.gitignore'), '# libk8s synth staging: never commit\n*\n');
}

export function rmQuiet(wfs: WriteFs, p: string): void {
  try { wfs.rmSync(p, { recursive: true, force: true }); } catch { /* left for the next synth's recovery */ }
}

/**
 * Creates each folder of `files` (relative paths) under `base` once, parents
 * before children: one mkdir per folder, never one per file.
 */
export function mkdirsFor(wfs: WriteFs, base: string, files: Iterable<string>): void {
  const dirs = new Set<string>();
  for (const rel of files) {
    for (let d = path.dirname(rel); d !== '.' && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort(byDepth)) wfs.mkdirSync(path.join(base, d));
}

/** Parents before children (fewer separators first), then by name. */
export function byDepth(a: string, b: string): number {
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function depth(rel: string): number {
  let n = 0;
  for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 47 /* / */) n++;
  return n;
}

/** Writes `content` durably: a temp file, fsync'd, renamed over `file`, and the folder fsync'd. */
export function writeDurably(wfs: WriteFs, file: string, content: string): void {
  const tmp = `${file}.tmp`;
  const fd = wfs.openSync(tmp, 'w');
  try {
    wfs.writeFileSync(fd, content);
    wfs.fsyncSync(fd);
  } finally {
    wfs.closeSync(fd);
  }
  wfs.renameSync(tmp, file);
  try {
    const dfd = wfs.openSync(path.dirname(file), 'r');
    try { wfs.fsyncSync(dfd); } finally { wfs.closeSync(dfd); }
  } catch {
    // folders cannot be fsync'd on every platform
  }
}
