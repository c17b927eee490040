/**
 * The production pack, part 3: staying up — replicas, autoscaling,
 * disruption budgets, spreading, selectors, and batch jobs that end.
 */
import { podSpecOf, selects } from '../pod-spec';
import { Rule, Violation } from '../../core/policy';
import {
  describe, findNamed, hpaFor, inNs, minReplicas, nameOf, nsOf, numberOr, productionRule, SCALABLE_KINDS, scaled, selectorsOf, show, workloadsSelectedBy,
} from './production-support';

const REPLICATED = ['Deployment', 'StatefulSet'];

const replicasMinimum: Rule = productionRule({
  id: 'replicas-minimum',
  severity: 'warning',
  description: 'Deployments and StatefulSets run at least 2 replicas (or an HPA scales them, see hpa-min-replicas), so one pod lost to a node drain or crash is not an outage.',
  fix: "libk8s runs 2 replicas by default: keep 'replicas' at 2 or more, or use 'autoscale'. In YAML: set spec.replicas: 2 or more (or let a HorizontalPodAutoscaler with minReplicas >= 2 scale it).",
  aliases: { kubeScore: 'deployment-replicas', polaris: 'deploymentMissingReplicas' },
  kinds: REPLICATED,
  check(s, ctx) {
    if (hpaFor(ctx, s.manifest)) return [];
    const replicas = s.manifest.spec?.replicas;
    if (replicas === 0) return []; // scaled to zero on purpose
    if (replicas === undefined) return [{ message: 'spec.replicas is not set and no HorizontalPodAutoscaler scales it, so it runs 1 replica', field: 'spec.replicas' }];
    return numberOr(replicas, 1) < 2 ? [{ message: `spec.replicas is ${show(replicas)}, so one lost pod is an outage`, field: 'spec.replicas' }] : [];
  },
});

const hpaMinReplicas: Rule = productionRule({
  id: 'hpa-min-replicas',
  severity: 'warning',
  description: 'A HorizontalPodAutoscaler keeps at least 2 replicas (minReplicas >= 2).',
  fix: "In libk8s set 'autoscale.min' to 2 or more. In YAML: set spec.minReplicas: 2 or more.",
  aliases: { kubeScore: 'horizontalpodautoscaler-replicas', polaris: 'hpaMinAvailability' },
  kinds: ['HorizontalPodAutoscaler'],
  check(s) {
    const min = s.manifest.spec?.minReplicas;
    const n = numberOr(min, 1);
    return n < 2 ? [{ message: min === undefined ? 'spec.minReplicas is not set, so it scales down to 1 replica' : `spec.minReplicas is ${n}`, field: 'spec.minReplicas' }] : [];
  },
});

const hpaMaxAboveMin: Rule = productionRule({
  id: 'hpa-max-above-min',
  severity: 'warning',
  description: "A HorizontalPodAutoscaler's maxReplicas is above its minReplicas, or it never scales.",
  fix: "In libk8s set 'autoscale.max' above 'autoscale.min' (or use 'replicas'). In YAML: raise spec.maxReplicas above spec.minReplicas.",
  aliases: { polaris: 'hpaMaxAvailability' },
  kinds: ['HorizontalPodAutoscaler'],
  check(s) {
    const min = numberOr(s.manifest.spec?.minReplicas, 1);
    const max = s.manifest.spec?.maxReplicas;
    return typeof max !== 'number' || max <= min ? [{ message: `spec.maxReplicas ${show(max)} is not above minReplicas ${min}`, field: 'spec.maxReplicas' }] : [];
  },
});

const hpaTargetExists: Rule = productionRule({
  id: 'hpa-target-exists',
  severity: 'warning',
  description: 'A HorizontalPodAutoscaler scales a workload that exists in its namespace.',
  fix: "libk8s points the HPA at the workload's Deployment. In YAML: make spec.scaleTargetRef kind and name match the Deployment or StatefulSet.",
  aliases: { kubeScore: 'horizontalpodautoscaler-has-target', kubeLinter: 'dangling-horizontalpodautoscaler' },
  kinds: ['HorizontalPodAutoscaler'],
  check(s, ctx) {
    const ref = s.manifest.spec?.scaleTargetRef ?? {};
    const ns = nsOf(s.manifest);
    const found = typeof ref.kind === 'string' && findNamed(ctx, ref.kind, ns, ref.name) !== undefined;
    return found ? [] : [{ message: `spec.scaleTargetRef names ${ref.kind ?? 'no kind'} ${show(ref.name)}, which is not ${inNs(ns)}`, field: 'spec.scaleTargetRef.name' }];
  },
});

