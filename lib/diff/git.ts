import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError } from '../core/errors';
import { isManifestPath, parseOutputFiles, readOutputTree } from './inputs';
import type { ManifestSet } from './types';

/** A failure to read a tree at a git ref: a Libk8sError naming the ref and path, never a stack trace. */
function gitProblem(ref: string, where: string, message: string, fix?: string): Libk8sError {
  return new Libk8sError([{ kind: 'Git ref', id: ref, path: where, message, fix }], `libk8s diff: cannot read ${where}:`);
}

interface GitRun {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function git(cwd: string, args: readonly string[], input?: Buffer | string): GitRun {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw gitProblem(args.join(' '), cwd, code === 'ENOENT' ? 'cannot run git: it is not on PATH' : `cannot run git: ${r.error.message}`,
      code === 'ENOENT' ? 'install git, or compare against a folder (`--against DIR`).' : undefined);
  }
  return { status: r.status, stdout: r.stdout as Buffer, stderr: String(r.stderr ?? '').trim() };
}

/** The first line git printed on stderr, without its `fatal: ` prefix. */
function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').replace(/^(fatal|error): /, '').trim();
}

/**
 * The manifest files of `<subdir>` (relative to `repoDir`, which may be a
 * folder inside the repository) at git `ref`, read from the object
 * database without touching the work tree or the index: `git ls-tree -r`
 * lists the blobs, and one `git cat-file --batch` reads them all. Keys are
 * relative to `subdir` (`<env>/<app>/…`). A Libk8sError when git is
 * missing, `repoDir` is no repository, `ref` is no commit, or `subdir`
 * does not exist at `ref`.
 */
export function readGitFiles(repoDir: string, ref: string, subdir: string): Map<string, string> {
  const where = `${ref}:${subdir}`;
  if (!ref || ref.startsWith('-')) throw gitProblem(ref, where, 'is not a git ref', 'pass a branch, tag or commit, e.g. `origin/main` or `HEAD~1`.');
  const top = git(repoDir, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) {
    throw gitProblem(ref, where, `${repoDir} is not in a git repository (${firstLine(top.stderr)})`, 'run it inside the repository, or compare against a folder (`--against DIR`).');
  }
  const commit = git(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (commit.status !== 0) {
    throw gitProblem(ref, where, `'${ref}' is not a commit, branch or tag of the repository at ${top.stdout.toString().trim()}`,
      'check the name (`git rev-parse --verify <ref>`), fetch it (`git fetch origin main`; in CI a shallow clone may need `fetch-depth: 0`), or compare against a folder.');
  }
  const sha = commit.stdout.toString().trim();
  const root = fs.realpathSync(top.stdout.toString().trim());
  const rel = path.relative(root, path.resolve(fs.realpathSync(repoDir), subdir)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw gitProblem(ref, where, `${subdir} is outside the repository at ${root}`, 'name a folder inside the repository.');
  }
  const prefix = rel === '' ? '' : `${rel}/`;
  const type = git(repoDir, ['cat-file', '-t', `${sha}:${rel}`]);
  if (rel !== '' && (type.status !== 0 || type.stdout.toString().trim() !== 'tree')) {
    throw gitProblem(ref, where, type.status !== 0 ? `'${rel}' does not exist at ${ref} (${sha.slice(0, 12)})` : `'${rel}' is not a folder at ${ref}`,
      `check the output folder (\`git ls-tree ${ref} -- ${path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)}\`); was the output committed at ${ref}?`);
  }
  const ls = git(repoDir, ['ls-tree', '-r', '-z', '--full-tree', sha, '--', ...(rel ? [rel] : [])]);
  if (ls.status !== 0) throw gitProblem(ref, where, `git ls-tree failed: ${firstLine(ls.stderr)}`);
  const blobs: Array<{ oid: string; file: string }> = [];
  for (const line of ls.stdout.toString('utf8').split('\0')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const [, kind, oid] = line.slice(0, tab).split(' ');
    const full = line.slice(tab + 1);
    if (kind !== 'blob' || !full.startsWith(prefix)) continue;
    const file = full.slice(prefix.length);
    if (isManifestPath(file)) blobs.push({ oid, file });
  }
  const files = new Map<string, string>();
  if (blobs.length === 0) return files;
  const batch = git(repoDir, ['cat-file', '--batch'], blobs.map((b) => `${b.oid}\n`).join(''));
  if (batch.status !== 0) throw gitProblem(ref, where, `git cat-file failed: ${firstLine(batch.stderr)}`);
  // each object: "<oid> <type> <size>\n<content>\n"
  const out = batch.stdout;
  let pos = 0;
  for (const b of blobs) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8').split(' ');
    if (header[1] === 'missing' || nl === -1) throw gitProblem(ref, where, `the object of ${b.file} is missing from the repository`);
    const size = Number(header[2]);
    files.set(b.file, out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return files;
}

/** The objects of the output tree `<subdir>` at git `ref` (see `readGitFiles`), per environment. */
export function readGitTree(repoDir: string, ref: string, subdir: string): ManifestSet[] {
  return parseOutputFiles(readGitFiles(repoDir, ref, subdir), `${ref}:${subdir}`);
}

export interface BaselineOptions {
  /** The folder the CLI runs in: `against` and `outdir` are relative to it. */
  readonly cwd: string;
  /** The output folder, as `libk8s synth` writes it (the App's `outdir`, or `--out`). */
  readonly outdir: string;
}

export interface Baseline {
  readonly sets: ManifestSet[];
  /** What was read, for headings: `dist-main/` or `origin/main:dist`. */
  readonly description: string;
}

/**
 * The "before" side of `libk8s diff --against X`: X as a folder when one
 * exists (an output tree like `dist`), else as a git ref whose committed
 * `outdir` is read (without touching the work tree).
 */
export function readBaseline(against: string, options: BaselineOptions): Baseline {
  const dir = path.resolve(options.cwd, against);
  let isDir: boolean;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir) return { sets: readOutputTree(dir), description: `${against.replace(/\/+$/, '')}/` };
  const subdir = path.relative(options.cwd, path.resolve(options.cwd, options.outdir)) || '.';
  const shown = subdir.split(path.sep).join('/');
  return { sets: readGitTree(options.cwd, against, subdir), description: `${against}:${shown}` };
}
