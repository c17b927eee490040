import { Postgres, Queue, Worker } from 'libk8s';
import { dnsEgress } from '../../lib/pod/network-policy';
import { goldenContainer, restrictedPodSecurityContext, tmpMount, tmpVolume, TMP_SIZE_LIMIT } from '../../lib/pod/template';
import { resolvePlatform } from '../../lib/core/platform';
import { manifests, newApp, only } from '../support/apps';

const IMAGE = 'ghcr.io/acme/worker:1.0.0';
/** JSON as it is written: IntOrString and Quantity unwrapped, undefined dropped. */
const asJson = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && 'value' in v && Object.keys(v).length === 1 ? v.value : v)));

/** A Worker and the in-cluster stand-ins it uses, rendered in dev. */
function devObjects() {
  const app = newApp();
  const db = new Postgres(app, 'db', {});
  const jobs = new Queue(app, 'jobs', {});
  new Worker(app, 'billing', { image: IMAGE }).connect(db).sendTo(jobs);
  return manifests(app, 'dev');
}

describe('the golden-path pod is one builder for workloads and in-cluster stand-ins', () => {
  const objects = devObjects();
  const worker = only(objects, 'Deployment', 'billing').spec.template.spec;
  const standIns = ['db', 'jobs'].map((name) => only(objects, 'StatefulSet', name).spec.template.spec);
  const uid = resolvePlatform().runAsUser;

  test('a stand-in and a Worker share the pod security context (the stand-in adds fsGroupChangePolicy for its volume)', () => {
    expect(worker.securityContext).toEqual(asJson(restrictedPodSecurityContext(uid)));
    for (const pod of standIns) {
      expect(pod.securityContext).toEqual(asJson(restrictedPodSecurityContext(uid, { fsGroupChangePolicy: 'OnRootMismatch' })));
      const { fsGroupChangePolicy, ...rest } = pod.securityContext;
      expect(fsGroupChangePolicy).toBe('OnRootMismatch');
      expect(rest).toEqual(worker.securityContext);
    }
  });

  test('a stand-in and a Worker share the container security context, pull policy and termination message policy', () => {
    const fromBuilder = asJson(goldenContainer({ name: 'x', image: IMAGE, size: 'nano', mounts: [] }, resolvePlatform()));
    for (const pod of [worker, ...standIns]) {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.securityContext).toEqual(fromBuilder.securityContext);
        expect(c.imagePullPolicy).toBe('Always');
        expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
      }
    }
  });

  test(`a stand-in and a Worker share /tmp: one ${TMP_SIZE_LIMIT} emptyDir, mounted in every container`, () => {
    for (const pod of [worker, ...standIns]) {
      expect(pod.volumes.filter((v: { name: string }) => v.name === 'tmp')).toEqual([asJson(tmpVolume())]);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) expect(c.volumeMounts).toContainEqual(asJson(tmpMount()));
    }
    expect(only(objects, 'StatefulSet', 'db').spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tmp').emptyDir.sizeLimit).toBe('256Mi');
  });

  test('a stand-in and a Worker share the pod defaults: no token, no service links, their own ServiceAccount, topology spread', () => {
    for (const [pod, name] of [[worker, 'billing'], [standIns[0], 'db'], [standIns[1], 'jobs']] as const) {
      expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false, serviceAccountName: name });
      expect(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
    // a Deployment's spread counts only the current ReplicaSet's pods; a StatefulSet's pods have no pod-template-hash
    expect(worker.topologySpreadConstraints[0].matchLabelKeys).toEqual(['pod-template-hash']);
    expect(standIns[0].topologySpreadConstraints[0].matchLabelKeys).toBeUndefined();
  });

  test('a stand-in and a Worker share the DNS egress rule and the NetworkPolicy shape', () => {
    for (const name of ['billing', 'db', 'jobs']) {
      const policy = only(objects, 'NetworkPolicy', name).spec;
      expect(policy.egress[0]).toEqual(asJson(dnsEgress()));
      expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': name } });
    }
  });

  test('the stand-ins probe with the same builder, with a data server\'s timing', () => {
    const db = standIns[0].containers[0];
    expect(db.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2, successThreshold: 1, tcpSocket: { port: 'postgres' } });
    expect(worker.containers[0].startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1, httpGet: { path: '/healthz', port: 'http' } });
  });
});
