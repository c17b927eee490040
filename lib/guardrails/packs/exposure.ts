/**
 * The production pack, part 6: exposure to outside the cluster and scrape
 * targets.
 *
 * - `public-load-balancer` (error): a Service of type LoadBalancer open to
 *   every address: no `loadBalancerSourceRanges` (nor the
 *   `service.beta.kubernetes.io/load-balancer-source-ranges` annotation),
 *   or a range of 0.0.0.0/0 or ::/0. An internal load balancer (the clouds'
 *   well-known annotations) is not public. A platform allows public load
 *   balancers with `exposure: { publicLoadBalancers: true }`, which turns
 *   the rule off with that reason in every report; one Service is waived
 *   like any finding.
 * - `monitor-target-exists` (warning): a ServiceMonitor or PodMonitor
 *   scrapes something: its selector selects a Service (or pod template) in
 *   its namespace that has the endpoint's port name. A monitor whose
 *   `namespaceSelector` looks elsewhere is not judged.
 */
import { Rule, RuleContext, Subject, Violation } from '../../core/policy';
import { mapSelects, selects } from '../pod-spec';
import { inNs, nsOf, productionRule, show, workloadsSelectedBy } from './production-support';

/** The reason `guardrailsFor` gives when the platform allows public load balancers. */
export const PUBLIC_LOAD_BALANCERS_ALLOWED = 'the platform allows public load balancers (platform.exposure.publicLoadBalancers)';

const EVERYWHERE = new Set(['0.0.0.0/0', '::/0']);
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** Annotations (and the value that means "internal") by which clouds make a load balancer internal. */
const INTERNAL: readonly (readonly [string, (v: string) => boolean])[] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', (v) => v !== 'false'],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', (v) => v === 'internal'],
  ['networking.gke.io/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['cloud.google.com/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', (v) => v === 'true'],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', (v) => v === 'true'],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', (v) => v === 'true'],
];

function isInternal(annotations: Record<string, unknown>): boolean {
  return INTERNAL.some(([key, internal]) => typeof annotations[key] === 'string' && internal(annotations[key] as string));
}

export const publicLoadBalancer: Rule = productionRule({
  id: 'public-load-balancer',
  severity: 'error',
  description: 'A LoadBalancer Service admits only some client ranges (loadBalancerSourceRanges), never every address, unless it is an internal load balancer or the platform allows public ones.',
  fix: "Give the libk8s service option the clients' ranges: service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }. A service meant for the whole internet: have the platform allow it (exposure: { publicLoadBalancers: true }) or waive it with the reason (web.waive('public-load-balancer', '…')). In YAML: set spec.loadBalancerSourceRanges, or the cloud's internal load balancer annotation.",
  kinds: ['Service'],
  check(s) {
    const spec = s.manifest.spec ?? {};
    if (spec.type !== 'LoadBalancer') return [];
    const annotations = s.manifest.metadata?.annotations ?? {};
    if (isInternal(annotations)) return [];
    const ranges: unknown[] = Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length
      ? spec.loadBalancerSourceRanges
      : typeof annotations[SOURCE_RANGES_ANNOTATION] === 'string' ? annotations[SOURCE_RANGES_ANNOTATION].split(',').map((r: string) => r.trim()).filter(Boolean) : [];
    if (ranges.length === 0) {
      return [{ message: 'is a LoadBalancer open to every address: it has no loadBalancerSourceRanges', field: 'spec.loadBalancerSourceRanges' }];
    }
    const fromSpec = Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length > 0;
    const out: Violation[] = [];
    ranges.forEach((r, i) => {
      if (typeof r === 'string' && EVERYWHERE.has(r.trim())) {
        out.push({
          message: `is a LoadBalancer open to every address: its source range ${show(r)} is the whole internet`,
          field: fromSpec ? `spec.loadBalancerSourceRanges[${i}]` : `metadata.annotations["${SOURCE_RANGES_ANNOTATION}"]`,
        });
      }
    });
    return out;
  },
});

