import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Postgres, Redis, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { testRecipe } from '../support/recipes';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

const objectsOf = (list: Record<string, any>[], name: string) => list.filter((m) => m.metadata.name === name || m.metadata.name.startsWith(`${name}-`)).map((m) => `${m.kind}/${m.metadata.name}`).sort();

describe("'environments' places a construct in some environments only", () => {
  test('a load generator in dev only: all its objects in dev, none in prod, the rest of the app in both', () => {
    const app = newApp();
    const frontend = new WebService(app, 'frontend', { image: IMAGE, route: { path: '/' } });
    new Worker(app, 'loadgenerator', { image: IMAGE, environments: ['dev'] }).connect(frontend, { format: 'hostport', env: 'FRONTEND' });
    const dev = manifests(app, 'dev');
    const prod = manifests(app, 'prod');
    expect(objectsOf(dev, 'loadgenerator')).toEqual(['Deployment/loadgenerator', 'NetworkPolicy/loadgenerator', 'PodDisruptionBudget/loadgenerator', 'ServiceAccount/loadgenerator']);
    expect(only(dev, 'Deployment', 'loadgenerator').spec.template.spec.containers[0].env).toEqual([{ name: 'FRONTEND_ADDR', value: 'frontend.shop-dev.svc:80' }]);
    expect(objectsOf(prod, 'loadgenerator')).toEqual([]);
    expect(objectsOf(prod, 'frontend')).toEqual(objectsOf(dev, 'frontend'));
    // the frontend admits the load generator where it exists, and only there
    const callers = (list: Record<string, any>[]) => only(list, 'NetworkPolicy', 'frontend').spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/instance'])).filter(Boolean);
    expect(callers(dev)).toEqual(['loadgenerator']);
    expect(callers(prod)).toEqual([]);
  });

  test('a resource in prod only, used by a workload in prod only; the recipe sees no user where the workload is absent', () => {
    const app = newApp();
    const db = new Postgres(app, 'reporting-db', { environments: ['prod'] });
    new Worker(app, 'reports', { image: IMAGE, environments: ['prod'] }).connect(db);
    expect(manifests(app, 'dev').filter((m) => m.metadata.name.startsWith('report'))).toEqual([]);
    expect(manifests(app, 'prod').map((m) => m.kind)).toEqual(expect.arrayContaining(['Deployment', 'Instance']));
    const shared = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' } } });
    const cache = new Redis(shared, 'cache');
    new Worker(shared, 'api', { image: IMAGE }).connect(cache);
    new Worker(shared, 'warmer', { image: IMAGE, environments: ['prod'] }).connect(cache);
    expect(only(manifests(shared, 'dev'), 'TestResource', 'cache').spec.users).toEqual(['api:connect']);
    expect(only(manifests(shared, 'prod'), 'TestResource', 'cache').spec.users).toEqual(['api:connect', 'warmer:connect']);
  });

  test('synth writes only the present files, and the kustomization lists exactly them', () => {
    const app = newApp();
    new WebService(app, 'frontend', { image: IMAGE, route: { path: '/' } });
    new Worker(app, 'loadgenerator', { image: IMAGE, environments: ['dev'] });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-environments-'));
    app.synth({ outdir: out });
    for (const env of ['dev', 'prod']) {
      const dir = path.join(out, env, 'shop');
      const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
      const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
      expect([...kustomization.resources].sort()).toEqual(files);
      expect(files.some((f) => f.startsWith('loadgenerator'))).toBe(env === 'dev');
      expect(files.some((f) => f.startsWith('frontend'))).toBe(true);
    }
  });

  test("typed by the app's environment names, like overrides", () => {
    const app = newApp();
    // @ts-expect-error 'staging' is not an environment of the app
    new Worker(app, 'typo', { image: IMAGE, environments: ['staging'] });
    new Redis(app, 'cache', { environments: ['dev'] });
    // @ts-expect-error typed for resources too
    new Redis(app, 'cache2', { environments: ['qa'] });
    expect(renderError(app)).toContain(`Worker 'typo' (shop/typo): 'environments' names environment "staging", which the app does not have. Fix: use one of the app's environments: dev, prod.`);
  });
});

describe("errors of 'environments'", () => {
  test('a workload wired to a peer absent in one of its environments names both constructs and the environment', () => {
    const app = newApp();
    const cart = new Redis(app, 'cart', { environments: ['prod'] });
    const catalog = new WebService(app, 'catalog', { image: IMAGE, environments: ['dev'] });
    new Worker(app, 'checkout', { image: IMAGE }).connect(cart).connect(catalog);
    const message = renderError(app);
    expect(message).toContain(`Worker 'checkout' (shop/checkout) [environment 'dev']: 'connect(cart)' wires Redis 'cart', which does not exist in environment 'dev' (environments: ['prod']), while Worker 'checkout' does (every environment) (at test/core/environments.test.ts:`);
    expect(message).toMatch(/\[environment 'dev'\]: 'connect\(cart\)' .*\(at test\/core\/environments\.test\.ts:\d+\)\. Fix: add 'dev' to the environments of 'cart', or limit 'checkout' to where both exist: environments: \['prod'\]\./);
    expect(message).toContain(`Worker 'checkout' (shop/checkout) [environment 'prod']: 'connect(catalog)' wires WebService 'catalog', which does not exist in environment 'prod' (environments: ['dev']), while Worker 'checkout' does (every environment)`);
    expect(message).toContain(`Fix: add 'prod' to the environments of 'catalog', or limit 'checkout' to where both exist: environments: ['dev'].`);
    expect(message).toMatch(/^libk8s found 2 problems:/);
  });

  test('a peer absent where the caller is absent too is no problem', () => {
    const app = newApp();
    const cart = new Redis(app, 'cart', { environments: ['dev'] });
    new Worker(app, 'cartservice', { image: IMAGE, environments: ['dev'] }).connect(cart, { format: 'hostport' });
    expect(() => app.render()).not.toThrow();
  });

  test('an unknown or repeated name, an empty list, a non-list, and overrides for a left-out environment: all in one run', () => {
    const app = newApp();
    new Worker(app, 'a', { image: IMAGE, environments: ['dev', 'qa' as any, 'dev'] });
    new Worker(app, 'b', { image: IMAGE, environments: [] });
    new Redis(app, 'c', { environments: 'dev' as any });
    new Worker(app, 'd', { image: IMAGE, environments: ['prod'], overrides: { dev: { replicas: 3 } } });
    const lines = renderError(app).split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      `  - Worker 'a' (shop/a): 'environments' names environment "qa", which the app does not have. Fix: use one of the app's environments: dev, prod.`,
      `  - Worker 'a' (shop/a): 'environments[2]' "dev" is listed twice. Fix: name each environment once.`,
      `  - Worker 'b' (shop/b): 'environments' is empty, so the construct exists in no environment and nothing of it is written. Fix: name the environments it exists in (the app has: dev, prod), or remove the construct.`,
      `  - Redis 'c' (shop/c): 'environments' "dev" is not a list. Fix: pass an array, e.g. ['dev'].`,
      `  - Worker 'd' (shop/d) [environment 'dev']: 'overrides.dev' sets values for environment 'dev', which 'environments' leaves out (prod), so they would never apply. Fix: remove overrides.dev, or add 'dev' to 'environments'.`,
    ]);
  });
});
