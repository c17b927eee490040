/**
 * The Pod Security Standards "restricted" profile (which includes baseline),
 * control by control as kubernetes.io/docs/concepts/security/pod-security-standards
 * defines them, checked by test/support/pss.ts: first against pods that must
 * fail, then against every pod template libk8s emits.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { WebService, WebServiceProps } from 'libk8s';
import { manifests, newApp } from './support/apps';
import { checkPod, PodLike, podsOf, Violation } from './support/pss';
import { synthShopExample } from './support/schemas';

/** A pod that meets the restricted profile; each bad case changes one thing. */
function goodPod(): { metadata: Record<string, any>; spec: Record<string, any> } {
  return {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
      containers: [{
        name: 'app', image: 'app:1.0.0',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

const controls = (vs: readonly Violation[]) => vs.map((v) => `${v.level}/${v.control}: ${v.field}`);

describe('the PSS checker fails bad pods', () => {
  test('the reference pod passes restricted', () => {
    expect(checkPod(goodPod())).toEqual([]);
  });

  const BAD: [string, (p: ReturnType<typeof goodPod>) => void, string][] = [
    // baseline
    ['HostProcess', (p) => { p.spec.securityContext.windowsOptions = { hostProcess: true }; }, 'baseline/HostProcess: spec.securityContext.windowsOptions.hostProcess'],
    ['HostProcess (container)', (p) => { p.spec.containers[0].securityContext.windowsOptions = { hostProcess: true }; }, 'baseline/HostProcess: spec.containers[0].securityContext.windowsOptions.hostProcess'],
    ['hostNetwork', (p) => { p.spec.hostNetwork = true; }, 'baseline/Host Namespaces: spec.hostNetwork'],
    ['hostPID', (p) => { p.spec.hostPID = true; }, 'baseline/Host Namespaces: spec.hostPID'],
    ['hostIPC', (p) => { p.spec.hostIPC = true; }, 'baseline/Host Namespaces: spec.hostIPC'],
    ['privileged', (p) => { p.spec.containers[0].securityContext.privileged = true; }, 'baseline/Privileged Containers: spec.containers[0].securityContext.privileged'],
    ['a capability beyond the default set', (p) => { p.spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, 'baseline/Capabilities: spec.containers[0].securityContext.capabilities.add[0]'],
    ['hostPath', (p) => { p.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, 'baseline/HostPath Volumes: spec.volumes[2].hostPath'],
    ['a host port', (p) => { p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }]; }, 'baseline/Host Ports: spec.containers[0].ports[0].hostPort'],
    ['AppArmor unconfined', (p) => { p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; }, 'baseline/AppArmor: spec.securityContext.appArmorProfile.type'],
    ['AppArmor annotation', (p) => { p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; }, "baseline/AppArmor: metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']"],
    ['SELinux type', (p) => { p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; }, 'baseline/SELinux: spec.securityContext.seLinuxOptions.type'],
    ['SELinux user', (p) => { p.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' }; }, 'baseline/SELinux: spec.containers[0].securityContext.seLinuxOptions.user'],
    ['/proc mount', (p) => { p.spec.containers[0].securityContext.procMount = 'Unmasked'; }, 'baseline//proc Mount Type: spec.containers[0].securityContext.procMount'],
    ['seccomp unconfined (container)', (p) => { p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, 'baseline/Seccomp: spec.containers[0].securityContext.seccompProfile.type'],
    ['an unsafe sysctl', (p) => { p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, 'baseline/Sysctls: spec.securityContext.sysctls[0].name'],
    // restricted
    ['a non-core volume type', (p) => { p.spec.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }); }, 'restricted/Volume Types: spec.volumes[2].nfs'],
    ['privilege escalation unset', (p) => { delete p.spec.containers[0].securityContext.allowPrivilegeEscalation; }, 'restricted/Privilege Escalation: spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['runAsNonRoot unset everywhere', (p) => { delete p.spec.securityContext.runAsNonRoot; }, 'restricted/Running as Non-root: spec.containers[0].securityContext.runAsNonRoot'],
    ['runAsNonRoot false on a container', (p) => { p.spec.containers[0].securityContext.runAsNonRoot = false; }, 'restricted/Running as Non-root: spec.containers[0].securityContext.runAsNonRoot'],
    ['runAsUser 0', (p) => { p.spec.containers[0].securityContext.runAsUser = 0; }, 'restricted/Running as Non-root user: spec.containers[0].securityContext.runAsUser'],
    ['no seccomp profile', (p) => { delete p.spec.securityContext.seccompProfile; }, 'restricted/Seccomp: spec.containers[0].securityContext.seccompProfile.type'],
    ['capabilities not dropped', (p) => { p.spec.containers[0].securityContext.capabilities = {}; }, 'restricted/Capabilities: spec.containers[0].securityContext.capabilities.drop'],
    ['a capability added beyond NET_BIND_SERVICE', (p) => { p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']; }, 'restricted/Capabilities: spec.containers[0].securityContext.capabilities.add[0]'],
    ['a bad init container', (p) => { p.spec.initContainers = [{ name: 'init', image: 'i:1', securityContext: { capabilities: { drop: ['ALL'] } } }]; }, 'restricted/Privilege Escalation: spec.initContainers[0].securityContext.allowPrivilegeEscalation'],
  ];

  test.each(BAD)('%s fails', (_name, mutate, expected) => {
    const pod = goodPod();
    mutate(pod);
    if (expected.startsWith('baseline/')) {
      expect(controls(checkPod(pod, 'baseline'))).toEqual([expected]);
      expect(controls(checkPod(pod))).toContain(expected); // restricted includes baseline (and may flag the same field again)
    } else {
      expect(checkPod(pod, 'baseline')).toEqual([]);
      expect(controls(checkPod(pod))).toEqual([expected]);
    }
  });

  test('allowed values pass: NET_BIND_SERVICE, Localhost seccomp, container-only settings, a safe sysctl, hostPort 0', () => {
    const pod = goodPod();
    delete pod.spec.securityContext.runAsNonRoot;
    delete pod.spec.securityContext.seccompProfile;
    Object.assign(pod.spec.containers[0].securityContext, {
      runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seLinuxOptions: { type: 'container_t', level: 's0:c1' }, procMount: 'Default', privileged: false,
    });
    pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 0 }];
    pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' };
    expect(checkPod(pod)).toEqual([]);
  });

  test('baseline alone ignores the restricted controls', () => {
    const pod = goodPod();
    delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation;
    pod.spec.containers[0].securityContext.capabilities = { add: ['CHOWN'] };
    expect(checkPod(pod, 'baseline')).toEqual([]);
    expect(controls(checkPod(pod))).toHaveLength(3);
  });
});

describe('every pod template libk8s emits meets the restricted profile', () => {
  const IMAGE = 'ghcr.io/acme/storefront:1.4.2';
  const CONFIGS: Record<string, Partial<WebServiceProps>> = {
    'internal (no route)': {},
    'httproute route': { route: { path: '/' } },
    'ingress route': { route: { kind: 'ingress' } },
    'autoscale': { autoscale: { min: 2, max: 10 } },
    'fixed replicas': { replicas: 3 },
    'config files': { config: { files: { 'app.yaml': 'a: 1\n' } } },
    'sidecar': { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }] }] },
    'init container, volumes and a custom uid': {
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:3.0.0' }],
      volumes: [
        { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', medium: 'Memory' } },
        { name: 'cfg', mountPath: '/cfg', source: { type: 'configMap', configMap: 'cfg' } },
        { name: 'certs', mountPath: '/certs', source: { type: 'secret', secret: 'certs' } },
        { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
      ],
    },
  };

  test.each(Object.entries(CONFIGS))('WebService, %s', (name, props) => {
    const app = newApp({ platform: name.includes('custom uid') ? { runAsUser: 65532 } : undefined });
    new WebService(app, 'storefront', { image: IMAGE, ...props });
    for (const env of ['dev', 'prod']) {
      const pods = podsOf(manifests(app, env));
      expect(pods.map((p) => p.owner)).toEqual(['Deployment/storefront']);
      for (const { pod } of pods) expect(controls(checkPod(pod))).toEqual([]);
    }
  });

  test('examples/shop, as synthesized', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-pss-'));
    try {
      synthShopExample(outdir);
      for (const env of ['dev', 'prod']) {
        const objects: Record<string, any>[] = [];
        const dir = path.join(outdir, env, 'shop');
        for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort()) {
          for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))) objects.push(doc.toJS());
        }
        const pods = podsOf(objects);
        // the stand-ins of dev run pods too
        expect(pods.map((p) => p.owner).sort()).toEqual(env === 'dev'
          ? ['CronJob/nightly-report', 'Deployment/fulfilment', 'Deployment/storefront', 'Job/db-secrets', 'Job/orders-secrets', 'StatefulSet/db', 'StatefulSet/orders']
          : ['CronJob/nightly-report', 'Deployment/fulfilment', 'Deployment/storefront']);
        for (const { owner, pod } of pods) expect({ owner, violations: controls(checkPod(pod as PodLike)) }).toEqual({ owner, violations: [] });
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
