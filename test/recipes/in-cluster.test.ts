import { createHash } from 'crypto';
import { App, PlatformProps, QueueWorker, WebService } from 'libk8s';
import type { Recipe, ResourceRef } from '../../lib/core/recipe';
import { inCluster, InClusterOptions } from '../../lib/recipes/in-cluster';
import { Bucket } from '../../lib/resources/bucket';
import { Postgres } from '../../lib/resources/postgres';
import { Queue, QueueProps } from '../../lib/resources/queue';
import { Redis } from '../../lib/resources/redis';
import { only, renderError } from '../support/apps';
import { describeFindings, runPolaris } from '../support/polaris';
import { checkPod, podsOf } from '../support/pss';
import { describeWithReference } from '../support/reference';
import { conformanceProblems, formatSchemaProblem, validateCustomResource } from '../support/schemas';

type Manifest = Record<string, any>;

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** An app whose only environment, dev, gets in-cluster stand-ins (its default for an environment named dev). */
function newApp(options: InClusterOptions = {}, platform: PlatformProps = {}): App {
  return new App({ name: 'shop', team: 'commerce', environments: { dev: { namespace: 'shop-dev' } }, platform: { ...platform, recipes: [inCluster(options)] } });
}

/**
 * The four resources, a storefront that sends to the queue and connects to
 * the rest, and a worker that consumes the queue.
 */
function shop(options: InClusterOptions = {}, platform: PlatformProps = {}, queue: QueueProps = { deadLetter: { maxReceiveCount: 5 } }) {
  const app = newApp(options, platform);
  const orders = new Queue(app, 'orders', queue);
  const db = new Postgres(app, 'db');
  const cache = new Redis(app, 'cache');
  const uploads = new Bucket(app, 'uploads');
  const storefront = new WebService(app, 'storefront', { image: IMAGE }).sendTo(orders).connect(db).connect(cache).connect(uploads);
  const fulfilment = new QueueWorker(app, 'fulfilment', { image: 'ghcr.io/acme/fulfilment:1.4.2', queue: orders }).connect(db);
  return { app, orders, db, cache, uploads, storefront, fulfilment };
}

function render(app: App): Manifest[] {
  return app.render()[0].objects.map((o) => o.manifest);
}

function recipeOf(app: App): Recipe {
  return app.recipes.get('in-cluster')!;
}

const STAND_INS = ['orders', 'db', 'cache', 'uploads'];

describe('inCluster()', () => {
  test('is named in-cluster and provides queue, postgres, redis and bucket', () => {
    const recipe = inCluster();
    expect(recipe.name).toBe('in-cluster');
    expect([...recipe.provides]).toEqual(['queue', 'postgres', 'redis', 'bucket']);
  });

  test('renders, per resource, the connection Secret, a ServiceAccount, a StatefulSet, a Service and a NetworkPolicy', () => {
    const objects = render(shop().app);
    const of = (id: string) => objects.filter((o) => o.metadata.labels['app.kubernetes.io/instance'] === id).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(of('orders')).toEqual([
      'ConfigMap/orders-config', 'Secret/orders-connection', 'Secret/orders-aws-credentials',
      'ServiceAccount/orders', 'StatefulSet/orders', 'Service/orders', 'NetworkPolicy/orders',
    ]);
    expect(of('db')).toEqual(['Secret/db-connection', 'ServiceAccount/db', 'StatefulSet/db', 'Service/db', 'NetworkPolicy/db']);
    expect(of('cache')).toEqual(['Secret/cache-connection', 'ServiceAccount/cache', 'StatefulSet/cache', 'Service/cache', 'NetworkPolicy/cache']);
    expect(of('uploads')).toEqual([
      'Secret/uploads-connection', 'Secret/uploads-aws-credentials', 'ServiceAccount/uploads', 'StatefulSet/uploads', 'Service/uploads', 'NetworkPolicy/uploads',
    ]);
  });

  test('renders the same manifests as its snapshot', () => {
    expect(render(shop().app).filter((o) => STAND_INS.includes(o.metadata.labels['app.kubernetes.io/instance']))).toMatchSnapshot();
  });

  test('is deterministic: two programs, and two renders of one, give identical output', () => {
    const { app } = shop();
    const first = JSON.stringify(render(app));
    expect(JSON.stringify(render(app))).toBe(first);
    expect(JSON.stringify(render(shop().app))).toBe(first);
  });
});

