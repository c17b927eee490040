import { App, Env, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

/** The one Deployment of a default-ish WebService in `env`. */
function deployment(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'Deployment');
}

function mainContainer(app: App, env = 'prod'): Record<string, any> {
  return deployment(app, env).spec.template.spec.containers[0];
}

describe('the pod', () => {
  test('runs under a dedicated ServiceAccount whose token is not mounted', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const list = manifests(app);
    expect(only(list, 'ServiceAccount')).toMatchObject({ metadata: { name: 'storefront' }, automountServiceAccountToken: false });
    expect(only(list, 'Deployment').spec.template.spec).toMatchObject({ serviceAccountName: 'storefront', automountServiceAccountToken: false, enableServiceLinks: false });
  });

  test('serviceAccountAnnotations land on the ServiceAccount only', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } });
    const list = manifests(app);
    expect(only(list, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' });
    expect(only(list, 'Deployment').metadata.annotations).toBeUndefined();
  });

  test('has a restricted pod security context: non-root user 10001 and the RuntimeDefault seccomp profile', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(deployment(app).spec.template.spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('has a restricted container security context: no privilege escalation, read-only root, every capability dropped', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('mounts a size-limited emptyDir at /tmp because the root filesystem is read-only', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(deployment(app).spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(mainContainer(app).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('the main container is named after the id, pulls Always and is the default container', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app)).toMatchObject({ name: 'storefront', image: IMAGE, imagePullPolicy: 'Always', terminationMessagePolicy: 'FallbackToLogsOnError' });
    expect(deployment(app).spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'storefront' });
  });

  test('requests cpu, memory and ephemeral-storage and limits them, from the small preset', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app).resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '512Mi' },
    });
  });

  test('a size preset sets requests and limits; resources override single values of it', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, size: 'large', resources: { memory: '768Mi', cpuLimit: null } });
    expect(mainContainer(app).resources).toEqual({
      requests: { 'cpu': '500m', 'memory': '768Mi', 'ephemeral-storage': '512Mi' },
      limits: { 'memory': '1Gi', 'ephemeral-storage': '2Gi' },
    });
  });

  test('has startup, readiness and liveness probes that differ and all target the http port', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const c = mainContainer(app);
    expect(c.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 'http' }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 1, successThreshold: 1 });
    expect(new Set([c.startupProbe, c.readinessProbe, c.livenessProbe].map((p) => JSON.stringify(p))).size).toBe(3);
    expect(c.ports.map((p: any) => p.name)).toContain('http');
  });

  test('sleeps in preStop, and terminationGracePeriodSeconds is longer than the sleep', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const c = mainContainer(app);
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    const grace = deployment(app).spec.template.spec.terminationGracePeriodSeconds;
    expect(grace).toBe(30);
    expect(grace).toBeGreaterThan(Number(c.lifecycle.preStop.exec.command[1]));
  });

  test('terminationGracePeriodSeconds can be raised', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, terminationGracePeriodSeconds: 120 });
    expect(deployment(app).spec.template.spec.terminationGracePeriodSeconds).toBe(120);
  });

  test('spreads over zones and hosts, counting only pods of the same rollout', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/instance': 'storefront' } };
    expect(deployment(app).spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
    ]);
  });

  test('rolls out with RollingUpdate and maxUnavailable 0, so capacity never drops', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(deployment(app).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(deployment(app).spec.revisionHistoryLimit).toBe(5);
  });

  test('command, args, labels, annotations and podAnnotations are passed through; standard labels win', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      command: ['/app/server'],
      args: ['--verbose'],
      labels: { 'cost-center': 'web', 'app.kubernetes.io/name': 'hijack' },
      annotations: { 'owner': 'web-team' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
    });
    const d = deployment(app);
    expect(d.metadata.labels).toMatchObject({ 'cost-center': 'web', 'app.kubernetes.io/name': 'storefront' });
    expect(d.metadata.annotations).toEqual({ owner: 'web-team' });
    expect(d.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'storefront', 'prometheus.io/scrape': 'true' });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ command: ['/app/server'], args: ['--verbose'] });
  });
});

