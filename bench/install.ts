/**
 * Install weight and the packed package's cold start: libk8s is built and
 * packed as npm would publish it (from a copy of the sources, so the work
 * tree is not touched), the tarball is installed into fresh projects (as is,
 * and with --omit=optional), and the quickstart is synthesized there with the
 * installed CLI, as an app repository runs it. Needs the npm registry (or
 * npm's cache: --prefer-offline).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, Runner } from './proc';
import { log, Series, series } from './stats';

export interface InstallSize {
  /** `npm install <tarball>` flags. */
  readonly flags: string;
  readonly packages: number;
  readonly bytes: number;
  /** The heaviest packages (with what they pull in below them), name and bytes. */
  readonly heaviest: readonly { readonly name: string; readonly bytes: number }[];
  readonly seconds: number;
}

export interface InstallResult {
  readonly tarball: { readonly name: string; readonly bytes: number; readonly unpackedBytes: number; readonly files: number };
  readonly installs: readonly InstallSize[];
  /** Whether `libk8s synth` of the quickstart works in the --omit=optional install (tsx needs esbuild's platform binary, an optional dependency), and its error. */
  readonly leanSynth: { readonly works: boolean; readonly error?: string };
  /** `node node_modules/libk8s/bin/libk8s.js synth main.ts --out <tmpfs>` in the installed project (tsx's cache warm, and without it). */
  readonly coldStart?: { readonly warm: Series; readonly noTsxCache: Series };
  readonly seconds: { readonly build: number; readonly pack: number };
}

function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, (performance.now() - t) / 1000];
}

/** Bytes of every file under `dir` (symlinks not followed). */
function du(dir: string): number {
  let bytes = 0;
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const s = fs.lstatSync(path.join(dir, rel));
    if (s.isFile()) bytes += s.size;
  }
  return bytes;
}

/** Every installed package: a folder with a package.json right below a node_modules folder (or its @scope). */
function packagesIn(nodeModules: string): string[] {
  const found: string[] = [];
  const visit = (nm: string) => {
    if (!fs.existsSync(nm)) return;
    for (const name of fs.readdirSync(nm)) {
      if (name.startsWith('.')) continue;
      const dirs = name.startsWith('@') ? fs.readdirSync(path.join(nm, name)).map((n) => path.join(name, n)) : [name];
      for (const d of dirs) {
        const p = path.join(nm, d);
        if (!fs.existsSync(path.join(p, 'package.json'))) continue;
        found.push(p);
        visit(path.join(p, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found;
}

function install(work: string, tarball: string, flags: readonly string[]): InstallSize & { project: string } {
  const project = path.join(work, `project${flags.join('').replace(/[^a-z]/gi, '-')}`);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const [, seconds] = timed(() => execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...flags, tarball], { cwd: project, stdio: 'pipe' }));
  const nm = path.join(project, 'node_modules');
  const top = fs.readdirSync(nm).flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(nm, n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n]));
  const heaviest = top.map((name) => ({ name, bytes: du(path.join(nm, name)) })).sort((a, b) => b.bytes - a.bytes).slice(0, 6);
  return { project, flags: flags.join(' ') || '(defaults)', packages: packagesIn(nm).length, bytes: du(nm), heaviest, seconds };
}

/** Builds, packs and installs libk8s; then `runs` cold starts of the quickstart from the installed package, output in `tmpfs`. */
export function measureInstall(work: string, runner: Runner, tmpfs: string, runs: number): InstallResult {
  const src = path.join(work, 'libk8s');
  fs.mkdirSync(src);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'lib', 'bin', 'golden-paths']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.cpSync(path.join(ROOT, f), path.join(src, f), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  log('  install: building libk8s in a copy of the sources');
  const [, build] = timed(() => {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: src, stdio: 'pipe' });
    } catch (e) {
      // emits even when files other engineers are editing do not type-check
      if (!fs.existsSync(path.join(src, 'build', 'index.js'))) throw e;
    }
  });
  const [packed, pack] = timed(() => JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: src, encoding: 'utf8' }))[0]);
  const tarball = path.join(work, packed.filename as string);
  log(`  install: ${packed.filename} ${(fs.statSync(tarball).size / 1e6).toFixed(2)} MB; npm install (as is, then --omit=optional)`);
  const full = install(work, tarball, []);
  const lean = install(work, tarball, ['--omit=optional']);
  for (const i of [full, lean]) log(`  install ${i.flags}: ${i.packages} packages, ${(i.bytes / 1e6).toFixed(1)} MB in ${i.seconds.toFixed(1)} s`);

  for (const p of [full.project, lean.project]) fs.copyFileSync(path.join(ROOT, 'examples', 'shop', 'main.ts'), path.join(p, 'main.ts'));
  let leanSynth: InstallResult['leanSynth'] = { works: true };
  try {
    runner.run([path.join(lean.project, 'node_modules', 'libk8s', 'bin', 'libk8s.js'), 'synth', 'main.ts', '--out', fs.mkdtempSync(path.join(tmpfs, 'lean-')), '--quiet'], {}, lean.project);
  } catch (e) {
    leanSynth = { works: false, error: String((e as Error).message).split('\n').find((l) => /error|Error/.test(l))?.trim().slice(0, 200) ?? 'failed' };
  }
  log(`  libk8s synth in the --omit=optional install: ${leanSynth.works ? 'works' : `fails: ${leanSynth.error}`}`);
  const bin = path.join(full.project, 'node_modules', 'libk8s', 'bin', 'libk8s.js');
  const cold = (label: string, env: NodeJS.ProcessEnv): Series => {
    const xs: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const out = fs.mkdtempSync(path.join(tmpfs, 'packed-'));
      const r = runner.run([bin, 'synth', 'main.ts', '--out', out, '--quiet'], env, full.project);
      fs.rmSync(out, { recursive: true, force: true });
      log(`  packed libk8s synth of the quickstart (${label}) ${run === 0 ? 'warm-up, discarded' : `run ${run}/${runs}`}: ${r.ms.toFixed(0)} ms`);
      if (run > 0) xs.push(r.ms);
    }
    return series(xs);
  };
  const coldStart = { warm: cold("tsx's cache warm", {}), noTsxCache: cold('TSX_DISABLE_CACHE=1', { TSX_DISABLE_CACHE: '1' }) };
  return {
    tarball: { name: packed.filename, bytes: fs.statSync(tarball).size, unpackedBytes: packed.unpackedSize, files: packed.entryCount },
    installs: [full, lean].map(({ project: _project, ...rest }) => rest),
    leanSynth,
    coldStart,
    seconds: { build, pack },
  };
}
