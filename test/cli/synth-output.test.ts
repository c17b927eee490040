import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const FIXTURES = path.join(__dirname, 'fixtures');

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-cli-out-')));
}

/** `libk8s synth <fixture> ...` in a fresh node process. */
function synth(fixture: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'synth', path.join(FIXTURES, fixture), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under a folder, relative path to content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
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

const NO_STACK = /^\s+at /m;

describe('libk8s synth says truthfully what a failed write did', () => {
  const UNCHANGED = "the output of app 'shop' is unchanged (dev, prod hold the previous synth).";

  test.each([
    ['EROFS:mkdir', (out: string) => `libk8s synth: cannot create the output folder ${path.join(out, 'new')}: the file system is read-only (EROFS); ${UNCHANGED}`, 'new'],
    ['ENOSPC:write:4', (out: string) => new RegExp(`^libk8s synth: cannot write the staging folder ${out}/dev/\\.libk8s-staging-\\d+-[0-9a-f]+/new: the disk is full \\(ENOSPC\\); ${UNCHANGED.replace(/[().]/g, '\\$&')}$`), ''],
    ['EXDEV:rename:prod', (out: string) => `libk8s synth: cannot move in the new output ${out}/prod/shop: the rename would cross file systems (EXDEV); ${UNCHANGED}`, ''],
    ['EPERM:rename:prod', (out: string) => `libk8s synth: cannot move in the new output ${out}/prod/shop: the operation is not permitted (an immutable or protected file?) (EPERM); ${UNCHANGED}`, ''],
  ] as const)('%s: one line (what, which path, the output unchanged), exit 1, no stack, every environment as before', (fault, line, sub) => {
    const out = tmp();
    expect(synth('faulty.ts', ['--out', out]).code).toBe(0);
    const before = readTree(out);
    const target = sub ? path.join(out, sub) : out;
    const r = synth('faulty.ts', ['--out', target], { LIBK8S_TEST_FAULT: fault, LIBK8S_TEST_IMAGE: 'ghcr.io/acme/storefront:9.9.9' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const expected = line(out);
    if (typeof expected === 'string') expect(r.stderr).toBe(`${expected}\n`);
    else expect(r.stderr.trimEnd()).toMatch(expected);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stderr).not.toContain('Nothing was written');
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('an output path that is a file: one line, exit 1', () => {
    const file = path.join(tmp(), 'dist');
    fs.writeFileSync(file, 'x');
    const r = synth('valid.ts', ['--out', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^libk8s synth: cannot create the output folder .*\/dist: (a file is in the way \(EEXIST\)|a part of the path is a file, not a folder \(ENOTDIR\)); the output of app 'shop' is unchanged \(dev, prod hold the previous synth\)\.\n$/);
    const nested = synth('valid.ts', ['--out', path.join(file, 'sub')]);
    expect(nested.stderr).toMatch(/^libk8s synth: cannot create the output folder .*\/dist\/sub: a part of the path is a file, not a folder \(ENOTDIR\);/);
  });

  test('a crash between the renames: the next synth recovers from the journal and says so', () => {
    const out = tmp();
    expect(synth('faulty.ts', ['--out', out]).code).toBe(0);
    const before = readTree(out);
    // dev is switched (the journal's rename, then dev's two), then every call fails: the rollback too
    const r = synth('faulty.ts', ['--out', out], { LIBK8S_TEST_FAULT: 'crash:rename:3', LIBK8S_TEST_IMAGE: 'ghcr.io/acme/storefront:9.9.9' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^libk8s synth: cannot move aside the previous output ${out}/prod/shop: simulated crash; the output of app 'shop' may be mixed; the next libk8s synth into this folder restores it from ${out}/\\.libk8s-staging-\\d+-[0-9a-f]+/journal\\.json\\.\\n$`));
    expect(r.stderr).not.toContain('Nothing was written');
    // the next synth (of the old program) first rolls back, then writes
    const next = synth('faulty.ts', ['--out', out, '--quiet']);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(new RegExp(`^libk8s synth: ${out}: rolled back the interrupted synth of app 'shop' \\(dev, prod\\): its previous output is back\\.\\n$`));
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(fs.readdirSync(path.join(out, 'dev'))).toEqual(['shop']);
  });
});

describe('"Nothing was written" only when it is true', () => {
  test('a second App failing after the first one wrote: which app was written, which was not', () => {
    const out = tmp();
    const r = synth('two-apps.ts', ['--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('Nothing was written');
    expect(r.stderr).toContain("'image' \"ghcr.io/acme/blog:latest\" uses the mutable tag");
    expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      `Written before the failure: app 'shop' (dev, prod) in ${out}; that output is new.`,
      `Not written: app 'blog' (dev, prod) in ${out}; its previous output is unchanged.`,
    ]);
    expect(fs.readdirSync(path.join(out, 'prod'))).toEqual(['shop']);
  });

  test('a program that throws after app.synth() wrote says that output is new', () => {
    const out = tmp();
    const r = synth('throws-after.ts', ['--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom after the synth');
    expect(r.stderr).not.toContain('Nothing was written');
    expect(r.stderr.trimEnd().split('\n').pop()).toBe(`The program failed after app.synth() had written app 'shop' (dev) in ${out}; that output is new.`);
  });

  test('a program that throws before any synth still says nothing was written', () => {
    const r = synth('throws.ts', ['--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('Nothing was written; the previous output is unchanged.');
  });
});

describe('--guardrails on the command line wins over the program\'s app.synth({ guardrails })', () => {
  const NOTICE = "libk8s synth: --guardrails enforce overrides the program's app.synth({ guardrails: 'off' }).";

  test("--guardrails enforce refuses a program that says guardrails: 'off', and says so once", () => {
    const out = tmp();
    const r = synth('guarded-off.ts', ['--out', out, '--guardrails', 'enforce']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(NOTICE);
    expect(lines.filter((l) => l.startsWith('libk8s synth: --guardrails'))).toHaveLength(1);
    expect(lines[1]).toBe('libk8s synth: guardrails: 2 errors (nothing was written):');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('--guardrails warn over the program\'s off: writes, reports, says so once (for both apps)', () => {
    const r = synth('guarded-off.ts', ['--out', tmp(), '--guardrails', 'warn']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('libk8s synth: --guardrails'))).toEqual([
      "libk8s synth: --guardrails warn overrides the program's app.synth({ guardrails: 'off' }).",
    ]);
    expect(r.stderr).toContain('acme/deploy-note');
  });

  test("without --guardrails the program's option applies, silently; the same mode is no override", () => {
    const r = synth('guarded-off.ts', ['--out', tmp()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const same = synth('guarded-off.ts', ['--out', tmp(), '--guardrails', 'warn'], { LIBK8S_TEST_MODE: 'warn' });
    expect(same.code).toBe(0);
    expect(same.stderr).not.toContain('overrides');
  });
});
