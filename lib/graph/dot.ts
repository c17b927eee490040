import { safeIds } from './ids';
import type { AppGraph, GraphEdge, GraphNode, GraphNodeGroup } from './model';

/**
 * The graph in Graphviz DOT: a cluster per group, left to right, with the
 * same shapes as the Mermaid drawing (Graphviz lays it out; `toSvg` renders
 * it). Labels are escaped DOT strings. The same graph always gives the same text.
 */
export function toDot(graph: AppGraph): string {
  const ids = safeIds(graph);
  const title = `${graph.app} · ${graph.environment}${graph.rendered ? '' : ' (not rendered)'}`;
  const lines = [
    `digraph ${quote(graph.app)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=14, labelloc=t, label=${quote(title)}, nodesep=0.4, ranksep=0.8];`,
    '  node [fontname="Helvetica", fontsize=11, style="filled", penwidth=1.2];',
    '  edge [fontname="Helvetica", fontsize=10, color="#555555"];',
  ];
  for (const group of GROUPS) {
    const members = graph.nodes.filter((n) => n.group === group.group);
    if (members.length === 0) continue;
    lines.push(`  subgraph cluster_${group.group} {`, `    label=${quote(group.title)}; style="rounded,dashed"; color="#999999";`);
    for (const n of members) lines.push(`    ${ids.get(n.id)} [${nodeAttrs(n, group)}];`);
    lines.push('  }');
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} -> ${ids.get(e.to)} [${edgeAttrs(e)}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

const GROUPS: readonly { group: GraphNodeGroup; title: string; fill: string; stroke: string }[] = [
  { group: 'route', title: 'Routes', fill: '#fff3e0', stroke: '#e65100' },
  { group: 'workload', title: 'Workloads', fill: '#e3f2fd', stroke: '#1565c0' },
  { group: 'resource', title: 'Resources', fill: '#e8f5e9', stroke: '#2e7d32' },
  { group: 'identity', title: 'Cloud identities', fill: '#f3e5f5', stroke: '#6a1b9a' },
];

function nodeShape(n: GraphNode): string {
  if (n.group === 'route') return 'shape=box, style="rounded,filled"';
  if (n.group === 'identity') return 'shape=hexagon';
  if (n.group === 'workload') return n.kind === 'CronTask' || n.kind === 'Task' ? 'shape=component' : 'shape=box';
  if (n.resourceType === 'queue') return 'shape=parallelogram';
  if (n.resourceType === 'postgres' || n.resourceType === 'redis' || n.resourceType === 'bucket') return 'shape=cylinder';
  return 'shape=ellipse';
}

function nodeAttrs(n: GraphNode, group: { fill: string; stroke: string }): string {
  const label = [n.label, ...n.details].map(escape).join('\\n');
  return `label="${label}", ${nodeShape(n)}, fillcolor="${group.fill}", color="${group.stroke}"`;
}

function edgeAttrs(e: GraphEdge): string {
  const style = e.kind === 'identity' ? ', style=dashed, arrowhead=none' : e.kind === 'route' ? ', penwidth=2' : e.kind === 'consume' ? ', color="#2e7d32"' : '';
  return `label=${quote(e.label)}${style}`;
}

/** Text inside a DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`. */
export function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n');
}

const escape = dotText;

function quote(s: string): string {
  return `"${escape(s)}"`;
}
