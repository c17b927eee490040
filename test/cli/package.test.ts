import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * What a user gets from `npm install libk8s`: the files package.json
 * publishes (the compiled build, bin, no sources), resolved by name from a
 * project's node_modules, with `npx libk8s synth` running infra/main.ts.
 */
describe('the published package', () => {
  let project: string;

  beforeAll(() => {
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-pkg-'));
    project = path.join(stage, 'app');
    const pkgDir = path.join(project, 'node_modules', 'libk8s');
    fs.mkdirSync(pkgDir, { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkgDir, 'build')]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const entry of pkg.files as string[]) {
      const from = path.join(ROOT, entry);
      if (entry !== 'build/' && fs.existsSync(from)) fs.cpSync(from, path.join(pkgDir, entry), { recursive: true });
    }
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkgDir, 'package.json'));
    // the package's dependencies, as npm would install them beside it
    for (const dep of Object.keys(pkg.dependencies)) {
      // (a scoped package's folder, e.g. @hpcc-js/, first)
      fs.mkdirSync(path.dirname(path.join(project, 'node_modules', dep)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(project, 'node_modules', dep));
    }
    fs.mkdirSync(path.join(project, 'infra'));
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'valid.ts'), path.join(project, 'infra', 'main.ts'));
  }, 120_000);

  test('ships no TypeScript sources, only the build with its type declarations', () => {
    const pkgDir = path.join(project, 'node_modules', 'libk8s');
    expect(fs.existsSync(path.join(pkgDir, 'lib'))).toBe(false);
    expect(fs.existsSync(path.join(pkgDir, 'build', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(pkgDir, 'build', 'index.d.ts'))).toBe(true);
  });

  test('`libk8s synth` runs infra/main.ts from a project that installed the package', () => {
    const r = spawnSync(process.execPath, [path.join(project, 'node_modules', 'libk8s', 'bin', 'libk8s.js'), 'synth'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('shop prod: 6 objects, 2 files');
    expect(fs.readFileSync(path.join(project, 'dist', 'prod', 'shop', 'storefront.yaml'), 'utf8')).toContain('image: ghcr.io/acme/storefront:1.4.2');
  });

  test('the package resolves by name through its exports map', () => {
    const r = spawnSync(process.execPath, ['-e', "const l = require('libk8s'); console.log(typeof l.App, typeof l.WebService)"], { cwd: project, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('function function');
  });
});