describe('scaling', () => {
  test('runs 2 replicas and no HorizontalPodAutoscaler by default', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.replicas).toBe(2);
    expect(list.map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
  });

  test('replicas sets a fixed count', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, replicas: 5 });
    expect(deployment(app).spec.replicas).toBe(5);
  });

  test('autoscale leaves spec.replicas out and adds a HorizontalPodAutoscaler on cpu 70% by default', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, autoscale: { min: 3, max: 10 } });
    const list = manifests(app);
    expect(only(list, 'Deployment').spec).not.toHaveProperty('replicas');
    const hpa = only(list, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata.name).toBe('storefront');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
  });

  test('autoscale on memory only has no cpu metric; on both has both', () => {
    const app = newApp();
    new WebService(app, 'mem', { image: IMAGE, autoscale: { min: 2, max: 4, memoryPercent: 80 } });
    new WebService(app, 'both', { image: IMAGE, autoscale: { min: 2, max: 4, cpuPercent: 60, memoryPercent: 80 } });
    const list = manifests(app);
    expect(only(list, 'HorizontalPodAutoscaler', 'mem').spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(only(list, 'HorizontalPodAutoscaler', 'both').spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 80]]);
  });

  test('the PodDisruptionBudget allows one pod down at a time', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(only(manifests(app), 'PodDisruptionBudget')).toMatchObject({
      apiVersion: 'policy/v1',
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/instance': 'storefront' } } },
    });
  });
});

describe('the NetworkPolicy', () => {
  test('selects the pods by exactly one label, covers ingress and egress, and allows DNS out', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    const np = only(manifests(app), 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'storefront' } });
    expect(Object.keys(np.spec.podSelector.matchLabels)).toHaveLength(1);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  test('egress rules add CIDR blocks after DNS', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, egress: [{ cidr: '10.0.0.0/16', ports: [5432] }, { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }] });
    expect(only(manifests(app), 'NetworkPolicy').spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] },
    ]);
  });
});

describe('config files', () => {
  test('become a ConfigMap mounted read-only at /etc/<id>, with a content hash on the pods', () => {
    const app = newApp();
    new WebService(app, 'catalog', { image: IMAGE, config: { files: { 'catalog.yaml': 'currency: EUR\n', 'a.txt': 'x' } } });
    const list = manifests(app);
    const cm = only(list, 'ConfigMap');
    expect(cm.metadata.name).toBe('catalog-config');
    expect(cm.data).toEqual({ 'a.txt': 'x', 'catalog.yaml': 'currency: EUR\n' });
    expect(Object.keys(cm.data)).toEqual(['a.txt', 'catalog.yaml']);
    const pod = only(list, 'Deployment').spec.template;
    expect(pod.metadata.annotations['libk8s.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(pod.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'catalog-config' } });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/catalog', readOnly: true });
  });

  test('the hash changes when a file changes, and only then', () => {
    const hash = (files: Record<string, string>) => {
      const app = newApp();
      new WebService(app, 'catalog', { image: IMAGE, config: { files } });
      return deployment(app).spec.template.metadata.annotations['libk8s.io/config-hash'];
    };
    const first = hash({ 'a.yaml': 'pageSize: 50\n', 'b.yaml': 'x: 1\n' });
    expect(hash({ 'b.yaml': 'x: 1\n', 'a.yaml': 'pageSize: 50\n' })).toBe(first);
    expect(hash({ 'a.yaml': 'pageSize: 51\n', 'b.yaml': 'x: 1\n' })).not.toBe(first);
    expect(hash({ 'a.yaml': 'pageSize: 50\n' })).not.toBe(first);
  });

  test('mountPath moves the files', () => {
    const app = newApp();
    new WebService(app, 'catalog', { image: IMAGE, config: { files: { 'c.yaml': '' }, mountPath: '/config' } });
    expect(mainContainer(app).volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
  });
});

describe('volumes', () => {
  test('each volume source is mounted in the main container; configMap and secret volumes read-only by default', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      volumes: [
        { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', sizeLimit: '1Gi', medium: 'Memory' } },
        { name: 'settings', mountPath: '/settings', source: { type: 'configMap', configMap: 'shared-settings' } },
        { name: 'certs', mountPath: '/certs', source: { type: 'secret', secret: 'tls-certs' } },
        { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
        { name: 'ro-data', mountPath: '/ro', readOnly: true, source: { type: 'persistentVolumeClaim', claimName: 'ro' } },
      ],
    });
    const pod = deployment(app).spec.template.spec;
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'settings', configMap: { name: 'shared-settings' } },
      { name: 'certs', secret: { secretName: 'tls-certs' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'ro-data', persistentVolumeClaim: { claimName: 'ro' } },
    ]);
    expect(pod.containers[0].volumeMounts.slice(1)).toEqual([
      { name: 'cache', mountPath: '/cache', readOnly: false },
      { name: 'settings', mountPath: '/settings', readOnly: true },
      { name: 'certs', mountPath: '/certs', readOnly: true },
      { name: 'data', mountPath: '/data', readOnly: false },
      { name: 'ro-data', mountPath: '/ro', readOnly: true },
    ]);
  });
});

