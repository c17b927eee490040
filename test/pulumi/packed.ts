/**
 * Packs libk8s as npm would publish it and installs the tarball into a
 * fresh project, without @pulumi/*: `require.resolve('libk8s/pulumi')`
 * finds the entry, `require('libk8s')` works where no @pulumi package can be
 * resolved, and `require('libk8s/pulumi')` says which peer dependency is
 * missing. The work tree is not touched: the sources are copied and built in
 * a temp folder. Run it alone with `npx tsx test/pulumi/packed.ts`
 * (test/pulumi/packed.test.ts runs it too).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface PackedResult {
  readonly tarball: string;
  readonly resolved: string;
  readonly mainLoads: boolean;
  readonly pulumiLoadedByMain: string[];
  readonly pulumiError: string;
  readonly files: string[];
  readonly seconds: { readonly build: number; readonly pack: number; readonly install: number };
}

function timed<T>(f: () => T): [T, number] {
  const t = Date.now();
  const v = f();
  return [v, (Date.now() - t) / 1000];
}

export function packAndInstall(): PackedResult {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-pack-'));
  const src = path.join(work, 'libk8s');
  fs.mkdirSync(src);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'lib', 'bin', 'golden-paths']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.cpSync(path.join(ROOT, f), path.join(src, f), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  // emits even when files other engineers are editing do not type-check
  const [, build] = timed(() => {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: src, stdio: 'pipe' });
    } catch (e) {
      if (!fs.existsSync(path.join(src, 'build', 'pulumi', 'index.js'))) throw e;
    }
  });
  const [tarball, pack] = timed(() => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: src, encoding: 'utf8' });
    return path.join(work, JSON.parse(out)[0].filename as string);
  });
  const files = (JSON.parse(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => JSON.stringify(l)).join(',').replace(/^/, '[').replace(/$/, ']')) as string[]);
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const [, install] = timed(() => execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], { cwd: project, stdio: 'pipe' }));
  const probe = `
    const resolved = require.resolve('libk8s/pulumi');
    let mainLoads = false;
    try { require('libk8s'); mainLoads = true; } catch (e) { console.error(e); }
    const pulumiLoadedByMain = Object.keys(require.cache).filter((f) => f.includes('@pulumi'));
    let pulumiError = '';
    try { require('libk8s/pulumi'); } catch (e) { pulumiError = String(e.message).split('\\n')[0]; }
    console.log(JSON.stringify({ resolved, mainLoads, pulumiLoadedByMain, pulumiError }));
  `;
  const env = { ...process.env };
  delete env.NODE_PATH;
  const out = execFileSync(process.execPath, ['-e', probe], { cwd: project, encoding: 'utf8', env });
  const result = JSON.parse(out.trim().split('\n').pop()!);
  fs.rmSync(work, { recursive: true, force: true });
  return { tarball: path.basename(tarball), files, ...result, resolved: path.relative(project, result.resolved), seconds: { build, pack, install } };
}

if (require.main === module) console.log(JSON.stringify(packAndInstall(), null, 2));
