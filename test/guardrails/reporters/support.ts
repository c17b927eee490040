import { Guardrails, Report, Rule, Subject, Waiver } from 'libk8s';

/**
 * Rules of the tests' own, so reporter output does not depend on the
 * built-in packs: an error with an alias, a warning on every kind, an info.
 */
export const TEST_RULES: readonly Rule[] = [
  {
    id: 'acme/min-replicas',
    pack: 'acme',
    severity: 'error',
    description: 'Deployments run at least two replicas.',
    fix: 'set spec.replicas to 2 or more.',
    aliases: { polaris: 'acmeReplicas', kubeLinter: 'acme-replicas' },
    kinds: ['Deployment'],
    check: (s) => {
      const n = s.manifest.spec?.replicas ?? 1;
      return n < 2 ? [{ message: `runs ${n} replica${n === 1 ? '' : 's'}`, field: 'spec.replicas' }] : [];
    },
  },
  {
    id: 'acme/cost-center',
    pack: 'acme',
    severity: 'warning',
    description: 'Every object names its cost center.',
    fix: "add the label 'acme.dev/cost-center'.",
    kinds: ['*'],
    check: (s) => (s.manifest.metadata?.labels?.['acme.dev/cost-center'] ? [] : [{ message: 'has no cost center', field: 'metadata.labels' }]),
  },
  {
    id: 'acme/cluster-ip',
    pack: 'acme',
    severity: 'info',
    description: 'Services are reported with their type.',
    fix: 'nothing to do.',
    kinds: ['Service'],
    check: (s) => [{ message: `type is ${s.manifest.spec?.type ?? 'ClusterIP'}`, fix: 'use a ClusterIP behind the Gateway.' }],
  },
];

/** An engine with only the test rules (no built-in pack). */
export function testEngine(waivers: readonly Waiver[] = []): Guardrails {
  return new Guardrails({ packs: [], rules: TEST_RULES, waivers }, []);
}

function deployment(name: string, replicas: number, labels: Record<string, string> = {}): Record<string, any> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', labels }, spec: { replicas } };
}

/** Objects as `libk8s check` reads them: from YAML files, with their first line. */
export function fileSubjects(): Subject[] {
  return [
    { manifest: deployment('web', 1), origin: { file: 'deploy/web.yaml', line: 1 } },
    { manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'acme.dev/cost-center': 'cc-1' } }, spec: {} }, origin: { file: 'deploy/web.yaml', line: 12 } },
    { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { 'acme.dev/cost-center': 'cc-1' } } }, origin: { file: 'deploy/config.yaml', line: 3 } },
    { manifest: deployment('worker', 3, { 'acme.dev/cost-center': 'cc-1' }), origin: { file: 'deploy/worker.yaml', line: 1 } },
    { manifest: deployment('batch', 1, { 'acme.dev/cost-center': 'cc-2' }), origin: { file: 'deploy/worker.yaml', line: 20 } },
  ];
}

/**
 * The check report of fileSubjects(): web has an error, a warning, the
 * Service an info; batch's error is waived; ConfigMap is unchecked.
 */
export function fileReport(): Report {
  return testEngine([{ rule: 'acmeReplicas', name: 'batch', reason: 'a batch runner, one at a time' }]).check(fileSubjects());
}
