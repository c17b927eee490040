import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { recoverOutput } from '../../lib/synth/write';
import { buildBig, Variant } from './fixtures/big-program';

/**
 * A real `kill -9` at a random point of a big synth, again and again into
 * the same outdir: after each kill, recovery leaves every environment either
 * entirely the previous program's output or entirely the new one's (the
 * same for all environments), and no staging folder.
 */
const N = 200; // services: 2 environments × (8 objects + 1) files each ≈ 3,600 files per synth
const ITERATIONS = 8;
const SLOW_SWITCH_MS = 120; // a busy wait after each rename, so kills land in the switch too
const CHILD = path.join(__dirname, 'fixtures', 'big-synth.ts');
const ENVS = ['dev', 'prod'];
/** tmpfs when there is one: the test is about kill points, not the disk's speed (the renames are the same). */
const TMP = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();

/** mulberry32: a fixed seed, so the kill points are the same every run (up to the machine's speed). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A digest of a folder: every file's relative path and content. */
function digest(dir: string): string {
  const h = createHash('sha1');
  if (!fs.existsSync(dir)) return 'missing';
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  for (const f of files.sort()) h.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return `${files.length}:${h.digest('hex')}`;
}

function stagingLeft(out: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(out)) {
    if (name.startsWith('.libk8s-staging-')) found.push(name);
    const p = path.join(out, name);
    if (fs.statSync(p).isDirectory()) for (const inner of fs.readdirSync(p)) if (inner.startsWith('.libk8s-staging-')) found.push(`${name}/${inner}`);
  }
  return found;
}

interface Run { readonly renames: number; readonly done: boolean; readonly millis: number; /** ms after the synth started, of each rename */ readonly renameAt: readonly number[] }

/** When to kill: `ms` after the child starts its synth, or `ms` after its rename number `rename`. */
type Kill = { readonly ms: number; readonly rename?: number };

/** Runs the child; kills it with SIGKILL at `kill` (never when undefined). */
function runChild(variant: Variant, out: string, kill?: Kill, slowMs = SLOW_SWITCH_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(N), variant, out, String(slowMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = 0;
    const renameAt: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      for (let k = (text.match(/^RENAME /gm) ?? []).length; k > 0; k--) {
        renameAt.push(Date.now() - started);
        if (kill?.rename === renameAt.length) setTimeout(() => child.kill('SIGKILL'), kill.ms);
      }
      stdout += text;
      if (!started && stdout.includes('SYNTH_START\n')) {
        started = Date.now();
        if (kill && kill.rename === undefined) setTimeout(() => child.kill('SIGKILL'), kill.ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const done = stdout.includes('SYNTH_DONE');
      if (!done && signal !== 'SIGKILL') reject(new Error(`the child failed (${code}): ${stderr}`));
      else resolve({ renames: (stdout.match(/^RENAME /gm) ?? []).length, done, millis: started ? Date.now() - started : 0, renameAt });
    });
  });
}

