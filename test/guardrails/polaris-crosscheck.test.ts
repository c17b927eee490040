import * as fs from 'fs';
import * as path from 'path';
import { aliasesOf, Guardrails, podSpecOf, Subject, WebService } from 'libk8s';
import { newApp } from '../support/apps';
import { loadChecks, PolarisCheck, runPolaris } from '../support/polaris';
import { describeWithReference } from '../support/reference';
import { FIXTURES, loadFixture, Variant } from './fixtures/load';

/**
 * The engine and Polaris must agree, object by object, on every check both
 * implement (a libk8s rule that names the Polaris check as its alias). The
 * places where libk8s decides differently on purpose are listed in
 * DIFFERENCES, each with its reason and a predicate over the object that is
 * exactly that case; any other disagreement fails, and so does a listed
 * difference that no fixture exercises.
 *
 * Findings are compared per object: a Polaris Container or PodSpec finding
 * counts for the workload that owns the container, and a libk8s finding for
 * the object it names, whatever field it points at. Objects are told apart
 * by kind, namespace and name.
 */
const engine = new Guardrails({ options: { 'priority-class': { required: true } } });

type Manifest = Readonly<Record<string, any>>;
type Who = 'polaris' | 'libk8s';

// ---------------------------------------------------------------------------
// Polaris as it reads these objects
// ---------------------------------------------------------------------------

/**
 * Two places where test/support/polaris.ts does not see what Polaris sees;
 * both are bridged here rather than excused, so the comparison is with
 * Polaris itself:
 *
 *  - Quantities. Polaris validates a container after decoding it into the Go
 *    API struct (corev1.Container) and marshalling it back to JSON, which
 *    turns every resource.Quantity into a string: `cpu: 1` is checked as
 *    "1". The runner checks the manifest as written, so a numeric quantity
 *    fails the `type: string` of cpuLimitsMissing and its kin. Numbers under
 *    resources are given to it as strings (the canonical form, e.g. "500m"
 *    for 0.5, does not matter to any check: they test presence and type).
 *  - An empty `oneOf`. missingNetworkPolicy ranges over the pod template's
 *    labels to build a `oneOf`; with no labels it templates to `oneOf:` with
 *    nothing under it. qri-io/jsonschema reads that null as an empty list,
 *    which no value matches (OneOf.ValidateKeyword: "did not match any"), so
 *    no NetworkPolicy counts and the workload is flagged. The runner hands
 *    `oneOf: null` to ajv, which throws. Here an empty template yields
 *    `not: {}`, which also matches nothing.
 */
function asPolarisReads(manifest: Manifest): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(manifest));
  const pod = podSpecOf(copy);
  for (const c of [...(pod?.spec.initContainers ?? []), ...(pod?.spec.containers ?? [])]) {
    for (const group of ['requests', 'limits']) {
      const values = c?.resources?.[group];
      if (values && typeof values === 'object') for (const [k, v] of Object.entries(values)) if (typeof v === 'number') values[k] = String(v);
    }
  }
  return copy;
}

const EMPTY_ONE_OF = /^( *)oneOf:\n(?=\1\{\{ range \$key, \$value := \.Polaris\.PodTemplate\.metadata\.labels \}\})/m;

let bridgedChecks: readonly PolarisCheck[] | undefined;

/** The Polaris checks, missingNetworkPolicy's empty oneOf bridged (read lazily: the reference may be absent). */
function polarisChecks(): readonly PolarisCheck[] {
  bridgedChecks ??= loadChecks().map((c) => {
    if (c.id !== 'missingNetworkPolicy') return c;
    const source = c.additionalSchemaStrings['networking.k8s.io/NetworkPolicy'];
    if (!EMPTY_ONE_OF.test(source)) throw new Error('missingNetworkPolicy no longer builds its oneOf from the pod labels; revisit polarisChecks');
    const patched = source.replace(EMPTY_ONE_OF, '$1{{ if .Polaris.PodTemplate.metadata.labels }}oneOf:{{ else }}not: {}{{ end }}\n');
    return { ...c, additionalSchemaStrings: { ...c.additionalSchemaStrings, 'networking.k8s.io/NetworkPolicy': patched } };
  });
  return bridgedChecks;
}

// ---------------------------------------------------------------------------
// Helpers for the predicates (plain Kubernetes semantics, not libk8s's code)
// ---------------------------------------------------------------------------

