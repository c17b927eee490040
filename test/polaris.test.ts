/**
 * Fairwinds Polaris: every check of the reference (../shared/reference/polaris)
 * applied to libk8s's output by test/support/polaris.ts.
 *
 * First the runner is shown to FAIL on bad objects, then the output of
 * WebService in its configurations, and of examples/shop, is shown to have
 * zero findings.
 *
 * Checks that do not apply, and why (every other check applies and must pass):
 *  - priorityClassNotSet: applies only when the platform names a
 *    PriorityClass. Priority classes are cluster policy; libk8s only names one
 *    (PlatformProps.priorityClassName) and then sets it on every pod, which a
 *    test below asserts passes.
 *  - deploymentMissingReplicas, for a Deployment scaled by an HPA: libk8s
 *    leaves out spec.replicas when autoscaling (a fixed count would fight the
 *    autoscaler: kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale,
 *    "Migrating Deployments and StatefulSets to horizontal autoscaling"); the
 *    HPA's minReplicas >= 2 is what hpaMinAvailability checks. NOT a Polaris
 *    exemption as far as its sources could be read: the check file has no HPA
 *    clause and pkg/validator (schema.go, pdb_hpa_validator.go) has none either,
 *    so the runner reports it and the exception below names it, narrowly (an
 *    HPA in the namespace targets this Deployment, with minReplicas >= 2, and
 *    the Deployment sets no replicas).
 *  - deploymentMissingReplicas, for a Deployment scaled by a KEDA ScaledObject
 *    (a QueueWorker): KEDA owns the replica count and makes the HPA at run
 *    time; scaling to zero on an empty queue is the point. Same reasoning and
 *    the same narrow form as the HPA case: a keda.sh ScaledObject in the
 *    namespace targets this Deployment, which sets no replicas.
 *  - rolePodExecAttach on a Crossplane iam.aws.m.upbound.io Role (a cloud IAM
 *    role, not RBAC): Polaris matches the target `rbac.authorization.k8s.io/Role`
 *    on the Kind suffix only (pkg/config/schema.go IsActionable), so it holds
 *    the IAM role against the RBAC Role schema, which requires `rules`. A
 *    false positive real Polaris shows too; the exception names the group.
 *  - the RBAC checks (clusterrolePodExecAttach, rolePodExecAttach,
 *    clusterrolebindingClusterAdmin, clusterrolebindingPodExecAttach,
 *    rolebindingClusterAdminClusterRole, rolebindingClusterAdminRole,
 *    rolebindingClusterRolePodExecAttach, rolebindingRolePodExecAttach): they
 *    target Role, ClusterRole, RoleBinding and ClusterRoleBinding, kinds
 *    libk8s does not emit (asserted below). They still run, and are shown to
 *    fail on bad RBAC objects.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { App, WebService, WebServiceProps } from 'libk8s';
import { manifests, newApp, renderError } from './support/apps';
import { describeFindings, Finding, loadChecks, renderTemplate, runPolaris, TemplateError } from './support/polaris';
import { describeWithReference, REFERENCE_DIR } from './support/reference';
import { synthShopExample } from './support/schemas';

type Manifest = Record<string, any>;

const RBAC_CHECKS = [
  'clusterrolePodExecAttach', 'clusterrolebindingClusterAdmin', 'clusterrolebindingPodExecAttach', 'rolePodExecAttach',
  'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole', 'rolebindingClusterRolePodExecAttach', 'rolebindingRolePodExecAttach',
];
const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

interface Exception {
  readonly check: string;
  readonly reason: string;
  /** True when this finding is the documented case. */
  readonly covers: (f: Finding, objects: readonly Manifest[]) => boolean;
}

