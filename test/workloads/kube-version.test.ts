import { App, AppProps, Task, WebService, Worker } from 'libk8s';
import { manifests, only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems, K8sVersion } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';
const PROXY = 'ghcr.io/acme/proxy:2.3.4';

/** An app with a legacy cluster (dev on 1.27) and a current one (prod on 1.33). */
function twoClusters(overrides: Partial<AppProps<'dev' | 'prod'>> = {}): App<'dev' | 'prod'> {
  return new App({
    name: 'shop',
    team: 'commerce',
    environments: {
      dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com', kubernetesVersion: '1.27' },
      prod: { namespace: 'shop', domain: 'shop.example.com', kubernetesVersion: '1.33' },
    },
    ...overrides,
  });
}

function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('the target Kubernetes version', () => {
  test("is the platform's, 1.27 by default, and an environment's own overrides it", () => {
    expect(new App({ name: 'shop', team: 'commerce', environments: { dev: {} } }).environments[0].kubernetesVersion).toBe('1.27');
    const app = new App({ name: 'shop', team: 'commerce', platform: { kubernetesVersion: '1.30' }, environments: { dev: {}, prod: { kubernetesVersion: '1.33' } } });
    expect(app.platform.kubernetesVersion).toBe('1.30');
    expect(app.environments.map((e) => [e.name, e.kubernetesVersion])).toEqual([['dev', '1.30'], ['prod', '1.33']]);
  });

  test('a version that is not 1.<minor>, or outside 1.27 to 1.33, is refused, every one in the same run', () => {
    const app = new App({
      name: 'shop', team: 'commerce',
      platform: { kubernetesVersion: 'v1.30' as never },
      environments: {
        a: { kubernetesVersion: '1.30.2' as never },
        b: { kubernetesVersion: 1.3 as never },
        c: { kubernetesVersion: '1.26' },
        d: { kubernetesVersion: '1.40' },
        e: { kubernetesVersion: 'latest' as never },
      },
    });
    new WebService(app, 'web', { image: IMAGE });
    expect(problemLines(app)).toEqual([
      `App 'shop' (shop) [environment 'a']: 'environments.a.kubernetesVersion' "1.30.2" is not a Kubernetes minor version ('1.<minor>' as a string, without a 'v' or a patch release). Fix: use the cluster's minor version as a string, e.g. "1.30" (supported: 1.27 to 1.33).`,
      `App 'shop' (shop) [environment 'b']: 'environments.b.kubernetesVersion' 1.3 is not a Kubernetes minor version ('1.<minor>' as a string, without a 'v' or a patch release). Fix: use the cluster's minor version as a string, e.g. "1.30" (supported: 1.27 to 1.33).`,
      `App 'shop' (shop) [environment 'c']: 'environments.c.kubernetesVersion' "1.26" is older than 1.27, the oldest API libk8s emits for (cdk8s-plus-27). Fix: use a version from 1.27 to 1.33.`,
      `App 'shop' (shop) [environment 'd']: 'environments.d.kubernetesVersion' "1.40" is newer than 1.33, the newest API libk8s's rules and guardrails know. Fix: use a version from 1.27 to 1.33.`,
      `App 'shop' (shop) [environment 'e']: 'environments.e.kubernetesVersion' "latest" is not a Kubernetes minor version ('1.<minor>' as a string, without a 'v' or a patch release). Fix: use the cluster's minor version as a string, e.g. "1.30" (supported: 1.27 to 1.33).`,
      `App 'shop' (shop): 'platform.kubernetesVersion' "v1.30" is not a Kubernetes minor version ('1.<minor>' as a string, without a 'v' or a patch release). Fix: use the cluster's minor version as a string, e.g. "1.30" (supported: 1.27 to 1.33).`,
    ]);
  });

  test('a native sidecar on a 1.27 target is refused, naming the environment and the version it needs', () => {
    const app = twoClusters();
    new Worker(app, 'relay', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true }] });
    expect(problemLines(app)).toEqual([
      "Worker 'relay' (shop/relay) [environment 'dev']: 'sidecars[0].native' true is a native sidecar (an init container with restartPolicy: Always), which needs Kubernetes 1.29 or later, but environment 'dev' targets 1.27. Fix: remove 'native' (a regular sidecar, started beside the main container), or target Kubernetes 1.29 or later (see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/).",
    ]);
  });

  test('one problem names every environment that is too old', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, staging: { kubernetesVersion: '1.28' }, prod: { kubernetesVersion: '1.29' } } });
    new Worker(app, 'relay', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true }] });
    expect(problemLines(app)).toEqual([
      expect.stringContaining("'sidecars[0].native' true is a native sidecar (an init container with restartPolicy: Always), which needs Kubernetes 1.29 or later, but environments 'dev' targets 1.27, 'staging' targets 1.28. Fix:"),
    ]);
  });

  test("a platform preStopAction 'sleep' is refused for the workloads it reaches in an older environment", () => {
    const app = twoClusters({ platform: { preStopAction: 'sleep' } });
    new WebService(app, 'web', { image: IMAGE });
    new Task(app, 'migrate', { image: IMAGE });
    new Worker(app, 'relay', { image: IMAGE, overrides: { dev: { preStop: { action: 'exec' } } } });
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web) [environment 'dev']: 'platform.preStopAction' \"sleep\" is the kubelet's preStop 'sleep' action, which needs Kubernetes 1.30 or later, but environment 'dev' targets 1.27. Fix: give this workload its own preStop there, e.g. preStop: { action: 'exec' } (needs a `sleep` binary) or { action: 'none', reason: '...' }, set the platform's preStopAction to 'exec', or target Kubernetes 1.30 or later (see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations).",
    ]);
  });
});

