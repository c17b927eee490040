import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError, Problem } from '../core/errors';
import type { RenderedEnvironment } from '../core/pipeline';
import { describeCode, OutputChange, OutputError } from './output-error';

export { describeCode, OutputChange, OutputError } from './output-error';

/**
 * The all-or-nothing write of `<outdir>/<env>/<app>` for every environment
 * of one synth.
 *
 * 1. Every output path is proven to lie inside its folder before anything is
 *    written (a Libk8sError otherwise).
 * 2. Stale staging folders of a crashed run are recovered (see `recoverOutput`).
 * 3. Staging: the new folder of each environment is written into
 *    `<real env folder>/.libk8s-staging-<id>/new`, beside its final location,
 *    so the switch is a rename on one file system even when `<outdir>/<env>`
 *    is a symlink to another one. Every staging folder holds a `.gitignore`
 *    of `*`, so git never commits one, even before it is cleaned up.
 * 4. The journal `<outdir>/.libk8s-staging-<id>/journal.json` (state
 *    `switching`) lists every environment's target, new and old folder; it is
 *    fsync'd, then each target is renamed to `old` and `new` to the target.
 * 5. Any error during the switch renames every environment back. After the
 *    last rename the journal says `committed` (fsync'd); then the staging
 *    folders, holding the previous output, are deleted.
 *
 * A process killed at any point leaves either no staging folder, or one that
 * the next synth into that outdir recovers: a `switching` journal is rolled
 * back (every environment old), a `committed` one finished (every
 * environment new); a folder without a journal is an unfinished staging and
 * only deleted. Files are not fsync'd one by one (the write is on the hot
 * path); the guarantee is about crashes and kills of the process.
 */

/** The file-system calls the write makes; tests pass one that fails on purpose. */
export type WriteFs = Pick<typeof fs,
  'mkdirSync' | 'writeFileSync' | 'renameSync' | 'rmSync' | 'realpathSync' | 'readdirSync' | 'readFileSync' | 'lstatSync'
  | 'openSync' | 'fsyncSync' | 'closeSync' | 'rmdirSync'>;

let currentFs: WriteFs = fs;

/** @internal Replaces the file-system calls of every following write (tests inject faults); no argument restores node's `fs`. */
export function setWriteFs(next?: WriteFs): void {
  currentFs = next ?? fs;
}