describe('per-environment overrides', () => {
  test('prod gets its own autoscale and size while dev keeps the defaults', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { prod: { autoscale: { min: 3, max: 30, cpuPercent: 60 }, size: 'medium' } } });
    const prod = manifests(app, 'prod');
    expect(only(prod, 'Deployment').spec).not.toHaveProperty('replicas');
    expect(only(prod, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 30 });
    expect(only(prod, 'Deployment').spec.template.spec.containers[0].resources.requests).toEqual({ 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' });
    const dev = manifests(app, 'dev');
    expect(only(dev, 'Deployment').spec.replicas).toBe(2);
    expect(dev.map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(only(dev, 'Deployment').spec.template.spec.containers[0].resources.requests).toEqual({ 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' });
  });

  test('an override of replicas replaces the base autoscale in that environment', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, autoscale: { min: 2, max: 10 }, overrides: { dev: { replicas: 1 } } });
    expect(deployment(app, 'dev').spec.replicas).toBe(1);
    expect(manifests(app, 'dev').map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(only(manifests(app, 'prod'), 'HorizontalPodAutoscaler').spec.minReplicas).toBe(2);
  });

  test('an override of autoscale replaces the base replicas in that environment', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, replicas: 3, overrides: { prod: { autoscale: { min: 3, max: 9 } } } });
    expect(deployment(app, 'prod').spec).not.toHaveProperty('replicas');
    expect(deployment(app, 'dev').spec.replicas).toBe(3);
  });

  test('an override image changes the image and the version label in that environment only', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { dev: { image: 'ghcr.io/acme/storefront:1.5.0-rc.1' } } });
    expect(mainContainer(app, 'dev').image).toBe('ghcr.io/acme/storefront:1.5.0-rc.1');
    expect(deployment(app, 'dev').metadata.labels['app.kubernetes.io/version']).toBe('1.5.0-rc.1');
    expect(mainContainer(app, 'prod').image).toBe(IMAGE);
  });

  test('override env and resources are merged over the construct values', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      env: { LOG_LEVEL: 'info', REGION: 'eu' },
      resources: { memory: '200Mi' },
      overrides: { dev: { env: { LOG_LEVEL: 'debug' }, resources: { cpu: '50m' } } },
    });
    const dev = mainContainer(app, 'dev');
    expect(dev.env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }, { name: 'REGION', value: 'eu' }]);
    expect(dev.resources.requests).toMatchObject({ cpu: '50m', memory: '200Mi' });
    expect(mainContainer(app, 'prod').resources.requests).toMatchObject({ cpu: '100m', memory: '200Mi' });
  });
});

