import { App, azureWorkloadIdentity, Bucket, external, gkeWorkloadIdentity, Postgres, Queue, Redis, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { testRecipe } from '../support/recipes';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

function cloudApp(): App<'dev' | 'prod'> {
  return newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' } } });
}

describe('connect() to a resource', () => {
  test('gives the workload every key of the connection Secret as <ID>_<KEY>, from the Secret, never a literal secret', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'orders-db');
    new WebService(app, 'api', { image: IMAGE }).connect(db);
    const env = only(manifests(app), 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'ORDERS_DB_DATABASE', value: 'orders-db' },
      ...['HOST', 'PASSWORD', 'PORT', 'USERNAME'].map((k) => ({ name: `ORDERS_DB_${k}`, valueFrom: { secretKeyRef: { name: 'orders-db-connection', key: k.toLowerCase() } } })),
    ]);
  });

  test('opens egress to where the recipe says the resource is, on its port, and grants per access', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db');
    const cache = new Redis(app, 'cache');
    const files = new Bucket(app, 'files');
    const reports = new Bucket(app, 'reports');
    new WebService(app, 'api', { image: IMAGE }).connect(db).connect(cache).connect(files).connect(reports, { access: 'read' });
    const list = manifests(app);
    const egress = only(list, 'NetworkPolicy', 'api').spec.egress;
    expect(egress.slice(1)).toEqual([5432, 6379, 443].map((port) => ({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port }] })));
    expect(only(list, 'TestRole', 'api').spec.grants).toEqual([
      'connect:arn:test:postgres:db', 'connect:arn:test:redis:cache', 'read:arn:test:bucket:reports', 'readwrite:arn:test:bucket:files',
    ]);
    expect(only(list, 'TestResource', 'reports').spec.users).toEqual(['api:read']);
  });

  test('sendTo(queue) grants send and puts the queue connection in the environment', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'storefront', { image: IMAGE }).sendTo(orders);
    const list = manifests(app);
    expect(only(list, 'TestRole').spec.grants).toEqual(['send:arn:test:queue:orders']);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['ORDERS_ARN', 'ORDERS_ENDPOINT', 'ORDERS_NAME', 'ORDERS_REGION', 'ORDERS_URL']);
  });

  test('a workload with no wiring has no identity objects and an unannotated ServiceAccount', () => {
    const app = cloudApp();
    new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE });
    const list = manifests(app);
    expect(list.filter((m) => m.kind === 'TestRole')).toEqual([]);
    expect(only(list, 'ServiceAccount', 'api').metadata.annotations).toBeUndefined();
  });
});

describe('connect() between workloads', () => {
  test('gives the caller <ID>_URL and egress to the callee, and the callee ingress from the caller only', () => {
    const app = newApp();
    const catalog = new WebService(app, 'catalog', { image: IMAGE, port: 9000 });
    new Worker(app, 'indexer', { image: IMAGE }).connect(catalog);
    const list = manifests(app);
    expect(only(list, 'Deployment', 'indexer').spec.template.spec.containers[0].env).toEqual([{ name: 'CATALOG_URL', value: 'http://catalog.shop.svc:80' }]);
    expect(only(list, 'NetworkPolicy', 'indexer').spec.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'catalog' } } }], ports: [{ protocol: 'TCP', port: 9000 }] });
    expect(only(list, 'NetworkPolicy', 'catalog').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'indexer' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });
});

describe('wiring errors', () => {
  test('a workload connected to itself', () => {
    const app = newApp();
    const api = new WebService(app, 'api', { image: IMAGE });
    api.connect(api);
    expect(renderError(app)).toMatch(/WebService 'api' \(shop\/api\): 'connect\(api\)' wires WebService 'api' to itself \(at test\/wiring\/wiring\.test\.ts:\d+\)\. Fix: remove the call/);
  });

  test('the same wire twice', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE }).connect(db).connect(db);
    expect(renderError(app)).toMatch(/'connect\(db\)' wires Postgres 'db' a second time \(first by connect\(\)\) \(at test\/wiring\/wiring\.test\.ts:\d+\)\. Fix: remove the second call\./);
  });

  test('two workloads that connect to each other make a cycle, reported once', () => {
    const app = newApp();
    const a = new WebService(app, 'a', { image: IMAGE });
    const b = new WebService(app, 'b', { image: IMAGE });
    a.connect(b);
    b.connect(a);
    const message = renderError(app);
    expect(message).toMatch(/WebService 'a' \(shop\/a\): 'connect\(b\)' makes a cycle: WebService 'a' connects to 'b' \(at [^)]+\) and 'b' connects back \(at [^)]+\)\. Fix: let one side call the other/);
    expect(message.match(/makes a cycle/g)).toHaveLength(1);
  });

  test('connect(queue) says neither send nor consume', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'api', { image: IMAGE }).connect(orders);
    expect(renderError(app)).toContain("'connect(orders)' connects to Queue 'orders', which says neither sending nor consuming. Fix: use api.sendTo(orders) to send, or a QueueWorker with queue: orders to consume.");
  });

  test('a variable the wiring also sets', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE, env: { DB_HOST: 'localhost' } }).connect(db);
    expect(renderError(app)).toContain("'env.DB_HOST' is also set by connect(db), which would overwrite it.");
  });

  test('a target from another app', () => {
    const app = cloudApp();
    const other = newApp({ name: 'billing' });
    const db = new Postgres(other, 'db');
    new WebService(app, 'api', { image: IMAGE }).connect(db);
    expect(renderError(app)).toContain("targets Postgres 'db' of another app ('billing')");
  });
});