const EXCEPTIONS: readonly Exception[] = [
  {
    check: 'priorityClassNotSet',
    reason: 'the platform names no PriorityClass (cluster policy); libk8s sets PlatformProps.priorityClassName on every pod when it does',
    covers: (f, objects) => !find(objects, f.kind, f.name)?.spec?.template?.spec?.priorityClassName,
  },
  {
    check: 'deploymentMissingReplicas',
    reason: 'an HPA owns the replica count (spec.replicas left out on purpose); its minReplicas >= 2',
    covers: (f, objects) => f.kind === 'Deployment'
      && find(objects, 'Deployment', f.name)?.spec?.replicas === undefined
      && objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && (o.metadata?.namespace ?? '') === f.namespace
        && o.spec?.scaleTargetRef?.kind === 'Deployment' && o.spec.scaleTargetRef.name === f.name && (o.spec.minReplicas ?? 1) >= 2),
  },
  {
    check: 'rolePodExecAttach',
    reason: 'the object is a Crossplane IAM Role (iam.aws.m.upbound.io), which Polaris matches by Kind alone; it has no RBAC rules',
    covers: (f, objects) => objects.some((o) => o.kind === 'Role' && o.metadata?.name === f.name && String(o.apiVersion).startsWith('iam.aws.m.upbound.io/')),
  },
  {
    check: 'deploymentMissingReplicas',
    reason: 'a KEDA ScaledObject owns the replica count (spec.replicas left out on purpose; a QueueWorker may scale to zero)',
    covers: (f, objects) => f.kind === 'Deployment'
      && find(objects, 'Deployment', f.name)?.spec?.replicas === undefined
      && objects.some((o) => o.kind === 'ScaledObject' && String(o.apiVersion).startsWith('keda.sh/') && (o.metadata?.namespace ?? '') === f.namespace
        && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === 'Deployment' && o.spec?.scaleTargetRef?.name === f.name),
  },
  {
    check: 'automountServiceAccountToken',
    reason: "an in-cluster stand-in's Secrets Job writes its Secrets through the API, so its pod mounts a token; a RoleBinding in the namespace binds its ServiceAccount to a Role limited to those Secrets",
    covers: (f, objects) => f.kind === 'Job' && f.name.endsWith('-secrets')
      && objects.some((o) => o.kind === 'RoleBinding' && (o.metadata?.namespace ?? '') === f.namespace
        && o.subjects?.some((s: Manifest) => s.kind === 'ServiceAccount' && s.name === f.name)),
  },
];

function find(objects: readonly Manifest[], kind: string, name: string): Manifest | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

/** Findings minus the documented exceptions, as `check Kind/name[container]`. */
function findings(objects: readonly Manifest[]): string[] {
  return describeFindings(runPolaris(objects).filter((f) => !EXCEPTIONS.some((e) => e.check === f.check && e.covers(f, objects))));
}

const ids = (found: readonly Finding[]) => [...new Set(found.map((f) => f.check))].sort();

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** A Deployment that gets almost everything wrong. */
function badDeployment(): Manifest {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'bad', namespace: 'ns', labels: { app: 'bad' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'bad' } },
      template: {
        metadata: { labels: { app: 'bad' } },
        spec: {
          hostNetwork: true, hostPID: true, hostIPC: true,
          volumes: [{ name: 'host', hostPath: { path: '/' } }],
          containers: [{
            name: 'web', image: 'nginx:latest', imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, hostPort: 80 }],
            env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
            securityContext: {
              privileged: true, runAsUser: 0, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, procMount: 'Unmasked',
              capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] }, windowsOptions: { hostProcess: true },
            },
          }],
        },
      },
    },
  };
}

function render(props: Partial<WebServiceProps>, appOverrides: Parameters<typeof newApp>[0] = {}): { app: App; byEnv: Record<string, Manifest[]> } {
  const app = newApp(appOverrides);
  new WebService(app, 'storefront', { image: IMAGE, ...props });
  return { app, byEnv: { dev: manifests(app, 'dev'), prod: manifests(app, 'prod') } };
}

