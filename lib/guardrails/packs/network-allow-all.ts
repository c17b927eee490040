/**
 * The production pack, part 5: NetworkPolicy rules that allow everything.
 * A policy that selects a pod isolates it (the network-policy rule counts
 * it), so a rule inside it that lets every peer in on every port undoes the
 * isolation while the pod still looks protected.
 *
 * - `network-policy-allow-all` (error): an ingress or egress rule with no
 *   peers (`from`/`to` absent or empty, or a peer `{}`) and no ports:
 *   `ingress: [{}]`, `egress: [{}]`. Kubernetes reads that as "all traffic".
 * - `network-policy-wide-peer` (warning): a peer that is every pod of every
 *   namespace (`namespaceSelector: {}` without podSelector or with an
 *   empty one, `podSelector: {}` selecting all there is), every peer
 *   limited to some ports (a peer `{}`, or a rule with ports and no
 *   `from`/`to` or an empty one), or ingress from `ipBlock` 0.0.0.0/0 or
 *   ::/0 (the whole internet). Narrower than allow-all, but rarely meant.
 *   Not when a LoadBalancer or NodePort Service exposes those pods on the
 *   rule's ports: that exposure is judged on the Service (service-type,
 *   public-load-balancer), once.
 *
 * Egress to an ipBlock 0.0.0.0/0 is not a finding: libk8s writes it only
 * when the program asks for it (`egress: [{ cidr: '0.0.0.0/0' }]`), an
 * explicit choice for a workload that calls external APIs. Egress to DNS in
 * kube-system names its namespace and pods, and is not wide either.
 */
import { Rule, Violation } from '../../core/policy';
import { exposedBy } from './exposure';
import { nsOf, productionRule } from './production-support';

type Direction = 'ingress' | 'egress';
const PEERS: Readonly<Record<Direction, 'from' | 'to'>> = { ingress: 'from', egress: 'to' };

const isEmptySelector = (s: unknown): boolean => typeof s === 'object' && s !== null
  && Object.keys((s as any).matchLabels ?? {}).length === 0 && ((s as any).matchExpressions ?? []).length === 0;
const isEmptyPeer = (p: unknown): boolean => typeof p !== 'object' || p === null || Object.keys(p).length === 0;
const EVERYWHERE = new Set(['0.0.0.0/0', '::/0']);

/** Each rule of each direction the policy has, with its JSON path. */
function rulesOf(manifest: Readonly<Record<string, any>>): { dir: Direction; rule: Record<string, any>; path: string }[] {
  const out: { dir: Direction; rule: Record<string, any>; path: string }[] = [];
  for (const dir of ['ingress', 'egress'] as const) {
    const list = manifest.spec?.[dir];
    if (!Array.isArray(list)) continue;
    list.forEach((rule, i) => out.push({ dir, rule: rule && typeof rule === 'object' ? rule : {}, path: `spec.${dir}[${i}]` }));
  }
  return out;
}

function hasPorts(rule: Record<string, any>): boolean {
  return Array.isArray(rule.ports) && rule.ports.length > 0;
}

/** No peer list (every source or destination), or one with a peer `{}` in it. */
function everyPeer(rule: Record<string, any>, dir: Direction): { all: boolean; index?: number } {
  const peers = rule[PEERS[dir]];
  if (!Array.isArray(peers) || peers.length === 0) return { all: true };
  const index = peers.findIndex(isEmptyPeer);
  return index >= 0 ? { all: true, index } : { all: false };
}

export const networkPolicyAllowAll: Rule = productionRule({
  id: 'network-policy-allow-all',
  severity: 'error',
  description: 'No NetworkPolicy rule allows all traffic: an ingress or egress rule names some peer (from/to) or some ports, never neither (`ingress: [{}]`).',
  fix: "libk8s writes NetworkPolicy rules from the workload's callers and 'egress' props, each with peers and ports; remove the addJsonPatch or customize() that adds an empty rule. In YAML: give the rule from/to peers (podSelector, namespaceSelector with matchLabels, ipBlock) and ports, or delete it.",
  kinds: ['NetworkPolicy'],
  check(s) {
    const out: Violation[] = [];
    for (const { dir, rule, path } of rulesOf(s.manifest)) {
      const peers = everyPeer(rule, dir);
      if (!peers.all || hasPorts(rule)) continue;
      const field = peers.index !== undefined ? `${path}.${PEERS[dir]}[${peers.index}]` : path;
      out.push({ message: `${path} allows all ${dir} traffic: ${dir === 'ingress' ? 'from every source' : 'to every destination'}, on every port`, field });
    }
    return out;
  },
});

export const networkPolicyWidePeer: Rule = productionRule({
  id: 'network-policy-wide-peer',
  severity: 'warning',
  description: 'No NetworkPolicy peer is every pod of every namespace (namespaceSelector: {} without podSelector or with an empty one, an empty peer, or no peer list on a rule with ports), and no ingress comes from ipBlock 0.0.0.0/0 or ::/0.',
  fix: "libk8s names the caller's namespace and pods in each peer; remove the addJsonPatch or customize() that widens it. In YAML: give namespaceSelector a matchLabels (kubernetes.io/metadata.name: <ns>) and add a podSelector, and let ingress from the internet reach only the gateway, not the pods.",
  kinds: ['NetworkPolicy'],
  check(s, ctx) {
    const out: Violation[] = [];
    for (const { dir, rule, path } of rulesOf(s.manifest)) {
      const key = PEERS[dir];
      const exposed = (): boolean => hasPorts(rule) && exposedBy(ctx, nsOf(s.manifest), s.manifest.spec?.podSelector ?? {}, rule.ports.map((p: any) => p?.port));
      const peers = rule[key];
      if (!Array.isArray(peers) || peers.length === 0) {
        // no peer list is every peer, as a peer `{}` is; with no ports it is network-policy-allow-all's
        if (hasPorts(rule)) out.push({ message: `${path} names no peer (${key} is ${Array.isArray(peers) ? 'empty' : 'absent'}): every pod of every namespace and every address`, field: path });
        continue;
      }
      peers.forEach((p: any, i: number) => {
        const field = `${path}.${key}[${i}]`;
        if (isEmptyPeer(p)) {
          // with no ports it is network-policy-allow-all's
          if (hasPorts(rule)) out.push({ message: `${field} is an empty peer: every pod of every namespace and every address`, field });
          return;
        }
        // an empty podSelector selects every pod, as an absent one does
        if (p.namespaceSelector !== undefined && isEmptySelector(p.namespaceSelector) && (p.podSelector === undefined || isEmptySelector(p.podSelector))) {
          const pods = p.podSelector === undefined ? 'without podSelector' : 'with podSelector: {}';
          out.push({ message: `${field} selects every pod of every namespace (namespaceSelector: {} ${pods})`, field: `${field}.namespaceSelector` });
        }
        const cidr = p.ipBlock?.cidr;
        if (dir === 'ingress' && typeof cidr === 'string' && EVERYWHERE.has(cidr.trim()) && !exposed()) {
          out.push({ message: `${field} lets in every address (ipBlock ${cidr})`, field: `${field}.ipBlock.cidr` });
        }
      });
    }
    return out;
  },
});

export const NETWORK_ALLOW_ALL_RULES: readonly Rule[] = [networkPolicyAllowAll, networkPolicyWidePeer];
