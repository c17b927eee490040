import { App as Cdk8sApp, Chart } from 'cdk8s';
import { resolvePlatform } from '../../lib/core/platform';
import { goldenHorizontalPodAutoscaler, goldenPodDisruptionBudget, podController, runJobSpec } from '../../lib/pod/controllers';
import { goldenContainer, goldenPodSpec, tmpMount, tmpVolume } from '../../lib/pod/template';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const platform = resolvePlatform();
const selector = { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' };
const metadata = { name: 'agent', namespace: 'ops', labels: selector };

function template(controller: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job') {
  return {
    metadata: { labels: selector },
    spec: goldenPodSpec({
      serviceAccountName: 'agent', controller, selector, restartPolicy: controller === 'Job' ? 'Never' : undefined,
      containers: [goldenContainer({ name: 'agent', image: 'ghcr.io/acme/agent:1.0.0', size: 'small', mounts: [tmpMount()] }, platform)],
      volumes: [tmpVolume()],
    }, platform),
  };
}

function json(build: (chart: Chart) => { toJson(): unknown }): Record<string, any> {
  return build(new Chart(new Cdk8sApp(), 'test', { disableResourceNameHashes: true })).toJson() as Record<string, any>;
}

describe('the controllers of golden-path pods, by kind', () => {
  const deployment = json((c) => podController(c, { kind: 'Deployment', metadata, selector, template: template('Deployment'), replicas: 2 }));
  const statefulSet = json((c) => podController(c, { kind: 'StatefulSet', metadata, selector, template: template('StatefulSet'), replicas: 1, serviceName: 'agent' }));
  const daemonSet = json((c) => podController(c, { kind: 'DaemonSet', metadata, selector, template: template('DaemonSet') }));
  const pdb = json((c) => goldenPodDisruptionBudget(c, metadata, selector));
  const hpa = json((c) => goldenHorizontalPodAutoscaler(c, metadata, { kind: 'StatefulSet', name: 'agent' }, { min: 2, max: 5, memoryPercent: 80 }));

  test('a Deployment rolls with maxUnavailable 0 and spreads only the current ReplicaSet', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(deployment.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys).toEqual(['pod-template-hash']);
  });

  test('a StatefulSet and a DaemonSet roll one pod at a time and keep 5 revisions', () => {
    expect(statefulSet.spec).toMatchObject({ replicas: 1, serviceName: 'agent', revisionHistoryLimit: 5, updateStrategy: { type: 'RollingUpdate' } });
    expect(daemonSet.spec).toMatchObject({ revisionHistoryLimit: 5, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } });
    expect(daemonSet.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys).toBeUndefined();
  });

  test('the HPA names its target kind, and scales on memory when asked', () => {
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'agent' });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });

  test("a run's Job spec ignores disruptions in its failure policy", () => {
    expect(runJobSpec({ backoffLimit: 2, activeDeadlineSeconds: 60 }, template('Job'))).toMatchObject({
      backoffLimit: 2, activeDeadlineSeconds: 60, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    });
  });

  describeWithReference('against the Kubernetes schemas', () => {
    test('every controller, the PDB and the HPA are valid for Kubernetes 1.27 and 1.33', () => {
      expect(conformanceProblems([deployment, statefulSet, daemonSet, pdb, hpa] as never[])).toEqual([]);
    });
  });
});
