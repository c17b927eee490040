/**
 * The production pack, part 2: who may talk to the pods and how they are
 * reached — NetworkPolicies, service accounts, Services, routes and TLS.
 */
import { podSpecOf, WORKLOAD_KINDS } from '../pod-spec';
import { Rule, RuleContext, Subject, Violation } from '../../core/policy';
import {
  describe, findNamed, hostCovered, inNs, memo, nameOf, nsOf, productionRule, selectorsOf, show, workloadsSelectedBy, workloadsSelectedByMap,
} from './production-support';

/** JSON path of a pod template's labels (`spec.template.metadata.labels`, `metadata.labels` for a Pod). */
function labelsPath(podPath: string): string {
  return podPath === 'spec' ? 'metadata.labels' : `${podPath.replace(/\.spec$/, '')}.metadata.labels`;
}

/**
 * The directions a NetworkPolicy isolates: policyTypes, or, when it is
 * absent or empty, what Kubernetes defaults it to (SetDefaults_NetworkPolicy):
 * Ingress, and Egress only when there is at least one egress rule
 * (`egress: []` isolates nothing).
 */
function policyTypes(p: Readonly<Record<string, any>>): string[] {
  const spec = p.spec ?? {};
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes.map((t: unknown) => String(t).toLowerCase());
  return ['ingress', ...(Array.isArray(spec.egress) && spec.egress.length > 0 ? ['egress'] : [])];
}

/**
 * A pod counts as isolated in a direction when some NetworkPolicy in its
 * namespace selects it for that direction — Kubernetes' own semantics. The
 * rules may live in one policy or two, and an empty rule list (deny all) is
 * the strictest isolation, so unlike Polaris's missingNetworkPolicy it passes.
 */
const networkPolicy: Rule = productionRule({
  id: 'network-policy',
  severity: 'error',
  description: 'A NetworkPolicy in the namespace selects every pod for both ingress and egress, so a compromised pod cannot reach, or be reached from, anything it was not meant to.',
  fix: "libk8s emits a NetworkPolicy per workload (ingress from its callers, egress to DNS and 'egress'). In YAML: add a NetworkPolicy whose podSelector matches the pod labels, with policyTypes [Ingress, Egress] and the allowed ingress and egress rules.",
  aliases: { kubeScore: 'pod-networkpolicy', polaris: 'missingNetworkPolicy', kubeLinter: 'non-isolated-pod' },
  kinds: WORKLOAD_KINDS,
  check(s, ctx) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const labels = pod.metadata.labels ?? {};
    const ns = nsOf(s.manifest);
    const policies = selectorsOf(ctx, 'NetworkPolicy', (p) => p.manifest.spec?.podSelector ?? {}, s);
    const ingress = policies.filter((p) => policyTypes(p.manifest).includes('ingress'));
    const egress = policies.filter((p) => policyTypes(p.manifest).includes('egress'));
    const field = labelsPath(pod.path);
    if (policies.length === 0) return [{ message: `no NetworkPolicy ${inNs(ns)} selects its pods (labels ${show(labels)})`, field }];
    const names = (list: readonly Subject[]) => list.map((p) => `'${nameOf(p.manifest)}'`).join(', ');
    if (ingress.length === 0) return [{ message: `NetworkPolicy ${names(policies)} selects its pods but none restricts ingress`, field }];
    if (egress.length === 0) return [{ message: `NetworkPolicy ${names(policies)} selects its pods but none restricts egress`, field }];
    return [];
  },
});

const networkPolicySelectsPods: Rule = productionRule({
  id: 'network-policy-selects-pods',
  severity: 'warning',
  description: "A NetworkPolicy's podSelector selects some pod template in its namespace (a policy that selects nothing protects nothing).",
  fix: "libk8s selects a workload's pods by app.kubernetes.io/instance. In YAML: make spec.podSelector match the labels of the pods it should isolate.",
  aliases: { kubeScore: 'networkpolicy-targets-pod', kubeLinter: 'dangling-networkpolicy' },
  kinds: ['NetworkPolicy'],
  check(s, ctx) {
    const selector = s.manifest.spec?.podSelector ?? {};
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) return [];
    const ns = nsOf(s.manifest);
    return workloadsSelectedBy(ctx, ns, selector).length > 0
      ? []
      : [{ message: `spec.podSelector ${show(selector)} selects no pods ${inNs(ns)}`, field: 'spec.podSelector' }];
  },
});

/** Whether a RoleBinding or ClusterRoleBinding grants a ServiceAccount anything: then it needs its token. */
function hasBinding(ctx: RuleContext, ns: string, sa: string): boolean {
  const bound = memo(ctx, 'bound-service-accounts', () => {
    const set = new Set<string>();
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      for (const b of ctx.ofKind(kind)) {
        for (const x of Array.isArray(b.manifest.subjects) ? b.manifest.subjects : []) {
          if (x?.kind === 'ServiceAccount') set.add(JSON.stringify([x.namespace ?? (kind === 'RoleBinding' ? nsOf(b.manifest) : ''), x.name]));
        }
      }
    }
    return set;
  });
  return bound.has(JSON.stringify([ns, sa]));
}

