import type { AppGraph } from './model';
import { compare } from './model';

/**
 * Safe, stable identifiers for a graph's nodes: `workload:storefront` →
 * `workload_storefront`. Letters, digits and `_` only (no Mermaid keyword,
 * no DOT quoting needed); two ids that sanitize alike get `_2`, `_3`, … in
 * sorted order, so the same graph always gets the same ids.
 */
export function safeIds(graph: AppGraph): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of graph.nodes.map((n) => n.id).sort(compare)) {
    const base = id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    let safe = base;
    for (let i = 2; taken.has(safe); i++) safe = `${base}_${i}`;
    taken.add(safe);
    out.set(id, safe);
  }
  return out;
}
