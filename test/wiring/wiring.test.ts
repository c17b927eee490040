import { App, azureWorkloadIdentity, Bucket, crossplaneAws, external, gkeWorkloadIdentity, Libk8sError, Postgres, Queue, Redis, WebService, Worker } from 'libk8s';
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
    expect(renderError(app)).toMatch(/'connect\(orders\)' connects to Queue 'orders' \(at test\/wiring\/wiring\.test\.ts:\d+\), which says neither sending nor consuming\. Fix: use api\.sendTo\(orders\) to send, or a QueueWorker with queue: orders to consume\./);
  });

  test('a variable the wiring also sets', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE, env: { DB_HOST: 'localhost' } }).connect(db);
    expect(renderError(app)).toContain("'env.DB_HOST' is also set by connect(db), which would overwrite it.");
  });

  test('two resources whose ids give one prefix are an error naming both, not a silent overwrite', () => {
    const app = cloudApp();
    const a = new Postgres(app, 'orders-db');
    const b = new Postgres(app, 'orders--db');
    new WebService(app, 'api', { image: IMAGE }).connect(a).connect(b);
    const message = renderError(app);
    expect(message).toContain("WebService 'api' (shop/api): 'connect(orders--db)' gives ORDERS_DB_DATABASE, ORDERS_DB_HOST, ORDERS_DB_PASSWORD, ORDERS_DB_PORT, ORDERS_DB_USERNAME, which connect(orders-db) gives too, so one would overwrite the other. Fix: rename 'orders-db' or 'orders--db': both ids make the prefix ORDERS_DB_.");
    expect(message.match(/gives too/g)).toHaveLength(1);
  });

  test("a per-environment override's variable the wiring also sets names the environment", () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db');
    new WebService(app, 'api', { image: IMAGE, overrides: { prod: { env: { DB_HOST: 'localhost' } } } }).connect(db);
    expect(renderError(app)).toContain("WebService 'api' (shop/api) [environment 'prod']: 'overrides.prod.env.DB_HOST' is also set by connect(db), which would overwrite it.");
  });

  test('a variable the workload identity also sets is an error in each environment where it does, with every other one', () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    new WebService(app, 'api', { image: IMAGE, env: { AWS_REGION: 'eu-west-1' } }).sendTo(orders);
    new WebService(app, 'web', { image: IMAGE, overrides: { dev: { env: { AWS_REGION: 'eu-west-1' } } } }).sendTo(orders);
    let error: unknown;
    try { app.render(); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(Libk8sError);
    expect((error as Libk8sError).problems.map((p) => `${p.id} ${p.environment} ${p.prop}: ${p.message}`)).toEqual([
      "api dev env.AWS_REGION: is also set by the workload identity of recipe 'in-cluster', which would overwrite it",
      "web dev overrides.dev.env.AWS_REGION: is also set by the workload identity of recipe 'in-cluster', which would overwrite it",
    ]);
  });

  test("a resource's variable the workload identity also sets is an error, not a silent overwrite", () => {
    const app = newApp();
    const aws = new Queue(app, 'aws');
    new WebService(app, 'api', { image: IMAGE }).sendTo(aws);
    expect(renderError(app)).toContain("WebService 'api' (shop/api) [environment 'dev']: 'sendTo(aws)' gives AWS_REGION, which the workload identity of recipe 'in-cluster' sets too, so one would overwrite the other. Fix: rename 'aws' so its variables do not start with AWS_.");
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

  test("a custom resource keeps the user's own sync options and gains SkipDryRunOnMissingResource", () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, route: {}, annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false, Replace=true' } });
    expect(only(manifests(app), 'HTTPRoute').metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Replace=true,SkipDryRunOnMissingResource=true');
    const twice = newApp();
    new WebService(twice, 'storefront', { image: IMAGE, route: {}, annotations: { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' } });
    expect(only(manifests(twice), 'HTTPRoute').metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
  });

  test('platform.argoCdAnnotations false leaves them out', () => {
    const app = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' }, argoCdAnnotations: false } });
    new Queue(app, 'orders');
    expect(only(manifests(app), 'TestResource').metadata.annotations).toBeUndefined();
  });
});

describe('workload identities from two recipes in one environment', () => {
  const roleArn = (arn: string) => external({ identity: () => ({ serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': arn } }) });

  test('a ServiceAccount annotation they set differently is an error naming both recipes, not last-wins', () => {
    const app = newApp({ platform: { recipes: [roleArn('arn:aws:iam::111122223333:role/files')] }, environments: {
      dev: { recipes: { default: 'crossplane-aws', bucket: 'external' } }, prod: { recipes: { default: 'crossplane-aws', bucket: 'external' } },
    } });
    new WebService(app, 'api', { image: IMAGE }).sendTo(new Queue(app, 'orders')).connect(new Bucket(app, 'files'));
    const message = renderError(app);
    for (const env of ['dev', 'prod']) {
      expect(message).toContain(`WebService 'api' (shop/api) [environment '${env}']: 'connect(files)' gets ServiceAccount annotation "eks.amazonaws.com/role-arn" "arn:aws:iam::111122223333:role/files" from the workload identity of recipe 'external', but recipe 'crossplane-aws' (for sendTo(orders)) sets it to "arn:aws:iam::123456789012:role/shop-${env}-api"; a ServiceAccount has one value per annotation. Fix: provision every resource 'api' is granted in environment '${env}' with one recipe (e.g. recipes: { default: 'crossplane-aws' }), or make the recipes' identities agree.`);
    }
  });

  test('the same annotation with the same value is no conflict', () => {
    const app = newApp({ platform: { recipes: [roleArn('arn:aws:iam::123456789012:role/shop-prod-api')] }, environments: {
      prod: { recipes: { default: 'crossplane-aws', bucket: 'external' } },
    } } as never);
    new WebService(app, 'api', { image: IMAGE }).sendTo(new Queue(app, 'orders')).connect(new Bucket(app, 'files'));
    expect(only(manifests(app), 'ServiceAccount', 'api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop-prod-api' });
  });

  test("a serviceAccountAnnotations value the identity sets differently is an error, not silently replaced", () => {
    const app = newApp();
    new WebService(app, 'api', { image: IMAGE, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/legacy' } }).sendTo(new Queue(app, 'orders'));
    expect(renderError(app)).toContain("WebService 'api' (shop/api) [environment 'prod']: 'serviceAccountAnnotations.eks.amazonaws.com/role-arn' \"arn:aws:iam::123456789012:role/legacy\" is also set by the workload identity of recipe 'crossplane-aws', to \"arn:aws:iam::123456789012:role/shop-prod-api\", which would overwrite it.");
  });

  test('static dev credentials from one recipe beside a role from another are an error: the keys would shadow the role', () => {
    // (not a production environment, which in-cluster would refuse)
    const app = newApp({ environments: { prod: { production: false, recipes: { default: 'crossplane-aws', queue: 'in-cluster' } } } } as never);
    new WebService(app, 'api', { image: IMAGE }).sendTo(new Queue(app, 'orders')).connect(new Bucket(app, 'files'));
    expect(renderError(app)).toContain("WebService 'api' (shop/api) [environment 'prod']: gets a cloud identity from recipe 'in-cluster' (for sendTo(orders)) and from recipe 'crossplane-aws' (for connect(files)) in environment 'prod'; a workload has one identity, and credentials from one would shadow the other's grants.");
  });

  test('two recipes that both make identity objects get a problem, not a crash of the construct tree', () => {
    const app = newApp({ platform: { recipes: [{ ...crossplaneAws({ region: 'eu-west-1' }), name: 'aws-eu' }] }, environments: {
      prod: { recipes: { default: 'crossplane-aws', bucket: 'aws-eu' } },
    } } as never);
    new WebService(app, 'api', { image: IMAGE }).sendTo(new Queue(app, 'orders')).connect(new Bucket(app, 'files'));
    const message = renderError(app);
    expect(message).not.toContain('There is already a Construct');
    expect(message).toContain("WebService 'api' (shop/api) [environment 'prod']: emits Role 'api' twice.");
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