/**
 * The token is mounted unless the pod or its ServiceAccount says false.
 * A workload whose ServiceAccount is bound to a Role or ClusterRole in the
 * same set evidently calls the API, and may mount it.
 */
const serviceAccountToken: Rule = productionRule({
  id: 'service-account-token',
  severity: 'error',
  description: "Pods do not mount a ServiceAccount token (automountServiceAccountToken: false on the pod or its ServiceAccount) unless the workload calls the API: its ServiceAccount has a RoleBinding or ClusterRoleBinding.",
  fix: 'libk8s sets automountServiceAccountToken: false on the pod and the ServiceAccount. In YAML: set it on the pod spec (or the ServiceAccount); a workload that calls the API binds its ServiceAccount to a Role, which this rule then accepts.',
  aliases: { polaris: 'automountServiceAccountToken' },
  kinds: WORKLOAD_KINDS,
  check(s, ctx) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const setting = pod.spec.automountServiceAccountToken;
    if (setting === false) return [];
    const ns = nsOf(s.manifest);
    const saName: string = pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? 'default';
    const sa = findNamed(ctx, 'ServiceAccount', ns, saName);
    if (setting === undefined && sa?.manifest.automountServiceAccountToken === false) return [];
    if (hasBinding(ctx, ns, saName)) return [];
    const why = setting === true ? 'the pod sets automountServiceAccountToken: true'
      : sa ? `neither the pod nor ServiceAccount '${saName}' sets automountServiceAccountToken: false`
        : `the pod does not set automountServiceAccountToken: false (ServiceAccount '${saName}' is not among the checked objects)`;
    return [{ message: `${why}, so every container gets a token for ServiceAccount '${saName}', which no RoleBinding uses`, field: `${pod.path}.automountServiceAccountToken` }];
  },
});

const serviceAccountDedicated: Rule = productionRule({
  id: 'service-account-dedicated',
  severity: 'warning',
  description: "Pods run as their own ServiceAccount, not the namespace's `default` one that every other pod shares (and any grant to it).",
  fix: 'libk8s creates a ServiceAccount per workload. In YAML: create a ServiceAccount for the workload and set spec.serviceAccountName to it.',
  aliases: { kubeLinter: 'default-service-account' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    if (sa && sa !== 'default') return [];
    return [{ message: sa ? 'the pod runs as the ServiceAccount "default"' : 'the pod names no serviceAccountName, so it runs as "default"', field: `${pod.path}.serviceAccountName` }];
  },
});

const EXPOSED = ['NodePort', 'LoadBalancer'];

const serviceType: Rule = productionRule({
  id: 'service-type',
  severity: 'error',
  description: "Services are ClusterIP (or headless/ExternalName): no NodePort or LoadBalancer opens pods to outside the cluster past the platform's gateway and TLS, unless the platform allows the type (options: { allow: ['LoadBalancer'] }).",
  fix: "Expose HTTP through a route (libk8s 'route': an HTTPRoute on the platform Gateway, or an Ingress). In YAML: use type: ClusterIP behind an Ingress or HTTPRoute; if a TCP load balancer is intended, waive the rule for that Service with the reason, or have the platform allow the type.",
  aliases: { kubeScore: 'service-type', kubeLinter: 'exposed-services' },
  kinds: ['Service'],
  check(s, ctx) {
    const type = s.manifest.spec?.type;
    if (!EXPOSED.includes(type)) return [];
    const allow = Array.isArray(ctx.options.allow) ? (ctx.options.allow as unknown[]).map(String) : [];
    if (allow.includes(type)) return [];
    const nodePorts = (s.manifest.spec?.ports ?? []).map((p: any) => p?.nodePort).filter((p: unknown) => typeof p === 'number');
    const open = type === 'NodePort' ? `every node opens ${nodePorts.length ? `port ${nodePorts.join(', ')}` : 'a port from 30000-32767'}` : 'the cloud provisions a public load balancer';
    return [{ message: `type is ${show(type)}: ${open} to reach the pods from outside the cluster`, field: 'spec.type' }];
  },
});

function serviceSelected(ctx: RuleContext, s: Subject) {
  return workloadsSelectedByMap(ctx, nsOf(s.manifest), s.manifest.spec?.selector);
}

/** A Service whose endpoints come from pods (not ExternalName, not a hand-written Endpoints list). */
function selectsPods(s: Subject): boolean {
  return s.manifest.spec?.type !== 'ExternalName' && Object.keys(s.manifest.spec?.selector ?? {}).length > 0;
}