const hpaNoFixedReplicas: Rule = productionRule({
  id: 'hpa-no-fixed-replicas',
  severity: 'warning',
  description: 'A workload scaled by a HorizontalPodAutoscaler does not set spec.replicas, or every apply resets the autoscaler\'s count (scaling down mid-spike).',
  fix: "libk8s leaves spec.replicas out when 'autoscale' is set. In YAML: remove spec.replicas from the Deployment or StatefulSet.",
  aliases: { kubeScore: 'deployment-targeted-by-hpa-does-not-have-replicas-configured' },
  kinds: REPLICATED,
  check(s, ctx) {
    const hpa = hpaFor(ctx, s.manifest);
    if (!hpa || s.manifest.spec?.replicas === undefined) return [];
    return [{ message: `sets spec.replicas ${show(s.manifest.spec.replicas)} while ${hpa.manifest.kind} '${nameOf(hpa.manifest)}' scales it`, field: 'spec.replicas' }];
  },
});

const pdbExists: Rule = productionRule({
  id: 'pdb-exists',
  severity: 'warning',
  description: 'A Deployment or StatefulSet that runs 2 or more replicas (or whose HPA keeps 2 or more) has a PodDisruptionBudget selecting its pods, so a node drain never takes them all at once.',
  fix: 'libk8s emits a PodDisruptionBudget (maxUnavailable: 1) per workload. In YAML: add a PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable: 1.',
  aliases: { kubeScore: 'deployment-has-poddisruptionbudget', polaris: 'missingPodDisruptionBudget' },
  kinds: REPLICATED,
  check(s, ctx) {
    const pod = podSpecOf(s.manifest);
    const replicas = minReplicas(ctx, s.manifest);
    if (!pod || replicas < 2) return [];
    const ns = nsOf(s.manifest);
    if (selectorsOf(ctx, 'PodDisruptionBudget', (p) => p.manifest.spec?.selector, s).length > 0) return [];
    return [{ message: `runs at least ${replicas} replicas but no PodDisruptionBudget ${inNs(ns)} selects its pods`, field: 'spec.template.metadata.labels' }];
  },
});

const pdbAllowsDisruption: Rule = productionRule({
  id: 'pdb-allows-disruption',
  severity: 'warning',
  description: 'A PodDisruptionBudget allows at least one disruption: maxUnavailable is not 0 or 0%, and minAvailable is not 100% nor as many as the replicas it covers (a drain would block forever).',
  fix: 'libk8s sets maxUnavailable: 1. In YAML: use maxUnavailable: 1 (or a minAvailable below the replica count, counting the HPA\'s minReplicas).',
  aliases: { polaris: 'pdbDisruptionsIsZero', kubeLinter: ['pdb-max-unavailable', 'pdb-min-available'] },
  kinds: ['PodDisruptionBudget'],
  check(s, ctx) {
    const spec = s.manifest.spec ?? {};
    if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0' || spec.maxUnavailable === '0%') {
      return [{ message: `maxUnavailable is ${show(spec.maxUnavailable)}, so no pod may ever be evicted`, field: 'spec.maxUnavailable' }];
    }
    if (spec.minAvailable === undefined) return [];
    if (spec.minAvailable === '100%') return [{ message: 'minAvailable is "100%", so no pod may ever be evicted', field: 'spec.minAvailable' }];
    const out: Violation[] = [];
    for (const w of workloadsSelectedBy(ctx, nsOf(s.manifest), spec.selector)) {
      if (!SCALABLE_KINDS.includes(w.subject.manifest.kind)) continue;
      const replicas = minReplicas(ctx, w.subject.manifest);
      const min = scaled(spec.minAvailable, replicas);
      if (replicas > 0 && min !== undefined && min >= replicas) {
        const value = typeof spec.minAvailable === 'number' ? String(min) : `${show(spec.minAvailable)} (${min} pods)`;
        out.push({ message: `minAvailable ${value} is not below the ${replicas} replica${replicas === 1 ? '' : 's'} of ${describe(w.subject.manifest)}, so none may be evicted`, field: 'spec.minAvailable' });
      }
    }
    return out;
  },
});