const nsOf = (m: Manifest): string => m.metadata?.namespace ?? '';
const nameOf = (m: Manifest): string => m.metadata?.name ?? '';
const key = (kind: string, ns: string | undefined, name: string): string => `${kind}/${ns ? `${ns}/` : ''}${name}`;
const inNs = (all: readonly Manifest[], kind: string, obj: Manifest) => all.filter((m) => m.kind === kind && nsOf(m) === nsOf(obj));

const podLabels = (obj: Manifest): Record<string, string> => podSpecOf(obj)?.metadata.labels ?? {};
const containers = (obj: Manifest): Record<string, any>[] => podSpecOf(obj)?.spec.containers ?? [];

/** A label selector (matchLabels and matchExpressions) against labels; an empty selector selects everything. */
function selects(selector: Record<string, any> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const pairs = Object.entries(selector.matchLabels ?? {});
  return pairs.every(([k, v]) => labels[k] === v) && (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

function hpaFor(obj: Manifest, all: readonly Manifest[]): Manifest | undefined {
  return inNs(all, 'HorizontalPodAutoscaler', obj).find((h) => h.spec?.scaleTargetRef?.kind === obj.kind && h.spec?.scaleTargetRef?.name === nameOf(obj));
}

const REPLICATED = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

/**
 * The fewest pods a workload runs: one for a bare Pod; for a replicated
 * kind its HPA's minReplicas (1 when unset), else spec.replicas (1 when
 * unset); Infinity for the rest (a DaemonSet runs one per node).
 */
function replicasOf(obj: Manifest, all: readonly Manifest[]): number {
  if (obj.kind === 'Pod') return 1;
  if (!REPLICATED.includes(obj.kind)) return Infinity;
  const hpa = hpaFor(obj, all);
  return hpa ? hpa.spec?.minReplicas ?? 1 : obj.spec?.replicas ?? 1;
}

const SPREAD_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region'];
const spreadsOwnPods = (term: any, labels: Record<string, string>) => SPREAD_KEYS.includes(term?.topologyKey) && selects(term.labelSelector, labels);

function antiAffinitySpreads(obj: Manifest): boolean {
  const anti = podSpecOf(obj)?.spec.affinity?.podAntiAffinity ?? {};
  const terms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm)];
  return terms.some((t: any) => spreadsOwnPods(t, podLabels(obj)));
}

/** The directions a NetworkPolicy isolates: policyTypes, defaulted as the API server does when absent or empty. */
function directions(p: Manifest): string[] {
  const types = p.spec?.policyTypes;
  if (Array.isArray(types) && types.length > 0) return types.map(String);
  return ['Ingress', ...((p.spec?.egress ?? []).length > 0 ? ['Egress'] : [])];
}

const policiesSelecting = (obj: Manifest, all: readonly Manifest[]) => inNs(all, 'NetworkPolicy', obj).filter((p) => selects(p.spec?.podSelector ?? {}, podLabels(obj)));
const isolating = (obj: Manifest, all: readonly Manifest[], dir: string) => policiesSelecting(obj, all).filter((p) => directions(p).includes(dir));
const isolatedBothWays = (obj: Manifest, all: readonly Manifest[]) => ['Ingress', 'Egress'].every((d) => isolating(obj, all, d).length > 0);

/** The ServiceAccount a pod runs as is a subject of a RoleBinding (in its namespace) or a ClusterRoleBinding. */
function serviceAccountBound(obj: Manifest, all: readonly Manifest[]): boolean {
  const pod = podSpecOf(obj)?.spec ?? {};
  const sa = pod.serviceAccountName ?? pod.serviceAccount ?? 'default';
  return all.some((b) => (b.kind === 'RoleBinding' || b.kind === 'ClusterRoleBinding') && (b.subjects ?? []).some((s: any) => s?.kind === 'ServiceAccount'
    && s.name === sa && (s.namespace ?? (b.kind === 'RoleBinding' ? nsOf(b) : undefined)) === nsOf(obj)));
}

function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
  return tlsHosts.some((t) => t === host || (t.startsWith('*.') && host.endsWith(t.slice(1)) && !host.slice(0, host.length - t.length + 1).includes('.')));
}

