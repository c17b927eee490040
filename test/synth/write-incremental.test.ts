import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Env, runSynthSession, WebService } from 'libk8s';
import type { CapturedSynth, SynthWrite, WriteRecordingSession } from '../../lib/synth/session';
import { OutputError, recoverOutput, setWriteFs, writeEnvironments } from '../../lib/synth/write';
import { newApp } from '../support/apps';
import { dyingAfter, dyingFs, recordingFs } from '../support/fault-fs';

/**
 * The incremental write: a re-synth compares the output on disk with the
 * new one byte for byte and writes only what differs, with the same
 * all-or-nothing guarantee as a whole-folder write.
 */
const ENVS = ['dev', 'prod'];
const N = 10;

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-incr-')));
}

interface Variant {
  /** The service whose image is bumped. */
  readonly bump?: number;
  /** The service left out. */
  readonly drop?: number;
  /** One more service, `extra`. */
  readonly add?: boolean;
}

/** N WebServices (each 7 objects plus its folder) in two environments, a file per object (the layout whose per-file writes these tests count). */
function program(outdir: string, v: Variant = {}): App {
  const app = newApp({ outdir, outputLayout: 'object' });
  for (let i = 0; i < N; i++) {
    if (i === v.drop) continue;
    new WebService(app, `svc-${i}`, {
      image: `ghcr.io/acme/svc-${i}:1.${i === v.bump ? 9 : 0}.0`,
      route: { path: `/svc-${i}` },
      env: { DB_PASSWORD: Env.secret(`svc-${i}-db`, 'password') },
      config: { files: { 'app.yaml': `name: svc-${i}\n` } },
    });
  }
  if (v.add) new WebService(app, 'extra', { image: 'ghcr.io/acme/extra:1.0.0' });
  return app;
}

/** Synthesizes, recording what the write did. */
function synth(app: App): SynthWrite {
  const session: WriteRecordingSession = { results: [], writes: [] };
  runSynthSession(session, () => app.synth());
  expect(session.writes).toHaveLength(1);
  return session.writes![0];
}

/** Every file under a folder, relative path to content, and every folder (`<path>/`, so an empty one left over shows); {} when it does not exist. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const p = path.join(dir, rel);
    if (fs.lstatSync(p).isDirectory()) out[`${rel}/`] = '';
    else out[rel] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

/** The files of a tree (without its folders). */
function filesOf(tree: Record<string, string>): string[] {
  return Object.keys(tree).filter((f) => !f.endsWith('/'));
}

/** Every entry under a folder with its inode and mtime (a file rewritten with the same bytes gets a new inode or mtime). */
function stamps(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const s = fs.lstatSync(path.join(dir, rel), { bigint: true });
    out[rel] = `${s.ino}:${s.mtimeNs}`;
  }
  return out;
}

/** What a fresh synth of `v` writes, per environment. */
function fresh(v: Variant): Record<string, Record<string, string>> {
  const out = tmp();
  program(out, v).synth();
  return Object.fromEntries(ENVS.map((e) => [e, readTree(path.join(out, e, 'shop'))]));
}