const pdbSelectsWorkload: Rule = productionRule({
  id: 'pdb-selects-workload',
  severity: 'warning',
  description: "A PodDisruptionBudget's selector selects some workload's pods in its namespace.",
  fix: "libk8s selects the workload's pods by name and instance labels. In YAML: make spec.selector match the pod template labels of the Deployment or StatefulSet it protects.",
  kinds: ['PodDisruptionBudget'],
  check(s, ctx) {
    const selector = s.manifest.spec?.selector;
    if (!selector) return [{ message: 'has no spec.selector, so it covers no pods', field: 'spec.selector' }];
    return workloadsSelectedBy(ctx, nsOf(s.manifest), selector).length > 0 ? [] : [{ message: `spec.selector ${show(selector)} selects no pods ${inNs(nsOf(s.manifest))}`, field: 'spec.selector' }];
  },
});

/** Topology keys that put replicas on different nodes or zones. */
const SPREAD_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region'];

const topologySpread: Rule = productionRule({
  id: 'topology-spread',
  severity: 'warning',
  description: 'Replicas are spread across nodes or zones: a topologySpreadConstraint or a podAntiAffinity term on kubernetes.io/hostname or a zone/region key selects the pods themselves.',
  fix: 'libk8s spreads every workload across zones and nodes (ScheduleAnyway). In YAML: add spec.template.spec.topologySpreadConstraints with topologyKey kubernetes.io/hostname (and topology.kubernetes.io/zone) and a labelSelector matching the pod labels.',
  aliases: { kubeScore: 'deployment-has-host-podantiaffinity', polaris: 'topologySpreadConstraint', kubeLinter: 'no-anti-affinity' },
  kinds: REPLICATED,
  check(s, ctx) {
    const pod = podSpecOf(s.manifest);
    if (!pod || minReplicas(ctx, s.manifest) < 2) return [];
    const labels = pod.metadata.labels ?? {};
    const spreads = (pod.spec.topologySpreadConstraints ?? []).some((c: any) => SPREAD_KEYS.includes(c?.topologyKey) && selects(c.labelSelector, labels));
    const anti = pod.spec.affinity?.podAntiAffinity ?? {};
    const terms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm)];
    const avoids = terms.some((t: any) => SPREAD_KEYS.includes(t?.topologyKey) && selects(t.labelSelector, labels));
    return spreads || avoids ? [] : [{ message: 'has neither a topologySpreadConstraint nor a podAntiAffinity that spreads its own pods across nodes or zones', field: `${pod.path}.topologySpreadConstraints` }];
  },
});

const selectorMatchesTemplate: Rule = productionRule({
  id: 'selector-matches-template',
  severity: 'error',
  description: "A controller's spec.selector is set, not empty, and matches its pod template's labels (the API server rejects it otherwise, and an empty one would adopt foreign pods).",
  fix: "libk8s derives both from the workload name. In YAML: make spec.selector.matchLabels a subset of spec.template.metadata.labels (and never change it: it is immutable).",
  aliases: { kubeScore: 'deployment-pod-selector-labels-match-template-metadata-labels', kubeLinter: 'mismatching-selector' },
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const selector = s.manifest.spec?.selector;
    if (!selector) return [{ message: 'has no spec.selector', field: 'spec.selector' }];
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) return [{ message: 'spec.selector is empty', field: 'spec.selector' }];
    const labels = pod.metadata.labels ?? {};
    return selects(selector, labels) ? [] : [{ message: `spec.selector ${show(selector)} does not match the pod template labels ${show(labels)}`, field: 'spec.selector' }];
  },
});

