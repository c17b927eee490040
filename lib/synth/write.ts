import { randomBytes } from 'crypto';
import * as path from 'path';
import { Libk8sError, Problem } from '../core/errors';
import type { RenderedEnvironment } from '../core/pipeline';
import { describeCode, OutputChange, OutputError } from './output-error';
import { changesOf, compareTree, Delta, isPlainRelative } from './write-delta';
import { exists, mkdirsFor, mkStaging, rmQuiet, WriteFs, writeFs } from './write-fs';
import { entryFor, JOURNAL, JournalEntry, PREFIX, recoverOutput, rollback, switchEntry, writeJournal } from './write-journal';

export { describeCode, OutputChange, OutputError } from './output-error';
export { setWriteFs, WriteFs } from './write-fs';
export { recoverOutput } from './write-journal';

/**
 * The all-or-nothing write of `<outdir>/<env>/<app>` for every environment
 * of one synth, writing only what changed.
 *
 * 1. Every output path is proven to lie inside its folder before anything is
 *    written (a Libk8sError otherwise).
 * 2. Stale staging folders of a crashed run are recovered (see `recoverOutput`).
 * 3. Each environment's previous folder is compared with the new files, byte
 *    for byte. An environment whose files are all the same is left alone;
 *    when no environment changed, nothing at all is written (no staging, no
 *    journal). An environment where few files changed (at most half) is
 *    switched file by file (a delta); a new one, or one where most changed,
 *    as a whole folder.
 * 4. Staging: `<real env folder>/.libk8s-staging-<id>/new` beside the final
 *    location (so every rename is on one file system, also when
 *    `<outdir>/<env>` is a symlink) receives the whole new folder, or a
 *    delta's new files only; each folder is created once. Every staging
 *    folder holds a `.gitignore` of `*`, so git never commits one.
 * 5. The journal `<outdir>/.libk8s-staging-<id>/journal.json` (state
 *    `switching`) lists each changed environment and its delta; it is
 *    fsync'd. Then the switch: a folder is renamed to `old` and `new` to the
 *    target; a delta moves every file it replaces or removes to `old/<file>`,
 *    creates the folders the new files need, moves every new file in, and
 *    deletes the folders only the previous output had.
 * 6. Any error during the switch undoes every environment. After the last
 *    step the journal says `committed` (fsync'd); then the staging folders,
 *    holding the previous output, are deleted.
 *
 * A process killed at any point leaves either no staging folder, or one that
 * the next synth into that outdir recovers: a `switching` journal is rolled
 * back (every environment old), a `committed` one finished (every
 * environment new); a folder without a journal is an unfinished staging and
 * only deleted. Files are not fsync'd one by one (the write is on the hot
 * path); the guarantee is about crashes and kills of the process.
 */

/** How one environment (or `_delivery`) was written. */
export interface UnitWrite {
  readonly name: string;
  /** `unchanged`: nothing written; `delta`: only the files that differ; `folder`: the whole folder. */
  readonly mode: 'unchanged' | 'delta' | 'folder';
  /** Files of the output written (created or replaced). */
  readonly written: number;
  /** Files of the previous output deleted. */
  readonly removed: number;
  /** Files of the output already there with the same bytes, not written. */
  readonly unchanged: number;
}

/** What one write did, per unit, in the order given. */
export interface WriteReport {
  readonly units: readonly UnitWrite[];
}

/** A delta is switched file by file when it changes at most this share of the new files; above it the whole folder is written. */
const DELTA_SHARE = 0.5;

interface Serialized { readonly r: RenderedEnvironment; readonly files: ReadonlyMap<string, string> }

