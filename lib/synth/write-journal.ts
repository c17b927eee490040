import * as path from 'path';
import { Delta, deltaFromJournal } from './write-delta';
import { describeCode, OutputError } from './output-error';
import { exists, rmQuiet, WriteFs, writeDurably, writeFs } from './write-fs';

/**
 * The journal of the all-or-nothing write (see lib/synth/write.ts) and the
 * recovery of a synth that crashed or was killed: what each unit (an
 * environment, or `_delivery`) switches, how it is undone, how it is finished.
 */

export const PREFIX = '.libk8s-staging-';
const STAGING = /^\.libk8s-staging-(\d+)-[0-9a-f]+$/;
export const JOURNAL = 'journal.json';
/** An app or environment name: a DNS-1123 label. */
const SEGMENT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The one unit of a synth that is not an environment: `<outdir>/_delivery/<app>/` (lib/synth/delivery.ts's DELIVERY_DIR). */
const DELIVERY_UNIT = '_delivery';

/** What the journal of one write records for each unit, with its paths. */
export interface JournalEntry {
  readonly environment: string;
  /** `<real env folder>/<app>`. */
  readonly target: string;
  /** The new output (the whole folder, or the new files of a delta), until it is moved in. */
  readonly staged: string;
  /** Where the previous output (the folder, or the files a delta replaces or removes) goes during the switch. */
  readonly old: string;
  /** Whether there was a previous output to move aside. */
  readonly hadOld: boolean;
  /** Set when only the files that differ are switched, one by one; unset when the whole folder is. */
  readonly delta?: Delta;
}

/**
 * The journal, as written: paths are not in it but derived from the outdir
 * it lies in, so an outdir moved or copied after a crash still recovers in
 * place. Version 1 (libk8s before the incremental write) switched whole
 * folders only; version 2 adds `delta` per environment.
 */
interface Journal {
  readonly version: 1 | 2;
  readonly app: string;
  readonly state: 'switching' | 'committed';
  readonly environments: readonly { readonly name: string; readonly hadOld: boolean; readonly delta?: Delta }[];
}

/** The folders of one unit's switch: `<real env folder>/<app>` and `<real env folder>/<id>/{new,old}`. */
export function entryFor(wfs: WriteFs, root: string, id: string, app: string, environment: string, hadOld: boolean, delta?: Delta): JournalEntry {
  const dir = path.join(root, environment);
  let real = dir;
  try { real = wfs.realpathSync(dir); } catch { /* gone: nothing to move there */ }
  const staging = path.join(real, id);
  return { environment, target: path.join(real, app), staged: path.join(staging, 'new'), old: path.join(staging, 'old'), hadOld, delta };
}

/** Writes the journal of `entries` durably (fsync'd, renamed over, folder fsync'd). */
export function writeJournal(wfs: WriteFs, dir: string, app: string, state: Journal['state'], entries: readonly JournalEntry[]): void {
  const journal: Journal = {
    version: 2, app, state,
    environments: entries.map((e) => ({ name: e.environment, hadOld: e.hadOld, ...(e.delta ? { delta: e.delta } : {}) })),
  };
  writeDurably(wfs, path.join(dir, JOURNAL), JSON.stringify(journal));
}

/** The switch of one unit: the whole folder (two renames), or a delta's files (previous ones aside first, then the new ones in). */
export function switchEntry(wfs: WriteFs, e: JournalEntry, step: (action: string, where: string) => void): void {
  const d = e.delta;
  if (!d) {
    step('move aside the previous output', e.target);
    if (e.hadOld) wfs.renameSync(e.target, e.old);
    step('move in the new output', e.target);
    wfs.renameSync(e.staged, e.target);
    return;
  }
  for (const rel of [...d.replace, ...d.remove]) {
    step('move aside the previous output', path.join(e.target, rel));
    wfs.renameSync(path.join(e.target, rel), path.join(e.old, rel));
  }
  for (const dir of d.mkdirs) {
    step('create the folder', path.join(e.target, dir));
    wfs.mkdirSync(path.join(e.target, dir));
  }
  for (const rel of [...d.replace, ...d.add]) {
    step('move in the new output', path.join(e.target, rel));
    wfs.renameSync(path.join(e.staged, rel), path.join(e.target, rel));
  }
  // the folders only the previous output had are empty now; they go before the commit mark, so a committed output is exactly the new one
  for (const dir of d.rmdirs) {
    step('delete the folder', path.join(e.target, dir));
    try {
      wfs.rmdirSync(path.join(e.target, dir));
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') throw err;
    }
  }
}

/** Puts every unit back to its previous output; idempotent, so a recovery may run it again. */
export function rollback(wfs: WriteFs, entries: readonly JournalEntry[]): void {
  let first: unknown;
  for (const e of [...entries].reverse()) {
    try {
      if (e.delta) rollbackDelta(wfs, e, e.delta);
      else rollbackFolder(wfs, e);
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

function rollbackFolder(wfs: WriteFs, e: JournalEntry): void {
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
}

/**
 * Every new file that was moved in goes back to staging, the folders made
 * for them go, the folders deleted come back, and every previous file that
 * was moved aside comes back. All previous files are moved aside before any
 * new one is moved in, so a new file in place means its previous one (if
 * any) is in `old`.
 */
function rollbackDelta(wfs: WriteFs, e: JournalEntry, d: Delta): void {
  for (const rel of [...d.add, ...d.replace].reverse()) {
    const target = path.join(e.target, rel);
    if (!exists(wfs, path.join(e.staged, rel)) && exists(wfs, target)) wfs.renameSync(target, path.join(e.staged, rel));
  }
  for (const dir of [...d.mkdirs].reverse()) {
    try {
      wfs.rmdirSync(path.join(e.target, dir));
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') throw err;
    }
  }
  for (const dir of [...d.rmdirs].reverse()) {
    if (!exists(wfs, path.join(e.target, dir))) wfs.mkdirSync(path.join(e.target, dir));
  }
  for (const rel of [...d.replace, ...d.remove].reverse()) {
    const aside = path.join(e.old, rel);
    if (exists(wfs, aside)) wfs.renameSync(aside, path.join(e.target, rel));
  }
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
export function recoverOutput(outdir: string, wfs: WriteFs = writeFs()): string[] {
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
    // names from the file are used only when they are single, plain path segments (as the App validates them),
    // and a delta's paths only when each is a plain relative path: a journal that says otherwise is not one of ours
    if (journal && (!SEGMENT.test(String(journal.app)) || !Array.isArray(journal.environments))) journal = undefined;
    // (`_delivery`, the folder of the GitOps tool's objects, is switched with the environments)
    const entries = (journal?.environments ?? []).filter((e) => SEGMENT.test(String(e.name)) || e.name === DELIVERY_UNIT)
      .map((e) => {
        const delta = e.delta === undefined ? undefined : deltaFromJournal(e.delta);
        return e.delta !== undefined && !delta ? undefined : entryFor(wfs, root, name, journal!.app, e.name, e.hadOld === true, delta);
      });
    const valid = entries.filter((x): x is JournalEntry => x !== undefined);
    const envs = valid.map((x) => x.environment).join(', ');
    if (journal?.state === 'switching') {
      try {
        if (valid.length !== entries.length) throw Object.assign(new Error('the journal lists a path outside its folder'), { code: 'EINVAL' });
        rollback(wfs, valid);
        wfs.rmSync(journalPath, { force: true }); // rolled back: a crash from here on only leaves folders to delete
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new OutputError('recover the interrupted synth recorded in', journalPath, err?.code, 'unknown', journal.app,
          valid.map((x) => x.environment), `${describeCode(err?.code, err?.message ?? String(e))} while rolling it back`, journalPath);
      }
      done.push(`rolled back the interrupted synth of app '${journal.app}' (${envs}): its previous output is back`);
    } else if (journal?.state === 'committed') {
      done.push(`finished the interrupted synth of app '${journal.app}' (${envs}): its new output stays`);
    } else {
      done.push(`deleted the unfinished staging folder ${name}`);
    }
    for (const e of valid) rmQuiet(wfs, path.dirname(e.staged));
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
