import * as k8s from '../core/kube';
import { ProblemList, show } from '../core/errors';
import type { Platform } from '../core/platform';
import { checkDnsLabel, checkList, checkMetadataMaps, cidrStrictlyInside, isRecord, parseCidr } from '../core/rules';
import type { PortProps } from '../pod/container';
import { EVERY_ADDRESS, IngressPeer, IngressPeerContext } from '../pod/network-policy';

export { IngressPeer, MatchLabels } from '../pod/network-policy';

/** Declared ingress of a workload that serves: who reaches its ports, and how its Service is exposed. */

/** A port beyond the main one, with who may connect to it. */
export interface ServicePortProps extends PortProps {
  /**
   * Who else may connect to this port: namespaces, pods, CIDRs, the
   * platform's monitoring stack (`'monitoring'`) or clients through the
   * Service's LoadBalancer or NodePort (`'external'`).
   * @default - only the workloads that connect() to this one (and Prometheus on a metrics port)
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
   */
  readonly ingress?: readonly IngressPeer[];
}

/** What every Service option takes. */
export interface ServiceBaseProps {
  /**
   * Annotations on the Service only, e.g. the cloud load balancer's
   * settings (`service.beta.kubernetes.io/aws-load-balancer-type: nlb`).
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Reachable inside the cluster only (the default). */
export interface ClusterIpServiceProps extends ServiceBaseProps {
  readonly type: 'ClusterIP';
}

/**
 * A cloud load balancer in front of the Service. Every Service port is on
 * it; the NetworkPolicy admits outside clients only on the ports whose
 * `ingress` names `'external'` (the main port when none does). The
 * Service keeps client addresses (`externalTrafficPolicy: Local`), so the
 * NetworkPolicy sees them; behind a proxying load balancer (AWS Classic
 * ELB) admit its subnets with a `{ cidr }` peer too.
 */
export interface LoadBalancerServiceProps extends ServiceBaseProps {
  readonly type: 'LoadBalancer';
  /**
   * The client address ranges the load balancer admits, and the
   * NetworkPolicy on its `'external'` ports. Without them it is open to
   * every address: an error of the `public-load-balancer` guardrail unless
   * the platform allows public load balancers or the construct waives it.
   * @default - every address (a public load balancer)
   * @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
   */
  readonly loadBalancerSourceRanges?: readonly string[];
}

/**
 * A port on every node in front of the Service; the NetworkPolicy admits
 * outside clients on the `'external'` ports (the main port when none is),
 * keeping their addresses (`externalTrafficPolicy: Local`).
 */
export interface NodePortServiceProps extends ServiceBaseProps {
  readonly type: 'NodePort';
  /**
   * The client address ranges the NetworkPolicy admits on the `'external'`
   * ports (a NodePort Service has no source-range field of its own).
   * @default - every address
   */
  readonly sourceRanges?: readonly string[];
}

/** How the Service of a WebService is exposed. */
export type ServiceProps = ClusterIpServiceProps | LoadBalancerServiceProps | NodePortServiceProps;

/** The props of a serving workload that declare its ingress. */
export interface IngressProps {
  /**
   * Who else may connect to the main port (see ServicePortProps.ingress).
   * @default - only the route's gateway and the workloads that connect() to this one
   */
  readonly ingress?: readonly IngressPeer[];
  /**
   * The Service's type: `ClusterIP`, or `LoadBalancer` / `NodePort` to
   * reach the pods from outside the cluster (which the platform must allow:
   * PlatformProps.exposure).
   * @default { type: 'ClusterIP' }
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly service?: ServiceProps;
}

/** The client ranges a Service exposed outside the cluster admits: its own, or every address. */
export function externalRanges(service: ServiceProps | undefined): readonly string[] {
  const ranges = service?.type === 'LoadBalancer' ? service.loadBalancerSourceRanges : service?.type === 'NodePort' ? service.sourceRanges : undefined;
  return ranges?.length ? ranges : EVERY_ADDRESS;
}

/** Whether the Service reaches outside the cluster. */
export function isExternal(service: ServiceProps | undefined): boolean {
  return service?.type === 'LoadBalancer' || service?.type === 'NodePort';
}

/**
 * The ports with their declared ingress, `'external'` added to the main
 * port when the Service is exposed and no port names it.
 */
export function portsWithIngress(main: readonly IngressPeer[] | undefined, ports: readonly ServicePortProps[], service: ServiceProps | undefined): ServicePortProps[] {
  const all = ports.map((x, i) => (i === 0 ? { ...x, ingress: main } : x));
  if (isExternal(service) && !all.some((x) => x.ingress?.includes('external')) && all.length) all[0] = { ...all[0], ingress: [...(all[0].ingress ?? []), 'external'] };
  return all;
}

/** What ingress peers resolve against for this platform and Service. */
export function peerContext(platform: Platform, service: ServiceProps | undefined): IngressPeerContext {
  return { monitoring: platform.monitoring, externalRanges: externalRanges(service) };
}

/** The Service spec fields the exposure sets: type, source ranges, and client addresses kept. */
export function serviceSpec(service: ServiceProps | undefined): Pick<k8s.ServiceSpec, 'type' | 'loadBalancerSourceRanges' | 'externalTrafficPolicy'> {
  if (!isExternal(service)) return { type: 'ClusterIP' };
  const ranges = service?.type === 'LoadBalancer' && service.loadBalancerSourceRanges?.length ? [...service.loadBalancerSourceRanges] : undefined;
  return { type: service!.type, loadBalancerSourceRanges: ranges, externalTrafficPolicy: 'Local' };
}

/** Checks `service`, `ingress` and each `ports[i].ingress`, with every problem reported. */
export function checkIngressProps(problems: ProblemList, p: IngressProps & { readonly ports?: readonly ServicePortProps[] }, platform: Platform): void {
  const service = checkService(problems, p.service);
  const external = isExternal(service);
  checkPeers(problems, 'ingress', p.ingress, platform, external);
  if (!Array.isArray(p.ports)) return;
  p.ports.forEach((x, i) => {
    if (isRecord(x)) checkPeers(problems, `ports[${i}].ingress`, x.ingress, platform, external);
  });
}

const TYPES = ['ClusterIP', 'LoadBalancer', 'NodePort'];

/** The Service props when they are sound enough to read. */
function checkService(problems: ProblemList, service: unknown): ServiceProps | undefined {
  if (service === undefined) return undefined;
  if (!isRecord(service)) {
    problems.add('service', `${show(service)} is not a Service option`, "pass { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }.");
    return undefined;
  }
  if (!TYPES.includes(service.type as string)) {
    problems.add('service.type', `${show(service.type)} is not a Service type libk8s exposes`, "use 'ClusterIP', 'LoadBalancer' or 'NodePort'.");
    return undefined;
  }
  checkMetadataMaps(problems, 'service.annotations', undefined, service.annotations as Record<string, string> | undefined, 'service.annotations');
  const own = service.type === 'LoadBalancer' ? 'loadBalancerSourceRanges' : service.type === 'NodePort' ? 'sourceRanges' : undefined;
  for (const key of ['loadBalancerSourceRanges', 'sourceRanges'] as const) {
    if (key === own) {
      if (!checkList(problems, `service.${key}`, service[key], "['203.0.113.0/24']")) continue;
      for (const [i, cidr] of (service[key] as readonly unknown[] | undefined ?? []).entries()) checkCidr(problems, `service.${key}[${i}]`, cidr);
    } else if (service[key] !== undefined) {
      problems.add(`service.${key}`, `is set on a ${service.type} Service, which has no such option`,
        own ? `use '${own}'.` : "use type 'LoadBalancer' (loadBalancerSourceRanges) or 'NodePort' (sourceRanges), or remove it.");
    }
  }
  return service as unknown as ServiceProps;
}

const PEER_EXAMPLE = "pass { namespace: 'checkout' }, { namespaceLabels: { team: 'payments' } }, { podLabels: { role: 'cli' } }, { cidr: '10.0.0.0/8' }, 'monitoring' or 'external'.";
const PEER_KEYS = ['namespace', 'namespaceLabels', 'podLabels', 'cidr', 'except'];

function checkPeers(problems: ProblemList, prop: string, peers: unknown, platform: Platform, external: boolean): void {
  if (!checkList(problems, prop, peers, "[{ namespace: 'checkout' }, 'monitoring']")) return;
  for (const [i, peer] of (peers as readonly unknown[] | undefined ?? []).entries()) {
    const at = `${prop}[${i}]`;
    if (peer === 'monitoring') {
      if (!platform.monitoring) problems.add(at, "is 'monitoring', but the platform has no monitoring stack (platform.monitoring is false)", "remove it, or admit Prometheus by namespace: { namespace: 'monitoring' }.");
    } else if (peer === 'external') {
      if (!external) problems.add(at, "is 'external', but the Service is ClusterIP, so nothing outside the cluster reaches it", "set service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }, or admit the clients by { cidr }.");
    } else if (!isRecord(peer)) {
      problems.add(at, `${show(peer)} is not an ingress peer`, PEER_EXAMPLE);
    } else {
      checkPeer(problems, at, peer);
    }
  }
}

function checkPeer(problems: ProblemList, at: string, peer: Record<string, unknown>): void {
  const unknown = Object.keys(peer).filter((k) => !PEER_KEYS.includes(k));
  if (unknown.length) problems.add(`${at}.${unknown[0]}`, `is not an ingress peer option (known: ${PEER_KEYS.join(', ')})`, PEER_EXAMPLE);
  const kinds = ['namespace', 'namespaceLabels', 'cidr'].filter((k) => peer[k] !== undefined);
  if (kinds.length > 1) {
    problems.add(at, `sets both '${kinds[0]}' and '${kinds[1]}'; a peer is one of them`, 'give each its own entry in the list (any of them admits).');
    return;
  }
  if (kinds[0] === 'cidr') {
    if (peer.podLabels !== undefined) problems.add(`${at}.podLabels`, "is set together with 'cidr'; an address block has no pods", 'give the pods their own entry.');
    const block = checkCidr(problems, `${at}.cidr`, peer.cidr);
    if (!checkList(problems, `${at}.except`, peer.except, "['10.0.5.0/24']")) return;
    for (const [j, x] of (peer.except as readonly unknown[] | undefined ?? []).entries()) {
      const inner = checkCidr(problems, `${at}.except[${j}]`, x);
      if (inner && block && !cidrStrictlyInside(inner, block)) {
        problems.add(`${at}.except[${j}]`, `${show(x)} is not strictly inside ${show(peer.cidr)}, which Kubernetes requires of an except block`, `use a smaller block inside ${peer.cidr}, or remove it.`);
      }
    }
    return;
  }
  if (peer.except !== undefined) problems.add(`${at}.except`, "is set without 'cidr'", "use it with a cidr: { cidr: '10.0.0.0/8', except: ['10.0.5.0/24'] }.");
  if (kinds[0] === 'namespace') checkDnsLabel(problems, `${at}.namespace`, peer.namespace as string);
  if (kinds[0] === 'namespaceLabels') checkSelector(problems, `${at}.namespaceLabels`, peer.namespaceLabels, 'every namespace');
  if (peer.podLabels !== undefined || kinds.length === 0) checkSelector(problems, `${at}.podLabels`, peer.podLabels, kinds.length ? 'every pod there' : "every pod of the app's namespace");
}

/** A label selector map: an object of valid labels, not empty (an empty one selects everything). */
function checkSelector(problems: ProblemList, prop: string, labels: unknown, all: string): void {
  if (labels === undefined) {
    problems.add(prop.replace(/\.podLabels$/, ''), 'names no namespace, namespaceLabels, podLabels or cidr', PEER_EXAMPLE);
    return;
  }
  if (isRecord(labels) && Object.keys(labels).length === 0) {
    problems.add(prop, `is empty, which selects ${all}`, 'name the labels to match, e.g. { team: "payments" }.');
    return;
  }
  checkMetadataMaps(problems, prop, labels as Record<string, string>);
}

/** A CIDR as the API server parses one; the problem names the text. */
function checkCidr(problems: ProblemList, prop: string, value: unknown): ReturnType<typeof parseCidr> {
  const block = parseCidr(value);
  if (!block) problems.add(prop, `${show(value)} is not a CIDR`, 'use an address block like "203.0.113.0/24", "10.0.0.0/8" or "2001:db8::/32".');
  return block;
}