/** An int-or-percent against a total, rounded up as the disruption controller does. */
function scaled(v: unknown, total: number): number | undefined {
  if (typeof v === 'number') return v;
  const pct = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  return pct ? Math.ceil((Number(pct[1]) * total) / 100) : undefined;
}

const envOf = (obj: Manifest): Record<string, any>[] => {
  const pod = podSpecOf(obj)?.spec ?? {};
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap((c: any) => (Array.isArray(c?.env) ? c.env : []));
};

/** The names sensitiveContainerEnvVar rejects with a literal value. */
const POLARIS_SENSITIVE_NAME = /^AWS_SECRET_ACCESS_KEY$|^GOOGLE_APPLICATION_CREDENTIALS$|^AZURE_.+KEY$|^OCI_CLI_KEY_CONTENT$|password|token|bearer|secret/i;

// ---------------------------------------------------------------------------
// The intentional differences
// ---------------------------------------------------------------------------

interface Difference {
  /** The Polaris check. */
  readonly check: string;
  /** Who flags the object while the other does not. */
  readonly who: Who;
  /** Why libk8s decides otherwise (one line for the README). */
  readonly why: string;
  /** Whether an object (among all objects checked with it) is this case. */
  readonly applies: (obj: Manifest, all: readonly Manifest[]) => boolean;
}

const probePerPod = (check: string, probe: 'readinessProbe' | 'livenessProbe'): Difference => ({
  check, who: 'polaris',
  why: `${probe} is required per pod, not per container (as kube-score does): one on the main container, the one kubectl.kubernetes.io/default-container names, covers the pod, and a sidecar without one is fine`,
  applies: (obj) => containers(obj).some((c) => c?.[probe]),
});

const probeRunsToCompletion = (check: string): Difference => ({
  check, who: 'polaris',
  why: 'a bare Pod with restartPolicy Never or OnFailure runs to completion, like the Jobs and CronJobs Polaris exempts, so it needs no probes',
  applies: (obj) => obj.kind === 'Pod' && ['Never', 'OnFailure'].includes(obj.spec?.restartPolicy),
});