const serviceSelectsPods: Rule = productionRule({
  id: 'service-selects-pods',
  severity: 'warning',
  description: "A Service's selector selects some pod template in its namespace, or it has no endpoints and every request fails.",
  fix: "libk8s derives the selector from the workload. In YAML: make spec.selector a subset of the pod template's labels (not the Deployment's own metadata.labels).",
  aliases: { kubeScore: 'service-targets-pod', kubeLinter: 'dangling-service' },
  kinds: ['Service'],
  check(s, ctx) {
    if (!selectsPods(s)) return [];
    return serviceSelected(ctx, s).length > 0 ? [] : [{ message: `spec.selector ${show(s.manifest.spec.selector)} selects no pods ${inNs(nsOf(s.manifest))}`, field: 'spec.selector' }];
  },
});

const serviceTargetPort: Rule = productionRule({
  id: 'service-target-port',
  severity: 'warning',
  description: "A Service's named targetPort is a port name every selected pod template declares, or those pods get no endpoint for it.",
  fix: "libk8s targets the workload's port names. In YAML: name the port in the container's ports (ports[].name) or use the container port number as targetPort.",
  kinds: ['Service'],
  check(s, ctx) {
    if (!selectsPods(s)) return [];
    const selected = serviceSelected(ctx, s);
    if (selected.length === 0) return []; // service-selects-pods reports it
    const out: Violation[] = [];
    (s.manifest.spec?.ports ?? []).forEach((p: any, i: number) => {
      const target = p?.targetPort;
      if (typeof target !== 'string' || /^\d+$/.test(target)) return;
      const lacking = selected.filter((w) => !(w.pod.spec.containers ?? []).some((c: any) => (c?.ports ?? []).some((cp: any) => cp?.name === target)));
      if (lacking.length) out.push({ message: `targetPort ${show(target)} is not a port name of ${lacking.map((w) => describe(w.subject.manifest)).join(', ')}`, field: `spec.ports[${i}].targetPort` });
    });
    return out;
  },
});

/** The listeners of a Gateway a parentRef attaches to. */
function attachedListeners(gateway: Readonly<Record<string, any>>, ref: Record<string, any>): Record<string, any>[] {
  return (gateway.spec?.listeners ?? []).filter((l: any) => (ref.sectionName === undefined || l?.name === ref.sectionName) && (ref.port === undefined || l?.port === ref.port));
}

/** An HTTPRoute whose every rule redirects to https is the HTTP-to-HTTPS redirect, fine on a plain listener. */
function onlyRedirectsToHttps(route: Readonly<Record<string, any>>): boolean {
  const rules: any[] = route.spec?.rules ?? [];
  return rules.length > 0 && rules.every((r) => (r?.filters ?? []).some((f: any) => f?.type === 'RequestRedirect' && f.requestRedirect?.scheme === 'https'));
}

/**
 * Ingress: spec.tls covers every rule's host. HTTPRoute: TLS is the
 * Gateway listener's job, so a route is fine when each Gateway parent it
 * attaches to serves it over HTTPS/TLS only. When the Gateway is among the
 * checked objects its listeners are looked up. When it is not (a platform
 * Gateway lives in its own namespace), the route must name a listener with
 * sectionName: without one it attaches to EVERY listener, a plain-HTTP one
 * included, while the platform names its HTTPS listener for routes to use
 * (libk8s attaches to `platform.gateway.listener`, 'https' by default).
 */
