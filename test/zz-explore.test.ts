import { check, loadFixture } from './guardrails/fixtures/load';
const map: Record<string, string[]> = {
  'no-limits': ['resources-requests', 'resources-memory-limit', 'resources-cpu-limit', 'resources-ephemeral-storage'],
  'no-probes': ['probes-readiness', 'probes-liveness'],
  'identical-probes': ['probes-differ'],
  'probe-ports': ['probes-target-ports'],
  'latest-tag': ['image-tag', 'image-pull-policy'],
  'privileged': ['read-only-root-fs', 'seccomp-profile', 'capabilities-drop-all'],
  'root': ['read-only-root-fs', 'seccomp-profile', 'capabilities-drop-all'],
  'duplicate-env': ['env-no-duplicates'],
  'secret-literal': ['env-no-secret-literals'],
  'prestop': ['graceful-shutdown'],
  'priority-class': ['priority-class'],
  'no-network-policy': ['network-policy', 'network-policy-selects-pods'],
  'token': ['service-account-token', 'service-account-dedicated'],
  'nodeport': ['service-type', 'service-selects-pods'],
  'service-selects-nothing': ['service-selects-pods', 'service-target-port'],
  'httproute-missing-service': ['route-backend-exists'],
  'route-tls': ['route-tls', 'route-backend-exists'],
  'no-pdb': ['pdb-exists', 'pdb-selects-workload'],
  'pdb-max-unavailable-0': ['pdb-allows-disruption', 'pdb-selects-workload'],
  'hpa-min-1': ['hpa-min-replicas', 'hpa-max-above-min', 'hpa-target-exists', 'hpa-no-fixed-replicas', 'replicas-minimum'],
  'single-replica': ['replicas-minimum', 'hpa-no-fixed-replicas'],
  'no-spread': ['topology-spread'],
  'selector-mismatch': ['selector-matches-template'],
  'cronjob-no-deadlines': ['cronjob-deadline', 'job-cleanup', 'job-deadline'],
  'missing-labels': ['required-labels', 'instance-label'],
};
test('explore', () => {
  const out: string[] = [];
  for (const [f, rules] of Object.entries(map)) {
    for (const v of ['bad', 'good'] as const) {
      const fs2 = check(loadFixture(f, v), { options: { 'priority-class': { required: true, allowed: ['business-critical', 'batch-low'] } } }).filter((x) => rules.includes(x.rule));
      out.push(`== ${f} ${v}\n` + fs2.map((x) => `${x.rule} ${x.object.kind}/${x.object.name} ${x.field} :: ${x.message}`).join('\n'));
    }
  }
  console.log(out.join('\n'));
});