const DIFFERENCES: readonly Difference[] = [
  {
    check: 'deploymentMissingReplicas', who: 'polaris',
    why: 'an HorizontalPodAutoscaler owns the replica count (Kubernetes recommends leaving spec.replicas out); hpaMinAvailability checks its minReplicas instead',
    applies: (obj, all) => hpaFor(obj, all) !== undefined,
  },
  {
    check: 'deploymentMissingReplicas', who: 'polaris',
    why: 'a KEDA ScaledObject owns the replica count and makes the HPA at run time (a QueueWorker scales to zero on an empty queue); Polaris does not know KEDA',
    applies: (obj, all) => inNs(all, 'ScaledObject', obj).some((o) => String(o.apiVersion).startsWith('keda.sh/')
      && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === obj.kind && o.spec?.scaleTargetRef?.name === nameOf(obj)),
  },
  {
    check: 'deploymentMissingReplicas', who: 'polaris',
    why: 'replicas: 0 is a workload scaled to zero on purpose, not one that runs a single pod',
    applies: (obj) => obj.spec?.replicas === 0,
  },
  {
    check: 'deploymentMissingReplicas', who: 'libk8s',
    why: 'libk8s asks for 2 replicas of StatefulSets too; Polaris checks only Deployments',
    applies: (obj) => obj.kind === 'StatefulSet',
  },
  {
    check: 'hpaMinAvailability', who: 'libk8s',
    why: 'minReplicas left out means 1 (the API default); Polaris only checks a minReplicas that is set',
    applies: (obj) => obj.kind === 'HorizontalPodAutoscaler' && obj.spec?.minReplicas === undefined,
  },
  {
    check: 'hpaMaxAvailability', who: 'libk8s',
    why: 'minReplicas left out means 1, so maxReplicas 1 never scales; Polaris compares maxReplicas only with a minReplicas that is set',
    applies: (obj) => obj.kind === 'HorizontalPodAutoscaler' && obj.spec?.minReplicas === undefined && (obj.spec?.maxReplicas ?? 0) <= 1,
  },
  {
    check: 'missingPodDisruptionBudget', who: 'polaris',
    why: 'a workload that runs fewer than 2 pods (its HPA\'s minReplicas counting, 1 when unset) needs no budget: one for a single pod either blocks every drain or allows the outage anyway (replicas-minimum reports it)',
    applies: (obj, all) => replicasOf(obj, all) < 2,
  },
  {
    check: 'missingPodDisruptionBudget', who: 'libk8s',
    why: 'libk8s asks for a budget for replicated StatefulSets too; Polaris checks only Deployments',
    applies: (obj) => obj.kind === 'StatefulSet',
  },
  {
    check: 'missingPodDisruptionBudget', who: 'libk8s',
    why: 'a budget must select the pods; Polaris accepts one whose matchLabels shares any single label with the pod template, even when its other labels exclude the pods',
    applies: (obj, all) => {
      const pdbs = inNs(all, 'PodDisruptionBudget', obj);
      const labels = podLabels(obj);
      return pdbs.some((p) => Object.entries(p.spec?.selector?.matchLabels ?? {}).some(([k, v]) => labels[k] === v)) && !pdbs.some((p) => selects(p.spec?.selector, labels));
    },
  },
  {
    check: 'pdbDisruptionsIsZero', who: 'libk8s',
    why: 'a minAvailable as large as the replicas it covers (an HPA\'s minReplicas counting) allows no eviction either; Polaris only checks for the literal values 100%, 0 and 0%',
    applies: (obj, all) => obj.kind === 'PodDisruptionBudget' && obj.spec?.minAvailable !== undefined
      && all.some((w) => REPLICATED.includes(w.kind) && nsOf(w) === nsOf(obj) && selects(obj.spec?.selector, podLabels(w))
        && replicasOf(w, all) > 0 && (scaled(obj.spec.minAvailable, replicasOf(w, all)) ?? 0) >= replicasOf(w, all)),
  },
  {
    check: 'topologySpreadConstraint', who: 'polaris',
    why: 'a workload that runs a single pod (a bare Pod, or fewer than 2 replicas, an HPA\'s minReplicas counting) has nothing to spread',
    applies: (obj, all) => replicasOf(obj, all) < 2,
  },
  {
    check: 'topologySpreadConstraint', who: 'polaris',
    why: 'a DaemonSet runs one pod per node, spread by construction',
    applies: (obj) => obj.kind === 'DaemonSet',
  },
  {
    check: 'topologySpreadConstraint', who: 'polaris',
    why: 'a podAntiAffinity term on a node or zone key that selects the pods themselves spreads them as well (kube-score\'s check); Polaris accepts only topologySpreadConstraints',
    applies: (obj) => antiAffinitySpreads(obj),
  },
  {
    check: 'topologySpreadConstraint', who: 'libk8s',
    why: 'a constraint counts only when it spreads the pods themselves (a node, zone or region key, a labelSelector that selects the pod\'s labels); Polaris accepts any constraint',
    applies: (obj) => {
      const constraints: any[] = podSpecOf(obj)?.spec.topologySpreadConstraints ?? [];
      return constraints.length > 0 && !constraints.some((c) => spreadsOwnPods(c, podLabels(obj)));
    },
  },
  probePerPod('readinessProbeMissing', 'readinessProbe'),
  probePerPod('livenessProbeMissing', 'livenessProbe'),
  probeRunsToCompletion('readinessProbeMissing'),
  probeRunsToCompletion('livenessProbeMissing'),
  {
    check: 'missingNetworkPolicy', who: 'polaris',
    why: 'a NetworkPolicy with no rules for a direction denies all traffic that way, the strictest isolation (e.g. a namespace default-deny with podSelector {}); Polaris wants at least one ingress and one egress rule',
    applies: (obj, all) => isolatedBothWays(obj, all)
      && ['Ingress', 'Egress'].some((d) => isolating(obj, all, d).every((p) => (p.spec?.[d.toLowerCase()] ?? []).length === 0)),
  },
  {
    check: 'missingNetworkPolicy', who: 'polaris',
    why: 'a pod is isolated in a direction when any NetworkPolicy selecting it lists that direction, so ingress and egress may come from two policies; Polaris wants both in one',
    applies: (obj, all) => isolatedBothWays(obj, all) && !policiesSelecting(obj, all).some((p) => ['Ingress', 'Egress'].every((d) => directions(p).includes(d))),
  },
  {
    check: 'automountServiceAccountToken', who: 'polaris',
    why: 'a pod whose ServiceAccount a RoleBinding or ClusterRoleBinding grants something calls the API and needs its token',
    applies: (obj, all) => serviceAccountBound(obj, all),
  },
  {
    check: 'tlsSettingsMissing', who: 'libk8s',
    why: 'libk8s checks that an HTTPRoute attaches only to HTTPS listeners; Polaris checks only Ingresses',
    applies: (obj) => obj.kind === 'HTTPRoute',
  },
  {
    check: 'tlsSettingsMissing', who: 'libk8s',
    why: 'an Ingress\'s spec.tls must cover every host it routes (a *.example.com certificate does not cover v2.api.example.com); Polaris only asks for a spec.tls',
    applies: (obj) => {
      if (obj.kind !== 'Ingress') return false;
      const tls: any[] = obj.spec?.tls ?? [];
      const hosts: string[] = tls.flatMap((t) => t?.hosts ?? []);
      return tls.length > 0 && (obj.spec?.rules ?? []).some((r: any) => typeof r?.host === 'string' && !hostCovered(r.host, hosts));
    },
  },
  {
    check: 'sensitiveContainerEnvVar', who: 'polaris',
    why: 'a name that contains TOKEN only as TOKENIZ… (TOKENIZER_MODEL) is not a token; libk8s matches whole words and known secret names, Polaris any substring',
    applies: (obj) => envOf(obj).some((e) => typeof e.value === 'string' && e.value !== '' && /token/i.test(e.name) && !/token(?!iz)/i.test(e.name)),
  },
  {
    check: 'sensitiveContainerEnvVar', who: 'polaris',
    why: 'an empty literal value discloses nothing, whatever the name; Polaris rejects any value under a secret-looking name',
    applies: (obj) => envOf(obj).some((e) => e.value === '' && POLARIS_SENSITIVE_NAME.test(String(e.name))),
  },
];

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

