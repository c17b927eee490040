/**
 * `libk8s graph`: the app's workloads, routes, resources, scaling and cloud
 * identities, and the connections between them, as a Mermaid flowchart,
 * Graphviz DOT or an SVG drawing.
 */
import type { AppGraph } from './model';
import { toDot } from './dot';
import { toMermaid } from './mermaid';
import { toSvg } from './svg';

export { appGraph, imageTag, scalingText } from './model';
export type { AppGraph, GraphNode, GraphNodeGroup, GraphEdge, GraphEdgeKind, GraphScaling } from './model';
export { toMermaid, mermaidText } from './mermaid';
export { toDot, dotText } from './dot';
export { toSvg, dotToSvg, loadGraphviz } from './svg';

/** The output formats of `libk8s graph`. */
export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The graph in `format`: the text to print or write (`--format`, default `mermaid`). */
export async function renderGraph(graph: AppGraph, format: GraphFormat = 'mermaid'): Promise<string> {
  switch (format) {
    case 'mermaid': return toMermaid(graph);
    case 'dot': return toDot(graph);
    case 'svg': return toSvg(graph);
    default: throw new Error(`unknown graph format ${JSON.stringify(format)}: use one of ${GRAPH_FORMATS.join(', ')}`);
  }
}
