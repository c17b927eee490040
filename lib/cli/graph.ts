import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError } from '../core/errors';
import { appGraph, GraphFormat, GRAPH_FORMATS, renderGraph } from '../graph';
import { entryOf, oneOf, parseCommandLine, UsageError } from './args';
import { captureProgram } from './capture';
import { CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE, shortPath } from './io';

export const GRAPH_USAGE = `Usage: libk8s graph [entry] [--env ENV] [--format mermaid|dot|svg] [--out FILE]

Draws the app of the program (default: infra/main.ts) for one environment:
workloads, routes and their hosts, resources and their recipe, connections
(send, consume, read, read-write, connect), scaling (HPA, KEDA on a queue)
and cloud identities. Nothing is written but --out.

  --env ENV        The environment (default: the app's first).
  --format FORMAT  mermaid (default; renders in GitHub markdown), dot (Graphviz),
                   or svg (laid out by Graphviz, compiled to WebAssembly).
  --out FILE       Write the graph to FILE instead of standard output.`;

interface GraphArgs { entry: string; env?: string; format: GraphFormat; out?: string; help: boolean }

export function parseGraphArgs(args: readonly string[]): GraphArgs {
  const { values: v, positionals } = parseCommandLine(args, {
    help: { type: 'boolean', short: 'h' }, env: { type: 'string' }, out: { type: 'string', short: 'o' }, format: { type: 'string' },
  });
  return {
    entry: entryOf(positionals),
    env: v.env as string | undefined,
    out: v.out as string | undefined,
    format: oneOf<GraphFormat>('--format', v.format as string | undefined, GRAPH_FORMATS) ?? 'mermaid',
    help: v.help === true,
  };
}

/** `libk8s graph`: the app as a picture. */
export async function runGraph(argv: readonly string[], io: CliIO): Promise<number> {
  let args: GraphArgs;
  try {
    args = parseGraphArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`libk8s graph: ${e.message}.\n\n${GRAPH_USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.out(GRAPH_USAGE);
    return EXIT_OK;
  }
  const run = await captureProgram('graph', args.entry, io, { environments: args.env ? [args.env] : undefined });
  if (!run.ok) return run.code;
  const texts: string[] = [];
  try {
    for (const c of run.captured) {
      const env = args.env ?? c.rendered[0]?.environment.name ?? c.app.environmentNames[0];
      const rendered = c.rendered.find((r) => r.environment.name === env);
      texts.push(await renderGraph(appGraph(c.app, env, rendered), args.format));
    }
  } catch (e) {
    if (!(e instanceof Libk8sError)) throw e;
    io.err(`libk8s graph: ${e.message}`);
    return EXIT_INVALID;
  }
  if (args.format === 'svg' && texts.length > 1) {
    io.err(`libk8s graph: the program synthesizes ${texts.length} apps; an SVG file holds one picture: use --format mermaid or dot, or one app per program.`);
    return EXIT_USAGE;
  }
  const text = texts.join('\n');
  if (args.out) {
    const target = path.resolve(io.cwd, args.out);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`libk8s graph: ${args.format} written to ${shortPath(io.cwd, target)}`);
  } else {
    io.out(text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  return EXIT_OK;
}