describe('platform options', () => {
  test('priorityClassName is set on every pod', () => {
    const app = newApp({ platform: { priorityClassName: 'business-critical' } });
    new WebService(app, 'storefront', { image: IMAGE });
    expect(deployment(app).spec.template.spec.priorityClassName).toBe('business-critical');
  });

  test('no priorityClassName by default', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(deployment(app).spec.template.spec).not.toHaveProperty('priorityClassName');
  });

  test('dropCpuLimits removes the cpu limit and keeps the others', () => {
    const app = newApp({ platform: { dropCpuLimits: true } });
    new WebService(app, 'storefront', { image: IMAGE, resources: { cpuLimit: '2' } });
    expect(mainContainer(app).resources.limits).toEqual({ 'memory': '256Mi', 'ephemeral-storage': '512Mi' });
  });

  test('dropCpuLimits also skips the request-above-limit check it would make pointless', () => {
    const app = newApp({ platform: { dropCpuLimits: true } });
    new WebService(app, 'storefront', { image: IMAGE, resources: { cpu: '4', cpuLimit: '1' } });
    expect(mainContainer(app).resources.requests.cpu).toBe('4');
  });

  test('sizes replace presets and defaultSize picks the preset of workloads that name none', () => {
    const small = { cpu: '200m', cpuLimit: '400m', memory: '300Mi', memoryLimit: '300Mi', ephemeralStorage: '100Mi' };
    const app = newApp({ platform: { sizes: { small }, defaultSize: 'small' } });
    new WebService(app, 'storefront', { image: IMAGE });
    new WebService(app, 'api', { image: IMAGE, size: 'nano' });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'storefront').spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '200m', 'memory': '300Mi', 'ephemeral-storage': '100Mi' },
      limits: { cpu: '400m', memory: '300Mi' },
    });
    expect(only(list, 'Deployment', 'api').spec.template.spec.containers[0].resources.requests.cpu).toBe('50m');
  });

  test('defaultSize changes the default preset', () => {
    const app = newApp({ platform: { defaultSize: 'xlarge' } });
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app).resources.requests.memory).toBe('4Gi');
  });

  test('runAsUser sets the pod and container user and group', () => {
    const app = newApp({ platform: { runAsUser: 65532 } });
    new WebService(app, 'storefront', { image: IMAGE });
    const pod = deployment(app).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532 });
  });

  test('healthPaths set the probe paths; unset ones keep their defaults', () => {
    const app = newApp({ platform: { healthPaths: { readiness: '/health/ready', liveness: '/health/live' } } });
    new WebService(app, 'storefront', { image: IMAGE });
    const c = mainContainer(app);
    expect([c.startupProbe.httpGet.path, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/healthz', '/health/ready', '/health/live']);
  });

  test('preStopSeconds sets the preStop sleep', () => {
    const app = newApp({ platform: { preStopSeconds: 15 } });
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app).lifecycle.preStop.exec.command).toEqual(['sleep', '15']);
  });

  test("preStopAction 'sleep' uses the kubelet's sleep action instead of a sleep binary (on Kubernetes 1.30 or later)", () => {
    const app = newApp({ platform: { preStopAction: 'sleep', preStopSeconds: 7, kubernetesVersion: '1.30' } });
    new WebService(app, 'storefront', { image: IMAGE });
    expect(mainContainer(app).lifecycle).toEqual({ preStop: { sleep: { seconds: 7 } } });
  });

  test('teamLabel names the label that carries the team', () => {
    const app = newApp({ platform: { teamLabel: 'acme.io/owner' } });
    new WebService(app, 'storefront', { image: IMAGE });
    const labels = deployment(app).metadata.labels;
    expect(labels['acme.io/owner']).toBe('commerce');
    expect(labels).not.toHaveProperty('libk8s.io/team');
  });
});

