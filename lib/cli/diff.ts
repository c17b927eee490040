import * as fs from 'fs';
import { Libk8sError } from '../core/errors';
import { diffEnvironments, diffExitCode, DiffFormat, formatDiff, parseOutputFiles, readBaseline } from '../diff';
import { DELIVERY_DIR } from '../synth/delivery';
import type { DeliveryTarget } from '../core/platform';
import { DELIVERY_TARGETS, DeliveryOverrides } from '../gitops/source';
import { entryOf, listValue, oneOf, parseCommandLine, UsageError } from './args';
import { captureProgram } from './capture';
import { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './io';

const FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];

export const DIFF_USAGE = `Usage: libk8s diff [entry] [--against DIR|GIT_REF] [--env ENV]... [--format text|markdown|json] [--out DIR]

Synthesizes the program (default: infra/main.ts) in memory and compares it,
per environment and per object, with the previous output: added, removed,
changed (each changed field, old -> new) and renamed objects. Values of
Secrets are never printed. Nothing is written.

  --against X      A folder (an output tree) or a git ref whose committed output
                   is read without touching the work tree (default: the output
                   folder itself, i.e. what the last synth wrote).
  --env ENV        Only this environment; repeat for several.
  --format FORMAT  text (default), markdown (a pull-request comment) or json.
  --out DIR        The output folder synth writes (default: the App's outdir, dist).
  --delivery T, --repo URL, --revision REF, --path PREFIX
                   As for libk8s synth: compare with the delivery objects synth writes.

Exit codes: 0 no change, 3 changes, 1 error, 2 usage.`;

interface DiffArgs { entry: string; against?: string; envs: string[]; format: DiffFormat; out?: string; help: boolean; delivery: DeliveryOverrides }

export function parseDiffArgs(args: readonly string[]): DiffArgs {
  const { values: v, positionals } = parseCommandLine(args, {
    help: { type: 'boolean', short: 'h' }, against: { type: 'string' }, env: { type: 'string', multiple: true }, out: { type: 'string' },
    delivery: { type: 'string' }, repo: { type: 'string' }, revision: { type: 'string' }, path: { type: 'string' }, format: { type: 'string' },
  });
  const str = (k: string) => v[k] as string | undefined;
  const delivery = { target: oneOf<DeliveryTarget>('--delivery', str('delivery'), DELIVERY_TARGETS), repo: str('repo'), revision: str('revision'), path: str('path') };
  return {
    entry: entryOf(positionals),
    against: str('against'),
    envs: listValue(v.env),
    out: str('out'),
    format: oneOf<DiffFormat>('--format', str('format'), FORMATS) ?? 'text',
    help: v.help === true,
    // only the overrides given: an absent one is the program's own
    delivery: Object.fromEntries(Object.entries(delivery).filter(([, x]) => x !== undefined)) as DeliveryOverrides,
  };
}

/** `libk8s diff`: what the program changes, per environment and object. */
export async function runDiff(argv: readonly string[], io: CliIO): Promise<number> {
  let args: DiffArgs;
  try {
    args = parseDiffArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`libk8s diff: ${e.message}.\n\n${DIFF_USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.out(DIFF_USAGE);
    return EXIT_OK;
  }
  const run = await captureProgram('diff', args.entry, io, { outdir: args.out, environments: args.envs, delivery: args.delivery });
  if (!run.ok) return run.code;
  const outdir = run.captured[0].outdir;
  // the after side as synth would write it, keyed like the tree on disk: <env>/<app>/<file>, and _delivery/<app>/<file>
  const files = new Map<string, string>();
  for (const c of run.captured) {
    for (const [env, envFiles] of c.files) for (const [f, text] of envFiles) files.set(`${env}/${c.app.name}/${f}`, text);
    for (const [f, text] of c.delivery) files.set(`${DELIVERY_DIR}/${c.app.name}/${f}`, text);
  }
  try {
    const after = parseOutputFiles(files, 'the program');
    const fresh = args.against === undefined && !fs.existsSync(outdir);
    const baseline = fresh ? { sets: [], description: 'no previous output' } : readBaseline(args.against ?? outdir, { cwd: io.cwd, outdir });
    const envs = args.envs.length ? args.envs : undefined;
    // only the apps the program synthesizes: another app's folders beside them are not this program's to remove
    const apps = new Set(run.captured.map((c) => String(c.app.name)));
    const before = baseline.sets.map((s) => ({ ...s, objects: s.objects.filter((o) => apps.has(o.file.split('/')[0])) }));
    const result = diffEnvironments(before, after, { environments: envs });
    const text = formatDiff(result, args.format, { against: baseline.description });
    io.out(text.endsWith('\n') ? text.slice(0, -1) : text);
    return diffExitCode(result);
  } catch (e) {
    if (!(e instanceof Libk8sError)) throw e;
    // the diff's own errors already say they are libk8s diff's
    io.err(e.message.startsWith('libk8s diff:') ? e.message : `libk8s diff: ${e.message}`);
    return EXIT_INVALID;
  }
}
