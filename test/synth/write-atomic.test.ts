import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WebService } from 'libk8s';
import { OutputError, recoverOutput, setWriteFs } from '../../lib/synth/write';
import { newApp } from '../support/apps';
import { dyingAfter, dyingFs } from '../support/fault-fs';

const ENVS = ['dev', 'prod'];

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-atomic-')));
}

/** Every file under a folder, relative path to content; {} when it does not exist. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The old program: two services. */
function oldProgram(outdir: string) {
  const app = newApp({ outdir });
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2', route: { path: '/' } });
  new WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:0.9.0' });
  return app;
}

/** The new program: another image, catalog gone, a new service. */
function newProgram(outdir: string) {
  const app = newApp({ outdir });
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.3', route: { path: '/' } });
  new WebService(app, 'search', { image: 'ghcr.io/acme/search:2.0.0' });
  return app;
}

/** What each program writes to <env>/shop, per environment. */
const expected = (() => {
  const a = tmp();
  const b = tmp();
  oldProgram(a).synth();
  newProgram(b).synth();
  return Object.fromEntries(ENVS.map((e) => [e, { old: readTree(path.join(a, e, 'shop')), new: readTree(path.join(b, e, 'shop')) }]));
})();

/** 'old' or 'new' per environment ('mixed' when a folder is neither). */
function stateOf(out: string): string[] {
  return ENVS.map((e) => {
    const t = readTree(path.join(out, e, 'shop'));
    const x = expected[e];
    return JSON.stringify(t) === JSON.stringify(x.old) ? 'old' : JSON.stringify(t) === JSON.stringify(x.new) ? 'new' : `mixed(${e})`;
  });
}

/** Staging folders anywhere in the outdir (its root and each environment folder). */
function stagingLeft(out: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(out)) {
    if (name.startsWith('.libk8s-staging-') || name.startsWith('.staging-')) found.push(name);
    const p = path.join(out, name);
    if (fs.statSync(p).isDirectory()) for (const inner of fs.readdirSync(p)) if (inner.startsWith('.libk8s-staging-')) found.push(`${name}/${inner}`);
  }
  return found;
}

