import * as k8s from '../core/kube';
import { Construct } from 'constructs';
import { policySelector } from '../core/labels';

/** Egress allowed beyond DNS (and, later, what the workload connects to). */
export interface EgressRule {
  /** A CIDR such as `0.0.0.0/0` or `10.20.0.0/16`. */
  readonly cidr: string;
  /** @default - none */
  readonly except?: readonly string[];
  /** TCP ports; @default - every port */
  readonly ports?: readonly number[];
}

/** Egress to the cluster DNS (kube-dns in kube-system) on port 53, UDP and TCP: every pod resolves names. */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
  };
}

export interface GoldenNetworkPolicyProps {
  readonly metadata: k8s.ObjectMeta;
  /** The workload's name: the policy selects its pods by the one label `policySelector(name)`. */
  readonly name: string;
  /** Ingress rules; when none, the pods admit only each other on `ownPorts` (Polaris asks for at least one rule). */
  readonly ingress: readonly k8s.NetworkPolicyIngressRule[];
  /** The ports of that fallback rule. @default - every port */
  readonly ownPorts?: readonly k8s.NetworkPolicyPort[];
  /** Egress beyond DNS. @default - DNS only */
  readonly egress?: readonly k8s.NetworkPolicyEgressRule[];
}

/**
 * The NetworkPolicy of a golden-path pod: ingress and egress both
 * restricted, DNS egress always, its pods selected by exactly one label
 * unique to the workload (Polaris matches it with `oneOf`).
 */
export function goldenNetworkPolicy(scope: Construct, p: GoldenNetworkPolicyProps): k8s.KubeNetworkPolicy {
  const ingress = p.ingress.length ? [...p.ingress] : [{
    from: [{ podSelector: { matchLabels: policySelector(p.name) } }],
    ports: p.ownPorts?.length ? [...p.ownPorts] : undefined,
  }];
  return new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: p.metadata,
    spec: { podSelector: { matchLabels: policySelector(p.name) }, policyTypes: ['Ingress', 'Egress'], ingress, egress: [dnsEgress(), ...(p.egress ?? [])] },
  });
}

/** Labels to match, as a selector's `matchLabels`. */
export type MatchLabels = Readonly<Record<string, string>>;

/**
 * Who may open connections to one port of a workload, besides what libk8s
 * admits itself (the route's gateway, the workloads that `connect()` to it):
 *
 * - `{ namespace: 'checkout' }`: every pod of that namespace; with
 *   `podLabels`, only the pods with those labels there.
 * - `{ namespaceLabels: { team: 'payments' } }`: pods of every namespace with
 *   those labels (and `podLabels`, when given).
 * - `{ podLabels: { role: 'admin-cli' } }`: pods of the workload's own namespace with those labels.
 * - `{ cidr: '10.20.0.0/16', except?: [...] }`: addresses in a block (IPv4 or IPv6).
 * - `'monitoring'`: the platform's monitoring stack (PlatformProps.monitoring).
 * - `'external'`: clients outside the cluster through the Service's
 *   LoadBalancer or NodePort, from its source ranges (every address when
 *   it has none).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */
export type IngressPeer =
  | { readonly namespace: string; readonly podLabels?: MatchLabels }
  | { readonly namespaceLabels: MatchLabels; readonly podLabels?: MatchLabels }
  | { readonly podLabels: MatchLabels }
  | { readonly cidr: string; readonly except?: readonly string[] }
  | 'monitoring'
  | 'external';

/** What an ingress peer resolves against in one environment. */
export interface IngressPeerContext {
  /** The monitoring stack's namespace and pod labels; undefined when the platform has none. */
  readonly monitoring?: { readonly namespace: string; readonly podLabels: MatchLabels };
  /** The CIDRs `'external'` admits: the Service's source ranges. */
  readonly externalRanges: readonly string[];
}

/** The addresses of a Service exposed with no source ranges: every IPv4 and IPv6 address. */
export const EVERY_ADDRESS: readonly string[] = ['0.0.0.0/0', '::/0'];

const namespaceOf = (name: string): k8s.LabelSelector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** The NetworkPolicy peers of one declared ingress peer (validation has checked it). */
export function ingressPeers(peer: IngressPeer, ctx: IngressPeerContext): k8s.NetworkPolicyPeer[] {
  if (peer === 'monitoring') {
    const m = ctx.monitoring;
    return m ? [{ namespaceSelector: namespaceOf(m.namespace), podSelector: { matchLabels: { ...m.podLabels } } }] : [];
  }
  if (peer === 'external') return ctx.externalRanges.map((cidr) => ({ ipBlock: { cidr } }));
  if ('cidr' in peer) return [{ ipBlock: { cidr: peer.cidr, except: peer.except?.length ? [...peer.except] : undefined } }];
  const podSelector = peer.podLabels ? { matchLabels: { ...peer.podLabels } } : undefined;
  if ('namespace' in peer) return [{ namespaceSelector: namespaceOf(peer.namespace), podSelector }];
  if ('namespaceLabels' in peer) return [{ namespaceSelector: { matchLabels: { ...peer.namespaceLabels } }, podSelector }];
  return [{ podSelector }];
}

/**
 * One ingress rule per port that declares peers: the port (by name) and
 * every peer of its list, in order, without repeats. Ports with no peers
 * get no rule.
 */
export function declaredIngress(ports: readonly { readonly name: string; readonly protocol?: string; readonly ingress?: readonly IngressPeer[] }[], ctx: IngressPeerContext): k8s.NetworkPolicyIngressRule[] {
  const rules: k8s.NetworkPolicyIngressRule[] = [];
  for (const port of ports) {
    const seen = new Set<string>();
    const from = (port.ingress ?? []).flatMap((peer) => ingressPeers(peer, ctx)).filter((p) => {
      const key = JSON.stringify(p);
      return !seen.has(key) && seen.add(key);
    });
    if (from.length) rules.push({ from, ports: [{ protocol: port.protocol ?? 'TCP', port: k8s.IntOrString.fromString(port.name) }] });
  }
  return rules;
}
