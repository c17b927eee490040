import { pathToFileURL } from 'url';
import { toDot } from './dot';
import type { AppGraph } from './model';

/** The part of `@hpcc-js/wasm-graphviz` used here (Graphviz compiled to WebAssembly, embedded in the package: no download, works offline). */
interface GraphvizModule {
  readonly Graphviz: { load(): Promise<{ dot(source: string, format?: string): string; version(): string }> };
}

/**
 * `import()` kept as a real dynamic import: this package is CommonJS, and
 * TypeScript (`module: commonjs`) would turn a literal `import()` into
 * `require()`, which cannot load the ESM-only `@hpcc-js/wasm-graphviz` on
 * every supported Node. A URL resolved here keeps resolution relative to
 * libk8s, not to the working directory.
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let loading: Promise<Awaited<ReturnType<GraphvizModule['Graphviz']['load']>>> | undefined;

/** Graphviz, loaded once per process. */
export function loadGraphviz(): Promise<Awaited<ReturnType<GraphvizModule['Graphviz']['load']>>> {
  if (!loading) {
    const url = pathToFileURL(require.resolve('@hpcc-js/wasm-graphviz')).href;
    loading = (dynamicImport(url) as Promise<GraphvizModule>).then((m) => m.Graphviz.load(), (e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`cannot load @hpcc-js/wasm-graphviz (an ES module, loaded with import()): ${why}`
        + (/experimental-vm-modules/.test(why) ? '. Under jest, draw the SVG in a child Node process (node --import tsx).' : ''));
    });
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** An SVG drawing of the graph: `toDot(graph)` laid out by Graphviz (`dot`). */
export async function toSvg(graph: AppGraph): Promise<string> {
  return dotToSvg(toDot(graph));
}

/** Renders DOT source to SVG with Graphviz's `dot` layout. */
export async function dotToSvg(dot: string): Promise<string> {
  const graphviz = await loadGraphviz();
  return graphviz.dot(dot, 'svg');
}