describe('recipes', () => {
  test('a resource without a recipe for an environment names the environment and the recipes that provide its type', () => {
    const noQueues = { ...testRecipe('db-only'), provides: ['postgres'] };
    const app = newApp({ platform: { recipes: [testRecipe(), noQueues] }, environments: { dev: { recipes: 'test-cloud' }, prod: { recipes: 'db-only' } } });
    new Queue(app, 'orders');
    expect(renderError(app)).toContain("Queue 'orders' (shop/orders) [environment 'prod']: has no recipe in environment 'prod': its recipe \"db-only\" does not provide queue. Fix: select one that does for this type in environment 'prod', e.g. recipes: { default: \"db-only\", queue: \"crossplane-aws\" } (available: crossplane-aws, external, in-cluster, test-cloud).");
  });

  test('an environment that names an unregistered recipe lists the registered ones', () => {
    const app = newApp({ environments: { dev: {}, prod: { recipes: { default: 'gcp' } } } });
    new Queue(app, 'orders');
    expect(renderError(app)).toContain("App 'shop' (shop): 'environments.prod.recipes.default' \"gcp\" is not a registered recipe. Fix: use one of:");
  });

  test('a per-type selection picks the recipe per resource type', () => {
    const app = newApp({ platform: { recipes: [testRecipe()] }, environments: { dev: { recipes: 'test-cloud' }, prod: { recipes: { default: 'test-cloud', postgres: 'external' } } } });
    new Postgres(app, 'db');
    new Queue(app, 'orders');
    const list = manifests(app, 'prod');
    expect(list.filter((m) => m.kind === 'TestResource').map((m) => m.metadata.name)).toEqual(['orders']);
  });

  test('a send grant through a recipe without identity() is an error naming the environment', () => {
    const app = newApp({ platform: { recipes: [testRecipe('no-identity', { identity: false })], environmentRecipes: { '*': 'no-identity' } } });
    const orders = new Queue(app, 'orders');
    new WebService(app, 'api', { image: IMAGE }).sendTo(orders);
    expect(renderError(app)).toContain("'sendTo(orders)' needs 'send' access to Queue 'orders', but its recipe 'no-identity' in environment 'dev' makes no workload identity to grant it.");
  });

  test('the external recipe wires to the Secret the platform names and creates nothing', () => {
    const app = newApp({ environments: { dev: { recipes: 'external' }, prod: { recipes: 'external' } } });
    const db = new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE }).connect(db);
    const list = manifests(app);
    expect(list.filter((m) => m.metadata.name === 'db')).toEqual([]);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'host' } } });
  });
});

describe('Argo CD ordering', () => {
  test('resources and identities sync in wave -1, before workloads; custom resources skip the dry run', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'storefront', { image: IMAGE, route: {} }).sendTo(orders);
    const list = manifests(app);
    expect(only(list, 'TestResource').metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
    });
    expect(only(list, 'TestRole').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(only(list, 'HTTPRoute').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
    expect(only(list, 'Deployment').metadata.annotations).toBeUndefined();
  });

  test('platform.argoCdAnnotations false leaves them out', () => {
    const app = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' }, argoCdAnnotations: false } });
    new Queue(app, 'orders');
    expect(only(manifests(app), 'TestResource').metadata.annotations).toBeUndefined();
  });
});

describe('workload identity on other clouds', () => {
  test('GKE: the ServiceAccount names the Google service account; Azure: client id annotation and the pod label', () => {
    const gke = newApp({ platform: { recipes: [external({ identity: gkeWorkloadIdentity({ project: 'acme-prod' }) })], environmentRecipes: { '*': 'external' } } });
    new WebService(gke, 'api', { image: IMAGE }).connect(new Bucket(gke, 'files'));
    expect(only(manifests(gke), 'ServiceAccount').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'shop-prod-api@acme-prod.iam.gserviceaccount.com' });

    const azure = newApp({ platform: { recipes: [external({ secrets: { files: 'files-sas' }, identity: azureWorkloadIdentity({ clientId: (w, env) => `${env.name}-${w.name}-client` }) })], environmentRecipes: { '*': 'external' } } });
    new WebService(azure, 'api', { image: IMAGE }).connect(new Bucket(azure, 'files'));
    const list = manifests(azure);
    expect(only(list, 'ServiceAccount').metadata.annotations).toEqual({ 'azure.workload.identity/client-id': 'prod-api-client' });
    expect(only(list, 'Deployment').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(only(list, 'Deployment').spec.template.spec.containers[0].env[0]).toEqual({ name: 'FILES_ARN', valueFrom: { secretKeyRef: { name: 'files-sas', key: 'arn' } } });
  });
});