describe('workload validation', () => {
  test('an image without a tag fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront' });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'image' \"ghcr.io/acme/storefront\" has no tag, so the cluster runs whatever \"latest\" is at pull time. "
      + 'Fix: pin a version: "ghcr.io/acme/storefront:1.0.0" or a digest "@sha256:…".',
    ]);
  });

  test('an image with the latest tag fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:latest' });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'image' \"ghcr.io/acme/storefront:latest\" uses the mutable tag \"latest\". "
      + 'Fix: pin a version tag like ":1.4.2" or a digest "@sha256:…".',
    ]);
  });

  test('an image that is not a reference fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: 'ghcr.io/Acme/store front:1' });
    expect(renderError(app)).toContain("'image' \"ghcr.io/Acme/store front:1\" is not an image reference");
  });

  test('an override image with the latest tag fails under the override prop', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { dev: { image: 'ghcr.io/acme/storefront:latest' } } });
    expect(renderError(app)).toContain("'overrides.dev.image' \"ghcr.io/acme/storefront:latest\" uses the mutable tag \"latest\"");
  });

  test('a literal value under a secret-looking name fails and says to use Env.secret', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, env: { DB_PASSWORD: 'hunter2' } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'env.DB_PASSWORD' is a literal value for a name that looks secret; a literal lands in Git and in the manifest in plain text. "
      + "Fix: reference a Secret instead: DB_PASSWORD: Env.secret('<secret-name>', '<key>').",
    ]);
  });

  test.each(['PASSWORD', 'MYSQL_PASSWD', 'API_KEY', 'STRIPE_APIKEY', 'GITHUB_TOKEN', 'SESSION_SECRET', 'AWS_ACCESS_KEY_ID', 'PRIVATE_KEY', 'GCP_CREDENTIALS', 'BASIC_AUTH', 'BEARER', 'api_key'])(
    'a literal value for %s fails', (name) => {
      const app = newApp();
      new WebService(app, 'storefront', { image: IMAGE, env: { [name]: 'x' } });
      expect(renderError(app)).toContain(`'env.${name}' is a literal value for a name that looks secret`);
    });

  test('a private key literal fails under any name', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, env: { TLS: '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----' } });
    expect(renderError(app)).toContain("'env.TLS' is a literal value for a name that looks secret");
  });

  test('a literal secret in an override env fails too', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { dev: { env: { API_TOKEN: 'dev-token' } } } });
    expect(renderError(app)).toContain("'overrides.dev.env.API_TOKEN' is a literal value for a name that looks secret");
  });

  test('Env.secret is accepted for secret names and renders a secretKeyRef', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, env: { DB_PASSWORD: Env.secret('db', 'password'), API_KEY: Env.secret('stripe', 'key', { optional: true }) } });
    expect(mainContainer(app).env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'stripe', key: 'key', optional: true } } },
    ]);
  });

  test('names that merely contain AUTH or TOKEN inside a word are plain values', () => {
    const app = newApp();
    const env = { LOG_LEVEL: 'info', AUTHOR: 'jane', OAUTH_ISSUER_URL: 'https://login.example.com', TOKENIZER_MODEL: 'bpe' };
    new WebService(app, 'storefront', { image: IMAGE, env });
    expect(mainContainer(app).env).toEqual(Object.entries(env).map(([name, value]) => ({ name, value })));
  });

  test('an environment variable name that is not valid fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, env: { '1ST': 'x' } });
    expect(renderError(app)).toContain("'env.1ST' \"1ST\" is not a valid environment variable name");
  });

  test('an unknown environment in overrides fails with the app environments listed', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { qa: { replicas: 1 } } as any });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'overrides.qa' names environment \"qa\", which the app does not have. Fix: use one of the app's environments: dev, prod.",
    ]);
  });

  test('an unknown size preset fails with the presets listed', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, size: 'huge' as any });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'size' \"huge\" is not a size preset. Fix: use one of: nano, small, medium, large, xlarge.",
    ]);
  });

  test('a size that is an Object.prototype member is not a preset', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { prod: { size: 'constructor' as any } } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'overrides.prod.size' \"constructor\" is not a size preset. Fix: use one of: nano, small, medium, large, xlarge.",
    ]);
  });

  test('a cpu quantity that is not one fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, resources: { cpu: '100 millicores' } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'resources.cpu' \"100 millicores\" is not a cpu quantity. Fix: use millicores like \"250m\" or cores like \"0.5\" or \"2\".",
    ]);
  });

  test.each([
    [{ cpu: '0' }, "'resources.cpu' \"0\" is not a cpu quantity"],
    [{ cpuLimit: '1core' }, "'resources.cpuLimit' \"1core\" is not a cpu quantity"],
    [{ memory: '256MB' }, "'resources.memory' \"256MB\" is not a memory quantity. Fix: use a power-of-two suffix like \"256Mi\" or \"1Gi\"."],
    [{ memoryLimit: '1gb' }, "'resources.memoryLimit' \"1gb\" is not a memory quantity"],
    [{ ephemeralStorage: 'lots' }, "'resources.ephemeralStorage' \"lots\" is not a memory quantity"],
    [{ ephemeralStorageLimit: '-1Gi' }, "'resources.ephemeralStorageLimit' \"-1Gi\" is not a memory quantity"],
  ])('resources %j fail', (resources, sentence) => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, resources });
    expect(renderError(app)).toContain(sentence);
  });

  test('a cpu request above the limit fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, resources: { cpu: '1', cpuLimit: '500m' } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'resources.cpu' request \"1\" is greater than the limit \"500m\". Fix: lower the request or raise cpuLimit.",
    ]);
  });

  test('a memory request above the preset limit fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, resources: { memory: '1Gi' } });
    expect(renderError(app)).toContain("'resources.memory' request \"1Gi\" is greater than the limit \"256Mi\". Fix: lower the request or raise memoryLimit.");
  });

  test('an ephemeral-storage request above the limit fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, resources: { ephemeralStorage: '2Gi' } });
    expect(renderError(app)).toContain("'resources.ephemeralStorage' request \"2Gi\" is greater than the limit \"512Mi\"");
  });

  test('a request above the limit made by an override fails under the override prop', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, size: 'large', overrides: { dev: { size: 'nano' } }, resources: { memory: '512Mi' } });
    expect(renderError(app)).toContain("'overrides.dev.resources.memory' request \"512Mi\" is greater than the limit \"64Mi\"");
  });

  test('autoscale with min greater than max fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, autoscale: { min: 5, max: 3 } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'autoscale' min 5 is greater than max 3. Fix: set min to at most 3, or raise max.",
    ]);
  });

  test('autoscale with min equal to max fails and suggests replicas', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, autoscale: { min: 4, max: 4 } });
    expect(renderError(app)).toContain("'autoscale' min and max are both 4, so nothing scales. Fix: use replicas: 4 instead, or raise max above 4.");
  });

  test('autoscale with min 0 or a percent out of range fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, autoscale: { min: 0, max: 3, cpuPercent: 0 } });
    const message = renderError(app);
    expect(message).toContain("'autoscale.min' 0 is not a whole number in the range 1-1000. Fix: use a whole number of at least 1 (a WebService scales with a HorizontalPodAutoscaler, which cannot scale to zero; a QueueWorker can).");
    expect(message).toContain("'autoscale.cpuPercent' 0 is not a whole number in the range 1-1000");
  });

  test('autoscale together with replicas fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, replicas: 3, autoscale: { min: 2, max: 6 } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'replicas' 3 is set together with 'autoscale'; a fixed count would fight the autoscaler. "
      + "Fix: remove 'replicas' (the autoscaler's min applies) or remove 'autoscale'.",
    ]);
  });

  test('autoscale together with replicas in one override fails for that environment', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { prod: { replicas: 3, autoscale: { min: 3, max: 4 } } } });
    expect(renderError(app)).toContain("WebService 'storefront' (shop/storefront) [environment 'prod']: 'overrides.prod.replicas' 3 is set together with 'autoscale'");
  });

  test('a negative replica count fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, replicas: -1 });
    expect(renderError(app)).toContain("'replicas' -1 is not a whole number in the range 0-1000");
  });

  test('a probe on an undeclared port fails and lists the declared ones', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, ports: [{ name: 'metrics', port: 9090 }], probes: { liveness: { port: 'admin' } } });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'probes.liveness.port' \"admin\" is not a declared port. Fix: target one of the declared ports: http, metrics.",
    ]);
  });

  test('a probe on a declared extra port is accepted', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, ports: [{ name: 'admin', port: 9000 }], probes: { liveness: { port: 'admin', path: '/alive' } } });
    expect(mainContainer(app).livenessProbe.httpGet).toEqual({ path: '/alive', port: 'admin' });
  });

  test('a sidecar mount of an undeclared volume fails and lists the declared ones', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      volumes: [{ name: 'cache', mountPath: '/cache', source: { type: 'emptyDir' } }],
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', mounts: [{ volume: 'data', mountPath: '/data' }] }],
    });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'sidecars[0].mounts[0].volume' \"data\" is not a volume of this workload. Fix: declare it in 'volumes' first (declared: tmp, cache).",
    ]);
  });

  test('terminationGracePeriodSeconds not longer than the preStop pause fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, terminationGracePeriodSeconds: 5 });
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'terminationGracePeriodSeconds' 5 is not longer than the preStop pause of 5 s, so in-flight requests are cut off. Fix: use more than 5, e.g. 30.",
    ]);
  });

  test("terminationGracePeriodSeconds is compared with the platform's preStopSeconds", () => {
    const app = newApp({ platform: { preStopSeconds: 20 } });
    new WebService(app, 'storefront', { image: IMAGE, terminationGracePeriodSeconds: 10 });
    expect(renderError(app)).toContain("'terminationGracePeriodSeconds' 10 is not longer than the preStop pause of 20 s");
  });

  test('volumes with a reserved or repeated name, or a relative mountPath, fail', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      volumes: [
        { name: 'tmp', mountPath: '/scratch', source: { type: 'emptyDir' } },
        { name: 'data', mountPath: 'data', source: { type: 'emptyDir' } },
      ],
    });
    const message = renderError(app);
    expect(message).toContain("'volumes[0].name' \"tmp\" is used twice (libk8s reserves \"tmp\" and \"config\")");
    expect(message).toContain("'volumes[1].mountPath' \"data\" is not an absolute path");
  });

  test('a config file name that is not a ConfigMap key fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, config: { files: { 'conf/app.yaml': '' }, mountPath: 'etc' } });
    const message = renderError(app);
    expect(message).toContain("'config.files.conf/app.yaml' \"conf/app.yaml\" is not a valid ConfigMap key");
    expect(message).toContain("'config.mountPath' \"etc\" is not an absolute path");
  });

  test('an egress rule that is not a CIDR fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, egress: [{ cidr: 'db.internal' }] });
    expect(renderError(app)).toContain("'egress[0].cidr' \"db.internal\" is not a CIDR");
  });

  test('missing props fail with a problem instead of a crash', () => {
    const app = newApp();
    new WebService(app, 'storefront', undefined as any);
    expect(renderError(app)).toContain("WebService 'storefront' (shop/storefront): has no props.");
  });
});

describe('labels and annotations props', () => {
  test('invalid label keys and values on a workload and an environment are reported', () => {
    const app = newApp({
      environments: { dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com', labels: { tier: 'not ok' } }, prod: { namespace: 'shop' } },
    });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0', labels: { 'Bad Key': 'x' }, podAnnotations: { 'ok/key': 'fine' } });
    const message = renderError(app);
    expect(message).toContain("App 'shop' (shop): 'environments.dev.labels.tier' \"not ok\" is not a valid label value");
    expect(message).toContain("WebService 'web' (shop/web): 'labels' \"Bad Key\" is not a valid key");
  });
});