describe('one app, a 1.27 and a 1.33 cluster', () => {
  test('each environment gets the fields its version serves', () => {
    const a = twoClusters();
    new WebService(a, 'web', { image: IMAGE, preStop: { action: 'exec' }, overrides: { prod: { preStop: { action: 'sleep', seconds: 10 } } } });
    const container = (env: string) => only(manifests(a, env), 'Deployment').spec.template.spec.containers[0];
    expect(container('dev').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(container('prod').lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
  });

  describeWithReference('against the schema of each environment', () => {
    test("dev's objects validate against Kubernetes 1.27, prod's against 1.33; prod's would not against 1.27", () => {
      const a = twoClusters();
      new WebService(a, 'web', { image: IMAGE, preStop: { action: 'exec' }, overrides: { prod: { preStop: { action: 'sleep', seconds: 10 } } } });
      const rendered = a.render();
      expect(rendered.map((r) => [r.environment.name, r.environment.kubernetesVersion])).toEqual([['dev', '1.27'], ['prod', '1.33']]);
      for (const r of rendered) {
        expect(conformanceProblems(r.objects.map((o) => o.manifest), [r.environment.kubernetesVersion as K8sVersion])).toEqual([]);
      }
      const prod = rendered[1].objects.map((o) => o.manifest);
      expect(conformanceProblems(prod, ['1.27']).join('\n')).toMatch(/Deployment 'web' \(kubernetes 1\.27\) \/spec\/template\/spec\/containers\/0\/lifecycle\/preStop: unknown field "sleep"/);
    });

    test('a native sidecar on 1.33 validates, and is what 1.27 would reject', () => {
      const a = new App({ name: 'shop', team: 'commerce', environments: { prod: { kubernetesVersion: '1.33' } } });
      new Task(a, 'migrate', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true }] });
      const objects = manifests(a, 'prod');
      expect(conformanceProblems(objects, ['1.33'])).toEqual([]);
      expect(conformanceProblems(objects, ['1.27']).join('\n')).toContain('unknown field "restartPolicy"');
    });
  });

  test('passes the guardrails with zero findings in both environments', () => {
    const a = twoClusters();
    new WebService(a, 'web', { image: IMAGE, preStop: { action: 'exec' }, overrides: { prod: { preStop: { action: 'sleep' } } } });
    const b = new App({ name: 'shop', team: 'commerce', environments: { prod: { kubernetesVersion: '1.33' } } });
    new Task(b, 'migrate', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true }] });
    new Worker(b, 'relay', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true, probes: { readiness: { type: 'exec', command: ['/ready'] }, liveness: { type: 'exec', command: ['/live'] } } }] });
    for (const x of [a, b]) {
      expect(x.check(x.render()).flatMap((r) => r.findings).map((f) => `${f.rule} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
    }
  });
});

describe('native sidecars', () => {
  test('are init containers with restartPolicy Always, before the regular init containers, with their probes', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { kubernetesVersion: '1.29' } } });
    new Worker(app, 'relay', {
      image: IMAGE,
      initContainers: [{ name: 'wait', image: PROXY, command: ['/wait'] }],
      sidecars: [
        { name: 'proxy', image: PROXY, native: true, probes: { readiness: { type: 'exec', command: ['/ready'] } } },
        { name: 'logs', image: PROXY },
      ],
    });
    const spec = only(manifests(app, 'prod'), 'Deployment').spec.template.spec;
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['wait', undefined]]);
    expect(spec.initContainers[0].readinessProbe.exec.command).toEqual(['/ready']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['relay', 'logs']);
  });

  test("a Task's native sidecar lets the run end when the main container exits", () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { kubernetesVersion: '1.33' } } });
    new Task(app, 'migrate', { image: IMAGE, sidecars: [{ name: 'proxy', image: PROXY, native: true }] });
    const spec = only(manifests(app, 'prod'), 'Job').spec.template.spec;
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.containers.map((c: any) => c.name)).toEqual(['migrate']);
    expect(spec.initContainers).toMatchObject([{ name: 'proxy', image: PROXY, restartPolicy: 'Always' }]);
  });

  test("'native' on an init container, or not a boolean, is refused", () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { kubernetesVersion: '1.33' } } });
    new Worker(app, 'relay', {
      image: IMAGE,
      initContainers: [{ name: 'wait', image: PROXY, native: true }],
      sidecars: [{ name: 'proxy', image: PROXY, native: 'yes' as never }],
    });
    expect(problemLines(app)).toEqual([
      `Worker 'relay' (shop/relay): 'sidecars[0].native' "yes" is not true or false. Fix: use true or false.`,
      `Worker 'relay' (shop/relay): 'initContainers[0].native' true is set on an init container, which runs to completion before the main container starts. Fix: declare a native sidecar in 'sidecars' with native: true, or remove 'native'.`,
    ]);
  });
});