/** The Services in a namespace whose metadata labels a monitor's selector matches. */
function selectedServices(ctx: RuleContext, ns: string, selector: Record<string, any>): readonly Subject[] {
  return ctx.ofKind('Service', ns).filter((svc) => selects(selector, svc.manifest.metadata?.labels ?? {}));
}

/** Whether the monitor scrapes its own namespace only (no namespaceSelector, or one naming just it). */
function ownNamespaceOnly(m: Readonly<Record<string, any>>): boolean {
  const sel = m.spec?.namespaceSelector;
  if (sel === undefined || sel === null) return true;
  const names = sel.matchNames;
  return sel.any !== true && Array.isArray(names) && names.length > 0 && names.every((n: unknown) => n === nsOf(m));
}

export const monitorTargetExists: Rule = productionRule({
  id: 'monitor-target-exists',
  severity: 'warning',
  description: "A ServiceMonitor's selector selects a Service in its namespace with each endpoint's port name, and a PodMonitor's a pod template with each endpoint's container port name; otherwise Prometheus scrapes nothing and no alert says so.",
  fix: "libk8s selects the workload's Service or pods and names its metrics port. In YAML: make spec.selector match the Service's metadata.labels (a PodMonitor: the pod template's labels) and name a port they declare (spec.endpoints[].port, spec.podMetricsEndpoints[].port).",
  kinds: ['ServiceMonitor', 'PodMonitor'],
  check(s, ctx) {
    const m = s.manifest;
    if (!ownNamespaceOnly(m)) return [];
    const ns = nsOf(m);
    const selector = m.spec?.selector ?? {};
    const service = m.kind === 'ServiceMonitor';
    const key = service ? 'endpoints' : 'podMetricsEndpoints';
    const portNames: Set<string> = new Set();
    if (service) {
      const found = selectedServices(ctx, ns, selector);
      if (found.length === 0) return [{ message: `spec.selector ${show(selector)} selects no Service ${inNs(ns)}`, field: 'spec.selector' }];
      for (const svc of found) for (const p of svc.manifest.spec?.ports ?? []) if (typeof p?.name === 'string') portNames.add(p.name);
    } else {
      const found = workloadsSelectedBy(ctx, ns, selector);
      if (found.length === 0) return [{ message: `spec.selector ${show(selector)} selects no pods ${inNs(ns)}`, field: 'spec.selector' }];
      for (const w of found) for (const c of w.pod.spec.containers ?? []) for (const p of c?.ports ?? []) if (typeof p?.name === 'string') portNames.add(p.name);
    }
    const out: Violation[] = [];
    (Array.isArray(m.spec?.[key]) ? m.spec[key] : []).forEach((e: any, i: number) => {
      if (typeof e?.port === 'string' && !portNames.has(e.port)) {
        out.push({ message: `${key}[${i}] scrapes port ${show(e.port)}, which the selected ${service ? 'Services do' : 'pods do'} not name (named: ${[...portNames].sort().join(', ') || 'none'})`, field: `spec.${key}[${i}].port` });
      }
    });
    return out;
  },
});

/** Whether a LoadBalancer or NodePort Service in `ns` selects pods with `labels` and targets every one of `ports` (names or numbers). */
export function exposedBy(ctx: RuleContext, ns: string, podSelector: Record<string, any>, ports: readonly unknown[]): boolean {
  const pods = workloadsSelectedBy(ctx, ns, podSelector);
  return ports.length > 0 && pods.length > 0 && ctx.ofKind('Service', ns).some((svc) => {
    const spec = svc.manifest.spec ?? {};
    if (spec.type !== 'LoadBalancer' && spec.type !== 'NodePort') return false;
    if (!pods.some((w) => mapSelects(spec.selector, w.labels))) return false;
    const targets = new Set((spec.ports ?? []).map((p: any) => String(p?.targetPort ?? p?.port)));
    return ports.every((p) => targets.has(String(p)));
  });
}

export const EXPOSURE_RULES: readonly Rule[] = [publicLoadBalancer, monitorTargetExists];
