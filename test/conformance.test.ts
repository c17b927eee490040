/**
 * Schema conformance: every object libk8s emits must be accepted by real
 * clusters. Built-in kinds are held against the Kubernetes 1.27 (the
 * cdk8s-plus-27 floor) and 1.33 OpenAPI definitions with unknown fields
 * rejected, custom resources against their CRDs, and built-in kinds against
 * kubernetes-models@4 too. The negative tests prove the validator can fail.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { App, EnvironmentProps, Env, Libk8sError, PlatformProps, SizeName, toYaml, WebService, WebServiceProps } from 'libk8s';
import { manifests, newApp } from './support/apps';
import { constructFileOf, objectFileName } from './support/layout';
import { describeWithReference } from './support/reference';
import {
  apiServerRuleProblems, conformanceProblems, crdSchema, formatSchemaProblem, hasCrd, hasKubernetesModel, HTTP_PATH_RULES, isBuiltinKind, K8S_VERSIONS, ManifestFile, readManifestTree, synthShopExample,
  validateBuiltin, validateCustomResource, validateObject, validateWithKubernetesModels,
} from './support/schemas';

type Manifest = Record<string, any>;
type Envs = 'dev' | 'prod';

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const SIDECAR_IMAGE = 'ghcr.io/acme/proxy:2.3.4';

// ---------------------------------------------------------------------------
// examples/shop, synthesized to disk the way the CLI does

let exampleDir: string | undefined;
let exampleTree: Record<Envs, ManifestFile[]> | undefined;

function example(): { dir: string; tree: Record<Envs, ManifestFile[]> } {
  if (!exampleDir || !exampleTree) {
    exampleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-conformance-'));
    synthShopExample(exampleDir);
    exampleTree = {
      dev: readManifestTree(path.join(exampleDir, 'dev', 'shop')),
      prod: readManifestTree(path.join(exampleDir, 'prod', 'shop')),
    };
  }
  return { dir: exampleDir, tree: exampleTree };
}

/** Every object the example wrote, kustomization.yaml aside. */
function exampleObjects(): Manifest[] {
  const { tree } = example();
  return [...tree.dev, ...tree.prod].filter((f) => f.file !== 'kustomization.yaml').flatMap((f) => f.objects);
}

