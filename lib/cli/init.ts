import * as fs from 'fs';
import * as path from 'path';
import { formatProblem, ProblemList } from '../core/errors';
import { checkDnsLabel } from '../core/rules';
import { parseCommandLine, UsageError } from './args';
import { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';

/**
 * `libk8s init <golden-path> [dir]`: copies a golden path (a complete
 * starter app repository) and fills its placeholders. Golden paths live in
 * libk8s's own `golden-paths/` folder and in the `golden-paths/` folder of
 * a platform package (`--platform @acme/platform`), whose paths take
 * precedence over libk8s's of the same name.
 */

/** The libk8s package root: lib/cli/ in a clone, build/cli/ in the published package. */
const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** A golden path that `init` can copy. */
export interface GoldenPath {
  readonly name: string;
  /** One line, from the path's golden-path.json (or its package.json). */
  readonly description: string;
  /** Its folder. */
  readonly dir: string;
  /** `libk8s`, or the platform package that ships it. */
  readonly source: string;
}

export interface InitArgs {
  readonly list: boolean;
  readonly goldenPath?: string;
  readonly dir?: string;
  readonly name?: string;
  readonly team?: string;
  readonly platform?: string;
}

/** The files of a golden path that are about the path, not part of the app: never copied. */
const MANIFEST = 'golden-path.json';

export function parseInitArgs(args: readonly string[]): InitArgs {
  const { values: v, positionals } = parseCommandLine(args, {
    list: { type: 'boolean' }, name: { type: 'string' }, team: { type: 'string' }, platform: { type: 'string' },
  });
  if (positionals.length > 2) throw new UsageError(`too many arguments: ${positionals.slice(2).join(' ')}`);
  if (v.list !== true && positionals.length === 0) throw new UsageError('init needs a golden path (libk8s init --list shows them)');
  const given = (k: 'name' | 'team' | 'platform') => (v[k] !== undefined ? { [k]: v[k] as string } : {});
  return { ...given('name'), ...given('team'), ...given('platform'), list: v.list === true, goldenPath: positionals[0], dir: positionals[1] };
}

/** The golden paths in `root` (a folder of folders), each with its description. */
export function goldenPathsIn(root: string, source: string): GoldenPath[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(root, d.name);
      return { name: d.name, dir, source, description: describe(dir) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function describe(dir: string): string {
  for (const file of [MANIFEST, 'package.json']) {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) continue;
    try {
      const d = JSON.parse(fs.readFileSync(p, 'utf8')).description;
      if (typeof d === 'string' && d !== '') return d;
    } catch {
      // a template package.json may hold placeholders that are not JSON; the next file or no description
    }
  }
  return '';
}

/** A platform package: a path to its folder, or its name resolved from `cwd` as Node resolves packages. */
export function resolvePlatform(spec: string, cwd: string): { name: string; version: string; dir: string } | undefined {
  const candidates: string[] = [];
  if (spec.startsWith('.') || path.isAbsolute(spec)) candidates.push(path.resolve(cwd, spec));
  else for (let d = path.resolve(cwd); ; d = path.dirname(d)) {
    candidates.push(path.join(d, 'node_modules', spec));
    if (path.dirname(d) === d) break;
  }
  for (const dir of candidates) {
    const pj = path.join(dir, 'package.json');
    if (!fs.existsSync(pj)) continue;
    const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
    return { name: String(pkg.name ?? spec), version: String(pkg.version ?? '0.0.0'), dir: fs.realpathSync(dir) };
  }
  return undefined;
}

/** Replaces `{{key}}`; a line whose placeholder has an empty value is left out (an optional dependency, say). */
export function fill(text: string, values: Readonly<Record<string, string>>, file: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let drop = false;
    const filled = line.replace(/(?<!\$)\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (_m, key: string) => {
      const v = values[key];
      if (v === undefined) throw new Error(`${file}: unknown placeholder {{${key}}} (known: ${Object.keys(values).join(', ')})`);
      if (v === '') drop = true;
      return v;
    });
    if (!drop) out.push(filled);
  }
  return out.join('\n');
}

/** The name a template file is written under: `gitignore` as `.gitignore` (npm never packs a .gitignore), `x.tmpl` as `x`. */
export function targetName(name: string): string {
  if (name === 'gitignore') return '.gitignore';
  if (name === 'npmrc') return '.npmrc';
  return name.endsWith('.tmpl') ? name.slice(0, -'.tmpl'.length) : name;
}

/** Every file of a golden path, rendered in memory: relative target path to content. */
export function renderGoldenPath(dir: string, values: Readonly<Record<string, string>>): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (from: string, rel: string) => {
    for (const e of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (rel === '' && e.name === MANIFEST) continue;
      if (e.name === 'node_modules') continue;
      const src = path.join(from, e.name);
      const target = rel === '' ? targetName(e.name) : path.join(rel, targetName(e.name));
      if (e.isDirectory()) walk(src, target);
      else {
        const raw = fs.readFileSync(src);
        files.set(target, raw.includes(0) ? raw : Buffer.from(fill(raw.toString('utf8'), values, path.relative(dir, src))));
      }
    }
  };
  walk(dir, '');
  return files;
}

