import { Construct } from 'constructs';
import { App, Libk8sError, WebService, formatProblem } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

function renderFailure(app: App): Libk8sError {
  try {
    app.render();
  } catch (e) {
    if (e instanceof Libk8sError) return e;
    throw e;
  }
  throw new Error('expected the render to fail, but it succeeded');
}

describe('App', () => {
  test('resolves its environments in declaration order with a default namespace of <app>-<env>', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, staging: { domain: 'staging.shop.example.com' }, prod: { namespace: 'shop' } } });
    expect(app.environmentNames).toEqual(['dev', 'staging', 'prod']);
    expect(app.environments).toEqual([
      { name: 'dev', namespace: 'shop-dev', domain: undefined, labels: {}, annotations: {}, recipes: 'in-cluster', production: false, kubernetesVersion: '1.27' },
      { name: 'staging', namespace: 'shop-staging', domain: 'staging.shop.example.com', labels: {}, annotations: {}, recipes: 'crossplane-aws', production: false, kubernetesVersion: '1.27' },
      { name: 'prod', namespace: 'shop', domain: undefined, labels: {}, annotations: {}, recipes: 'crossplane-aws', production: true, kubernetesVersion: '1.27' },
    ]);
    expect(app.environment('staging')?.namespace).toBe('shop-staging');
    expect(app.environment('qa')).toBeUndefined();
  });

  test("defaults the output directory to 'dist' and the platform to libk8s's golden path", () => {
    const app = newApp();
    expect(app.outdir).toBe('dist');
    expect(app.platform).toMatchObject({
      gateway: { name: 'platform', namespace: 'gateway-system', listener: 'https' },
      defaultSize: 'small',
      dropCpuLimits: false,
      runAsUser: 10001,
      preStopSeconds: 5,
      teamLabel: 'libk8s.io/team',
    });
  });

  test('a gateway without a listener gets the https listener', () => {
    const app = newApp({ platform: { gateway: { name: 'edge', namespace: 'edge' } } });
    expect(app.platform.gateway).toEqual({ name: 'edge', namespace: 'edge', listener: 'https' });
  });

  test('lists its constructs in tree order, including nested ones', () => {
    const app = newApp();
    const a = new WebService(app, 'a', { image: IMAGE });
    const group = new Construct(app, 'group');
    const b = new WebService(group, 'b', { image: IMAGE });
    expect(app.components).toEqual([a, b]);
    expect(b.displayPath).toBe('shop/group/b');
  });

  test('renders every environment, or only the ones asked for', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE });
    expect(app.render().map((r) => r.environment.name)).toEqual(['dev', 'prod']);
    const [prod] = app.render({ environments: ['prod'] });
    expect(prod.environment.namespace).toBe('shop');
    expect(prod.objects.map((o) => o.file)).toEqual([
      'storefront/serviceaccount.yaml',
      'storefront/deployment.yaml',
      'storefront/poddisruptionbudget.yaml',
      'storefront/networkpolicy.yaml',
      'storefront/service.yaml',
    ]);
    expect(prod.objects[0].component).toBeInstanceOf(WebService);
  });

  test('an app with no constructs renders empty environments', () => {
    const app = newApp();
    expect(app.render().map((r) => r.objects.length)).toEqual([0, 0]);
  });

  test('rendering an environment the app does not have fails', () => {
    const app = newApp();
    expect(() => app.render({ environments: ['staging'] })).toThrow(/'environments' has no environment "staging".*Fix: use one of: dev, prod\./);
  });

  test('environment labels and annotations land on every object, below the standard labels', () => {
    const app = new App({
      name: 'shop',
      team: 'commerce',
      environments: {
        dev: { labels: { 'acme.io/tier': 'dev', 'app.kubernetes.io/part-of': 'hijack' }, annotations: { 'acme.io/cost': 'low' } },
        prod: {},
      },
    });
    new WebService(app, 'storefront', { image: IMAGE });
    const dev = manifests(app, 'dev');
    for (const m of dev) {
      expect(m.metadata.labels).toMatchObject({ 'acme.io/tier': 'dev', 'app.kubernetes.io/part-of': 'shop' });
      expect(m.metadata.annotations).toMatchObject({ 'acme.io/cost': 'low' });
    }
    expect(only(manifests(app, 'prod'), 'Deployment').metadata.labels).not.toHaveProperty('acme.io/tier');
  });

  test('a construct outside a libk8s App fails at once with a clear message', () => {
    const root = new Construct(undefined as any, 'root');
    expect(() => new WebService(root, 'storefront', { image: IMAGE }))
      .toThrow(Libk8sError);
    expect(() => new WebService(new Construct(undefined as any, 'root'), 'storefront', { image: IMAGE }))
      .toThrow(`WebService 'storefront' (root/storefront): 'scope' is not inside a libk8s App: the root of its construct tree is a Construct. Fix: create it in the app's tree: new WebService(app, "storefront", {...}), where app = new App({...}).`);
  });
});

