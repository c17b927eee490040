import { safeIds } from './ids';
import type { AppGraph, GraphEdge, GraphNode, GraphNodeGroup } from './model';

/**
 * A Mermaid `flowchart LR` of the graph, as GitHub renders it in a
 * ```mermaid block: a subgraph per group, routes as stadiums, workloads as
 * boxes (jobs as subroutines), queues as parallelograms, data stores as
 * cylinders, identities as hexagons. Labels are quoted, with quotes,
 * brackets and other markup characters written as entity codes. The same
 * graph always gives the same text.
 */
export function toMermaid(graph: AppGraph): string {
  const ids = safeIds(graph);
  const lines = ['flowchart LR', `  %% ${comment(`${graph.app} · ${graph.environment}${graph.rendered ? '' : ' (not rendered)'}`)}`];
  for (const group of GROUPS) {
    const members = graph.nodes.filter((n) => n.group === group.group);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${group.id}["${text(group.title)}"]`);
    for (const n of members) lines.push(`    ${ids.get(n.id)}${shape(n)}`);
    lines.push('  end');
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} ${arrow(e)}|"${text(e.label)}"| ${ids.get(e.to)}`);
  for (const group of GROUPS) lines.push(`  classDef ${group.group} ${group.style}`);
  for (const group of GROUPS) {
    const members = graph.nodes.filter((n) => n.group === group.group).map((n) => ids.get(n.id));
    if (members.length) lines.push(`  class ${members.join(',')} ${group.group}`);
  }
  return lines.join('\n') + '\n';
}

const GROUPS: readonly { group: GraphNodeGroup; id: string; title: string; style: string }[] = [
  { group: 'route', id: 'group_routes', title: 'Routes', style: 'fill:#fff3e0,stroke:#e65100,color:#000' },
  { group: 'workload', id: 'group_workloads', title: 'Workloads', style: 'fill:#e3f2fd,stroke:#1565c0,color:#000' },
  { group: 'resource', id: 'group_resources', title: 'Resources', style: 'fill:#e8f5e9,stroke:#2e7d32,color:#000' },
  { group: 'identity', id: 'group_identities', title: 'Cloud identities', style: 'fill:#f3e5f5,stroke:#6a1b9a,color:#000' },
];

function shape(n: GraphNode): string {
  const label = [n.label, ...n.details].map(text).join('<br/>');
  if (n.group === 'route') return `(["${label}"])`;
  if (n.group === 'identity') return `{{"${label}"}}`;
  if (n.group === 'workload') return n.kind === 'CronTask' || n.kind === 'Task' ? `[["${label}"]]` : `["${label}"]`;
  if (n.resourceType === 'queue') return `[/"${label}"/]`;
  if (n.resourceType === 'postgres' || n.resourceType === 'redis' || n.resourceType === 'bucket') return `[("${label}")]`;
  return `("${label}")`;
}

function arrow(e: GraphEdge): string {
  if (e.kind === 'identity') return '-.->';
  if (e.kind === 'route') return '==>';
  return '-->';
}

const ENTITIES: Record<string, string> = {
  '"': '#quot;', '#': '#35;', '&': '#amp;', '<': '#lt;', '>': '#gt;', '[': '#91;', ']': '#93;', '(': '#40;', ')': '#41;',
  '{': '#123;', '}': '#125;', '|': '#124;', '`': '#96;', ';': '#59;',
};

/** Text inside a quoted Mermaid label: markup characters as entity codes, line breaks as spaces. */
export function mermaidText(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/["#&<>[\](){}|`;]/g, (c) => ENTITIES[c]);
}

const text = mermaidText;

/** A `%%` comment: one line, and no braces (so never a `%%{ }%%` directive). */
function comment(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[{}]/g, '');
}