afterAll(() => {
  if (exampleDir) fs.rmSync(exampleDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// A matrix of WebService configurations

interface Config {
  readonly name: string;
  readonly props: WebServiceProps<Envs>;
  readonly platform?: PlatformProps;
  readonly environments?: Record<Envs, EnvironmentProps>;
  /** Kinds that must appear (in some environment), so the config really exercises what it names. */
  readonly kinds?: readonly string[];
  /** Kinds that must not appear in any environment. */
  readonly absent?: readonly string[];
}

const SIZES: readonly SizeName[] = ['nano', 'small', 'medium', 'large', 'xlarge'];

const CONFIGS: readonly Config[] = [
  { name: 'internal service (no route)', props: { image: IMAGE }, absent: ['HTTPRoute', 'Ingress', 'HorizontalPodAutoscaler', 'ConfigMap'] },
  { name: 'route: httproute at a path', props: { image: IMAGE, route: { kind: 'httproute', path: '/shop' } }, kinds: ['HTTPRoute'], absent: ['Ingress'] },
  { name: 'route: ingress', props: { image: IMAGE, route: { kind: 'ingress', path: '/api' } }, kinds: ['Ingress'], absent: ['HTTPRoute'] },
  { name: 'route: subdomain', props: { image: IMAGE, route: { subdomain: 'api' } }, kinds: ['HTTPRoute'] },
  { name: 'route: subdomain on an ingress', props: { image: IMAGE, route: { subdomain: 'api', kind: 'ingress' } }, kinds: ['Ingress'] },
  { name: 'route: explicit host', props: { image: IMAGE, route: { host: 'www.example.org', path: '/' } }, kinds: ['HTTPRoute'] },
  { name: 'route: explicit host on an ingress', props: { image: IMAGE, route: { host: 'www.example.org', kind: 'ingress' } }, kinds: ['Ingress'] },
  {
    name: 'route: host in environments without a domain',
    props: { image: IMAGE, route: { host: 'shop.internal.example.com' } },
    environments: { dev: { namespace: 'shop-dev' }, prod: { namespace: 'shop' } },
    kinds: ['HTTPRoute'],
  },
  { name: 'autoscale on cpu and memory', props: { image: IMAGE, autoscale: { min: 2, max: 8, cpuPercent: 60, memoryPercent: 80 } }, kinds: ['HorizontalPodAutoscaler'] },
  { name: 'autoscale on memory only', props: { image: IMAGE, autoscale: { min: 1, max: 3, memoryPercent: 75 } }, kinds: ['HorizontalPodAutoscaler'] },
  { name: 'autoscale with the default cpu target', props: { image: IMAGE, autoscale: { min: 2, max: 4 } }, kinds: ['HorizontalPodAutoscaler'] },
  { name: 'fixed replicas', props: { image: IMAGE, replicas: 4 }, absent: ['HorizontalPodAutoscaler'] },
  { name: 'zero replicas', props: { image: IMAGE, replicas: 0 }, absent: ['HorizontalPodAutoscaler'] },
  {
    name: 'extra ports and a custom service port',
    props: {
      image: IMAGE, port: 3000, servicePort: 8080, route: { path: '/' },
      ports: [{ name: 'metrics', port: 9090 }, { name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'signal', port: 9999, protocol: 'SCTP' }],
    },
    kinds: ['ServiceMonitor'],
  },
  {
    name: 'a LoadBalancer with source ranges, declared ingress and a scraped metrics port',
    props: {
      image: IMAGE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/48'] }, ingress: [{ namespace: 'edge' }],
      ports: [{ name: 'admin', port: 9000, ingress: [{ podLabels: { role: 'cli' } }, { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }] }],
      metrics: { port: 9102, interval: '30s', scrapeTimeout: '10s' },
    },
    platform: { exposure: { loadBalancers: true } },
    kinds: ['ServiceMonitor'],
  },
  { name: 'a public NodePort', props: { image: IMAGE, service: { type: 'NodePort' } }, platform: { exposure: { nodePorts: true } } },
  {
    name: 'config files',
    props: {
      image: IMAGE,
      config: {
        files: { 'app.yaml': 'currency: EUR\npageSize: 50\n', 'flags.json': '{"beta": true}', 'motd.txt': 'multi\nline\n\n', 'empty.conf': '' },
        mountPath: '/etc/app',
      },
    },
    kinds: ['ConfigMap'],
  },
  { name: 'config files at the default mount path', props: { image: IMAGE, config: { files: { 'a.yaml': 'x: 1\n' } } }, kinds: ['ConfigMap'] },
  {
    name: 'volumes of every source type',
    props: {
      image: IMAGE,
      volumes: [
        { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir' } },
        { name: 'scratch', mountPath: '/scratch', source: { type: 'emptyDir', sizeLimit: '1Gi', medium: 'Memory' } },
        { name: 'settings', mountPath: '/etc/settings', source: { type: 'configMap', configMap: 'settings' } },
        { name: 'certs', mountPath: '/etc/certs', source: { type: 'secret', secret: 'certs' } },
        { name: 'keys', mountPath: '/etc/keys', readOnly: false, source: { type: 'secret', secret: 'keys' } },
        { name: 'data', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'data' } },
        { name: 'archive', mountPath: '/archive', readOnly: true, source: { type: 'persistentVolumeClaim', claimName: 'archive' } },
      ],
    },
  },
  {
    name: 'sidecars and init containers',
    props: {
      image: IMAGE,
      volumes: [{ name: 'shared', mountPath: '/shared', source: { type: 'emptyDir', sizeLimit: '64Mi' } }],
      sidecars: [
        {
          name: 'proxy', image: SIDECAR_IMAGE, command: ['/proxy'], args: ['--listen', ':15001'],
          ports: [{ name: 'proxy-admin', port: 15000 }, { name: 'proxy-dns', port: 15053, protocol: 'UDP' }],
          env: { MODE: 'sidecar', TOKEN: Env.secret('proxy', 'token'), NODE: Env.field('spec.nodeName') },
          size: 'small', resources: { cpuLimit: null, memory: '96Mi' },
          mounts: [{ volume: 'shared', mountPath: '/shared' }],
        },
        { name: 'logs', image: SIDECAR_IMAGE, mounts: [{ volume: 'shared', mountPath: '/shared', readOnly: true }] },
        {
          name: 'exporter', image: SIDECAR_IMAGE, ports: [{ name: 'http', port: 9100 }, { name: 'grpc', port: 9101 }],
          probes: { startup: { type: 'tcp' }, readiness: { path: '/ready' }, liveness: { type: 'grpc' } },
        },
      ],
      initContainers: [
        { name: 'migrate', image: IMAGE, command: ['/app/migrate'], args: ['--up'], env: { DB_PASSWORD: Env.secret('db', 'password') }, size: 'medium' },
        { name: 'seed', image: IMAGE, mounts: [{ volume: 'shared', mountPath: '/seed', readOnly: false }] },
      ],
    },
  },
  {
    name: 'exec probes',
    props: {
      image: IMAGE,
      probes: {
        startup: { type: 'exec', command: ['/app/healthcheck', '--startup'], failureThreshold: 60, periodSeconds: 1 },
        readiness: { type: 'exec', command: ['/app/healthcheck', '--ready'], initialDelaySeconds: 0 },
        liveness: { type: 'exec', command: ['/app/healthcheck'], timeoutSeconds: 5 },
      },
    },
  },
  {
    name: 'tcp probes',
    props: {
      image: IMAGE, ports: [{ name: 'admin', port: 9000 }],
      probes: { startup: { type: 'tcp' }, readiness: { type: 'tcp', port: 'http' }, liveness: { type: 'tcp', port: 'admin', periodSeconds: 30 } },
    },
  },
  {
    name: 'grpc probes',
    props: {
      image: IMAGE, port: 50051, ports: [{ name: 'health', port: 50052 }],
      probes: { startup: { type: 'grpc' }, readiness: { type: 'grpc', port: 50051 }, liveness: { type: 'grpc', port: 50052, failureThreshold: 3 } },
    },
  },
  {
    name: 'http probes on custom paths and ports',
    props: {
      image: IMAGE, ports: [{ name: 'admin', port: 9000 }],
      probes: {
        startup: { path: '/started', port: 'admin', initialDelaySeconds: 5 },
        readiness: { type: 'http', path: '/ready' },
        liveness: { type: 'http', path: '/live', port: 'http', periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 2 },
      },
    },
  },
  { name: 'startup and liveness probes disabled', props: { image: IMAGE, probes: { startup: false, liveness: false } } },
  { name: 'startup probe disabled, readiness on exec', props: { image: IMAGE, probes: { startup: false, readiness: { type: 'exec', command: ['true'] } } } },
  {
    name: 'per-environment overrides',
    props: {
      image: IMAGE, replicas: 2, route: { path: '/' }, env: { LOG_LEVEL: 'info', FEATURE: 'on' }, size: 'small',
      overrides: {
        dev: { image: 'ghcr.io/acme/app:1.1.0-rc.1', replicas: 1, size: 'nano', env: { LOG_LEVEL: 'debug' }, route: false },
        prod: {
          autoscale: { min: 3, max: 20, cpuPercent: 50 }, resources: { memory: '1Gi', memoryLimit: '2Gi', cpuLimit: null },
          env: { REGION: Env.configMap('cluster-info', 'region') }, route: { subdomain: 'www', kind: 'ingress' },
        },
      },
    },
    kinds: ['Ingress', 'HorizontalPodAutoscaler'],
  },
  {
    name: 'env from literals, secret, configMap, field and resource',
    props: {
      image: IMAGE,
      env: {
        PLAIN: 'x', EMPTY: '', NUMERIC: '8080', BOOLEAN_LOOKING: 'true', MULTILINE: 'a\nb\n',
        DB_PASSWORD: Env.secret('db', 'password'), API_TOKEN: Env.secret('api', 'token', { optional: true }),
        MODE: Env.configMap('settings', 'mode'), OPTIONAL_MODE: Env.configMap('settings', 'extra', { optional: false }),
        POD_IP: Env.field('status.podIP'), POD_NAME: Env.field('metadata.name'), POD_NAMESPACE: Env.field('metadata.namespace'),
        MEMORY_LIMIT: Env.resource('limits.memory'), CPU_LIMIT: Env.resource('limits.cpu'),
        MEMORY_REQUEST: Env.resource('requests.memory'), CPU_REQUEST: Env.resource('requests.cpu'),
      },
    },
  },
  ...SIZES.map((size): Config => ({ name: `size ${size}`, props: { image: IMAGE, size } })),
  {
    name: 'resources overriding every value',
    props: { image: IMAGE, size: 'large', resources: { cpu: '1500m', cpuLimit: '3', memory: '3Gi', memoryLimit: '4Gi', ephemeralStorage: '2Gi', ephemeralStorageLimit: '8Gi' } },
  },
  { name: 'resources without a cpu limit', props: { image: IMAGE, resources: { cpu: '0.5', cpuLimit: null } } },
  {
    name: 'labels, annotations, command, grace period and egress',
    props: {
      image: 'registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      command: ['/app/server'], args: ['--port', '8080', '--verbose'],
      labels: { 'tier': 'frontend', 'example.com/owner': 'team-a' },
      annotations: { 'example.com/docs': 'https://docs.example.com/app', 'example.com/on-call': 'yes' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/app' },
      terminationGracePeriodSeconds: 60,
      egress: [
        { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'], ports: [5432, 6379] },
        { cidr: '0.0.0.0/0' },
        { cidr: 'fd00::/8', ports: [443] },
      ],
    },
  },
  {
    name: 'environment labels and annotations',
    props: { image: IMAGE, route: { path: '/' } },
    environments: {
      dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com', labels: { 'example.com/environment': 'dev' }, annotations: { 'example.com/cost-center': '1234' } },
      prod: { namespace: 'shop', domain: 'shop.example.com', labels: { 'example.com/environment': 'prod', 'example.com/tier': 'gold' } },
    },
  },
  {
    name: 'platform: priorityClassName and dropCpuLimits',
    platform: { priorityClassName: 'business-critical', dropCpuLimits: true },
    props: {
      image: IMAGE, route: { kind: 'ingress' }, autoscale: { min: 2, max: 5 },
      sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE }], initContainers: [{ name: 'init', image: IMAGE }],
    },
  },
  {
    name: 'platform: every other default changed',
    platform: {
      gateway: { name: 'edge', namespace: 'infra', listener: 'websecure' },
      ingressClassName: 'traefik', ingressControllerNamespace: 'traefik', clusterIssuer: 'internal-ca',
      sizes: { small: { cpu: '200m', memory: '200Mi', memoryLimit: '300Mi', ephemeralStorage: '100Mi' } },
      defaultSize: 'small', runAsUser: 65532, preStopSeconds: 10, teamLabel: 'example.com/team',
      healthPaths: { startup: '/health/started', readiness: '/health/ready', liveness: '/health/alive' },
    },
    props: { image: IMAGE, route: { subdomain: 'edge' }, overrides: { prod: { route: { kind: 'ingress' } } } },
    kinds: ['HTTPRoute', 'Ingress'],
  },
];

interface RenderedConfig {
  /** Per environment, the objects as written (serialized with toYaml and parsed back). */
  readonly byEnv: Record<string, Manifest[]>;
  readonly all: Manifest[];
}

const rendered = new Map<string, RenderedConfig>();

function render(c: Config): RenderedConfig {
  let r = rendered.get(c.name);
  if (r) return r;
  const app: App<Envs> = newApp({ platform: c.platform, ...(c.environments ? { environments: c.environments } : {}) });
  new WebService(app, 'web', c.props);
  const byEnv: Record<string, Manifest[]> = {};
  for (const env of app.render()) {
    byEnv[env.environment.name] = env.objects.map((o) => parse(toYaml(o.manifest)) as Manifest);
  }
  r = { byEnv, all: Object.values(byEnv).flat() };
  rendered.set(c.name, r);
  return r;
}

// ---------------------------------------------------------------------------

describeWithReference('schema conformance', () => {
  describe('examples/shop as written to disk', () => {
    test('each environment is written, and its kustomization lists exactly the files beside it', () => {
      const { tree } = example();
      for (const files of Object.values(tree)) {
        const kustomization = files.find((f) => f.file === 'kustomization.yaml');
        expect(kustomization).toBeDefined();
        const listed = [...kustomization!.objects[0].resources].sort();
        expect(listed).toEqual(files.filter((f) => f !== kustomization).map((f) => f.file));
        expect(files.every((f) => f.objects.length > 0)).toBe(true);
      }
      // the quickstart: storefront, fulfilment, nightly-report, orders and db in two environments
      expect(exampleObjects().length).toBeGreaterThanOrEqual(50);
    });

    test.each(K8S_VERSIONS)('every written object is valid for Kubernetes %s (custom resources against their CRDs)', (version) => {
      const problems = exampleObjects().flatMap((o) => validateObject(o, version)).map(formatSchemaProblem);
      expect(problems).toEqual([]);
    });

    test('every object that is not a kind of both Kubernetes versions is a custom resource with a CRD in the reference', () => {
      const custom = exampleObjects().filter((o) => !K8S_VERSIONS.every((v) => isBuiltinKind(v, o.apiVersion, o.kind)));
      expect([...new Set(custom.map((o) => `${o.apiVersion}/${o.kind}`))].sort()).toEqual([
        'gateway.networking.k8s.io/v1/HTTPRoute', 'iam.aws.m.upbound.io/v1beta1/Role', 'iam.aws.m.upbound.io/v1beta1/RolePolicy',
        'keda.sh/v1alpha1/ScaledObject', 'keda.sh/v1alpha1/TriggerAuthentication', 'rds.aws.m.upbound.io/v1beta1/Instance', 'sqs.aws.m.upbound.io/v1beta1/Queue',
      ]);
      for (const o of custom) expect(hasCrd(o.apiVersion, o.kind)).toBe(true);
    });

    test('every custom resource is valid against its CRD', () => {
      const custom = exampleObjects().filter((o) => !K8S_VERSIONS.every((v) => isBuiltinKind(v, o.apiVersion, o.kind)));
      // the route, the KEDA pair, the RDS instance, two queues and two roles with their policies
      expect(custom.length).toBeGreaterThanOrEqual(12);
      for (const v of K8S_VERSIONS) {
        expect(custom.flatMap((r) => validateCustomResource(r, v)).map(formatSchemaProblem)).toEqual([]);
      }
    });
  });

  describe('WebService configurations', () => {
    test.each(CONFIGS.map((c) => [c.name, c] as const))('%s: every object is valid for Kubernetes 1.27 and 1.33, CRDs and kubernetes-models', (_name, c) => {
      const r = render(c);
      const kinds = new Set(r.all.map((o) => o.kind));
      for (const k of ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy', ...(c.kinds ?? [])]) expect(kinds).toContain(k);
      for (const k of c.absent ?? []) expect(kinds).not.toContain(k);
      expect(conformanceProblems(r.all)).toEqual([]);
    });

    test('the overrides render what they say per environment', () => {
      const r = render(CONFIGS.find((c) => c.name === 'per-environment overrides')!);
      expect(r.byEnv.dev.map((o) => o.kind)).not.toEqual(expect.arrayContaining(['HTTPRoute']));
      expect(r.byEnv.dev.map((o) => o.kind)).not.toEqual(expect.arrayContaining(['Ingress']));
      expect(r.byEnv.prod.map((o) => o.kind)).toEqual(expect.arrayContaining(['Ingress', 'HorizontalPodAutoscaler']));
    });

    test('the matrix covers every kind libk8s emits and hundreds of objects', () => {
      const all = CONFIGS.flatMap((c) => render(c).all);
      expect(new Set(all.map((o) => o.kind))).toEqual(new Set([
        'ServiceAccount', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'Service', 'HTTPRoute', 'Ingress', 'ServiceMonitor',
      ]));
      expect(all.length).toBeGreaterThanOrEqual(200);
    });
  });

  describe('the validator rejects what a cluster rejects', () => {
    // an object named by its file in the object layout (storefront/deployment.yaml), read from its construct's file (storefront.yaml)
    const prod = (file: string): Manifest => {
      const rel = constructFileOf(file);
      const o = example().tree.prod.find((x) => x.file === rel)?.objects.find((m) => objectFileName(path.posix.basename(rel, '.yaml'), m) === file);
      if (!o) throw new Error(`the example wrote no ${file}`);
      return structuredClone(o);
    };

    test('an unknown field in a container', () => {
      const d = prod('storefront/deployment.yaml');
      expect(conformanceProblems([d])).toEqual([]);
      d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      for (const v of K8S_VERSIONS) {
        expect(validateBuiltin(d, v).map(formatSchemaProblem)).toEqual([
          `Deployment 'storefront' (kubernetes ${v}) /spec/template/spec/containers/0: unknown field "imagePullPolicyy" (must NOT have additional properties)`,
        ]);
      }
    });

    test('an unknown field at the top, in metadata and in a nested object', () => {
      for (const mutate of [
        (d: Manifest) => { d.specc = {}; },
        (d: Manifest) => { d.metadata.label = { a: 'b' }; },
        (d: Manifest) => { d.spec.template.spec.securityContext.runAsNonroot = true; },
        (d: Manifest) => { d.spec.strategy.rollingUpdate.maxSurged = 1; },
      ]) {
        const d = prod('storefront/deployment.yaml');
        mutate(d);
        for (const v of K8S_VERSIONS) expect(validateBuiltin(d, v).map((p) => p.message).join('\n')).toMatch(/unknown field/);
      }
    });

    test('a wrong type', () => {
      const d = prod('storefront/deployment.yaml');
      d.spec.revisionHistoryLimit = '5';
      for (const v of K8S_VERSIONS) {
        expect(validateBuiltin(d, v).map(formatSchemaProblem)).toEqual([`Deployment 'storefront' (kubernetes ${v}) /spec/revisionHistoryLimit: must be integer`]);
      }
      const s = prod('storefront/service.yaml');
      s.spec.ports[0].port = '80';
      for (const v of K8S_VERSIONS) expect(validateBuiltin(s, v).map((p) => `${p.path} ${p.message}`)).toEqual(['/spec/ports/0/port must be integer']);
    });

    test('a missing required field', () => {
      // (the published definitions carry no enums but `kind`; the API server checks those in code)
      const d = prod('storefront/deployment.yaml');
      delete d.spec.selector;
      delete d.spec.template.spec.containers[0].name;
      for (const v of K8S_VERSIONS) {
        expect(validateBuiltin(d, v).map((p) => `${p.path} ${p.message}`)).toEqual([
          "/spec must have required property 'selector'",
          "/spec/template/spec/containers/0 must have required property 'name'",
        ]);
      }
    });

    test('IntOrString accepts an integer or a string, nothing else', () => {
      const d = prod('storefront/deployment.yaml');
      for (const ok of [0, 1, '25%', '1']) {
        d.spec.strategy.rollingUpdate.maxUnavailable = ok;
        expect(conformanceProblems([d])).toEqual([]);
      }
      for (const bad of [true, 1.5, null, { percent: 25 }]) {
        d.spec.strategy.rollingUpdate.maxUnavailable = bad;
        for (const v of K8S_VERSIONS) expect(validateBuiltin(d, v).map((p) => p.path)).toEqual(['/spec/strategy/rollingUpdate/maxUnavailable']);
      }
    });

    test('Quantity accepts a number or a quantity string, nothing else', () => {
      const d = prod('storefront/deployment.yaml');
      const limits = d.spec.template.spec.containers[0].resources.limits;
      for (const ok of ['256Mi', '1', '0.5', '500m', '1e3', '2G', 1, 0.25]) {
        limits.memory = ok;
        expect(conformanceProblems([d])).toEqual([]);
      }
      for (const bad of ['256 Mi', '256MB', '1.5.0', 'lots', true]) {
        limits.memory = bad;
        for (const v of K8S_VERSIONS) expect(validateBuiltin(d, v).map((p) => p.path)).toEqual(['/spec/template/spec/containers/0/resources/limits/memory']);
      }
    });

    test('a repeated key of a list map (two container ports with the same number and protocol)', () => {
      const d = prod('storefront/deployment.yaml');
      d.spec.template.spec.containers[0].ports.push({ name: 'again', containerPort: 8080, protocol: 'TCP' });
      for (const v of K8S_VERSIONS) {
        expect(validateBuiltin(d, v).map((p) => `${p.path} ${p.message}`)).toEqual([
          '/spec/template/spec/containers/0/ports items 0 and 1 have the same key (containerPort, protocol) = [8080,"TCP"]; a list map must not repeat a key',
        ]);
      }
    });

    test('a field newer than the cluster: an init container with restartPolicy is 1.33, not 1.27', () => {
      const d = prod('storefront/deployment.yaml');
      d.spec.template.spec.initContainers = [{ name: 'sidecar', image: IMAGE, restartPolicy: 'Always' }];
      expect(validateBuiltin(d, '1.33')).toEqual([]);
      expect(validateBuiltin(d, '1.27').map((p) => `${p.path} ${p.message}`)).toEqual([
        '/spec/template/spec/initContainers/0 unknown field "restartPolicy" (must NOT have additional properties)',
      ]);
    });

    test('a kind or an apiVersion the cluster does not serve', () => {
      // autoscaling/v2beta2 went in 1.26, policy/v1beta1 in 1.25
      const hpa = prod('storefront/horizontalpodautoscaler.yaml');
      hpa.apiVersion = 'autoscaling/v2beta2';
      const pdb = prod('storefront/poddisruptionbudget.yaml');
      pdb.apiVersion = 'policy/v1beta1';
      for (const v of K8S_VERSIONS) {
        expect(validateObject(hpa, v).map((p) => p.message).join()).toMatch(new RegExp(`Kubernetes ${v} .*HorizontalPodAutoscaler in autoscaling/v2beta2`));
        expect(validateObject(pdb, v).map((p) => p.message).join()).toMatch(new RegExp(`Kubernetes ${v} .*PodDisruptionBudget in policy/v1beta1`));
        expect(validateWithKubernetesModels(hpa)).toEqual([]); // kubernetes-models still has the old versions; only the definitions catch it
      }
    });

    test('an HTTPRoute with an unknown field, a wrong type or an unserved version', () => {
      const r = prod('storefront/httproute.yaml');
      expect(validateCustomResource(r)).toEqual([]);

      const unknown = structuredClone(r);
      unknown.spec.rules[0].backendRefs[0].weightt = 1;
      expect(validateCustomResource(unknown).map(formatSchemaProblem)).toEqual([
        `HTTPRoute 'storefront' (CRD httproutes.gateway.networking.k8s.io v1) /spec/rules/0/backendRefs/0: unknown field "weightt" (must NOT have additional properties)`,
      ]);
      for (const v of K8S_VERSIONS) expect(validateObject(unknown, v)).toHaveLength(1);

      const wrongType = structuredClone(r);
      wrongType.spec.rules[0].backendRefs[0].port = '80';
      expect(validateCustomResource(wrongType).map((p) => `${p.path} ${p.message}`)).toEqual(['/spec/rules/0/backendRefs/0/port must be integer']);

      const badEnum = structuredClone(r);
      badEnum.spec.rules[0].matches[0].path.type = 'Prefix';
      expect(validateCustomResource(badEnum).map((p) => p.path)).toEqual(['/spec/rules/0/matches/0/path/type']);

      const unserved = structuredClone(r);
      unserved.apiVersion = 'gateway.networking.k8s.io/v1alpha2';
      expect(validateCustomResource(unserved).map((p) => p.message)).toEqual([
        'gateway.networking.k8s.io/v1alpha2 is not a served version (served: gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1)',
      ]);
    });

    test("a custom resource's metadata is held against ObjectMeta", () => {
      const r = prod('storefront/httproute.yaml');
      r.metadata.labelz = { a: 'b' };
      r.metadata.annotations = { count: 3 };
      for (const v of K8S_VERSIONS) {
        expect(validateCustomResource(r, v).map((p) => `${p.path} ${p.message}`)).toEqual([
          '/metadata unknown field "labelz" (must NOT have additional properties)',
          '/metadata/annotations/count must be string',
        ]);
      }
    });

    test('x-kubernetes-int-or-string in a CRD accepts both, and its pattern still applies to strings', () => {
      const so = (tolerance: unknown): Manifest => ({
        apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web', namespace: 'shop' },
        spec: {
          scaleTargetRef: { name: 'web' },
          triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }],
          advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: { tolerance } } } },
        },
      });
      expect(validateCustomResource(so('50m'))).toEqual([]);
      expect(validateCustomResource(so(1))).toEqual([]);
      expect(validateCustomResource(so('5 %')).map((p) => p.path)).toEqual(['/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleUp/tolerance']);
      expect(validateCustomResource(so(true)).map((p) => p.path)).toEqual(['/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleUp/tolerance']);
    });

    test('x-kubernetes-preserve-unknown-fields keeps a CRD field open; its siblings stay closed', () => {
      const application = (helm: Manifest): Manifest => ({
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'shop', namespace: 'argocd' },
        spec: {
          project: 'default',
          destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
          source: { repoURL: 'https://charts.example.com', chart: 'shop', targetRevision: '1.0.0', helm },
        },
      });
      expect(validateCustomResource(application({ valuesObject: { anything: { goes: [1, 'two', { three: true }] } } }))).toEqual([]);
      expect(validateCustomResource(application({ valuesObjectt: {} })).map((p) => `${p.path} ${p.message}`)).toEqual([
        '/spec/source/helm unknown field "valuesObjectt" (must NOT have additional properties)',
      ]);
    });

    test('an object no schema knows', () => {
      const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
      for (const v of K8S_VERSIONS) expect(validateObject(unknown, v).map((p) => p.message).join()).toMatch(/nor any CRD .* defines kind Widget in example.com\/v1/);
    });
  });
});