/** check → objects (by key) flagged. */
type Verdicts = Map<string, Set<string>>;

function add(v: Verdicts, check: string, obj: string): void {
  v.set(check, (v.get(check) ?? new Set()).add(obj));
}

function polarisVerdicts(subjects: readonly Subject[]): Verdicts {
  const byNs = new Map<string, Record<string, any>[]>();
  for (const s of subjects) byNs.set(nsOf(s.manifest), [...(byNs.get(nsOf(s.manifest)) ?? []), asPolarisReads(s.manifest)]);
  const out: Verdicts = new Map();
  // one namespace at a time, as the runner asks (its PDB/HPA check looks across namespaces)
  for (const group of byNs.values()) for (const f of runPolaris(group, polarisChecks())) add(out, f.check, key(f.kind, f.namespace, f.name));
  return out;
}

function engineVerdicts(subjects: readonly Subject[]): Verdicts {
  const out: Verdicts = new Map();
  for (const f of engine.check(subjects).findings) {
    for (const id of aliasesOf({ aliases: { polaris: f.aliases.polaris } })) add(out, id, key(f.object.kind, f.object.namespace, f.object.name));
  }
  return out;
}

/** Polaris check ids some enabled libk8s rule implements. */
function sharedChecks(): string[] {
  const polarisIds = new Set(loadChecks().map((c) => c.id));
  const ids = new Set<string>();
  for (const { rule } of engine.rules) {
    for (const a of aliasesOf({ aliases: { polaris: rule.aliases?.polaris } })) if (polarisIds.has(a)) ids.add(a);
  }
  return [...ids].sort();
}

interface Disagreement {
  readonly check: string;
  readonly object: string;
  readonly who: Who;
  /** The differences that explain it. */
  readonly excusedBy: readonly Difference[];
}

function compare(subjects: readonly Subject[]): Disagreement[] {
  const p = polarisVerdicts(subjects);
  const e = engineVerdicts(subjects);
  const all = subjects.map((s) => s.manifest);
  const byKey = new Map(all.map((m) => [key(m.kind, nsOf(m), nameOf(m)), m]));
  const out: Disagreement[] = [];
  for (const check of sharedChecks()) {
    const sides: [Who, Set<string>, Set<string>][] = [['polaris', p.get(check) ?? new Set(), e.get(check) ?? new Set()], ['libk8s', e.get(check) ?? new Set(), p.get(check) ?? new Set()]];
    for (const [who, flags, other] of sides) {
      for (const object of [...flags].filter((o) => !other.has(o)).sort()) {
        const obj = byKey.get(object);
        if (!obj) throw new Error(`${check}: ${who} flags ${object}, which is not among the objects`);
        out.push({ check, object, who, excusedBy: DIFFERENCES.filter((d) => d.check === check && d.who === who && d.applies(obj, all)) });
      }
    }
  }
  return out;
}

