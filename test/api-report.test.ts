import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The public API is a contract: etc/libk8s.api.md is api-extractor's report
 * of build/index.d.ts, and `npm run lint` runs `npm run api:check`
 * (`api-extractor run` without --local), which fails when the report
 * differs. Here: a copy of the build whose index.d.ts stops exporting
 * Bucket fails that check, and the report it proposes shows the removal.
 */
const ROOT = path.resolve(__dirname, '..');
const EXTRACTOR = path.join(ROOT, 'node_modules', '@microsoft', 'api-extractor', 'bin', 'api-extractor');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let project: string;

/** api-extractor colours its output even when it is not a terminal. */
const stripAnsi = (s: string) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

function extractor(...args: string[]) {
  const r = spawnSync(process.execPath, [EXTRACTOR, 'run', '-c', path.join(project, 'api-extractor.json'), ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: r.status, out: stripAnsi(r.stdout + r.stderr) };
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-api-'));
  const tsc = spawnSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(project, 'build')], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(tsc.stdout + tsc.stderr);
  // the repository's config, in a project of its own (the same package name, so the same report file name)
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'api-extractor.json'), 'utf8'));
  config.apiReport.reportTempFolder = '<projectFolder>/temp/';
  fs.writeFileSync(path.join(project, 'api-extractor.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'libk8s', version: '0.0.0' }));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
  fs.mkdirSync(path.join(project, 'etc'));
  // the baseline: this build's own report (so the test does not depend on etc/libk8s.api.md being current)
  const local = extractor('--local');
  if (local.code !== 0) throw new Error(local.out);
}, 180_000);

test('the check passes on an unchanged build', () => {
  const r = extractor();
  expect(r.out).toContain('API Extractor completed successfully');
  expect(r.code).toBe(0);
});

test('a removed export fails the check, and the proposed report shows what was removed', () => {
  const dts = path.join(project, 'build', 'index.d.ts');
  const before = fs.readFileSync(dts, 'utf8');
  const after = before.replace(/export \{ Bucket, /, 'export { ');
  expect(after).not.toBe(before);
  fs.writeFileSync(dts, after);
  try {
    const r = extractor();
    expect(r.code).toBe(1);
    expect(r.out).toContain('Warning: You have changed the API signature for this project. Please copy the file');
    expect(r.out).toContain('to "etc/libk8s.api.md", or perform a local build (which does this automatically).');
    expect(r.out).toContain('API Extractor completed with warnings');
    const checkedIn = fs.readFileSync(path.join(project, 'etc', 'libk8s.api.md'), 'utf8');
    const proposed = fs.readFileSync(path.join(project, 'temp', 'libk8s.api.md'), 'utf8');
    expect(checkedIn).toMatch(/^export class Bucket(<[^>]*>)? extends Resource/m);
    expect(proposed).not.toMatch(/^export class Bucket(<[^>]*>)? extends Resource/m);
  } finally {
    fs.writeFileSync(dts, before);
  }
});