describeWithReference('Polaris checks (../shared/reference/polaris)', () => {
  test('every check file has a severity in default.yaml and is loaded', () => {
    const files = fs.readdirSync(path.join(REFERENCE_DIR, 'polaris', 'checks')).filter((f) => f.endsWith('.yaml'));
    expect(loadChecks().map((c) => `${c.id}.yaml`).sort()).toEqual(files.sort());
  });

  test('the RBAC checks target only kinds libk8s does not emit', () => {
    const targets = loadChecks().filter((c) => RBAC_CHECKS.includes(c.id)).map((c) => c.target);
    expect(targets).toHaveLength(RBAC_CHECKS.length);
    for (const t of targets) expect(t).toMatch(new RegExp(`^rbac\\.authorization\\.k8s\\.io/(${RBAC_KINDS.join('|')})$`));
  });

  describe('the runner fails bad objects', () => {
    test('a Deployment that gets everything wrong yields the expected checks', () => {
      const found = runPolaris([badDeployment()]);
      expect(ids(found)).toEqual([
        'automountServiceAccountToken', // no ServiceAccount with automountServiceAccountToken: false
        'cpuLimitsMissing', 'cpuRequestsMissing',
        'dangerousCapabilities', // SYS_ADMIN, NET_ADMIN
        'deploymentMissingReplicas', // replicas: 1
        'hostIPCSet', 'hostNetworkSet', 'hostPIDSet', 'hostPathSet', 'hostPortSet', 'hostProcess',
        'insecureCapabilities', // does not drop ALL
        'linuxHardening', // no seccomp, SELinux, AppArmor or dropped capabilities
        'livenessProbeMissing',
        'memoryLimitsMissing', 'memoryRequestsMissing',
        'metadataAndInstanceMismatched', // no app.kubernetes.io/instance label
        'missingNetworkPolicy', 'missingPodDisruptionBudget', // none in the namespace
        'notReadOnlyRootFilesystem',
        'priorityClassNotSet',
        'privilegeEscalationAllowed',
        'procMount',
        'pullPolicyNotAlways', // IfNotPresent
        'readinessProbeMissing',
        'runAsPrivileged', 'runAsRootAllowed',
        'sensitiveContainerEnvVar', // a literal DB_PASSWORD
        'tagNotSpecified', // :latest
        'topologySpreadConstraint',
      ]);
      expect(found.find((f) => f.check === 'tagNotSpecified')).toMatchObject({ severity: 'danger', kind: 'Deployment', name: 'bad', container: 'web' });
    });

    test('an image without a tag fails tagNotSpecified; one with a digest and a tag passes', () => {
      const d = badDeployment();
      d.spec.template.spec.containers[0].image = 'nginx';
      expect(ids(runPolaris([d]))).toContain('tagNotSpecified');
      d.spec.template.spec.containers[0].image = 'nginx:1.27.0@sha256:0123';
      expect(ids(runPolaris([d]))).not.toContain('tagNotSpecified');
    });

    test('a PDB with maxUnavailable 0 (or "0%", or minAvailable "100%") yields pdbDisruptionsIsZero', () => {
      for (const spec of [{ maxUnavailable: 0 }, { maxUnavailable: '0%' }, { minAvailable: '100%' }]) {
        const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'ns' }, spec: { ...spec, selector: { matchLabels: { app: 'a' } } } };
        expect(describeFindings(runPolaris([pdb]))).toEqual(['pdbDisruptionsIsZero PodDisruptionBudget/p']);
      }
    });

    test('an HPA with minReplicas 1 yields hpaMinAvailability; max equal to min yields hpaMaxAvailability', () => {
      const hpa = (min: number, max: number) => ({
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' },
        spec: { minReplicas: min, maxReplicas: max, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' } },
      });
      expect(describeFindings(runPolaris([hpa(1, 5)]))).toEqual(['hpaMinAvailability HorizontalPodAutoscaler/h']);
      expect(describeFindings(runPolaris([hpa(3, 3)]))).toEqual(['hpaMaxAvailability HorizontalPodAutoscaler/h']);
      expect(runPolaris([hpa(2, 5)])).toEqual([]);
    });

    test('an Ingress without tls yields tlsSettingsMissing', () => {
      const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'ns' }, spec: { rules: [{ host: 'a.example.com' }] } };
      expect(describeFindings(runPolaris([ingress]))).toEqual(['tlsSettingsMissing Ingress/i']);
      expect(runPolaris([{ ...ingress, spec: { ...ingress.spec, tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }] } }])).toEqual([]);
    });

    test('a ConfigMap with a secret-looking key or a private key yields sensitiveConfigmapContent', () => {
      const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data });
      expect(describeFindings(runPolaris([cm({ API_TOKEN: 'x' })]))).toEqual(['sensitiveConfigmapContent ConfigMap/c']);
      expect(describeFindings(runPolaris([cm({ 'key.pem': '-----BEGIN RSA PRIVATE KEY-----\n…' })]))).toEqual(['sensitiveConfigmapContent ConfigMap/c']);
      expect(runPolaris([cm({ 'app.yaml': 'currency: EUR\n' })])).toEqual([]);
    });

    test('a PDB whose minAvailable exceeds the HPA minReplicas yields pdbMinAvailableGreaterThanHPAMinReplicas (a Go check in Polaris)', () => {
      const good = manifests(render({ autoscale: { min: 2, max: 5 } }).app);
      const pdb = good.find((o) => o.kind === 'PodDisruptionBudget')!;
      const objects = good.map((o) => (o === pdb ? { ...pdb, spec: { selector: pdb.spec.selector, minAvailable: 3 } } : o));
      expect(findings(objects)).toEqual(['pdbMinAvailableGreaterThanHPAMinReplicas Deployment/storefront']);
    });

    test('a NetworkPolicy that selects the pods by two labels fails missingNetworkPolicy (Polaris matches them with oneOf)', () => {
      const good = manifests(render({}).app);
      const objects = good.map((o) => (o.kind !== 'NetworkPolicy' ? o : {
        ...o, spec: { ...o.spec, podSelector: { matchLabels: good.find((d) => d.kind === 'Deployment')!.spec.selector.matchLabels } },
      }));
      expect(findings(objects)).toEqual(['missingNetworkPolicy Deployment/storefront']);
    });

    test('a ServiceAccount that automounts its token fails automountServiceAccountToken when the pod does not opt out', () => {
      const good = manifests(render({}).app);
      const objects = good.map((o) => {
        if (o.kind === 'ServiceAccount') return { ...o, automountServiceAccountToken: true };
        if (o.kind !== 'Deployment') return o;
        const spec = { ...o.spec.template.spec };
        delete spec.automountServiceAccountToken;
        return { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec } } };
      });
      expect(findings(objects)).toEqual(['automountServiceAccountToken Deployment/storefront']);
    });

    test('linuxHardening passes on an AppArmor annotation alone, and fails once it is gone', () => {
      const d = badDeployment();
      d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' };
      expect(ids(runPolaris([d]))).not.toContain('linuxHardening');
      d.spec.template.metadata.annotations = { other: 'x' };
      expect(ids(runPolaris([d]))).toContain('linuxHardening');
    });

    test('the RBAC checks fail bad RBAC objects', () => {
      const rbac = (kind: string, extra: Manifest) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: kind.toLowerCase(), namespace: 'ns' }, ...extra });
      const execRules = { rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] };
      const found = runPolaris([
        rbac('ClusterRole', execRules),
        rbac('Role', execRules),
        rbac('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] }),
        rbac('RoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role' }, subjects: [] }),
      ]);
      expect(ids(found)).toEqual(['clusterrolePodExecAttach', 'clusterrolebindingClusterAdmin', 'clusterrolebindingPodExecAttach', 'rolePodExecAttach', 'rolebindingRolePodExecAttach']);
    });

    test('the polaris.fairwinds.com exemption annotations are honoured, as Polaris does', () => {
      const d = badDeployment();
      d.metadata.annotations = { 'polaris.fairwinds.com/tagNotSpecified-exempt': 'true' };
      expect(ids(runPolaris([d]))).not.toContain('tagNotSpecified');
      d.metadata.annotations = { 'polaris.fairwinds.com/exempt': 'TRUE' };
      expect(runPolaris([d])).toEqual([]);
    });
  });

  describe('the Go-template subset', () => {
    const data = { a: { b: 'x', n: 3, t: true, f: false, empty: {} }, labels: { z: '1', a: '2' }, nul: null };

    test('fields, variables, if/else, not/and/or/eq/ne, print, index and hasPrefix', () => {
      expect(renderTemplate('{{ .a.b }}-{{ .a.n }}-{{ .a.t }}-{{ .missing.deep }}', data)).toBe('x-3-true-<no value>');
      expect(renderTemplate('{{ $v := .a.b }}{{ if eq $v "x" }}yes{{ else }}no{{ end }}', data)).toBe('yes');
      expect(renderTemplate('{{ if not (eq .missing false) }}unset{{ end }}{{ if eq .a.f false }} false{{ end }}', data)).toBe('unset false');
      expect(renderTemplate('{{ if or (not .a.b) (eq .a.b "y") }}1{{ else if and .a.t (ne .a.b "y") }}2{{ else }}3{{ end }}', data)).toBe('2');
      expect(renderTemplate('{{ $x := false }}{{ if .a.t }}{{ $x = index . "a" "b" }}{{ end }}{{ $x }}', data)).toBe('x');
      expect(renderTemplate('{{ index .a "nope" }}|{{ print "p/" .a.b }}|{{ hasPrefix .a.b "x" }}', data)).toBe('<nil>|p/x|true');
      expect(renderTemplate('{{ if .a.empty }}full{{ else }}empty{{ end }}', data)).toBe('empty');
    });

    test('range over a map visits keys in sorted order; trim markers and comments', () => {
      expect(renderTemplate('{{ range $k, $v := .labels }}[{{ $k }}={{ $v }}]{{ end }}', data)).toBe('[a=2][z=1]');
      expect(renderTemplate('a  \n  {{- /* a comment\n over lines */ -}}  \n  b {{- .a.b }}', data)).toBe('abx');
      expect(renderTemplate('{{ range .none }}x{{ else }}nothing{{ end }}', data)).toBe('nothing');
    });

    test('unsupported syntax and Go runtime errors throw instead of passing', () => {
      for (const src of ['{{ .a.b | printf "%s" }}', '{{ with .a }}x{{ end }}', '{{ len .a }}', '{{ template "x" }}', '{{ if .a }}', '{{ .a.b ']) {
        expect(() => renderTemplate(src, data)).toThrow(TemplateError);
      }
      expect(() => renderTemplate('{{ .nul.x }}', data)).toThrow(/nil pointer/);
      expect(() => renderTemplate('{{ index .missing "x" }}', data)).toThrow(/index of untyped nil/);
      expect(() => renderTemplate('{{ eq .a.n "3" }}', data)).toThrow(/incompatible types/);
      expect(() => renderTemplate('{{ .a }}', data)).toThrow(/not supported/);
    });
  });

  describe('libk8s output has zero findings', () => {
    const CONFIGS: Record<string, Partial<WebServiceProps>> = {
      'internal (no route)': {},
      'httproute route': { route: { path: '/' } },
      'ingress route': { route: { kind: 'ingress', subdomain: 'www', path: '/shop' } },
      'autoscale': { autoscale: { min: 2, max: 10, cpuPercent: 60, memoryPercent: 80 } },
      'fixed replicas': { replicas: 3 },
      'config files': { config: { files: { 'app.yaml': 'currency: EUR\n', 'flags.json': '{"beta":true}' } }, env: { CONFIG: '/etc/storefront/app.yaml' } },
      'sidecar with probes': {
        sidecars: [{
          name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }],
          probes: { readiness: { path: '/ready', port: 'admin' }, liveness: { type: 'tcp', port: 'admin' } },
        }],
      },
      'everything at once': {
        port: 3000, ports: [{ name: 'metrics', port: 9090 }],
        route: { kind: 'ingress' }, autoscale: { min: 3, max: 30 },
        config: { files: { 'app.yaml': 'a: 1\n' } },
        env: { LOG_LEVEL: 'info', SESSION_SECRET: { from: 'secret', name: 'session', key: 'secret' } },
        volumes: [
          { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', sizeLimit: '1Gi' } },
          { name: 'certs', mountPath: '/certs', source: { type: 'secret', secret: 'certs' } },
          { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
        ],
        initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:3.0.0', args: ['up'] }],
        sidecars: [{ name: 'shipper', image: 'fluent/fluent-bit:3.1.4', ports: [{ name: 'http', port: 2020 }], probes: { readiness: {}, liveness: {} }, mounts: [{ volume: 'cache', mountPath: '/logs', readOnly: true }] }],
        egress: [{ cidr: '10.0.0.0/8', ports: [5432] }],
        terminationGracePeriodSeconds: 60,
      },
    };

    test.each(Object.entries(CONFIGS))('WebService, %s', (_name, props) => {
      const { byEnv } = render(props);
      for (const objects of Object.values(byEnv)) {
        expect(findings(objects)).toEqual([]);
        expect(objects.some((o) => RBAC_KINDS.includes(o.kind))).toBe(false);
      }
    });

    test('the exceptions are only what they claim: without them the runner reports exactly these', () => {
      const { byEnv } = render(CONFIGS.autoscale);
      expect(describeFindings(runPolaris(byEnv.prod))).toEqual(['deploymentMissingReplicas Deployment/storefront', 'priorityClassNotSet Deployment/storefront']);
    });

    test('priorityClassNotSet applies, and passes, when the platform names a priority class', () => {
      const { byEnv } = render(CONFIGS['everything at once'], { platform: { priorityClassName: 'business-critical' } });
      for (const objects of Object.values(byEnv)) {
        expect(describeFindings(runPolaris(objects).filter((f) => f.check !== 'deploymentMissingReplicas'))).toEqual([]);
        expect(objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.priorityClassName).toBe('business-critical');
      }
    });

    test('deploymentMissingReplicas applies with fixed replicas: libk8s sets 2 by default', () => {
      const objects = render({}).byEnv.prod;
      expect(objects.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(2);
      expect(describeFindings(runPolaris(objects)).filter((f) => f.startsWith('deploymentMissingReplicas'))).toEqual([]);
    });

    test('choices a user makes explicitly are reported, as Polaris would: one replica, an HPA minimum of 1, a sidecar without probes', () => {
      expect(findings(render({ replicas: 1 }).byEnv.prod)).toEqual(['deploymentMissingReplicas Deployment/storefront']);
      // (the HPA exception covers only minReplicas >= 2, so the missing replicas count is reported too)
      expect(findings(render({ autoscale: { min: 1, max: 4 } }).byEnv.prod))
        .toEqual(['deploymentMissingReplicas Deployment/storefront', 'hpaMinAvailability HorizontalPodAutoscaler/storefront']);
      // libk8s cannot invent a health check for an arbitrary image: give the sidecar `probes`
      expect(findings(render({ sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }] }).byEnv.prod))
        .toEqual(['livenessProbeMissing Deployment/storefront[proxy]', 'readinessProbeMissing Deployment/storefront[proxy]']);
    });

    test('several WebServices in one namespace each match their own PDB and NetworkPolicy', () => {
      const app = newApp();
      new WebService(app, 'storefront', { image: IMAGE, route: { path: '/' } });
      new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.1', route: { subdomain: 'api' }, autoscale: { min: 2, max: 6 } });
      new WebService(app, 'catalog', { image: 'ghcr.io/acme/catalog:0.9.0' });
      const objects = manifests(app);
      expect(findings(objects)).toEqual([]);
      // each Deployment's pod labels are matched by exactly its own NetworkPolicy
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        const labels = d.spec.template.metadata.labels;
        const selecting = objects.filter((o) => o.kind === 'NetworkPolicy'
          && Object.entries(o.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
        expect(selecting.map((o) => o.metadata.name)).toEqual([d.metadata.name]);
      }
    });

    describe('examples/shop', () => {
      let outdir: string;
      beforeAll(async () => {
        outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-polaris-'));
        synthShopExample(outdir);
      });
      afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

      test.each(['dev', 'prod'])('the synthesized %s environment has zero findings', (env) => {
        const objects = readManifests(path.join(outdir, env, 'shop'));
        expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['fulfilment', 'storefront']);
        // RBAC only for dev's Secrets Jobs (Crossplane's iam.aws.m.upbound.io Role is not an RBAC Role)
        expect(objects.filter((o) => RBAC_KINDS.includes(o.kind) && String(o.apiVersion).startsWith('rbac.authorization.k8s.io/')).map((o) => `${o.kind}/${o.metadata.name}`).sort())
          .toEqual(env === 'dev' ? ['Role/db-secrets', 'Role/orders-secrets', 'RoleBinding/db-secrets', 'RoleBinding/orders-secrets'] : []);
        expect(findings(objects)).toEqual([]);
      });
    });
  });
});