/** The disagreements no documented difference explains, as readable lines. */
function unexplained(subjects: readonly Subject[]): string[] {
  return compare(subjects).filter((d) => d.excusedBy.length === 0)
    .map((d) => `${d.check} ${d.object}: ${d.who === 'polaris' ? 'Polaris flags it, libk8s does not' : 'libk8s flags it, Polaris does not'}`);
}

const fixtureFiles = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
const VARIANTS: readonly Variant[] = ['bad', 'good'];

/** libk8s's own output in several configurations, one subject list per environment. */
function libk8sOutput(): Subject[][] {
  const app = newApp();
  new WebService(app, 'internal', { image: 'ghcr.io/acme/internal:1.0.0' });
  new WebService(app, 'routed', { image: 'ghcr.io/acme/routed:1.0.0', route: { path: '/' }, autoscale: { min: 2, max: 5 } });
  new WebService(app, 'ingress', { image: 'ghcr.io/acme/ingress:1.0.0', route: { kind: 'ingress', subdomain: 'www' }, replicas: 3 });
  new WebService(app, 'sidecar', {
    image: 'ghcr.io/acme/sidecar:1.0.0',
    sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', ports: [{ name: 'http', port: 9901 }], probes: { readiness: {}, liveness: { path: '/alive' } } }],
    config: { files: { 'a.yaml': 'x: 1\n' } },
  });
  return app.render().map((env) => env.objects.map((o): Subject => ({ manifest: o.manifest, origin: {} })));
}

describeWithReference('the engine agrees with Polaris', () => {
  test('libk8s implements a sizeable share of the Polaris checks', () => {
    expect(sharedChecks().length).toBeGreaterThanOrEqual(20);
  });

  test.each(fixtureFiles.flatMap((f) => VARIANTS.map((v) => [f, v] as const)))('on fixture %s (%s variant)', (file, variant) => {
    expect(unexplained(loadFixture(file, variant))).toEqual([]);
  });

  test('on libk8s output in several configurations', () => {
    for (const subjects of libk8sOutput()) expect(unexplained(subjects)).toEqual([]);
  });

  test('the runner is bridged only where it does not read objects as Polaris does', () => {
    const ids = (objects: Record<string, any>[], checks?: readonly PolarisCheck[]) => runPolaris(objects, checks).map((f) => `${f.check} ${f.kind}/${f.name}`);
    // cpu: 1 is the Quantity "1" to Polaris
    const limits = loadFixture('no-limits', 'good').map((s) => s.manifest);
    expect(ids(limits)).toContain('cpuLimitsMissing Deployment/no-limits');
    expect(ids(limits.map(asPolarisReads), polarisChecks())).not.toContain('cpuLimitsMissing Deployment/no-limits');
    // a pod template without labels: its oneOf is empty, so no NetworkPolicy matches it, however complete
    const job = loadFixture('duplicate-env', 'good').map((s) => s.manifest);
    const policy = {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'job' },
      spec: { podSelector: { matchLabels: { app: 'job' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
    };
    expect(() => ids([...job, policy])).toThrow(/oneOf must be array/);
    expect(ids([...job, policy], polarisChecks())).toContain('missingNetworkPolicy Job/duplicate-env');
  });

  test('every documented difference is a check both implement, and explains a disagreement on some fixture', () => {
    const shared = sharedChecks();
    const used = new Set<Difference>();
    const runs = [...fixtureFiles.flatMap((f) => VARIANTS.map((v) => loadFixture(f, v))), ...libk8sOutput()];
    for (const subjects of runs) for (const d of compare(subjects)) d.excusedBy.forEach((x) => used.add(x));
    expect(DIFFERENCES.filter((d) => !shared.includes(d.check)).map((d) => d.check)).toEqual([]);
    expect(DIFFERENCES.filter((d) => !used.has(d)).map((d) => `${d.check} (${d.who}): ${d.why}`)).toEqual([]);
  });
});

test('fixtures exist for the cross-check', () => {
  expect(fixtureFiles.length).toBeGreaterThan(10);
  expect(fs.existsSync(path.join(FIXTURES, 'privileged.yaml'))).toBe(true);
});