const routeTls: Rule = productionRule({
  id: 'route-tls',
  severity: 'error',
  description: "Routes from outside are served over TLS only: an Ingress's spec.tls covers every host; an HTTPRoute or GRPCRoute attaches to HTTPS listeners (by sectionName, or to a Gateway whose attached listeners are all HTTPS).",
  fix: "libk8s routes attach to the platform Gateway's HTTPS listener (HTTPRoute) or carry tls with a cert-manager issuer (Ingress). In YAML: for an Ingress add spec.tls with every host and a secretName; for an HTTPRoute set parentRefs[].sectionName to the Gateway's HTTPS listener.",
  aliases: { polaris: 'tlsSettingsMissing' },
  kinds: ['Ingress', 'HTTPRoute', 'GRPCRoute'],
  check(s, ctx) {
    const m = s.manifest;
    if (m.kind === 'Ingress') {
      const tls: any[] = Array.isArray(m.spec?.tls) ? m.spec.tls : [];
      if (tls.length === 0) return [{ message: 'has no spec.tls, so every host is served over plain HTTP', field: 'spec.tls' }];
      if (tls.some((t) => !Array.isArray(t?.hosts) || t.hosts.length === 0)) return []; // the controller's default certificate serves every host
      const tlsHosts: string[] = tls.flatMap((t) => t.hosts);
      const out: Violation[] = [];
      (m.spec?.rules ?? []).forEach((r: any, i: number) => {
        if (typeof r?.host === 'string' && !hostCovered(r.host, tlsHosts)) out.push({ message: `host ${show(r.host)} is not in spec.tls (${tlsHosts.join(', ')}), so it is served over plain HTTP`, field: `spec.rules[${i}].host` });
      });
      return out;
    }
    if (onlyRedirectsToHttps(m)) return [];
    const out: Violation[] = [];
    (m.spec?.parentRefs ?? []).forEach((ref: any, i: number) => {
      if ((ref?.kind ?? 'Gateway') !== 'Gateway') return; // a Service parent: mesh traffic, not from outside
      const gwNs = ref.namespace ?? nsOf(m);
      const gateway = findNamed(ctx, 'Gateway', gwNs, ref.name);
      if (gateway) {
        const plain = attachedListeners(gateway.manifest, ref).filter((l) => !['HTTPS', 'TLS'].includes(l?.protocol));
        if (plain.length) out.push({ message: `attaches to plain ${plain.map((l) => `${l.protocol} listener '${l.name}'`).join(', ')} of Gateway '${gwNs}/${ref.name}'`, field: `spec.parentRefs[${i}]` });
      } else if (ref.sectionName === undefined) {
        out.push({ message: `attaches to every listener of Gateway '${gwNs}/${ref.name}' (no sectionName), a plain-HTTP one included; the Gateway is not among the checked objects`, field: `spec.parentRefs[${i}].sectionName` });
      }
    });
    return out;
  },
});

function servicePortOk(svc: Subject, port: { number?: unknown; name?: unknown }): boolean {
  const ports: any[] = svc.manifest.spec?.ports ?? [];
  if (port.number !== undefined) return ports.some((p) => p?.port === port.number);
  if (port.name !== undefined) return ports.some((p) => p?.name === port.name);
  return false;
}

const routeBackendExists: Rule = productionRule({
  id: 'route-backend-exists',
  severity: 'warning',
  description: "Every backend of an HTTPRoute, GRPCRoute or Ingress names a Service in the namespace, with that port, or requests to it fail.",
  fix: "libk8s routes point at the workload's own Service and port. In YAML: make backendRefs[].name/port (HTTPRoute) or backend.service.name/port (Ingress) match an existing Service and one of its spec.ports[].port.",
  aliases: { kubeScore: 'ingress-targets-service', kubeLinter: 'dangling-ingress' },
  kinds: ['Ingress', 'HTTPRoute', 'GRPCRoute'],
  check(s, ctx) {
    const m = s.manifest;
    const out: Violation[] = [];
    const checkRef = (ns: string, name: unknown, port: { number?: unknown; name?: unknown }, field: string, portField: string) => {
      const svc = findNamed(ctx, 'Service', ns, name);
      if (!svc) out.push({ message: `backend names Service ${show(name)}, which is not ${inNs(ns)}`, field });
      else if (!servicePortOk(svc, port)) {
        const wanted = port.number !== undefined ? `port ${show(port.number)}` : port.name !== undefined ? `port ${show(port.name)}` : 'no port';
        const has = (svc.manifest.spec?.ports ?? []).map((p: any) => (p?.name ? `${p.name} (${p.port})` : String(p?.port))).join(', ');
        out.push({ message: `backend names ${wanted} of Service '${name}', which has ${has || 'no ports'}`, field: portField });
      }
    };
    if (m.kind === 'Ingress') {
      const svc = m.spec?.defaultBackend?.service;
      if (svc) checkRef(nsOf(m), svc.name, svc.port ?? {}, 'spec.defaultBackend.service.name', 'spec.defaultBackend.service.port');
      (m.spec?.rules ?? []).forEach((r: any, i: number) => (r?.http?.paths ?? []).forEach((p: any, j: number) => {
        const b = p?.backend?.service;
        const at = `spec.rules[${i}].http.paths[${j}].backend.service`;
        if (b) checkRef(nsOf(m), b.name, b.port ?? {}, `${at}.name`, `${at}.port`);
      }));
      return out;
    }
    (m.spec?.rules ?? []).forEach((r: any, i: number) => (r?.backendRefs ?? []).forEach((b: any, j: number) => {
      if ((b?.kind ?? 'Service') !== 'Service' || !['', 'core', undefined].includes(b?.group)) return;
      const at = `spec.rules[${i}].backendRefs[${j}]`;
      checkRef(b.namespace ?? nsOf(m), b.name, { number: b.port }, `${at}.name`, `${at}.port`);
    }));
    return out;
  },
});

export const NETWORK_RULES: readonly Rule[] = [
  networkPolicy, networkPolicySelectsPods,
  serviceAccountToken, serviceAccountDedicated,
  serviceType, serviceSelectsPods, serviceTargetPort,
  routeTls, routeBackendExists,
];