// The lib change this suite needed: sidecars could not have probes, so a pod
// with a sidecar could never pass readinessProbeMissing / livenessProbeMissing.
describe('sidecar probes', () => {
  const sidecarOf = (props: Partial<WebServiceProps>) => manifests(render(props).app).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[1];

  test('render only the probes given, on the sidecar\'s port, with the platform\'s health path for HTTP', () => {
    const c = sidecarOf({ sidecars: [{
      name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }],
      probes: { readiness: { port: 'admin' }, liveness: { type: 'tcp', port: 'admin', periodSeconds: 20 } },
    }] });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'admin' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1, successThreshold: 1 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'admin' }, periodSeconds: 20, failureThreshold: 6, timeoutSeconds: 1, successThreshold: 1 });
    expect(c).not.toHaveProperty('startupProbe');
  });

  test('a sidecar without probes is rendered as before', () => {
    const c = sidecarOf({ sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }] });
    expect(Object.keys(c).filter((k) => k.endsWith('Probe'))).toEqual([]);
  });

  test('probes on an init container, or on a port the sidecar does not have, fail', () => {
    const app = newApp();
    new WebService(app, 'storefront', {
      image: IMAGE,
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:3.0.0', probes: { readiness: { type: 'exec', command: ['true'] } } }],
      sidecars: [
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }], probes: { readiness: {}, liveness: { port: 'stats' } } },
        { name: 'agent', image: 'ghcr.io/acme/agent:1.0.0', probes: { liveness: { type: 'grpc' } } },
      ],
    });
    const message = renderError(app);
    expect(message).toContain("'initContainers[0].probes' is set on an init container, which runs to completion and is never probed");
    expect(message).toContain("'sidecars[0].probes.readiness.port' is not set and the container has no port named \"http\" to default to");
    expect(message).toContain("'sidecars[0].probes.liveness.port' \"stats\" is not a declared port");
    expect(message).toContain("'sidecars[1].probes.liveness.port' is not set and the container has no port to default to");
  });
});

/** Every object in the YAML files under a folder, read as Polaris reads YAML (go-yaml v2: YAML 1.1). */
function readManifests(dir: string): Manifest[] {
  const out: Manifest[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') {
        for (const doc of parseAllDocuments(fs.readFileSync(p, 'utf8'), { version: '1.1' })) {
          if (doc.errors.length) throw new Error(`${p}: ${doc.errors[0].message}`);
          const o = doc.toJS();
          if (o) out.push(o);
        }
      }
    }
  };
  walk(dir);
  return out;
}