function errno(code: string, syscall: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall} '${p}'`), { code, syscall, path: p, errno: -1 });
}

function synthError(fn: () => unknown): OutputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OutputError) return e;
    throw e;
  }
  throw new Error('expected an OutputError');
}

afterEach(() => setWriteFs());

describe('the write is all-or-nothing across environments', () => {
  test.each(['EXDEV', 'EPERM'])('%s on the second environment\'s rename leaves every environment old, says so, and leaves no staging folder', (code) => {
    const out = tmp();
    oldProgram(out).synth();
    const renames: string[] = [];
    setWriteFs({
      ...fs,
      renameSync(from: fs.PathLike, to: fs.PathLike) {
        renames.push(`${path.relative(out, String(from))} -> ${path.relative(out, String(to))}`);
        if (String(to) === path.join(out, 'prod', 'shop') && String(from).endsWith(`${path.sep}new`)) throw errno(code, 'rename', String(from));
        fs.renameSync(from, to);
      },
    });
    const e = synthError(() => newProgram(out).synth());
    expect(e.code).toBe(code);
    expect(e.change).toBe('unchanged');
    expect(e.message).toMatch(new RegExp(`^cannot move in the new output ${out}/prod/shop: .* \\(${code}\\); the output of app 'shop' is unchanged \\(every environment holds the previous synth\\)$`));
    expect(stateOf(out)).toEqual(['old', 'old']);
    expect(stagingLeft(out)).toEqual([]);
    // dev had been switched already, and was switched back
    expect(renames.filter((r) => r.startsWith('dev/shop ->') || r.endsWith('-> dev/shop')).length).toBeGreaterThanOrEqual(3);
  });

  test('ENOSPC while staging, EROFS for the output folder: nothing changes, one readable line', () => {
    const out = tmp();
    oldProgram(out).synth();
    let writes = 0;
    setWriteFs({
      ...fs,
      writeFileSync(file: any, data: any, options?: any) {
        if (++writes === 5) throw errno('ENOSPC', 'write', String(file));
        fs.writeFileSync(file, data, options);
      },
    });
    const e = synthError(() => newProgram(out).synth());
    expect(e.message).toMatch(/^cannot write the staging folder .*\/dev\/\.libk8s-staging-\d+-[0-9a-f]+\/new: the disk is full \(ENOSPC\); the output of app 'shop' is unchanged/);
    expect(e.message).not.toContain('\n');
    expect(stateOf(out)).toEqual(['old', 'old']);
    expect(stagingLeft(out)).toEqual([]);

    const fresh = path.join(tmp(), 'out');
    setWriteFs({ ...fs, mkdirSync(p: any, o?: any) { if (String(p) === fresh) throw errno('EROFS', 'mkdir', String(p)); return fs.mkdirSync(p, o); } });
    expect(synthError(() => newProgram(fresh).synth()).message).toBe(
      `cannot create the output folder ${fresh}: the file system is read-only (EROFS); the output of app 'shop' is unchanged (every environment holds the previous synth)`,
    );
  });

  test('an output path that is a file is a readable error, not a stack', () => {
    const dir = tmp();
    const file = path.join(dir, 'dist');
    fs.writeFileSync(file, 'not a folder');
    const e = synthError(() => newProgram(file).synth());
    expect(['EEXIST', 'ENOTDIR']).toContain(e.code);
    expect(e.message).toMatch(/^cannot create the output folder .*\/dist: (a file is in the way|a part of the path is a file, not a folder) \(E[A-Z]+\); the output of app 'shop' is unchanged/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  test('a symlinked <outdir>/<env> is staged in its real parent and stays a symlink', () => {
    const out = tmp();
    const elsewhere = tmp();
    fs.symlinkSync(elsewhere, path.join(out, 'prod'));
    oldProgram(out).synth();
    const mkdirs: string[] = [];
    setWriteFs({ ...fs, mkdirSync(p: any, o?: any) { mkdirs.push(String(p)); return fs.mkdirSync(p, o); } });
    newProgram(out).synth();
    expect(mkdirs.some((d) => /^.*\/\.libk8s-staging-[^/]+$/.test(d) && path.dirname(d) === elsewhere)).toBe(true);
    expect(fs.lstatSync(path.join(out, 'prod')).isSymbolicLink()).toBe(true);
    expect(stateOf(out)).toEqual(['new', 'new']);
    expect(readTree(path.join(elsewhere, 'shop'))).toEqual(expected.prod.new);
    expect(fs.readdirSync(elsewhere)).toEqual(['shop']);
  });

  test('staging folders carry a .gitignore of *, so git never commits one', () => {
    const out = tmp();
    oldProgram(out).synth();
    if (spawnSync('git', ['init', '-q', out]).status !== 0) return; // no git here
    // stop the process right after the journal, with every staging folder full
    setWriteFs(dyingAfter((key, a) => key === 'renameSync' && String(a[1]).endsWith('journal.json')));
    expect(() => newProgram(out).synth()).toThrow(OutputError);
    setWriteFs();
    expect(stagingLeft(out).length).toBeGreaterThanOrEqual(3);
    const status = spawnSync('git', ['-C', out, 'status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' }).stdout;
    expect(status).not.toContain('staging');
    expect(status).toContain('dev/shop/storefront.yaml');
    expect(recoverOutput(out)).toEqual([expect.stringMatching(/^rolled back the interrupted synth of app 'shop' \(dev, prod\)/)]);
    expect(stagingLeft(out)).toEqual([]);
  });

  test('the staging folder of a synth that still runs (its process is alive) is left alone', () => {
    const out = tmp();
    oldProgram(out).synth();
    const other = path.join(out, `.libk8s-staging-${process.ppid}-abcd1234`);
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'journal.json'), '{"version":1,"app":"shop","state":"switching","entries":[]}');
    const dead = path.join(out, 'dev', '.libk8s-staging-999999999-abcd1234');
    fs.mkdirSync(dead);
    expect(recoverOutput(out)).toEqual([]);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.existsSync(dead)).toBe(false);
  });
});

describe('a crash at any point of the write is recovered by the next synth', () => {
  test('an injected crash between the renames, then a new synth: entirely old, then entirely new, no staging left', () => {
    const out = tmp();
    oldProgram(out).synth();
    // dev switched (its two renames after the journal's), prod not: then the process "dies"
    let renames = 0;
    setWriteFs(dyingAfter((key) => key === 'renameSync' && ++renames === 3));
    const e = synthError(() => newProgram(out).synth());
    setWriteFs();
    expect(e.change).toBe('unknown');
    expect(e.message).toMatch(/^cannot move aside the previous output .*\/prod\/shop: simulated crash; the output of app 'shop' may be mixed; the next synth into this folder restores it from .*\/\.libk8s-staging-\d+-[0-9a-f]+\/journal\.json$/);
    expect(stateOf(out)).toEqual(['new', 'old']); // what a crash leaves: mixed, plus staging and a journal
    expect(stagingLeft(out).length).toBe(3);
    // recovery (at the start of the next synth) rolls back to entirely old; this synth then writes the new program
    const recovered = tmp();
    fs.cpSync(out, recovered, { recursive: true });
    expect(recoverOutput(recovered)).toEqual(["rolled back the interrupted synth of app 'shop' (dev, prod): its previous output is back"]);
    expect(stateOf(recovered)).toEqual(['old', 'old']);
    expect(stagingLeft(recovered)).toEqual([]);
    newProgram(out).synth();
    expect(stateOf(out)).toEqual(['new', 'new']);
    expect(stagingLeft(out)).toEqual([]);
  });

  test('at every single file-system change of a synth (and of a recovery), the output recovers to entirely old or entirely new', () => {
    const out0 = tmp();
    oldProgram(out0).synth();
    // how many changes a clean write makes
    const counter = { n: 0 };
    const probe = tmp();
    fs.cpSync(out0, probe, { recursive: true });
    setWriteFs(dyingFs(Number.MAX_SAFE_INTEGER, counter));
    newProgram(probe).synth();
    setWriteFs();
    const total = counter.n;
    // a file per construct (the default layout): 35 or so changes in all, each of which the loop below crashes at
    expect(total).toBeGreaterThan(25);
    const outcomes = new Map<string, number>();
    for (let at = 1; at <= total; at++) {
      const out = tmp();
      fs.cpSync(out0, out, { recursive: true });
      setWriteFs(dyingFs(at, { n: 0 }));
      let threw = false;
      let claim: string | undefined;
      try { newProgram(out).synth(); } catch (e) { threw = true; claim = e instanceof OutputError ? e.change : String(e); }
      setWriteFs();
      const crashed = stateOf(out).join();
      // what the error says is true: 'unchanged' only when every environment is still old; no error only when all are new
      if (claim === 'unchanged') expect({ at, crashed }).toEqual({ at, crashed: 'old,old' });
      else if (!threw) expect({ at, crashed }).toEqual({ at, crashed: 'new,new' });
      else expect({ at, claim }).toEqual({ at, claim: 'unknown' });
      // a recovery that itself crashes at its first change, then a clean one
      const c2 = { n: 0 };
      setWriteFs(dyingFs(1, c2));
      try { recoverOutput(out); } catch { /* died */ }
      setWriteFs();
      recoverOutput(out);
      const state = stateOf(out);
      expect({ at, threw, crashed, state: state.join(), left: stagingLeft(out) }).toEqual({
        at, threw, crashed, state: expect.stringMatching(/^(old,old|new,new)$/), left: [],
      });
      outcomes.set(state.join(), (outcomes.get(state.join()) ?? 0) + 1);
    }
    // both ends are reached: crashes before the commit mark roll back, after it roll forward
    expect([...outcomes.keys()].sort()).toEqual(['new,new', 'old,old']);
  });
});