describe('kubernetes-models@4', () => {
  test('every built-in object of examples/shop and of the configurations validates', () => {
    const objects = [...exampleObjects(), ...CONFIGS.flatMap((c) => render(c).all)];
    const builtin = objects.filter((o) => hasKubernetesModel(o.apiVersion, o.kind));
    expect([...new Set(objects.filter((o) => !builtin.includes(o)).map((o) => o.kind))].sort()).toEqual(['HTTPRoute', 'Instance', 'Queue', 'Role', 'RolePolicy', 'ScaledObject', 'ServiceMonitor', 'TriggerAuthentication']);
    expect(builtin.flatMap(validateWithKubernetesModels).map(formatSchemaProblem)).toEqual([]);
  });

  test('rejects a wrong type, a bad quantity and a missing required field', () => {
    const d = structuredClone(render(CONFIGS[0]).byEnv.prod.find((o) => o.kind === 'Deployment')!);
    expect(validateWithKubernetesModels(d)).toEqual([]);
    d.spec.replicas = 'two';
    d.spec.template.spec.containers[0].resources.requests.cpu = '100 millicores';
    delete d.spec.template.spec.containers[0].name;
    const problems = validateWithKubernetesModels(d).map((p) => `${p.path} ${p.message}`);
    expect(problems).toContain('/spec/replicas must be integer');
    expect(problems).toContain('/spec/template/spec/containers/0 must have required property name');
    expect(problems.join('\n')).toMatch(/\/spec\/template\/spec\/containers\/0\/resources\/requests\/cpu must match format "quantity"/);
  });

  test('knows no model for a kind it does not have', () => {
    expect(validateWithKubernetesModels({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'x' } }).map((p) => p.message))
      .toEqual(['kubernetes-models has no model for HTTPRoute in gateway.networking.k8s.io/v1']);
  });
});