/** Runs `libk8s init`; returns the exit code. */
export function runInit(argv: readonly string[], io: CliIO, usage: string): number {
  let args: InitArgs;
  try {
    args = parseInitArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`libk8s init: ${e.message}.\n\n${usage}`);
    return EXIT_USAGE;
  }
  const libk8s = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  let platform: ReturnType<typeof resolvePlatform>;
  if (args.platform !== undefined) {
    platform = resolvePlatform(args.platform, io.cwd);
    if (!platform) {
      io.err(`libk8s init: cannot find the platform package ${JSON.stringify(args.platform)} from ${io.cwd}. Fix: npm install ${args.platform} first, or pass the path of its folder.`);
      return EXIT_USAGE;
    }
  }
  // the platform's paths first: one of the same name replaces libk8s's
  const all = [...(platform ? goldenPathsIn(path.join(platform.dir, 'golden-paths'), platform.name) : []), ...goldenPathsIn(path.join(PACKAGE_ROOT, 'golden-paths'), 'libk8s')];
  const available = all.filter((p, i) => all.findIndex((q) => q.name === p.name) === i);
  if (args.list) {
    const width = Math.max(0, ...available.map((p) => p.name.length));
    for (const p of available) io.out(`${p.name.padEnd(width)}  ${p.description}${p.source === 'libk8s' ? '' : `  (${p.source})`}`);
    return EXIT_OK;
  }
  const chosen = available.find((p) => p.name === args.goldenPath);
  if (!chosen) {
    io.err(`libk8s init: unknown golden path ${JSON.stringify(args.goldenPath)}; available: ${available.map((p) => p.name).join(', ')}.\n\n${usage}`);
    return EXIT_USAGE;
  }
  const dir = path.resolve(io.cwd, args.dir ?? args.name ?? chosen.name);
  const name = args.name ?? path.basename(dir);
  const team = args.team ?? name;
  const problems = new ProblemList('init', chosen.name, shortPath(io.cwd, dir));
  checkDnsLabel(problems, '--name', name, 40);
  checkDnsLabel(problems, '--team', team);
  if (problems.all.length) {
    io.err([`libk8s init: nothing was written:`, ...problems.all.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    return EXIT_INVALID;
  }
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    io.err(`libk8s init: ${shortPath(io.cwd, dir)} exists and is not an empty directory; nothing was written. Fix: name a new directory.`);
    return EXIT_INVALID;
  }
  const values: Record<string, string> = {
    name, team, goldenPath: chosen.name,
    libk8sVersion: `^${libk8s.version}`,
    platformPackage: platform?.name ?? '',
    platformVersion: platform ? `^${platform.version}` : '',
  };
  let files: Map<string, Buffer>;
  try {
    files = renderGoldenPath(chosen.dir, values);
  } catch (e) {
    io.err(`libk8s init: golden path ${chosen.name} (${chosen.source}) is broken: ${(e as Error).message}`);
    return EXIT_INVALID;
  }
  for (const [rel, content] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  const where = shortPath(io.cwd, dir);
  io.out([
    `Created ${name} (team ${team}) from the golden path ${chosen.name}${chosen.source === 'libk8s' ? '' : ` of ${chosen.source}`} in ${where}: ${files.size} files.`,
    '',
    'Next steps:',
    `  cd ${where}`,
    '  npm install',
    '  npx libk8s synth            # writes dist/<environment>/<app>/',
    '  npx libk8s check dist       # the guardrails over the output',
    '  git init && git add -A && git commit -m "Scaffold from libk8s init"',
    'Then edit infra/main.ts (the images, routes, resources) and read README.md.',
  ].join('\n'));
  return EXIT_OK;
}