/** Writes serialized environments all-or-nothing, only what changed (see the top of this module). */
export function writeEnvironments(outdir: string, appName: string, serialized: readonly Serialized[], wfs: WriteFs = writeFs()): WriteReport {
  const root = path.resolve(outdir);
  const envNames = serialized.map(({ r }) => r.environment.name);
  const fail = (action: string, where: string, e: unknown, change: OutputChange = 'unchanged', journal?: string): OutputError => {
    if (e instanceof OutputError || e instanceof Libk8sError) return e as OutputError;
    const err = e as NodeJS.ErrnoException;
    return new OutputError(action, where, err?.code, change, appName, envNames, describeCode(err?.code, err?.message ?? String(e)), journal);
  };

  // 1. every path, proven inside its folder, before anything is written
  const plan = planPaths(root, appName, serialized);

  // 2. a crashed run's staging
  recoverOutput(root, wfs);

  // 3. what changed, per environment
  const id = `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  let step = 'read the previous output';
  let where = root;
  const units: { env: PlannedEnvironment; entry: JournalEntry }[] = [];
  const reports: UnitWrite[] = [];
  try {
    for (const env of plan) {
      const planned = entryFor(wfs, root, id, appName, env.name, false);
      where = planned.target;
      const delta = compareTree(wfs, planned.target, env.files);
      const report = reportOf(env, delta);
      reports.push(report);
      if (report.mode === 'unchanged') continue;
      const hadOld = delta !== undefined || exists(wfs, planned.target);
      units.push({ env, entry: { ...planned, hadOld, delta: report.mode === 'delta' ? delta : undefined } });
    }
  } catch (e) {
    throw fail(step, where, e);
  }
  if (units.length === 0) return { units: reports };

  // 4. staging
  step = 'create the output folder'; where = root;
  try {
    wfs.mkdirSync(root, { recursive: true });
  } catch (e) {
    throw fail(step, where, e);
  }
  const main = path.join(root, id);
  const entries: JournalEntry[] = [];
  const created: string[] = [];
  const cleanup = () => {
    // the journal first: once it is gone, a crash only leaves folders for the next synth to delete
    rmQuiet(wfs, path.join(main, JOURNAL));
    for (const e of entries) rmQuiet(wfs, path.dirname(e.staged));
    rmQuiet(wfs, main);
    for (const d of created.reverse()) {
      try { wfs.rmdirSync(d); } catch { /* not empty, or gone */ }
    }
  };
  try {
    step = 'create the staging folder'; where = main;
    mkStaging(wfs, main);
    for (const { env, entry: planned } of units) {
      step = 'create the environment folder'; where = env.dir;
      if (!exists(wfs, env.dir)) {
        wfs.mkdirSync(env.dir);
        created.push(env.dir);
      }
      // the real folder exists now: its staging folder lies in it
      const entry = entryFor(wfs, root, id, appName, env.name, planned.hadOld, planned.delta);
      const stagingDir = path.dirname(entry.staged);
      step = 'create the staging folder'; where = stagingDir;
      mkStaging(wfs, stagingDir);
      entries.push(entry);
      step = 'write the staging folder'; where = entry.staged;
      wfs.mkdirSync(entry.staged);
      const d = entry.delta;
      const toWrite = d ? [...d.replace, ...d.add] : [...env.files.keys()];
      mkdirsFor(wfs, entry.staged, toWrite);
      for (const rel of toWrite) wfs.writeFileSync(path.join(entry.staged, rel), env.files.get(rel)!);
      if (d) {
        wfs.mkdirSync(entry.old);
        mkdirsFor(wfs, entry.old, [...d.replace, ...d.remove]);
      }
    }
    step = 'write the journal'; where = path.join(main, JOURNAL);
    writeJournal(wfs, main, appName, 'switching', entries);
  } catch (e) {
    cleanup();
    throw fail(step, where, e);
  }

  // 5. the switch
  const journalPath = path.join(main, JOURNAL);
  try {
    for (const e of entries) switchEntry(wfs, e, (action, at) => { step = action; where = at; });
  } catch (e) {
    const cause = e;
    try {
      rollback(wfs, entries);
    } catch {
      throw fail(step, where, cause, 'unknown', journalPath);
    }
    cleanup();
    throw fail(step, where, cause);
  }

  // 6. commit, then delete the previous output
  try {
    writeJournal(wfs, main, appName, 'committed', entries);
  } catch (e) {
    // the switch is complete, but without the mark a crash now would roll it back: roll back now instead
    try {
      rollback(wfs, entries);
    } catch {
      throw fail('write the journal', journalPath, e, 'unknown', journalPath);
    }
    cleanup();
    throw fail('write the journal', journalPath, e);
  }
  cleanup();
  return { units: reports };
}

/** How a unit is written, from its delta against the previous folder (undefined: none to compare with). */
function reportOf(env: PlannedEnvironment, delta: Delta | undefined): UnitWrite {
  const size = env.files.size;
  if (!delta) return { name: env.name, mode: 'folder', written: size, removed: 0, unchanged: 0 };
  const changes = changesOf(delta);
  if (changes === 0 && delta.rmdirs.length === 0) return { name: env.name, mode: 'unchanged', written: 0, removed: 0, unchanged: size };
  if (delta.conflict || changes > DELTA_SHARE * size) return { name: env.name, mode: 'folder', written: size, removed: delta.remove.length, unchanged: 0 };
  const written = delta.replace.length + delta.add.length;
  return { name: env.name, mode: 'delta', written, removed: delta.remove.length, unchanged: size - written };
}

/** One environment's folder, and its files, every path checked. */
interface PlannedEnvironment {
  readonly name: string;
  /** `<outdir>/<env>` (may be a symlink). */
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The folders of every environment and the files in them, each proven to
 * resolve inside its folder; a Libk8sError listing every path that does not.
 */
function planPaths(root: string, appName: string, serialized: readonly Serialized[]): PlannedEnvironment[] {
  const problems: Problem[] = [];
  const inside = (base: string, p: string) => p.startsWith(base + path.sep);
  const outside = (environment: string | undefined, what: string, value: string, resolved: string, base: string) => problems.push({
    kind: 'App', id: appName, path: appName, environment, prop: what,
    message: `${JSON.stringify(value)} would be written to ${resolved}, outside ${base}; nothing was written`,
    fix: 'use names of letters, digits, \'-\' and \'.\' (DNS-1123), without \'/\' or \'..\'.',
  });
  const app = path.resolve(root, 'x', appName);
  if (!inside(path.resolve(root, 'x'), app) || path.dirname(app) !== path.resolve(root, 'x')) outside(undefined, 'name', appName, app, path.resolve(root, 'x'));
  const plan = serialized.map(({ r, files }): PlannedEnvironment => {
    const name = r.environment.name;
    const dir = path.resolve(root, name);
    if (!inside(root, dir) || path.dirname(dir) !== root || name.startsWith(PREFIX)) outside(name, `environments.${name}`, name, dir, root);
    const base = path.join(dir, appName);
    let normal: Map<string, string> | undefined;
    for (const [rel, text] of files) {
      // the common case, without resolving: plain segments below the folder (no '..', '.', '//', leading '/')
      if (isPlainRelative(rel)) { normal?.set(rel, text); continue; }
      const abs = path.resolve(base, rel);
      if (!inside(base, abs)) { outside(name, 'file', rel, abs, base); continue; }
      // the delta and the journal compare paths as strings: 'a//b.yaml' and './a.yaml' are written as 'a/b.yaml' and 'a.yaml'
      const plain = path.relative(base, abs).split(path.sep).join('/');
      if (plain !== rel) normal ??= new Map([...files].slice(0, [...files.keys()].indexOf(rel)));
      normal?.set(plain, text);
    }
    return { name, dir, files: normal ?? files };
  });
  if (problems.length > 0) throw new Libk8sError(problems);
  return plan;
}