function stateOf(out: string, a: Record<string, Record<string, string>>, b: Record<string, Record<string, string>>): string {
  return ENVS.map((e) => {
    const t = JSON.stringify(readTree(path.join(out, e, 'shop')));
    return t === JSON.stringify(a[e]) ? 'old' : t === JSON.stringify(b[e]) ? 'new' : `mixed(${e})`;
  }).join(',');
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

afterEach(() => setWriteFs());

describe('a re-synth writes only what changed', () => {
  test('the same program again changes nothing on disk: no file-system call that writes, every inode and mtime as before, and it says so', () => {
    const out = tmp();
    expect(synth(program(out)).units.map((u) => u.mode)).toEqual(['folder', 'folder']);
    const before = stamps(out);
    const calls: string[] = [];
    setWriteFs(recordingFs(calls));
    const w = synth(program(out));
    expect(calls).toEqual([]);
    const files = filesOf(fresh({}).prod).length;
    expect(files).toBeGreaterThan(6 * N);
    expect(w.units).toEqual(ENVS.map((name) => ({ name, mode: 'unchanged', written: 0, removed: 0, unchanged: files })));
    expect(stamps(out)).toEqual(before);
  });

  test('one changed service among 10 writes only its changed files (plus the journal and the staging folders\' .gitignore); every other file keeps its inode', () => {
    const out = tmp();
    program(out).synth();
    const before = stamps(out);
    const old = fresh({});
    const next = fresh({ bump: 3 });
    const changed = ENVS.flatMap((e) => filesOf(next[e]).filter((f) => next[e][f] !== old[e][f]).map((f) => `${e}/shop/${f}`)).sort();
    // the image and the version label: the service's objects that carry either, never the kustomization
    expect(changed.length).toBeGreaterThan(2);
    expect(changed.every((f) => /^(dev|prod)\/shop\/svc-3\//.test(f))).toBe(true);

    const calls: string[] = [];
    setWriteFs(recordingFs(calls));
    const w = synth(program(out, { bump: 3 }));
    setWriteFs();
    const perEnv = changed.length / 2;
    const files = filesOf(next.prod).length;
    expect(w.units).toEqual(ENVS.map((name) => ({ name, mode: 'delta', written: perEnv, removed: 0, unchanged: files - perEnv })));
    const writes = calls.filter((c) => c.startsWith('writeFileSync ')).map((c) => c.slice('writeFileSync '.length));
    // the journal, by its file descriptor: twice (switching, then committed)
    expect(writes.filter((f) => f === 'fd')).toHaveLength(2);
    const written = writes.filter((f) => f !== 'fd').map((f) => path.relative(out, f));
    const outputFiles = written.filter((f) => /\/new\//.test(f)).map((f) => f.replace(/\.libk8s-staging-[^/]+\/new/, 'shop')).sort();
    expect(outputFiles).toEqual(changed);
    // the rest: a .gitignore in each staging folder (the outdir's, each environment's)
    expect(written.filter((f) => !/\/new\//.test(f)).map((f) => f.replace(/\.libk8s-staging-[^/]+/, 'STAGING')))
      .toEqual(['STAGING/.gitignore', 'dev/STAGING/.gitignore', 'prod/STAGING/.gitignore']);
    // the folders: one staging folder per environment with new/ and old/ and svc-3 in each; none in the output itself
    expect(calls.filter((c) => c.startsWith('mkdirSync ') && !c.includes('.libk8s-staging-')).map((c) => path.relative(out, c.slice(10)))).toEqual(['']);

    const after = stamps(out);
    for (const [rel, stamp] of Object.entries(before)) {
      if (changed.includes(rel)) expect({ rel, same: after[rel] === stamp }).toEqual({ rel, same: false });
      else if (!rel.endsWith('svc-3') && rel !== 'dev' && rel !== 'prod' && !rel.endsWith('/shop')) expect({ rel, stamp: after[rel] }).toEqual({ rel, stamp });
    }
    expect(Object.fromEntries(ENVS.map((e) => [e, readTree(path.join(out, e, 'shop'))]))).toEqual(next);
    expect(stagingLeft(out)).toEqual([]);
  });

  test('a removed service\'s files and folder go, an added one\'s come, files edited or added by hand are put right: the output equals a fresh synth', () => {
    const out = tmp();
    program(out).synth();
    fs.appendFileSync(path.join(out, 'prod', 'shop', 'svc-5', 'deployment.yaml'), '# edited by hand\n');
    fs.writeFileSync(path.join(out, 'prod', 'shop', 'svc-5', 'notes.txt'), 'mine\n');
    fs.mkdirSync(path.join(out, 'dev', 'shop', 'empty', 'deeper'), { recursive: true });
    const before = Object.fromEntries(ENVS.map((e) => [e, readTree(path.join(out, e, 'shop'))]));
    const w = synth(program(out, { drop: 2, add: true }));
    const expected = fresh({ drop: 2, add: true });
    // written: extra's files, the kustomization (it lists them) and the file edited by hand; removed: svc-2's files and notes.txt
    const counts = (e: string) => ({
      written: filesOf(expected[e]).filter((f) => before[e][f] !== expected[e][f]).length,
      removed: filesOf(before[e]).filter((f) => !(f in expected[e])).length,
    });
    expect(counts('prod').removed).toBe(counts('dev').removed + 1);
    expect(counts('prod').written).toBe(counts('dev').written + 1);
    expect(w.units).toEqual(ENVS.map((name) => ({ name, mode: 'delta', ...counts(name), unchanged: filesOf(expected[name]).length - counts(name).written })));
    expect(Object.fromEntries(ENVS.map((e) => [e, readTree(path.join(out, e, 'shop'))]))).toEqual(expected);
    for (const e of ENVS) {
      expect(fs.existsSync(path.join(out, e, 'shop', 'svc-2'))).toBe(false);
    }
    expect(stagingLeft(out)).toEqual([]);
  });

  test('where a new file\'s path is a folder on disk, the whole folder is written instead; where a new folder\'s path is a file, the file goes first', () => {
    const out = tmp();
    const [dev] = newApp().render({ environments: ['dev'] });
    const base = ['k1', 'k2', 'k3', 'k4', 'k5'].map((k): [string, string] => [`${k}.yaml`, `${k}: 1\n`]);
    const write = (files: [string, string][]) => writeEnvironments(out, 'shop', [{ r: dev, files: new Map([...base, ...files]) }]).units;
    write([['a/b.yaml', 'x: 1\n']]);
    expect(write([['a', 'x: 2\n'], ['d/e/f.yaml', 'z: 1\n']])).toEqual([{ name: 'dev', mode: 'folder', written: 7, removed: 1, unchanged: 0 }]);
    expect(readTree(path.join(out, 'dev', 'shop'))).toEqual(Object.fromEntries([...base, ['a', 'x: 2\n'], ['d/', ''], ['d/e/', ''], ['d/e/f.yaml', 'z: 1\n']]));
    expect(write([['a/b.yaml', 'x: 1\n'], ['d/e/f.yaml', 'z: 1\n']])).toEqual([{ name: 'dev', mode: 'delta', written: 1, removed: 1, unchanged: 6 }]);
    expect(readTree(path.join(out, 'dev', 'shop'))).toEqual(Object.fromEntries([...base, ['a/', ''], ['a/b.yaml', 'x: 1\n'], ['d/', ''], ['d/e/', ''], ['d/e/f.yaml', 'z: 1\n']]));
    expect(write([['a/b.yaml', 'x: 1\n']])).toEqual([{ name: 'dev', mode: 'delta', written: 0, removed: 1, unchanged: 6 }]);
    expect(fs.readdirSync(path.join(out, 'dev', 'shop')).sort()).toEqual(['a', 'k1.yaml', 'k2.yaml', 'k3.yaml', 'k4.yaml', 'k5.yaml']);
  });
});

describe('the incremental write keeps the all-or-nothing guarantee', () => {
  const OLD: Variant = {};
  const NEW: Variant = { bump: 1, drop: 4, add: true };

  test('EXDEV on moving in a new file of the second environment leaves every environment old, says so, and leaves no staging folder', () => {
    const out = tmp();
    program(out, OLD).synth();
    const old = fresh(OLD);
    setWriteFs({
      ...fs,
      renameSync(from: fs.PathLike, to: fs.PathLike) {
        if (String(to) === path.join(out, 'prod', 'shop', 'extra', 'deployment.yaml')) {
          throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV', syscall: 'rename', path: String(from) });
        }
        fs.renameSync(from, to);
      },
    });
    let e: unknown;
    try { program(out, NEW).synth(); } catch (err) { e = err; }
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).message).toBe(`cannot move in the new output ${out}/prod/shop/extra/deployment.yaml: the rename would cross file systems (EXDEV); the output of app 'shop' is unchanged (every environment holds the previous synth)`);
    expect(stateOf(out, old, fresh(NEW))).toBe('old,old');
    expect(fs.existsSync(path.join(out, 'prod', 'shop', 'extra'))).toBe(false);
    expect(stagingLeft(out)).toEqual([]);
  });

  test('at every single file-system change of a delta write (and of a recovery that dies too), the output recovers to entirely old or entirely new', () => {
    const out0 = tmp();
    program(out0, OLD).synth();
    const old = fresh(OLD);
    const next = fresh(NEW);
    // NEW's files, rendered and serialized once (a dry run), then written by the write itself at every crash point
    const session = { results: [], dryRun: true, captured: [] as CapturedSynth[] };
    runSynthSession(session, () => program(out0, NEW).synth());
    const [captured] = session.captured;
    const units = captured.rendered.map((r) => ({ r, files: captured.files.get(r.environment.name)! }));
    const counter = { n: 0 };
    const probe = tmp();
    fs.cpSync(out0, probe, { recursive: true });
    setWriteFs(dyingFs(Number.MAX_SAFE_INTEGER, counter));
    expect(writeEnvironments(probe, 'shop', units).units.map((u) => u.mode)).toEqual(['delta', 'delta']);
    setWriteFs();
    expect(stateOf(probe, old, next)).toBe('new,new');
    const total = counter.n;
    expect(total).toBeGreaterThan(40);
    const outcomes = new Map<string, number>();
    for (let at = 1; at <= total; at++) {
      const out = tmp();
      fs.cpSync(out0, out, { recursive: true });
      setWriteFs(dyingFs(at, { n: 0 }));
      let threw = false;
      let claim: string | undefined;
      try { writeEnvironments(out, 'shop', units); } catch (e) { threw = true; claim = e instanceof OutputError ? e.change : String(e); }
      setWriteFs();
      const crashed = stateOf(out, old, next);
      // what the error says is true: 'unchanged' only when every environment is still old; no error only when all are new
      if (claim === 'unchanged') expect({ at, crashed }).toEqual({ at, crashed: 'old,old' });
      else if (!threw) expect({ at, crashed }).toEqual({ at, crashed: 'new,new' });
      else expect({ at, claim }).toEqual({ at, claim: 'unknown' });
      setWriteFs(dyingFs(1, { n: 0 }));
      try { recoverOutput(out); } catch { /* died */ }
      setWriteFs();
      recoverOutput(out);
      const state = stateOf(out, old, next);
      expect({ at, threw, crashed, state, left: stagingLeft(out) }).toEqual({ at, threw, crashed, state: expect.stringMatching(/^(old,old|new,new)$/), left: [] });
      outcomes.set(state, (outcomes.get(state) ?? 0) + 1);
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect([...outcomes.keys()].sort()).toEqual(['new,new', 'old,old']);
  }, 120_000);

  /** Synthesizes NEW into a copy of OLD's output and stops the process right after the journal (state switching) is in place. */
  function crashAfterJournal(): string {
    const out = tmp();
    program(out, OLD).synth();
    setWriteFs(dyingAfter((key, a) => key === 'renameSync' && String(a[1]).endsWith('journal.json')));
    expect(() => program(out, NEW).synth()).toThrow(OutputError);
    setWriteFs();
    return out;
  }

  function journalOf(out: string): string {
    const main = fs.readdirSync(out).find((f) => f.startsWith('.libk8s-staging-'))!;
    return path.join(out, main, 'journal.json');
  }

  test('a journal whose delta names a path outside its folder is refused: the recovery changes nothing and says where the journal is', () => {
    const out = crashAfterJournal();
    const file = journalOf(out);
    const journal = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(journal).toMatchObject({ version: 2, state: 'switching', environments: [{ name: 'dev', delta: expect.any(Object) }, { name: 'prod' }] });
    journal.environments[0].delta.remove.push('../../../victim');
    fs.writeFileSync(file, JSON.stringify(journal));
    const victim = path.join(out, '..', 'victim');
    expect(() => recoverOutput(out)).toThrow(/^cannot recover the interrupted synth recorded in .*journal\.json: the journal lists a path outside its folder while rolling it back/);
    expect(fs.existsSync(victim)).toBe(false);
    expect(stateOf(out, fresh(OLD), fresh(NEW))).toBe('old,old');
  });

  test('a journal of an older libk8s (version 1, whole folders only) is still rolled back', () => {
    const out = tmp();
    program(out, OLD).synth();
    // a change to most files of each environment: switched as whole folders, as version 1 did
    let renames = 0;
    setWriteFs(dyingAfter((key) => key === 'renameSync' && ++renames === 3));
    const all = newApp({ outdir: out, outputLayout: 'object' });
    for (let i = 0; i < N; i++) new WebService(all, `svc-${i}`, { image: `ghcr.io/acme/svc-${i}:2.0.0`, route: { path: `/svc-${i}` } });
    expect(() => all.synth()).toThrow(OutputError);
    setWriteFs();
    const file = journalOf(out);
    const journal = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(journal.environments.every((e: any) => e.delta === undefined)).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...journal, version: 1 }));
    expect(recoverOutput(out)).toEqual(["rolled back the interrupted synth of app 'shop' (dev, prod): its previous output is back"]);
    expect(stateOf(out, fresh(OLD), fresh(NEW))).toBe('old,old');
    expect(stagingLeft(out)).toEqual([]);
  });
});

describe('libk8s synth says what it wrote', () => {
  const BIN = path.resolve(__dirname, '..', '..', 'bin', 'libk8s.js');
  const PROGRAM = path.join(__dirname, 'fixtures', 'small-program.ts');
  const synthCli = (out: string, image?: string) => {
    const r = spawnSync(process.execPath, [BIN, 'synth', PROGRAM, '--out', out], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...(image ? { LIBK8S_TEST_IMAGE: image } : {}) },
    });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return r.stdout.trim().split('\n');
  };

  test('a first synth, then the same again ("nothing changed", no file written), then one image changed (only its files)', () => {
    const out = tmp();
    const first = synthCli(out);
    expect(first[0]).toMatch(/^shop dev: \d+ objects, (\d+) files, [\d.]+ KiB -> .*dev\/shop \(\d+ ms\)$/);
    expect(first[2]).toMatch(/^synthesized in \d+\.\d\d s$/);
    const files = Number(/(\d+) files/.exec(first[0])![1]);
    const before = stamps(out);

    const again = synthCli(out);
    expect(again[0]).toMatch(new RegExp(`^shop dev: \\d+ objects, ${files} files, [\\d.]+ KiB -> .*dev/shop \\(\\d+ ms\\): nothing changed$`));
    expect(again[1]).toMatch(/^shop prod: .*\): nothing changed$/);
    expect(again[2]).toMatch(/^synthesized in \d+\.\d\d s; nothing changed, no file written$/);
    expect(stamps(out)).toEqual(before);

    const changed = synthCli(out, 'ghcr.io/acme/storefront:1.4.3');
    const line = /^shop prod: .*\): (\d+) files? written, (\d+) unchanged$/.exec(changed[1]);
    expect(line).not.toBeNull();
    const written = Number(line![1]);
    expect(written + Number(line![2])).toBe(files);
    expect(written).toBeLessThan(files / 2);
    expect(changed[2]).toMatch(/^synthesized in \d+\.\d\d s$/);
    // what it says is what happened: exactly that many files of prod/shop have another inode or mtime, all of them the storefront's (storefront.yaml in the default layout)
    const after = stamps(out);
    const touched = Object.keys(after).filter((rel) => rel.startsWith('prod/shop/') && before[rel] !== after[rel] && fs.statSync(path.join(out, rel)).isFile());
    expect(touched.length).toBe(written);
    expect(touched.every((rel) => rel === 'prod/shop/storefront.yaml' || rel.startsWith('prod/shop/storefront/'))).toBe(true);
  }, 60_000);
});