const PREFIX = '.libk8s-staging-';
const STAGING = /^\.libk8s-staging-(\d+)-[0-9a-f]+$/;
const JOURNAL = 'journal.json';
/** An app or environment name: a DNS-1123 label. */
const SEGMENT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The one unit of a synth that is not an environment: `<outdir>/_delivery/<app>/` (lib/synth/delivery.ts's DELIVERY_DIR). */
const DELIVERY_UNIT = '_delivery';

/** What the journal of one write records for each environment. */
interface JournalEntry {
  readonly environment: string;
  /** `<real env folder>/<app>`. */
  readonly target: string;
  /** The new output, until it is renamed to the target. */
  readonly staged: string;
  /** Where the previous output goes during the switch. */
  readonly old: string;
  /** Whether there was a previous output to move aside. */
  readonly hadOld: boolean;
}

/**
 * The journal, as written: paths are not in it but derived from the outdir
 * it lies in, so an outdir moved or copied after a crash still recovers in place.
 */
interface Journal {
  readonly version: 1;
  readonly app: string;
  readonly state: 'switching' | 'committed';
  readonly environments: readonly { readonly name: string; readonly hadOld: boolean }[];
}

/** The folders of one environment's switch: `<real env folder>/<app>` and `<real env folder>/<id>/{new,old}`. */
function entryFor(wfs: WriteFs, root: string, id: string, app: string, environment: string, hadOld: boolean): JournalEntry {
  const dir = path.join(root, environment);
  let real = dir;
  try { real = wfs.realpathSync(dir); } catch { /* gone: nothing to move there */ }
  const staging = path.join(real, id);
  return { environment, target: path.join(real, app), staged: path.join(staging, 'new'), old: path.join(staging, 'old'), hadOld };
}

function journalOf(app: string, state: Journal['state'], entries: readonly JournalEntry[]): Journal {
  return { version: 1, app, state, environments: entries.map((e) => ({ name: e.environment, hadOld: e.hadOld })) };
}

interface Serialized { readonly r: RenderedEnvironment; readonly files: ReadonlyMap<string, string> }

/** Writes serialized environments all-or-nothing (see the top of this module). */
export function writeEnvironments(outdir: string, appName: string, serialized: readonly Serialized[], wfs: WriteFs = currentFs): void {
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

  // 3. staging
  try {
    wfs.mkdirSync(root, { recursive: true });
  } catch (e) {
    throw fail('create the output folder', root, e);
  }
  const id = `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
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
  let step = 'create the staging folder';
  let where = main;
  try {
    mkStaging(wfs, main);
    for (const env of plan) {
      step = 'create the environment folder'; where = env.dir;
      if (!exists(wfs, env.dir)) {
        wfs.mkdirSync(env.dir);
        created.push(env.dir);
      }
      const planned = entryFor(wfs, root, id, appName, env.name, false);
      const stagingDir = path.dirname(planned.staged);
      step = 'create the staging folder'; where = stagingDir;
      mkStaging(wfs, stagingDir);
      const entry: JournalEntry = { ...planned, hadOld: exists(wfs, planned.target) };
      entries.push(entry);
      step = 'write the staging folder'; where = entry.staged;
      wfs.mkdirSync(entry.staged);
      for (const d of env.dirs) wfs.mkdirSync(path.join(entry.staged, d), { recursive: true });
      for (const [rel, text] of env.files) wfs.writeFileSync(path.join(entry.staged, rel), text);
    }
    step = 'write the journal'; where = path.join(main, JOURNAL);
    writeJournal(wfs, main, journalOf(appName, 'switching', entries));
  } catch (e) {
    cleanup();
    throw fail(step, where, e);
  }

  // 4. the switch
  const journalPath = path.join(main, JOURNAL);
  try {
    for (const e of entries) {
      step = 'move aside the previous output'; where = e.target;
      if (e.hadOld) wfs.renameSync(e.target, e.old);
      step = 'move in the new output'; where = e.target;
      wfs.renameSync(e.staged, e.target);
    }
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

  // 5. commit, then delete the previous output
  try {
    writeJournal(wfs, main, journalOf(appName, 'committed', entries));
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
}

/** One environment's folder, and its files, every path checked. */
interface PlannedEnvironment {
  readonly name: string;
  /** `<outdir>/<env>` (may be a symlink). */
  readonly dir: string;
  /** Sub-folders to create, relative to the app folder. */
  readonly dirs: readonly string[];
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
    const dirs = new Set<string>();
    for (const rel of files.keys()) {
      const abs = path.resolve(base, rel);
      if (!inside(base, abs)) { outside(name, 'file', rel, abs, base); continue; }
      const parent = path.dirname(abs);
      if (parent !== base) dirs.add(path.relative(base, parent));
    }
    return { name, dir, dirs: [...dirs], files };
  });
  if (problems.length > 0) throw new Libk8sError(problems);
  return plan;
}

/** Whether something is at `p` (a symlink counts); any error but "not there" is thrown, so a rollback never takes a failing disk for a done one. */
function exists(wfs: WriteFs, p: string): boolean {
  try {
    wfs.lstatSync(p);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

function mkStaging(wfs: WriteFs, dir: string): void {
  wfs.mkdirSync(dir);
  wfs.writeFileSync(path.join(dir, '.gitignore'), '# libk8s synth staging: never commit\n*\n');
}

function rmQuiet(wfs: WriteFs, p: string): void {
  try { wfs.rmSync(p, { recursive: true, force: true }); } catch { /* left for the next synth's recovery */ }
}

/** Writes the journal durably: a temp file, fsync'd, renamed over, and the folder fsync'd. */
function writeJournal(wfs: WriteFs, dir: string, journal: Journal): void {
  const file = path.join(dir, JOURNAL);
  const tmp = `${file}.tmp`;
  const fd = wfs.openSync(tmp, 'w');
  try {
    wfs.writeFileSync(fd, JSON.stringify(journal));
    wfs.fsyncSync(fd);
  } finally {
    wfs.closeSync(fd);
  }
  wfs.renameSync(tmp, file);
  try {
    const dfd = wfs.openSync(dir, 'r');
    try { wfs.fsyncSync(dfd); } finally { wfs.closeSync(dfd); }
  } catch {
    // folders cannot be fsync'd on every platform
  }
}

/** Puts every environment back to its previous output; idempotent, so a recovery may run it again. */
function rollback(wfs: WriteFs, entries: readonly JournalEntry[]): void {
  let first: unknown;
  for (const e of [...entries].reverse()) {
    try {
      const stagedThere = exists(wfs, e.staged);
      if (e.hadOld) {
        if (exists(wfs, e.old)) {
          // the previous output was moved aside: move the new one (if in) back, then the old one in
          if (!stagedThere && exists(wfs, e.target)) wfs.renameSync(e.target, e.staged);
          wfs.renameSync(e.old, e.target);
        }
      } else if (!stagedThere && exists(wfs, e.target)) {
        wfs.renameSync(e.target, e.staged);
      }
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/** Whether a process with this id runs (on this machine). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false; // a write is synchronous: one of ours is never in flight while we look
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Recovers what a crashed or killed synth into `outdir` left behind: a
 * journal in `switching` state is rolled back (every environment gets its
 * previous output back), a `committed` one is finished; then its staging
 * folders are deleted, and so are unfinished staging folders without a
 * journal. Folders of a synth that still runs (its process is alive) are
 * left alone. Returns what it did, one line per staging folder.
 */
export function recoverOutput(outdir: string, wfs: WriteFs = currentFs): string[] {
  const root = path.resolve(outdir);
  let names: string[];
  try {
    names = wfs.readdirSync(root) as string[];
  } catch {
    return [];
  }
  const done: string[] = [];
  const recovered: string[] = [];
  const busy = new Set<string>();
  for (const name of names) {
    const m = STAGING.exec(name);
    if (!m) continue;
    if (alive(Number(m[1]))) { busy.add(name); continue; }
    const main = path.join(root, name);
    const journalPath = path.join(main, JOURNAL);
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(wfs.readFileSync(journalPath, 'utf8') as string) as Journal;
    } catch {
      journal = undefined; // crashed while staging: nothing was switched
    }
    // names from the file are used only when they are single, plain path segments (as the App validates them)
    if (journal && !SEGMENT.test(String(journal.app))) journal = undefined;
    // (`_delivery`, the folder of the GitOps tool's objects, is switched with the environments)
    const entries = (journal?.environments ?? []).filter((e) => SEGMENT.test(String(e.name)) || e.name === DELIVERY_UNIT)
      .map((e) => entryFor(wfs, root, name, journal!.app, e.name, e.hadOld === true));
    const envs = entries.map((x) => x.environment).join(', ');
    if (journal?.state === 'switching') {
      try {
        rollback(wfs, entries);
        wfs.rmSync(journalPath, { force: true }); // rolled back: a crash from here on only leaves folders to delete
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new OutputError('recover the interrupted synth recorded in', journalPath, err?.code, 'unknown', journal.app,
          entries.map((x) => x.environment), `${describeCode(err?.code, err?.message ?? String(e))} while rolling it back`, journalPath);
      }
      done.push(`rolled back the interrupted synth of app '${journal.app}' (${envs}): its previous output is back`);
    } else if (journal?.state === 'committed') {
      done.push(`finished the interrupted synth of app '${journal.app}' (${envs}): its new output stays`);
    } else {
      done.push(`deleted the unfinished staging folder ${name}`);
    }
    for (const e of entries) rmQuiet(wfs, path.dirname(e.staged));
    recovered.push(main);
  }
  // environment staging folders: of the runs just recovered, or of one that crashed before its journal
  for (const env of names) {
    if (env.startsWith('.')) continue;
    let inner: string[];
    try {
      inner = wfs.readdirSync(path.join(root, env)) as string[];
    } catch {
      continue; // a file, or gone
    }
    for (const name of inner) {
      const m = STAGING.exec(name);
      if (m && !busy.has(name) && !alive(Number(m[1]))) rmQuiet(wfs, path.join(root, env, name));
    }
  }
  for (const main of recovered) rmQuiet(wfs, main);
  return done;
}