test(`kill -9 at random points of ${ITERATIONS} synths into one outdir: every environment is entirely old or entirely new, and no staging folder is left`, async () => {
  const out = fs.mkdtempSync(path.join(TMP, 'libk8s-kill-'));
  // what each program writes, per environment (synthesized here, in-process)
  const expected: Record<'old' | 'new', string[]> = { old: [], new: [] };
  for (const v of ['old', 'new'] as const) {
    const dir = fs.mkdtempSync(path.join(TMP, `libk8s-kill-${v}-`));
    buildBig(N, v, dir).synth();
    expected[v] = ENVS.map((e) => digest(path.join(dir, e, 'big')));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(expected.old).not.toEqual(expected.new);
  const stateOf = (): string => {
    const got = ENVS.map((e) => digest(path.join(out, e, 'big')));
    const per = ENVS.map((_, i) => (got[i] === expected.old[i] ? 'old' : got[i] === expected.new[i] ? 'new' : 'mixed'));
    return per.join(',');
  };

  // the old program's output is in place; an uninterrupted child run of the new one, timed
  buildBig(N, 'old', out).synth();
  const full = await runChild('new', out);
  expect(full).toMatchObject({ done: true, renames: 6 }); // the journal, 2 per environment, the commit mark
  expect(stateOf()).toBe('new,new');
  let current: Variant = 'new';

  const rand = random(20261207);
  const seen: string[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const target: Variant = current === 'old' ? 'new' : 'old';
    // every other kill aims at the switch (a random time after one of its renames 1-5: the journal's, then 2 per environment),
    // the others at a random time of the whole synth
    const kill: Kill = i % 2 === 1
      ? { rename: 1 + Math.floor(rand() * 5), ms: Math.floor(rand() * SLOW_SWITCH_MS) }
      : { ms: Math.round(rand() * full.millis * 1.05) };
    const run = await runChild(target, out, kill);
    const recovered = recoverOutput(out);
    const state = stateOf();
    seen.push(`kill ${kill.rename ? `${kill.ms} ms after rename ${kill.rename}` : `at ${kill.ms} ms of ${full.millis}`}: ${run.done ? 'finished' : `${run.renames} renames`} -> ${state}${recovered.length ? ` (${recovered.join('; ')})` : ''}`);
    expect({ state, left: stagingLeft(out), history: seen }).toEqual({ state: expect.stringMatching(/^(old,old|new,new)$/), left: [], history: seen });
    current = state.startsWith('old') ? 'old' : 'new';
    // a kill before the journal's commit mark leaves the previous output; a finished synth the new one
    if (run.done) expect(current).toBe(target);
  }
  // some kills landed inside the switch, with some but not all renames done (a journal to roll back)
  expect(seen.filter((l) => /: [1-5] renames -> /.test(l)).length).toBeGreaterThan(0);
}, 120_000);

test(`kill -9 at random points of ${ITERATIONS} incremental synths (one service changed, its files switched one by one): every environment is entirely old or entirely new`, async () => {
  const out = fs.mkdtempSync(path.join(TMP, 'libk8s-kill-one-'));
  const slowMs = 30;
  const expected: Record<'old' | 'one', string[]> = { old: [], one: [] };
  for (const v of ['old', 'one'] as const) {
    const dir = fs.mkdtempSync(path.join(TMP, `libk8s-kill-${v}-`));
    buildBig(N, v, dir).synth();
    expected[v] = ENVS.map((e) => digest(path.join(dir, e, 'big')));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(expected.old).not.toEqual(expected.one);
  const stateOf = (): string => ENVS.map((e, i) => {
    const got = digest(path.join(out, e, 'big'));
    return got === expected.old[i] ? 'old' : got === expected.one[i] ? 'one' : 'mixed';
  }).join(',');

  buildBig(N, 'old', out).synth();
  const full = await runChild('one', out, undefined, slowMs);
  // the journal, each changed file of each environment aside and in (the service's objects; the kustomization is the same), the commit mark
  expect(full.done).toBe(true);
  expect((full.renames - 2) % 4).toBe(0);
  expect(full.renames).toBeGreaterThan(2 + 4 * 2);
  expect(full.renames).toBeLessThanOrEqual(2 + 4 * 10);
  expect(stateOf()).toBe('one,one');
  let current: 'old' | 'one' = 'one';

  const rand = random(20261208);
  const seen: string[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const target = current === 'old' ? 'one' : 'old';
    // every other kill aims at the switch (a random time after one of its renames but the last), the others at a random time of the whole synth
    const kill: Kill = i % 2 === 1
      ? { rename: 1 + Math.floor(rand() * (full.renames - 1)), ms: Math.floor(rand() * slowMs) }
      : { ms: Math.round(rand() * full.millis * 1.05) };
    const run = await runChild(target, out, kill, slowMs);
    const recovered = recoverOutput(out);
    const state = stateOf();
    seen.push(`kill ${kill.rename ? `${kill.ms} ms after rename ${kill.rename}` : `at ${kill.ms} ms of ${full.millis}`}: ${run.done ? 'finished' : `${run.renames} renames`} -> ${state}${recovered.length ? ` (${recovered.join('; ')})` : ''}`);
    expect({ state, left: stagingLeft(out), history: seen }).toEqual({ state: expect.stringMatching(/^(old,old|one,one)$/), left: [], history: seen });
    current = state.startsWith('old') ? 'old' : 'one';
    if (run.done) expect(current).toBe(target);
  }
  // some kills landed inside the switch, after some but not all of its renames
  expect(seen.filter((l) => new RegExp(`: ([1-9]|[1-9][0-9]) renames -> `).test(l) && !l.includes(`: ${full.renames} renames`)).length).toBeGreaterThan(0);
}, 120_000);