const cronjobDeadline: Rule = productionRule({
  id: 'cronjob-deadline',
  severity: 'warning',
  description: 'A CronJob sets startingDeadlineSeconds (a run missed by a controller outage is skipped, not started late or in a burst) and an explicit concurrencyPolicy (runs do not pile up).',
  fix: 'In YAML (or the construct\'s props): set spec.startingDeadlineSeconds, e.g. 300, and spec.concurrencyPolicy: Forbid (or Replace; Allow only when runs may overlap).',
  aliases: { kubeScore: 'cronjob-has-deadline' },
  kinds: ['CronJob'],
  check(s) {
    const spec = s.manifest.spec ?? {};
    const out: Violation[] = [];
    if (spec.startingDeadlineSeconds === undefined) out.push({ message: 'spec.startingDeadlineSeconds is not set', field: 'spec.startingDeadlineSeconds' });
    if (spec.concurrencyPolicy === undefined) out.push({ message: 'spec.concurrencyPolicy is not set, so runs may overlap (Allow)', field: 'spec.concurrencyPolicy' });
    return out;
  },
});

/** The Job spec of a Job, or of a CronJob's jobTemplate, and its path. */
function jobSpec(m: Readonly<Record<string, any>>): { spec: Record<string, any>; path: string } {
  return m.kind === 'CronJob' ? { spec: m.spec?.jobTemplate?.spec ?? {}, path: 'spec.jobTemplate.spec' } : { spec: m.spec ?? {}, path: 'spec' };
}

const jobCleanup: Rule = productionRule({
  id: 'job-cleanup',
  severity: 'info',
  description: 'Finished Jobs are cleaned up: a Job sets ttlSecondsAfterFinished; a CronJob sets successfulJobsHistoryLimit and failedJobsHistoryLimit (or a TTL on its jobTemplate).',
  fix: 'In YAML (or the construct\'s props): set spec.ttlSecondsAfterFinished on a Job, e.g. 86400; set spec.successfulJobsHistoryLimit and spec.failedJobsHistoryLimit on a CronJob.',
  aliases: { kubeLinter: 'job-ttl-seconds-after-finished' },
  kinds: ['Job', 'CronJob'],
  check(s) {
    const m = s.manifest;
    if (m.kind === 'Job') {
      if ((m.metadata?.ownerReferences ?? []).some((o: any) => o?.kind === 'CronJob')) return [];
      return m.spec?.ttlSecondsAfterFinished === undefined ? [{ message: 'spec.ttlSecondsAfterFinished is not set, so the finished Job and its pods stay forever', field: 'spec.ttlSecondsAfterFinished' }] : [];
    }
    if (jobSpec(m).spec.ttlSecondsAfterFinished !== undefined) return [];
    const missing = ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'].filter((k) => m.spec?.[k] === undefined);
    return missing.map((k) => ({ message: `spec.${k} is not set`, field: `spec.${k}` }));
  },
});

const jobDeadline: Rule = productionRule({
  id: 'job-deadline',
  severity: 'warning',
  description: 'A Job (or a CronJob\'s jobTemplate) sets activeDeadlineSeconds, so a hung run is stopped instead of holding its resources (and, with concurrencyPolicy Forbid, blocking every later run); backoffLimit bounds the retries.',
  fix: 'In YAML (or the construct\'s props): set activeDeadlineSeconds on the Job spec (spec.jobTemplate.spec for a CronJob) to a bound on one run, and backoffLimit to the retries wanted (default 6).',
  kinds: ['Job', 'CronJob'],
  check(s) {
    const { spec, path } = jobSpec(s.manifest);
    if (spec.activeDeadlineSeconds !== undefined) return [];
    return [{ message: `${path}.activeDeadlineSeconds is not set, so a run that hangs never ends (backoffLimit bounds only failed runs)`, field: `${path}.activeDeadlineSeconds` }];
  },
});

export const AVAILABILITY_RULES: readonly Rule[] = [
  replicasMinimum, hpaMinReplicas, hpaMaxAboveMin, hpaTargetExists, hpaNoFixedReplicas,
  pdbExists, pdbAllowsDisruption, pdbSelectsWorkload,
  topologySpread, selectorMatchesTemplate,
  cronjobDeadline, jobCleanup, jobDeadline,
];