// ---------------------------------------------------------------------------
// What the API server checks in code (no reference data needed)

describe('API server rules the schemas do not carry', () => {
  test('every object of examples/shop and of the configurations passes them', () => {
    const objects = [...exampleObjects(), ...CONFIGS.flatMap((c) => render(c).all)];
    expect(objects.flatMap(apiServerRuleProblems).map(formatSchemaProblem)).toEqual([]);
  });

  describe('they reject what the API server rejects', () => {
    const base = (kind: string): Manifest => structuredClone(render(CONFIGS.find((c) => c.name === 'route: ingress')!).byEnv.prod.find((o) => o.kind === kind)!);
    const route = (): Manifest => structuredClone(render(CONFIGS[1]).byEnv.prod.find((o) => o.kind === 'HTTPRoute')!);
    const paths = (o: Manifest) => apiServerRuleProblems(o).map((p) => p.path);

    test('a Service name that is not a DNS-1035 label', () => {
      const svc = base('Service');
      svc.metadata.name = '1web';
      expect(apiServerRuleProblems(svc).map((p) => `${p.path} ${p.message}`)).toEqual([
        `/metadata/name "1web" is not a DNS-1035 label (a Service name starts with a letter: lowercase letters, digits and '-', at most 63)`,
      ]);
    });

    test('bad label keys and values, bad annotation keys', () => {
      const d = base('Deployment');
      d.metadata.labels['example.com/x/y'] = 'v';
      d.metadata.labels.long = 'x'.repeat(64);
      d.metadata.labels.spaced = 'a b';
      d.metadata.annotations = { 'not a key': 'v' };
      expect(paths(d)).toEqual(['/metadata/labels/example.com/x/y', '/metadata/labels/long', '/metadata/labels/spaced', '/metadata/annotations/not a key']);
    });

    test('a Deployment whose selector does not match its pod labels', () => {
      const d = base('Deployment');
      d.spec.selector.matchLabels['app.kubernetes.io/name'] = 'other';
      expect(paths(d)).toEqual(['/spec/template/metadata/labels']);
    });

    test('pod names: duplicate containers, a mount of no volume, a path mounted twice, bad port and env names', () => {
      const d = base('Deployment');
      const pod = d.spec.template.spec;
      const main = pod.containers[0];
      pod.initContainers = [{ ...structuredClone(main), name: main.name }];
      main.volumeMounts.push({ name: 'nowhere', mountPath: '/x' }, { name: 'tmp', mountPath: '/tmp' });
      main.ports.push({ name: 'a--b', containerPort: 1 }, { name: 'http', containerPort: 2 });
      main.env = [{ name: '1X', value: 'v' }];
      main.livenessProbe.successThreshold = 2;
      expect(paths(d)).toEqual([
        '/spec/template/spec/containers/0/name',
        '/spec/template/spec/containers/0/ports/1/name',
        '/spec/template/spec/containers/0/ports/2/name',
        '/spec/template/spec/containers/0/env/0/name',
        '/spec/template/spec/containers/0/volumeMounts/1/name',
        '/spec/template/spec/containers/0/volumeMounts/2/mountPath',
        '/spec/template/spec/containers/0/livenessProbe/successThreshold',
      ]);
    });

    test('Service ports without names, or with a bad target port name', () => {
      const svc = base('Service');
      svc.spec.ports.push({ port: 81, targetPort: 'Web_Port', protocol: 'TCP' });
      expect(paths(svc)).toEqual(['/spec/ports/1/name', '/spec/ports/1/targetPort']);
    });

    test('NetworkPolicy CIDRs that do not parse, and an except outside its cidr', () => {
      const np = base('NetworkPolicy');
      np.spec.egress.push(
        { to: [{ ipBlock: { cidr: '999.0.0.0/8' } }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['nope', '192.168.0.0/24', '10.0.0.0/8', '10.1.0.0/16'] } }] },
        { to: [{ ipBlock: { cidr: 'fd00::/8', except: ['fd00:1::/32', 'fe80::/10'] } }] },
      );
      expect(paths(np)).toEqual([
        '/spec/egress/1/to/0/ipBlock/cidr',
        '/spec/egress/2/to/0/ipBlock/cidr',
        '/spec/egress/3/to/0/ipBlock/except/0',
        '/spec/egress/3/to/0/ipBlock/except/1',
        '/spec/egress/3/to/0/ipBlock/except/2',
        '/spec/egress/4/to/0/ipBlock/except/1',
      ]);
    });

    test('Ingress and HTTPRoute paths the API server rejects', () => {
      for (const bad of ['/a//b', '/a/./b', '/a/../b', '/a%2Fb', '/a/..', '/a/.']) {
        const ing = base('Ingress');
        ing.spec.rules[0].http.paths[0].path = bad;
        expect(paths(ing)).toEqual(['/spec/rules/0/http/paths/0/path']);
      }
      for (const bad of ['a', '/a//b', '/a/./b', '/a/../b', '/a%2fb', '/a%2Fb', '/a#b', '/a/..', '/a/.', '/a b', '/a?b=1', '/%zz']) {
        const r = route();
        r.spec.rules[0].matches[0].path.value = bad;
        expect(paths(r)[0]).toBe('/spec/rules/0/matches/0/path');
      }
      for (const good of ['/', '/a', '/a/b/', "/a-b_c.d~e!$&'()*+,;=:@", '/%20']) {
        const r = route();
        r.spec.rules[0].matches[0].path.value = good;
        expect(paths(r)).toEqual([]);
      }
    });

    test('an HPA whose max is below its min', () => {
      const hpa = structuredClone(render(CONFIGS.find((c) => c.name === 'autoscale on cpu and memory')!).byEnv.prod.find((o) => o.kind === 'HorizontalPodAutoscaler')!);
      hpa.spec.minReplicas = 5;
      hpa.spec.maxReplicas = 4;
      expect(paths(hpa)).toEqual(['/spec/maxReplicas']);
    });
  });

  /**
   * Inputs near the edges of what a cluster accepts. libk8s must either
   * refuse them with a problem or emit objects a cluster accepts; emitting an
   * object the API server rejects is the defect this guards against.
   */
  type Build = (app: App<Envs>) => void;
  const web = (props: Partial<WebServiceProps<Envs>>): Build => (app) => new WebService(app, 'web', { image: IMAGE, ...props });
  /** [what, build, what libk8s must do: refuse it with a problem, or emit objects a cluster accepts]. */
  const EDGES: readonly (readonly [string, Build, 'refused' | 'valid'])[] = [
    ['an id that starts with a digit (a Service name must start with a letter)', (app) => new WebService(app, '1web', { image: IMAGE }), 'refused'],
    ['an id of 63 characters', (app) => new WebService(app, `w${'x'.repeat(62)}`, { image: IMAGE, route: { path: '/' }, config: { files: { a: 'b' } } }), 'valid'],
    ...['/a//b', '/a/./b', '/a/../b', '/a/..', '/a/.', '/a%2Fb', '/a%2fb', '/a#b', '/a b', '/a?b=1'].flatMap((path) => (['httproute', 'ingress'] as const).map(
      (kind) => [`route path ${JSON.stringify(path)} on an ${kind}`, web({ route: { path, kind } }), 'refused'] as const,
    )),
    ...["/a-b_c.d~e!$&'()*+,;=:@", '/%20', '/api/v1/', '/'].map((path) => [`route path ${JSON.stringify(path)}`, web({ route: { path, kind: 'ingress' } }), 'valid'] as const),
    ['a route path the cluster rejects in one environment only', web({ route: { path: '/' }, overrides: { prod: { route: { path: '/a//b' } } } }), 'refused'],
    ['an egress cidr with an octet above 255', web({ egress: [{ cidr: '999.0.0.0/8' }] }), 'refused'],
    ['an egress cidr with a prefix above 32', web({ egress: [{ cidr: '10.0.0.0/33' }] }), 'refused'],
    ['an egress cidr with a prefix above 128', web({ egress: [{ cidr: 'fd00::/129' }] }), 'refused'],
    ['an egress except that is not a CIDR', web({ egress: [{ cidr: '10.0.0.0/8', except: ['nope'] }] }), 'refused'],
    ['an egress except outside its cidr', web({ egress: [{ cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }] }), 'refused'],
    ['an egress except equal to its cidr', web({ egress: [{ cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] }] }), 'refused'],
    ['an IPv6 egress except inside its cidr', web({ egress: [{ cidr: 'fd00::/8', except: ['fd12:3456::/32'] }] }), 'valid'],
    ['an egress port of 0', web({ egress: [{ cidr: '10.0.0.0/8', ports: [0] }] }), 'refused'],
    ['an egress port above 65535', web({ egress: [{ cidr: '10.0.0.0/8', ports: [70000] }] }), 'refused'],
    ['a port name with two hyphens in a row', web({ ports: [{ name: 'a--b', port: 9000 }] }), 'refused'],
    ['a volume mounted at /tmp, where libk8s mounts its own', web({ volumes: [{ name: 'scratch', mountPath: '/tmp', source: { type: 'emptyDir' } }] }), 'refused'],
    ['two volumes at one path', web({
      volumes: [{ name: 'a', mountPath: '/data', source: { type: 'emptyDir' } }, { name: 'b', mountPath: '/data', source: { type: 'persistentVolumeClaim', claimName: 'b' } }],
    }), 'refused'],
    ['config files mounted where a volume is', web({
      config: { files: { a: 'b' }, mountPath: '/etc/app' }, volumes: [{ name: 'certs', mountPath: '/etc/app', source: { type: 'secret', secret: 'certs' } }],
    }), 'refused'],
    ['config files at their default path, where a volume is', web({
      config: { files: { a: 'b' } }, volumes: [{ name: 'certs', mountPath: '/etc/web', source: { type: 'secret', secret: 'certs' } }],
    }), 'refused'],
    ['a sidecar mounting a volume at /tmp', web({
      volumes: [{ name: 'shared', mountPath: '/shared', source: { type: 'emptyDir' } }],
      sidecars: [{ name: 'side', image: SIDECAR_IMAGE, mounts: [{ volume: 'shared', mountPath: '/tmp' }] }],
    }), 'refused'],
    ['a sidecar mounting a volume where the main container mounts it', web({
      volumes: [{ name: 'shared', mountPath: '/shared', source: { type: 'emptyDir' } }],
      sidecars: [{ name: 'side', image: SIDECAR_IMAGE, mounts: [{ volume: 'shared', mountPath: '/shared' }] }],
    }), 'valid'],
    ['a label value of 64 characters', web({ labels: { tier: 'x'.repeat(64) } }), 'refused'],
    ['an annotation key with a space', web({ podAnnotations: { 'bad key': 'v' } }), 'refused'],
    ['an image tag of 128 characters (the version label is cut to 63)', web({ image: `${IMAGE.split(':')[0]}:v${'1'.repeat(127)}` }), 'valid'],
    ['an image tag ending in punctuation (a label value must end alphanumeric)', web({ image: `${IMAGE.split(':')[0]}:1.0-._` }), 'valid'],
  ];

  test.each(EDGES.map(([name, build, expected]) => [name, expected, build] as const))('%s: %s', (_name, expected, build) => {
    const app = newApp();
    build(app);
    let objects: Manifest[] | undefined;
    try {
      objects = app.render().flatMap((e) => e.objects.map((o) => parse(toYaml(o.manifest)) as Manifest));
    } catch (e) {
      if (!(e instanceof Libk8sError)) throw e;
    }
    if (objects) expect(objects.flatMap(apiServerRuleProblems).map(formatSchemaProblem)).toEqual([]);
    expect(objects ? 'valid' : 'refused').toBe(expected);
  });
});

describeWithReference('the written-out CRD rules', () => {
  test("HTTP_PATH_RULES are the HTTPRoute CRD's own path rules", () => {
    const schema = crdSchema('gateway.networking.k8s.io/v1', 'HTTPRoute')!;
    const path = schema.properties.spec.properties.rules.items.properties.matches.items.properties.path;
    const messages = (path['x-kubernetes-validations'] as { message: string }[]).map((v) => v.message.replace(/\s+/g, ' '));
    for (const r of HTTP_PATH_RULES) expect(messages).toContain(r.message);
  });
});

describeWithReference('the preStop sleep action', () => {
  test('is valid on Kubernetes 1.33 and, as documented, not on 1.27 (it needs 1.30 or later)', () => {
    const app = newApp({ platform: { preStopAction: 'sleep', kubernetesVersion: '1.30' } });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    const deployment = manifests(app).find((m) => m.kind === 'Deployment')!;
    expect(conformanceProblems([deployment as any], ['1.33'])).toEqual([]);
    expect(conformanceProblems([deployment as any], ['1.27']).join('\n')).toContain('sleep');
  });
});
