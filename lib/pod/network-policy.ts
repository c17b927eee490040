import { k8s } from 'cdk8s-plus-27';
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