describe('App validation', () => {
  test('an app name that is not a DNS-1123 label fails', () => {
    const app = newApp({ name: 'My Shop' });
    expect(problemLines(app)).toEqual([
      "App 'My Shop' (My Shop): 'name' \"My Shop\" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like \"my-shop\".",
    ]);
  });

  test('an empty team or one that is not a label value fails', () => {
    expect(problemLines(newApp({ team: '' }))).toEqual([
      "App 'shop' (shop): 'team' \"\" is empty. Fix: name the owning team, e.g. team: 'commerce'.",
    ]);
    expect(renderError(newApp({ team: 'Commerce & Payments' }))).toContain("'team' \"Commerce & Payments\" is not a valid label value");
  });

  test('an app without environments fails', () => {
    const app = newApp({ environments: {} as any });
    expect(problemLines(app)).toEqual([
      "App 'shop' (shop): 'environments' is empty. Fix: declare at least one environment, e.g. environments: { dev: { namespace: 'shop-dev' } }.",
    ]);
  });

  test('environment names, namespaces and domains are checked', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { Dev: { namespace: 'shop_dev', domain: 'dev..shop' } } });
    const message = renderError(app);
    expect(message).toContain("'environments.Dev' \"Dev\" is not a DNS-1123 label");
    expect(message).toContain("'environments.Dev.namespace' \"shop_dev\" is not a DNS-1123 label");
    expect(message).toContain("'environments.Dev.domain' \"dev..shop\" is not a valid DNS name");
  });

  test('two environments in one namespace fail', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: { namespace: 'shop' }, prod: { namespace: 'shop' } } });
    expect(problemLines(app)).toEqual([
      "App 'shop' (shop): 'environments.prod.namespace' \"shop\" is also the namespace of environment 'dev'; the two would overwrite each other's objects. "
      + 'Fix: give each environment its own namespace.',
    ]);
  });

  test('two constructs with the same id under different parents fail, because their objects would share a name', () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE });
    new WebService(new Construct(app, 'group'), 'api', { image: IMAGE });
    expect(problemLines(app)).toEqual([
      "WebService 'api' (shop/group/api): 'id' \"api\" is also the name of WebService 'api' (shop/api); object names must be unique in a namespace. "
      + 'Fix: give one of the two constructs another id.',
    ]);
  });

  test('a program with several problems in several constructs reports all of them in one error', () => {
    const app = newApp({ team: '' });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront', port: 70000 });
    new WebService(app, 'api', { image: IMAGE, env: { API_KEY: 'sk_live_123' }, autoscale: { min: 5, max: 2 } });
    new WebService(new Construct(app, 'internal'), 'catalog', { image: 'ghcr.io/acme/catalog:latest', size: 'huge' as any });
    const error = renderFailure(app);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('libk8s found 7 problems:');
    expect(lines).toHaveLength(8);
    expect(lines.slice(1).every((l) => l.startsWith('  - '))).toBe(true);
    expect(error.name).toBe('Libk8sError');
    expect(error.problems.map((p) => [p.kind, p.id, p.path, p.prop])).toEqual([
      ['App', 'shop', 'shop', 'team'],
      ['WebService', 'storefront', 'shop/storefront', 'image'],
      ['WebService', 'storefront', 'shop/storefront', 'port'],
      ['WebService', 'api', 'shop/api', 'env.API_KEY'],
      ['WebService', 'api', 'shop/api', 'autoscale'],
      ['WebService', 'catalog', 'shop/internal/catalog', 'image'],
      ['WebService', 'catalog', 'shop/internal/catalog', 'size'],
    ]);
    expect(error.problems.every((p) => p.message && p.fix)).toBe(true);
    expect(lines.slice(1)).toEqual(error.problems.map((p) => `  - ${formatProblem(p)}`));
  });

  test('validate() returns the problems without throwing', () => {
    const app = newApp();
    new WebService(app, 'api', { image: 'nginx' });
    expect(app.validate()).toEqual([expect.objectContaining({ kind: 'WebService', id: 'api', prop: 'image' })]);
    expect(newApp().validate()).toEqual([]);
  });
});

describe('formatProblem', () => {
  test("writes one line: Kind 'id' (path) [environment]: 'prop' sentence. Fix: …", () => {
    expect(formatProblem({ kind: 'WebService', id: 'web', path: 'shop/web', prop: 'port', message: '0 is out of range 1-65535', fix: 'use 1-65535.' }))
      .toBe("WebService 'web' (shop/web): 'port' 0 is out of range 1-65535. Fix: use 1-65535.");
    expect(formatProblem({ kind: 'WebService', id: 'web', path: 'shop/web', environment: 'dev', message: 'ends in a dot.' }))
      .toBe("WebService 'web' (shop/web) [environment 'dev']: ends in a dot.");
  });

  test('a Libk8sError with one problem says "1 problem"', () => {
    expect(new Libk8sError([{ kind: 'App', id: 'a', path: 'a', message: 'x' }]).message).toBe("libk8s found 1 problem:\n  - App 'a' (a): x.");
  });
});

describe('platform defaults', () => {
  test('contradictions in the platform are reported with the app', () => {
    const app = new App({
      name: 'shop', team: 'commerce', environments: { dev: {} },
      platform: { runAsUser: 0, preStopSeconds: -1, defaultSize: 'huge' as never, healthPaths: { readiness: 'ready' }, gateway: { name: 'Edge', namespace: 'edge' } },
    });
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    expect(() => app.render()).toThrow(Libk8sError);
    const lines = (() => { try { app.render(); return []; } catch (e) { return (e as Libk8sError).problems.map((p) => `${p.prop}: ${p.message}`); } })();
    expect(lines).toEqual([
      'platform.runAsUser: 0 is not a whole number in the range 1-2147483647',
      'platform.preStopSeconds: -1 is not a whole number in the range 0-3600',
      'platform.defaultSize: "huge" is not a size preset',
      'platform.healthPaths.readiness: "ready" does not start with "/"',
      'platform.gateway.name: "Edge" is not a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
  });
});