describe('connection Secrets', () => {
  test('hold exactly the keys each resource type documents', () => {
    const { app, orders, db, cache, uploads } = shop();
    const objects = render(app);
    for (const r of [orders, db, cache, uploads]) {
      expect(Object.keys(only(objects, 'Secret', `${r.name}-connection`).stringData).sort()).toEqual([...r.connectionKeys].sort());
    }
  });

  test('point at the stand-ins, with deterministic passwords (sha256 of app/environment/resource)', () => {
    const objects = render(shop().app);
    const data = (name: string) => only(objects, 'Secret', `${name}-connection`).stringData;
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(data('orders')).toEqual({
      url: 'http://orders.shop-dev.svc:9324/000000000000/orders', name: 'orders', arn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      region: 'us-east-1', endpoint: 'http://orders.shop-dev.svc:9324',
    });
    expect(data('db')).toEqual({ host: 'db.shop-dev.svc', port: '5432', database: 'db', username: 'app', password: sha('shop/dev/db') });
    expect(data('cache')).toEqual({ host: 'cache.shop-dev.svc', port: '6379', password: sha('shop/dev/cache'), tls: 'false' });
    expect(data('uploads')).toEqual({ name: 'uploads', region: 'us-east-1', endpoint: 'http://uploads.shop-dev.svc:7070', arn: 'arn:aws:s3:::uploads' });
  });

  test('the servers read their password from the connection Secret, never from a literal', () => {
    const objects = render(shop().app);
    const env = (name: string) => only(objects, 'StatefulSet', name).spec.template.spec.containers[0].env;
    expect(env('db')).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(env('cache')).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-connection', key: 'password' } } });
    expect(env('uploads')).toContainEqual({ name: 'ROOT_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'uploads-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' } } });
    for (const name of STAND_INS) {
      for (const e of env(name) ?? []) expect(e.value === undefined || !/PASSWORD|SECRET|AUTH/.test(e.name)).toBe(true);
    }
  });
});

describe('the queue stand-in (ElasticMQ)', () => {
  const config = (objects: Manifest[]) => only(objects, 'ConfigMap', 'orders-config').data['elasticmq.conf'] as string;

  test('declares the queue with its visibility timeout, long-polling wait and dead-letter queue with maxReceiveCount', () => {
    const text = config(render(shop(undefined, undefined, { visibilityTimeoutSeconds: 90, deadLetter: { maxReceiveCount: 7 } }).app));
    expect(text).toContain('host = "orders.shop-dev.svc"');
    expect(text).toContain('accountId = "000000000000"');
    expect(text).toContain([
      '  "orders" {', '    defaultVisibilityTimeout = 90 seconds', '    receiveMessageWait = 20 seconds', '    fifo = false',
      '    deadLettersQueue {', '      name = "orders-dlq"', '      maxReceiveCount = 7', '    }', '  }', '  "orders-dlq" {',
    ].join('\n'));
  });

  test('a FIFO queue and its dead-letter queue are FIFO and named *.fifo', () => {
    const { app } = shop(undefined, undefined, { fifo: true, deadLetter: { maxReceiveCount: 3 } });
    const objects = render(app);
    expect(config(objects)).toContain('    fifo = true\n    deadLettersQueue {\n      name = "orders-dlq.fifo"\n      maxReceiveCount = 3');
    expect(only(objects, 'Secret', 'orders-connection').stringData.name).toBe('orders.fifo');
    expect(only(objects, 'StatefulSet', 'orders').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/?Action=GetQueueUrl&QueueName=orders.fifo');
  });

  test('a queue without a dead-letter queue declares none', () => {
    expect(config(render(shop(undefined, undefined, { deadLetter: false }).app))).not.toContain('dlq');
  });

  test('mounts the config where the image reads it and rolls the pod when it changes', () => {
    const pod = (q: QueueProps) => only(render(shop(undefined, undefined, q).app), 'StatefulSet', 'orders').spec.template;
    expect(pod({}).spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/opt/elasticmq.conf', subPath: 'elasticmq.conf', readOnly: true });
    expect(pod({}).metadata.annotations['libk8s.io/config-hash']).not.toBe(pod({ visibilityTimeoutSeconds: 60 }).metadata.annotations['libk8s.io/config-hash']);
  });
});

describe('NetworkPolicies', () => {
  test('select the stand-in by exactly one label and let in only the wired workloads, on the service port', () => {
    const objects = render(shop().app);
    const policy = (name: string) => only(objects, 'NetworkPolicy', name).spec;
    const from = (...names: string[]) => names.map((n) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': n } } }));
    for (const name of STAND_INS) expect(policy(name).podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': name } });
    expect(policy('db').ingress).toEqual([{ from: from('fulfilment', 'storefront'), ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(policy('cache').ingress).toEqual([{ from: from('storefront'), ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(policy('uploads').ingress).toEqual([{ from: from('storefront'), ports: [{ protocol: 'TCP', port: 7070 }] }]);
  });

  test('let the KEDA operator read a consumed queue', () => {
    const ingress = only(render(shop().app), 'NetworkPolicy', 'orders').spec.ingress;
    expect(ingress).toEqual([{
      from: [
        ...['fulfilment', 'storefront'].map((n) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': n } } })),
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keda-operator' } } },
      ],
      ports: [{ protocol: 'TCP', port: 9324 }],
    }]);
    const noKeda = only(render(shop({ keda: false }).app), 'NetworkPolicy', 'orders').spec.ingress[0].from;
    expect(noKeda).toHaveLength(2);
  });

  test('allow egress to DNS only, and ingress only from its own pods when nobody is wired to it', () => {
    const app = newApp();
    new Redis(app, 'lonely');
    const spec = only(render(app), 'NetworkPolicy', 'lonely').spec;
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'lonely' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });
});

describe('connection(), identity() and queueScaler()', () => {
  test('connection() is pure: Secret references for every documented key, the pods to reach, the ids', () => {
    const { app, orders, db } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const conn = recipe.connection(orders, env);
    expect(conn).toEqual(recipe.connection(orders, env));
    expect(conn.secretName).toBe('orders-connection');
    expect(conn.values).toEqual(Object.fromEntries(orders.connectionKeys.map((key) => [key, { secret: 'orders-connection', key }])));
    expect(conn.network).toEqual([{ kind: 'pods', selector: { 'app.kubernetes.io/instance': 'orders' }, ports: [9324] }]);
    expect(conn.ids).toEqual({ arn: 'arn:aws:sqs:us-east-1:000000000000:orders', deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq' });
    expect(recipe.connection(db, env).network).toEqual([{ kind: 'pods', selector: { 'app.kubernetes.io/instance': 'db' }, ports: [5432] }]);
  });

  test('connection() names every documented key of every type, from the connection Secret', () => {
    const { app, orders, db, cache, uploads } = shop();
    const env = app.environment('dev')!;
    for (const r of [orders, db, cache, uploads]) {
      const conn = recipeOf(app).connection(r, env);
      expect(conn.secretName).toBe(`${r.name}-connection`);
      expect(conn.values).toEqual(Object.fromEntries(r.connectionKeys.map((key) => [key, { secret: `${r.name}-connection`, key }])));
    }
  });

  test('identity() gives a workload with queue or bucket grants the dev AWS credentials as Secret references, and others nothing', () => {
    const { app, orders, db, uploads, storefront } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const grant = (r: ResourceRef, access: 'send' | 'connect' | 'readwrite') => ({ resource: r, access, connection: recipe.connection(r, env) });
    const ctx = { app, environment: env, platform: app.platform, scope: undefined as any };
    const ws = storefront as unknown as Parameters<NonNullable<Recipe['identity']>>[0];
    expect(recipe.identity!(ws, [grant(db, 'connect')], ctx)).toEqual({});
    expect(recipe.identity!(ws, [grant(uploads, 'readwrite'), grant(orders, 'send')], ctx)).toEqual({
      env: {
        AWS_ACCESS_KEY_ID: { secret: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' },
        AWS_SECRET_ACCESS_KEY: { secret: 'orders-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        AWS_REGION: { secret: 'orders-aws-credentials', key: 'AWS_REGION' },
      },
    });
    // every stand-in of the environment accepts the same credentials
    const objects = render(app);
    expect(only(objects, 'Secret', 'orders-aws-credentials').stringData).toEqual(only(objects, 'Secret', 'uploads-aws-credentials').stringData);
  });

  test('wired workloads get the connection Secrets as environment, the dev AWS credentials, egress to the stand-ins, and KEDA scaling on the queue', () => {
    const objects = render(shop().app);
    const env = only(objects, 'Deployment', 'storefront').spec.template.spec.containers[0].env as Manifest[];
    expect(env.find((e) => e.name === 'ORDERS_URL')).toEqual({ name: 'ORDERS_URL', valueFrom: { secretKeyRef: { name: 'orders-connection', key: 'url' } } });
    expect(env.find((e) => e.name === 'DB_PASSWORD')).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(env.find((e) => e.name === 'AWS_ACCESS_KEY_ID')).toEqual({ name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' } } });
    expect(env.every((e) => e.valueFrom?.secretKeyRef)).toBe(true);
    const egress = only(objects, 'NetworkPolicy', 'storefront').spec.egress.slice(1);
    expect(egress).toEqual([['orders', 9324], ['db', 5432], ['cache', 6379], ['uploads', 7070]]
      .map(([name, port]) => ({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } }], ports: [{ protocol: 'TCP', port }] })));
    expect(only(objects, 'ScaledObject', 'fulfilment').spec.triggers[0]).toEqual({
      type: 'aws-sqs-queue',
      metadata: {
        queueURL: 'http://orders.shop-dev.svc:9324/000000000000/orders', awsRegion: 'us-east-1', awsEndpoint: 'http://orders.shop-dev.svc:9324',
        queueLength: '10', activationQueueLength: '0',
      },
      authenticationRef: { name: 'fulfilment', kind: 'TriggerAuthentication' },
    });
    expect(only(objects, 'TriggerAuthentication', 'fulfilment').spec.secretTargetRef.map((r: Manifest) => r.name)).toEqual(['orders-aws-credentials', 'orders-aws-credentials']);
  });

  test('queueScaler() is an aws-sqs-queue trigger on the stand-in, authenticated by secretTargetRef', () => {
    const { app, orders, fulfilment } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const scaler = recipe.queueScaler!(orders, recipe.connection(orders, env), fulfilment as any, env);
    expect(scaler).toEqual({
      type: 'aws-sqs-queue',
      metadata: { queueURL: 'http://orders.shop-dev.svc:9324/000000000000/orders', awsRegion: 'us-east-1', awsEndpoint: 'http://orders.shop-dev.svc:9324' },
      lengthKey: 'queueLength',
      activationKey: 'activationQueueLength',
      authentication: {
        secretTargetRef: [
          { parameter: 'awsAccessKeyID', name: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' },
          { parameter: 'awsSecretAccessKey', name: 'orders-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        ],
      },
    });
  });
});

describe('options', () => {
  test('images, storageGiB and storageClassName apply; Postgres follows its major version', () => {
    const app = newApp({ images: { queue: 'registry.example.com/elasticmq-native:1.7.1', redis: { '7.1': 'valkey/valkey:7.2-alpine' } }, storageGiB: 3, storageClassName: 'standard' });
    new Queue(app, 'orders');
    new Redis(app, 'cache');
    new Postgres(app, 'db', { version: '15' });
    const objects = render(app);
    const image = (name: string) => only(objects, 'StatefulSet', name).spec.template.spec.containers[0].image;
    expect([image('orders'), image('cache'), image('db')]).toEqual(['registry.example.com/elasticmq-native:1.7.1', 'valkey/valkey:7.2-alpine', 'postgres:15-alpine']);
    expect(only(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '3Gi' } },
    });
  });

  test('an unpinned image is a problem of every resource it would run', () => {
    const app = newApp({ images: { bucket: 'versity/versitygw:latest' } });
    new Bucket(app, 'uploads');
    expect(renderError(app)).toContain("'inCluster images.bucket' \"versity/versitygw:latest\" uses the mutable tag \"latest\"");
  });

  test('a storageClassName or KEDA selector the API server would reject is a problem of every resource it would reach, all in one run', () => {
    const app = newApp({ storageClassName: 'Fast SSD', keda: { namespace: 'KEDA', podLabels: { 'app name': 'keda' } } });
    new Postgres(app, 'db');
    new Queue(app, 'orders');
    const message = renderError(app);
    expect(message).toContain("Postgres 'db' (shop/db) [environment 'dev']: 'inCluster storageClassName' \"Fast SSD\" is not a StorageClass name");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster keda.namespace' \"KEDA\" is not a namespace name");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster keda.podLabels' \"app name\" is not a valid label key");
  });

  test('an id that starts with a digit is a problem: it names the Service of the stand-in, a DNS-1035 label', () => {
    const app = newApp();
    new Queue(app, '1q');
    expect(renderError(app)).toContain("Queue '1q' (shop/1q) [environment 'dev']: 'id' \"1q\" starts with a digit, but recipe 'in-cluster' names the stand-in's Service after it, and a Service name must start with a letter (DNS-1035 label). Fix: use an id like \"q-1q\", or select another recipe for queue in environment 'dev'.");
  });

  test('an id longer than 52 characters is a problem: the StatefulSet controller could not label its pod', () => {
    const app = newApp();
    const id = `orders-${'x'.repeat(46)}`;
    new Queue(app, id);
    expect(renderError(app)).toContain(`Queue '${id}' (shop/${id}) [environment 'dev']: 'id' "${id}" is 53 characters long, but recipe 'in-cluster' names a StatefulSet after it, whose controller labels each pod with the name and an 11-character revision hash, a label value of at most 63. Fix: use an id of at most 52 characters, or select another recipe for queue in environment 'dev'.`);
  });

  test('wrong options are problems of every resource the recipe provisions, reported with the others (inCluster() itself does not throw)', () => {
    expect(() => inCluster({ storageGiB: 0, region: 'Mars' })).not.toThrow();
    const { app } = shop({ storageGiB: 0, region: 'Mars' });
    const message = renderError(app);
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster storageGiB' 0 is not a whole number of GiB from 1 to 65536. Fix: use a dev size such as 1, in the platform's inCluster({ ... }).");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster region' \"Mars\" is not an AWS region name. Fix: use one like \"us-east-1\", in the platform's inCluster({ ... }).");
  });
});

describeWithReference('the stand-ins pass conformance, Pod Security, Polaris and libk8s guardrails', () => {
  test('every object validates against the Kubernetes schemas (1.27 and 1.33)', () => {
    expect(conformanceProblems(render(shop().app))).toEqual([]);
  });

  test('the KEDA TriggerAuthentication from queueScaler() validates against its CRD', () => {
    const { app, orders, fulfilment } = shop();
    const env = app.environment('dev')!;
    const scaler = recipeOf(app).queueScaler!(orders, recipeOf(app).connection(orders, env), fulfilment as any, env);
    const auth = { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'fulfilment', namespace: 'shop-dev' }, spec: scaler.authentication };
    expect(validateCustomResource(auth).map(formatSchemaProblem)).toEqual([]);
  });

  test('every pod meets Pod Security Standards restricted', () => {
    const pods = podsOf(render(shop().app));
    expect(pods.map((p) => p.owner)).toEqual(expect.arrayContaining(STAND_INS.map((n) => `StatefulSet/${n}`)));
    for (const { owner, pod } of pods) expect([owner, checkPod(pod)]).toEqual([owner, []]);
  });

  test('Polaris finds nothing of danger or warning severity in the stand-ins', () => {
    // priorityClassNotSet: priority classes are cluster policy; libk8s sets one
    // on every pod when the platform names one, shown by the second render.
    // (Polaris runs over the whole environment; the workloads' own findings are
    // their constructs' business, so only the stand-ins' are asserted here.)
    const found = (objects: Manifest[]) => runPolaris(objects).filter((f) => STAND_INS.includes(f.name));
    expect(describeFindings(found(render(shop().app))).filter((f) => !f.startsWith('priorityClassNotSet '))).toEqual([]);
    expect(describeFindings(found(render(shop({}, { priorityClassName: 'dev-services' }).app)))).toEqual([]);
  });

  test('a stand-in nobody is wired to has no Polaris finding either: its only ingress rule admits its own pods', () => {
    const app = newApp({}, { priorityClassName: 'dev-services' });
    new Redis(app, 'lonely');
    expect(describeFindings(runPolaris(render(app)))).toEqual([]);
    expect(app.check(app.render()).flatMap((r) => r.findings).filter((f) => !f.waived).map((f) => f.rule)).toEqual([]);
  });

  test("libk8s's guardrails report only replicas-minimum, once per stand-in, waived by the recipe with its reason", () => {
    // A second replica of ElasticMQ, Postgres, Redis or versitygw would be a
    // second, separate store behind the same Service (messages, rows, keys
    // and objects split between them). The recipe declares the waiver, so
    // the finding is reported as waived, with the reason, and blocks nothing.
    // pdb-exists and topology-spread apply from 2 replicas.
    const { app } = shop();
    const findings = app.check(app.render()).flatMap((r) => r.findings);
    expect(findings.map((f) => `${f.rule} ${f.severity} ${f.object.kind}/${f.object.name} waived=${!!f.waived}`).sort())
      .toEqual(['cache', 'db', 'orders', 'uploads'].map((n) => `replicas-minimum warning StatefulSet/${n} waived=true`));
    expect(findings[0].waived!.reason).toMatch(/^in-cluster dev stand-in of \w+ '\w+': its server does not cluster/);
  });
});
