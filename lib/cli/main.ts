import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './args';
import { CliIO, EXIT_OK, EXIT_USAGE } from './io';

export { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './io';

const USAGE = `Usage: libk8s <command> [options]

Commands:
  synth [entry]     Run the program (default: infra/main.ts) and write every
                    environment's manifests to <out>/<environment>/<app>/.
  check PATH...     Run the guardrails over Kubernetes YAML: files, and the
                    *.yaml/*.yml files below directories.
  init PATH [dir]   Start an app repository from a golden path (--list
                    shows them): infra/main.ts, CI, Renovate, README.
  diff [entry]      What the program changes in every environment, per
                    object and field, against the last output or a git ref.
  graph [entry]     The app as a picture: Mermaid, DOT or SVG.

Options for synth:
  --out DIR         Output directory (default: the App's outdir, 'dist').
  --env NAME        Only this environment; repeat for several.
  --layout LAYOUT   construct (default): one multi-document file per
                    construct; object: a file per object.
  --guardrails MODE enforce (default): refuse to write while an error-level
                    finding remains; warn: write and report; off: skip them.
  --report FILE     Also write the guardrails findings to FILE.
  --format FORMAT   The --report format: table, json or sarif (default: by
                    FILE's extension, .json or .sarif, else table).
  --delivery TARGET kustomize, argo-cd or flux (default: the platform's).
  --repo URL        The repository a GitOps tool reads the output from.
  --revision REF    Its branch, tag or commit (default: main).
  --path PREFIX     The output's path in the repository (default: dist).
  --quiet           Print nothing on success.
  --verbose         List each waived finding (default: one line per rule).

Options for diff (libk8s diff --help for more):
  --against X       A folder or a git ref (default: the output folder).
  --env NAME        Only this environment; repeat for several.
  --format FORMAT   text (default), markdown or json.

Options for graph (libk8s graph --help for more):
  --env NAME        The environment (default: the app's first).
  --format FORMAT   mermaid (default), dot or svg.
  --out FILE        Write it to FILE.

Options for check:
  --packs LIST      Only these built-in packs, comma-separated: pss-baseline,
                    pss-restricted, production, ownership (default: all).
  --format FORMAT   table (default), json or sarif.
  --output FILE     Write the report to FILE instead of standard output.
  --verbose         List each waived finding in the table (default: one
                    line per rule).

Options for init:
  --name NAME       The app's name (default: the directory's name).
  --team TEAM       The owning team (default: the name).
  --platform PKG    A platform package (its name, resolved from here, or
                    its folder): its golden paths, and it as a dependency.
  --list            List the golden paths, one line each.

  -h, --help        Show this help.
  -v, --version     Show the version.

Exit codes: 0 ok, 1 invalid program or manifests, or error findings remain
(every problem is listed), 2 usage error; diff: 0 no change, 3 changes.`;

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '-v' || command === '--version') {
    io.out(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    return EXIT_OK;
  }
  if (command === 'check') {
    // loaded on demand (only check reads YAML), with require: tsx runs the sources as CommonJS
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runCheck } = require('./check') as typeof import('./check');
    return runCheck(rest, io, USAGE);
  }
  if (command === 'init') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runInit } = require('./init') as typeof import('./init');
    return runInit(rest, io, USAGE);
  }
  if (command === 'diff') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runDiff } = require('./diff') as typeof import('./diff');
    return runDiff(rest, io);
  }
  if (command === 'graph') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runGraph } = require('./graph') as typeof import('./graph');
    return runGraph(rest, io);
  }
  if (command !== 'synth') {
    io.err(`libk8s: unknown command '${command}'.\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  // loaded on demand, like check: `import 'libk8s'` never loads the CLI, and the CLI loads only the command it runs
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseSynthArgs, runSynth } = require('./synth') as typeof import('./synth');
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(USAGE);
    return EXIT_OK;
  }
  let args: ReturnType<typeof parseSynthArgs>;
  try {
    args = parseSynthArgs(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`libk8s synth: ${e.message}.\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return runSynth(args, io);
}

function defaultIO(): CliIO {
  const color = (tty: boolean | undefined) => !!tty && !process.env.NO_COLOR;
  return {
    out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n'), cwd: process.cwd(),
    color: { out: color(process.stdout.isTTY), err: color(process.stderr.isTTY) },
  };
}
