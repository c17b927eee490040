import { ApiObject, App as Cdk8sApp, Chart } from 'cdk8s';
import {
  App, Bucket, Environment, EnvironmentProps, Grant, Libk8sError, Postgres, Queue, QueueWorker, Recipe, Redis, RenderContext, WebService,
} from 'libk8s';
import { crossplaneAws, CrossplaneAwsOptions } from '../../lib/recipes/crossplane-aws';
import { only, renderError } from '../support/apps';
import { describeWithReference } from '../support/reference';
import { conformanceProblems, crdSchema, formatSchemaProblem, validateCustomResource, validateObject } from '../support/schemas';

type Manifest = Record<string, any>;

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const OPTIONS: CrossplaneAwsOptions = {
  accountId: '111122223333',
  region: 'eu-central-1',
  oidcProvider: 'oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
  namePrefix: 'acme-',
};
const OIDC = 'oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

/** An app whose one environment, prod, provisions with crossplane-aws. */
function cloudApp(options: CrossplaneAwsOptions = OPTIONS, env: EnvironmentProps = {}): App<'prod'> {
  return new App({
    name: 'shop',
    team: 'commerce',
    environments: { prod: { namespace: 'shop', recipes: 'crossplane-aws', ...env } },
    platform: { recipes: [crossplaneAws(options)] },
  });
}

/** Every manifest of prod, or those of one construct. */
function rendered(app: App, component?: string): Manifest[] {
  return app.render()[0].objects.filter((o) => component === undefined || o.component.node.id === component).map((o) => o.manifest);
}

function recipeOf(app: App): Recipe {
  return app.recipes.get('crossplane-aws')!;
}

function prod(app: App): Environment {
  return app.environment('prod')!;
}

const TAGS = { app: 'shop', environment: 'prod', team: 'commerce', 'managed-by': 'libk8s' };
const PROVIDER_CONFIG = { kind: 'ClusterProviderConfig', name: 'default' };
const KEEP = ['Observe', 'Create', 'Update', 'LateInitialize'];

describe('crossplane-aws: a Queue', () => {
  test('is an SQS queue and a dead-letter queue with the redrive policy, SSE on, and a Secret of its address', () => {
    const app = cloudApp();
    new Queue(app, 'orders', { deadLetter: { maxReceiveCount: 5 } });
    const list = rendered(app, 'orders');
    expect(list.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['Queue/orders', 'Queue/orders-dlq', 'Secret/orders-connection']);
    const main = only(list, 'Queue', 'orders');
    expect(main.apiVersion).toBe('sqs.aws.m.upbound.io/v1beta1');
    expect(main.metadata.namespace).toBe('shop');
    // the provider assigns the external name (the queue URL); the name is a parameter
    expect(main.metadata.annotations?.['crossplane.io/external-name']).toBeUndefined();
    expect(main.spec).toEqual({
      providerConfigRef: PROVIDER_CONFIG,
      forProvider: {
        region: 'eu-central-1',
        sqsManagedSseEnabled: true,
        tags: TAGS,
        name: 'acme-shop-prod-orders',
        visibilityTimeoutSeconds: 30,
        messageRetentionSeconds: 345600,
        receiveWaitTimeSeconds: 20,
        redrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders-dlq","maxReceiveCount":5}',
      },
    });
    const dlq = only(list, 'Queue', 'orders-dlq');
    expect(dlq.spec.forProvider).toEqual({
      region: 'eu-central-1',
      sqsManagedSseEnabled: true,
      tags: TAGS,
      name: 'acme-shop-prod-orders-dlq',
      messageRetentionSeconds: 1209600,
      redriveAllowPolicy: '{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders"]}',
    });
    expect(only(list, 'Secret').stringData).toEqual({
      url: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders',
      name: 'acme-shop-prod-orders',
      arn: 'arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders',
      region: 'eu-central-1',
      endpoint: 'https://sqs.eu-central-1.amazonaws.com',
    });
    expect(only(list, 'Secret').type).toBe('Opaque');
  });

  test('FIFO: both queue names end in .fifo and both are FIFO queues', () => {
    const app = cloudApp();
    new Queue(app, 'orders', { fifo: true });
    const list = rendered(app, 'orders');
    expect(only(list, 'Queue', 'orders').spec.forProvider).toMatchObject({ name: 'acme-shop-prod-orders.fifo', fifoQueue: true });
    expect(only(list, 'Queue', 'orders-dlq').spec.forProvider).toMatchObject({ name: 'acme-shop-prod-orders-dlq.fifo', fifoQueue: true });
    expect(JSON.parse(only(list, 'Queue', 'orders').spec.forProvider.redrivePolicy).deadLetterTargetArn).toBe('arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders-dlq.fifo');
    expect(only(list, 'Secret').stringData.url).toBe('https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders.fifo');
  });

  test('deadLetter false: one queue, no redrive policy', () => {
    const app = cloudApp();
    new Queue(app, 'events', { deadLetter: false });
    const list = rendered(app, 'events');
    expect(list.filter((m) => m.kind === 'Queue').map((m) => m.metadata.name)).toEqual(['events']);
    expect(only(list, 'Queue').spec.forProvider.redrivePolicy).toBeUndefined();
    expect(recipeOf(app).connection(app.node.findChild('events') as Queue, prod(app)).ids).toEqual({
      arn: 'arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-events',
      url: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-events',
      name: 'acme-shop-prod-events',
    });
  });

  test('retain: both queues get management policies without Delete; by default neither names any', () => {
    const app = cloudApp();
    new Queue(app, 'kept', { retain: true });
    new Queue(app, 'scratch');
    const list = rendered(app);
    expect(only(list, 'Queue', 'kept').spec.managementPolicies).toEqual(KEEP);
    expect(only(list, 'Queue', 'kept-dlq').spec.managementPolicies).toEqual(KEEP);
    expect(only(list, 'Queue', 'scratch').spec.managementPolicies).toBeUndefined();
  });

  test('connection(): every documented key from the connection Secret libk8s writes, HTTPS to the AWS APIs, the ARNs as ids', () => {
    const app = cloudApp({ ...OPTIONS, apiCidrs: ['10.20.0.0/16'] });
    const orders = new Queue(app, 'orders');
    const c = recipeOf(app).connection(orders, prod(app));
    expect(Object.keys(c.values)).toEqual([...orders.connectionKeys]);
    expect(c).toEqual({
      secretName: 'orders-connection',
      values: {
        url: { secret: 'orders-connection', key: 'url' },
        name: { secret: 'orders-connection', key: 'name' },
        arn: { secret: 'orders-connection', key: 'arn' },
        region: { secret: 'orders-connection', key: 'region' },
        endpoint: { secret: 'orders-connection', key: 'endpoint' },
      },
      network: [{ kind: 'cidr', cidrs: ['10.20.0.0/16'], ports: [443] }],
      ids: {
        arn: 'arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders',
        url: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders',
        name: 'acme-shop-prod-orders',
        deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders-dlq',
        deadLetterUrl: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders-dlq',
      },
    });
  });

  test('queueScaler(): KEDA aws-sqs-queue on the queue URL, authenticated as the workload', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    const worker = new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    const recipe = recipeOf(app);
    expect(recipe.queueScaler!(orders, recipe.connection(orders, prod(app)), worker, prod(app))).toEqual({
      type: 'aws-sqs-queue',
      metadata: { queueURL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders', awsRegion: 'eu-central-1' },
      lengthKey: 'queueLength',
      activationKey: 'activationQueueLength',
      authentication: { podIdentity: { provider: 'aws', identityOwner: 'workload' } },
    });
  });
});

describe('crossplane-aws: a Postgres', () => {
  test('is an RDS instance: the major version, the size class, encrypted gp3, private, generated password, connection Secret', () => {
    const app = cloudApp();
    new Postgres(app, 'db', { version: '16', storageGiB: 50, size: 'medium', databaseName: 'orders', backupRetentionDays: 14, retain: false });
    const list = rendered(app, 'db');
    expect(list.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Instance/db']);
    const db = only(list, 'Instance');
    expect(db.apiVersion).toBe('rds.aws.m.upbound.io/v1beta1');
    expect(db.metadata.annotations?.['crossplane.io/external-name']).toBeUndefined();
    expect(db.spec).toEqual({
      providerConfigRef: PROVIDER_CONFIG,
      forProvider: {
        region: 'eu-central-1',
        identifier: 'acme-shop-prod-db',
        engine: 'postgres',
        engineVersion: '16',
        autoMinorVersionUpgrade: true,
        instanceClass: 'db.m7g.large',
        allocatedStorage: 50,
        storageType: 'gp3',
        storageEncrypted: true,
        multiAz: false,
        dbName: 'orders',
        port: 5432,
        username: 'app',
        autoGeneratePassword: true,
        passwordSecretRef: { name: 'db-password', key: 'password' },
        backupRetentionPeriod: 14,
        copyTagsToSnapshot: true,
        deletionProtection: false,
        skipFinalSnapshot: true,
        publiclyAccessible: false,
        tags: TAGS,
      },
      writeConnectionSecretToRef: { name: 'db-connection' },
    });
  });

  test('highAvailability is Multi-AZ; retain (its default) adds deletion protection, a final snapshot and no Delete policy', () => {
    const app = cloudApp();
    new Postgres(app, 'db', { highAvailability: true, size: 'large' });
    const db = only(rendered(app, 'db'), 'Instance');
    expect(db.spec.managementPolicies).toEqual(KEEP);
    expect(db.spec.forProvider).toMatchObject({
      multiAz: true, instanceClass: 'db.m7g.2xlarge', engineVersion: '17', dbName: 'db', allocatedStorage: 20, backupRetentionPeriod: 7,
      deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: 'acme-shop-prod-db-final',
    });
  });

  test('the size classes, subnet group and security groups come from the options', () => {
    const app = cloudApp({ ...OPTIONS, postgresInstanceClasses: { small: 'db.t4g.micro' }, dbSubnetGroupName: 'private-db', securityGroupIds: ['sg-0123456789abcdef0'] });
    new Postgres(app, 'db');
    expect(only(rendered(app, 'db'), 'Instance').spec.forProvider).toMatchObject({
      instanceClass: 'db.t4g.micro', dbSubnetGroupName: 'private-db', vpcSecurityGroupIds: ['sg-0123456789abcdef0'],
    });
  });

  test('connection(): host, port and username from the Secret the provider writes, the password from the generated one, the database as a literal', () => {
    const app = cloudApp();
    const db = new Postgres(app, 'db', { databaseName: 'orders' });
    const c = recipeOf(app).connection(db, prod(app));
    expect(Object.keys(c.values)).toEqual([...db.connectionKeys]);
    expect(c).toEqual({
      secretName: 'db-connection',
      values: {
        host: { secret: 'db-connection', key: 'host' },
        port: { secret: 'db-connection', key: 'port' },
        database: { value: 'orders' },
        username: { secret: 'db-connection', key: 'username' },
        password: { secret: 'db-password', key: 'password' },
      },
      network: [{ kind: 'cidr', cidrs: ['10.0.0.0/8'], ports: [5432] }],
      ids: { arn: 'arn:aws:rds:eu-central-1:111122223333:db:acme-shop-prod-db', identifier: 'acme-shop-prod-db' },
    });
  });
});

describe('crossplane-aws: a Redis', () => {
  test('is an ElastiCache replication group: one node, TLS, encryption at rest, a generated auth token', () => {
    const app = cloudApp();
    new Redis(app, 'cache', { version: '7.0' });
    const rg = only(rendered(app, 'cache'), 'ReplicationGroup');
    expect(rg.apiVersion).toBe('elasticache.aws.m.upbound.io/v1beta1');
    expect(rg.metadata.annotations['crossplane.io/external-name']).toBe('acme-shop-prod-cache');
    expect(rg.spec).toEqual({
      providerConfigRef: PROVIDER_CONFIG,
      forProvider: {
        region: 'eu-central-1',
        description: "Redis 'cache' of shop in prod (libk8s)",
        engine: 'redis',
        engineVersion: '7.0',
        nodeType: 'cache.t4g.small',
        numCacheClusters: 1,
        automaticFailoverEnabled: false,
        multiAzEnabled: false,
        port: 6379,
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: 'true',
        autoGenerateAuthToken: true,
        authTokenSecretRef: { name: 'cache-password', key: 'password' },
        tags: TAGS,
      },
      writeConnectionSecretToRef: { name: 'cache-connection' },
    });
  });

  test('highAvailability: a replica with automatic failover across zones; sizes map to node types; retain drops Delete', () => {
    const app = cloudApp({ ...OPTIONS, cacheSubnetGroupName: 'private-cache' });
    new Redis(app, 'cache', { highAvailability: true, size: 'large', retain: true });
    const rg = only(rendered(app, 'cache'), 'ReplicationGroup');
    expect(rg.spec.managementPolicies).toEqual(KEEP);
    expect(rg.spec.forProvider).toMatchObject({
      numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true, nodeType: 'cache.r7g.xlarge', subnetGroupName: 'private-cache',
    });
  });

  test('connection(): the primary endpoint and port the provider writes, the generated token, tls "true"', () => {
    const app = cloudApp({ ...OPTIONS, vpcCidrs: ['10.1.0.0/16', '10.2.0.0/16'] });
    const cache = new Redis(app, 'cache');
    const c = recipeOf(app).connection(cache, prod(app));
    expect(Object.keys(c.values)).toEqual([...cache.connectionKeys]);
    expect(c).toEqual({
      secretName: 'cache-connection',
      values: {
        host: { secret: 'cache-connection', key: 'primary_endpoint_address' },
        port: { secret: 'cache-connection', key: 'port' },
        password: { secret: 'cache-password', key: 'password' },
        tls: { value: 'true' },
      },
      network: [{ kind: 'cidr', cidrs: ['10.1.0.0/16', '10.2.0.0/16'], ports: [6379] }],
      ids: { arn: 'arn:aws:elasticache:eu-central-1:111122223333:replicationgroup:acme-shop-prod-cache', replicationGroupId: 'acme-shop-prod-cache' },
    });
  });
});

describe('crossplane-aws: a Bucket', () => {
  test('is an S3 bucket named with the account id as its external name, retained by default, and a Secret of its address', () => {
    const app = cloudApp();
    new Bucket(app, 'uploads');
    const list = rendered(app, 'uploads');
    expect(list.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['Bucket/uploads', 'Secret/uploads-connection']);
    const bucket = only(list, 'Bucket');
    expect(bucket.apiVersion).toBe('s3.aws.m.upbound.io/v1beta1');
    expect(bucket.metadata.annotations['crossplane.io/external-name']).toBe('acme-shop-prod-uploads-111122223333');
    expect(bucket.spec).toEqual({
      managementPolicies: KEEP,
      providerConfigRef: PROVIDER_CONFIG,
      forProvider: { region: 'eu-central-1', forceDestroy: false, tags: TAGS },
    });
    expect(only(list, 'Secret').stringData).toEqual({
      name: 'acme-shop-prod-uploads-111122223333',
      region: 'eu-central-1',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      arn: 'arn:aws:s3:::acme-shop-prod-uploads-111122223333',
    });
  });

  test('connection(): values from the connection Secret, HTTPS to the AWS APIs', () => {
    const app = cloudApp();
    const uploads = new Bucket(app, 'uploads', { retain: false });
    const c = recipeOf(app).connection(uploads, prod(app));
    expect(Object.keys(c.values)).toEqual([...uploads.connectionKeys]);
    expect(c.values.arn).toEqual({ secret: 'uploads-connection', key: 'arn' });
    expect(only(rendered(app, 'uploads'), 'Secret').stringData.arn).toBe('arn:aws:s3:::acme-shop-prod-uploads-111122223333');
    expect(c.network).toEqual([{ kind: 'cidr', cidrs: ['0.0.0.0/0'], ports: [443] }]);
    expect(c.ids).toEqual({ arn: 'arn:aws:s3:::acme-shop-prod-uploads-111122223333', name: 'acme-shop-prod-uploads-111122223333' });
    expect(only(rendered(app, 'uploads'), 'Bucket').spec.managementPolicies).toBeUndefined();
  });

  test('expireAfterDays, which it cannot provision yet, is a problem rather than dropped', () => {
    const app = cloudApp();
    new Bucket(app, 'uploads', { expireAfterDays: 30 });
    expect(renderError(app)).toContain(
      "Bucket 'uploads' (shop/uploads) [environment 'prod']: 'expireAfterDays' 30 cannot be provisioned by recipe 'crossplane-aws' yet (it needs an S3 BucketLifecycleConfiguration, which the recipe does not emit), so objects would never expire.",
    );
  });
});

/** A RenderContext on a fresh chart, as the render pipeline makes one. */
function renderContext(app: App): { ctx: RenderContext; objects: () => Manifest[] } {
  const chart = new Chart(new Cdk8sApp({ outdir: '.' }), 'prod', { namespace: 'shop', disableResourceNameHashes: true });
  return {
    ctx: { app, environment: prod(app), platform: app.platform, scope: chart },
    objects: () => chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson()),
  };
}

describe('crossplane-aws: identity()', () => {
  function setup(options: CrossplaneAwsOptions = OPTIONS) {
    const app = cloudApp(options);
    const orders = new Queue(app, 'orders');
    const uploads = new Bucket(app, 'uploads');
    const reports = new Bucket(app, 'reports');
    const db = new Postgres(app, 'db');
    const web = new WebService(app, 'web', { image: IMAGE });
    const recipe = recipeOf(app);
    const grant = (resource: Queue | Bucket | Postgres, access: Grant['access']): Grant => ({ resource, access, connection: recipe.connection(resource, prod(app)) });
    return { app, recipe, web, orders, uploads, reports, db, grant };
  }

  test('makes a Role the ServiceAccount assumes (IRSA) and a RolePolicy of exactly the grants, on exactly the ARNs', () => {
    const { app, recipe, web, orders, uploads, reports, db, grant } = setup();
    const { ctx, objects } = renderContext(app);
    const binding = recipe.identity!(web, [grant(uploads, 'readwrite'), grant(orders, 'send'), grant(db, 'connect'), grant(reports, 'read')], ctx);
    expect(binding).toEqual({
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/acme-shop-prod-web' },
      network: [{ kind: 'cidr', cidrs: ['0.0.0.0/0'], ports: [443] }],
    });
    const list = objects();
    const role = only(list, 'Role', 'web');
    expect(role.apiVersion).toBe('iam.aws.m.upbound.io/v1beta1');
    expect(role.metadata.annotations['crossplane.io/external-name']).toBe('acme-shop-prod-web');
    expect(role.spec.providerConfigRef).toEqual(PROVIDER_CONFIG);
    expect(role.spec.forProvider.tags).toEqual(TAGS);
    expect(JSON.parse(role.spec.forProvider.assumeRolePolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'ServiceAccount',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${OIDC}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com', [`${OIDC}:sub`]: 'system:serviceaccount:shop:web' } },
      }],
    });
    const policy = only(list, 'RolePolicy', 'web');
    expect(policy.metadata.annotations['crossplane.io/external-name']).toBe('acme-shop-prod-web');
    expect(policy.spec.forProvider.roleRef).toEqual({ name: 'web' });
    expect(JSON.parse(policy.spec.forProvider.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::acme-shop-prod-reports-111122223333', 'arn:aws:s3:::acme-shop-prod-reports-111122223333/*'] },
        {
          Sid: 'ReadwriteUploads', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
          Resource: ['arn:aws:s3:::acme-shop-prod-uploads-111122223333', 'arn:aws:s3:::acme-shop-prod-uploads-111122223333/*'],
        },
        { Sid: 'SendOrders', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: ['arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders'] },
      ],
    });
  });

  test('consume: the queue actions of a consumer, and KEDA operator role may assume the role', () => {
    const { app, recipe, web, orders, grant } = setup({ ...OPTIONS, kedaOperatorRoleArn: 'arn:aws:iam::111122223333:role/platform-keda' });
    const { ctx, objects } = renderContext(app);
    recipe.identity!(web, [grant(orders, 'consume')], ctx);
    const list = objects();
    expect(JSON.parse(only(list, 'RolePolicy').spec.forProvider.policy).Statement).toEqual([{
      Sid: 'ConsumeOrders', Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: ['arn:aws:sqs:eu-central-1:111122223333:acme-shop-prod-orders'],
    }]);
    expect(JSON.parse(only(list, 'Role').spec.forProvider.assumeRolePolicy).Statement[1]).toEqual({
      Sid: 'KedaOperator', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/platform-keda' }, Action: 'sts:AssumeRole',
    });
  });

  test('the default KEDA operator role is keda-operator in the account', () => {
    const { app, recipe, web, orders, grant } = setup();
    const { ctx, objects } = renderContext(app);
    recipe.identity!(web, [grant(orders, 'consume')], ctx);
    expect(JSON.parse(only(objects(), 'Role').spec.forProvider.assumeRolePolicy).Statement[1].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/keda-operator' });
  });

  test('grants that need no cloud permission (connect to Postgres or Redis) make no role', () => {
    const { app, recipe, web, db, grant } = setup();
    const { ctx, objects } = renderContext(app);
    expect(recipe.identity!(web, [grant(db, 'connect')], ctx)).toEqual({});
    expect(objects()).toEqual([]);
  });

  test('policy JSON is the same on every run', () => {
    const a = setup();
    const b = setup();
    const ra = renderContext(a.app);
    const rb = renderContext(b.app);
    a.recipe.identity!(a.web, [a.grant(a.uploads, 'read'), a.grant(a.orders, 'send')], ra.ctx);
    b.recipe.identity!(b.web, [b.grant(b.orders, 'send'), b.grant(b.uploads, 'read')], rb.ctx);
    expect(JSON.stringify(rb.objects())).toBe(JSON.stringify(ra.objects()));
  });

  test('a role name over 64 characters is an error naming the workload', () => {
    const app = cloudApp({ ...OPTIONS, namePrefix: 'acme-platform-team-' });
    const orders = new Queue(app, 'orders');
    const web = new WebService(app, 'storefront-web-frontend-for-customers-eu', { image: IMAGE });
    const recipe = recipeOf(app);
    const { ctx } = renderContext(app);
    const grant: Grant = { resource: orders, access: 'send', connection: recipe.connection(orders, prod(app)) };
    expect(() => recipe.identity!(web, [grant], ctx)).toThrow(Libk8sError);
    expect(() => recipe.identity!(web, [grant], ctx)).toThrow(
      "WebService 'storefront-web-frontend-for-customers-eu' (shop/storefront-web-frontend-for-customers-eu) [environment 'prod']: 'id' \"acme-platform-team-shop-prod-storefront-web-frontend-for-customers-eu\" (its IAM role name) is 69 characters long; IAM allows at most 64 of letters, digits and +=,.@_-.",
    );
  });
});

describe('crossplane-aws: wired end to end', () => {
  function wiredApp(): App<'prod'> {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    const db = new Postgres(app, 'db');
    const uploads = new Bucket(app, 'uploads');
    new Redis(app, 'cache');
    const web = new WebService(app, 'storefront', { image: IMAGE });
    web.sendTo(orders).connect(db).connect(uploads);
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders }).connect(db);
    return app;
  }

  test('a consuming QueueWorker gets a role KEDA may assume and a TriggerAuthentication as the workload', () => {
    const list = rendered(wiredApp(), 'fulfilment');
    expect(only(list, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/acme-shop-prod-fulfilment');
    expect(only(list, 'TriggerAuthentication').spec).toEqual({ podIdentity: { provider: 'aws', identityOwner: 'workload' } });
    const trigger = only(list, 'ScaledObject').spec.triggers[0];
    expect(trigger.type).toBe('aws-sqs-queue');
    expect(trigger.metadata).toMatchObject({ queueURL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/acme-shop-prod-orders', awsRegion: 'eu-central-1' });
    expect(JSON.parse(only(list, 'Role').spec.forProvider.assumeRolePolicy).Statement.map((s: Manifest) => s.Sid)).toEqual(['ServiceAccount', 'KedaOperator']);
  });

  test('a sending WebService gets env from the connections and egress to the VPC and the AWS APIs', () => {
    const list = rendered(wiredApp(), 'storefront');
    const env = only(list, 'Deployment').spec.template.spec.containers[0].env as Manifest[];
    const byName = Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(byName.ORDERS_URL).toEqual({ secretKeyRef: { name: 'orders-connection', key: 'url' } });
    expect(byName.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'db-password', key: 'password' } });
    expect(byName.DB_HOST).toEqual({ secretKeyRef: { name: 'db-connection', key: 'host' } });
    expect(byName.DB_DATABASE).toBe('db');
    const egress = only(list, 'NetworkPolicy').spec.egress as Manifest[];
    expect(egress).toEqual(expect.arrayContaining([
      { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]));
    expect(JSON.parse(only(list, 'Role').spec.forProvider.assumeRolePolicy).Statement.map((s: Manifest) => s.Sid)).toEqual(['ServiceAccount']);
  });

  test('the cloud objects of every resource and identity, whole', () => {
    const cloud = rendered(wiredApp()).filter((m) => !['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Service', 'ScaledObject', 'TriggerAuthentication'].includes(m.kind));
    expect(cloud.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Bucket/uploads', 'Instance/db', 'Queue/orders', 'Queue/orders-dlq', 'ReplicationGroup/cache', 'Role/fulfilment', 'Role/storefront',
      'RolePolicy/fulfilment', 'RolePolicy/storefront', 'Secret/orders-connection', 'Secret/uploads-connection',
    ]);
    expect(cloud).toMatchSnapshot();
  });

  test('renders byte-identical output twice', () => {
    expect(JSON.stringify(rendered(wiredApp()))).toBe(JSON.stringify(rendered(wiredApp())));
  });
});

describe('crossplane-aws: check()', () => {
  test('reports an account id and a region that cannot work, once per resource and environment', () => {
    const app = cloudApp({ accountId: '12345', region: 'europe-central' });
    new Queue(app, 'orders');
    const message = renderError(app);
    expect(message).toContain(`Queue 'orders' (shop/orders) [environment 'prod']: 'crossplaneAws.accountId' "12345" is not an AWS account id (12 digits). Fix: set your account, e.g. accountId: '123456789012', in the platform's crossplaneAws({ ... }).`);
    expect(message).toContain(`Queue 'orders' (shop/orders) [environment 'prod']: 'crossplaneAws.region' "europe-central" is not an AWS region. Fix: use a region code like 'us-east-1' or 'eu-central-1' in the platform's crossplaneAws({ ... }).`);
  });

  test('reports an OIDC issuer given as a URL, a CIDR that is none, a KEDA role that is no role ARN', () => {
    const app = cloudApp({ ...OPTIONS, oidcProvider: `https://${OIDC}`, vpcCidrs: ['10.0.0.0/33'], kedaOperatorRoleArn: 'keda-operator' });
    new Redis(app, 'cache');
    const problems = app.validate().map((p) => `${p.prop}: ${p.message}`);
    expect(problems).toEqual([
      `crossplaneAws.oidcProvider: "https://${OIDC}" is not an OIDC issuer as IAM names it (host and path, without "https://")`,
      'crossplaneAws.vpcCidrs[0]: "10.0.0.0/33" is not a CIDR block',
      'crossplaneAws.kedaOperatorRoleArn: "keda-operator" is not an IAM role ARN',
    ]);
  });

  test('the default options are valid', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { recipes: 'crossplane-aws' } }, platform: { recipes: [crossplaneAws()] } });
    new Queue(app, 'orders');
    new Postgres(app, 'db');
    new Redis(app, 'cache');
    new Bucket(app, 'uploads');
    expect(app.validate()).toEqual([]);
    expect(only(rendered(app, 'orders'), 'Secret').stringData.url).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders');
  });

  test('an SQS name over 80 characters, ".fifo" included', () => {
    const app = cloudApp();
    new Queue(app, 'customer-order-events-for-fulfilment-and-invoicing-in-europe', { fifo: true });
    expect(renderError(app)).toContain(
      `[environment 'prod']: 'id' "acme-shop-prod-customer-order-events-for-fulfilment-and-invoicing-in-europe-dlq.fifo" (the SQS dead-letter queue name) is 84 characters long; SQS allows at most 80, ".fifo" included. Fix: use a shorter id, app name, environment name or namePrefix.`,
    );
    const app2 = cloudApp();
    new Queue(app2, 'customer-order-events-for-fulfilment-and-invoicing-in-europe', { fifo: false });
    expect(app2.validate()).toEqual([]);
  });

  test('an RDS identifier over 63 characters, or not starting with a letter', () => {
    const app = cloudApp();
    new Postgres(app, 'customer-orders-and-invoices-primary-database-eu1');
    expect(renderError(app)).toContain(
      `'id' "acme-shop-prod-customer-orders-and-invoices-primary-database-eu1" (the RDS instance identifier) is 64 characters long; RDS allows at most 63 letters, digits and hyphens, starting with a letter, without '--' or a trailing hyphen. Fix: use a shorter id, app name, environment name or namePrefix.`,
    );
    const digits = new App({ name: '7shop', team: 'commerce', environments: { prod: { recipes: 'crossplane-aws' } }, platform: { recipes: [crossplaneAws()] } });
    new Postgres(digits, 'db');
    expect(renderError(digits)).toContain(`'id' "7shop-prod-db" (the RDS instance identifier) is 13 characters long; RDS allows at most 63 letters, digits and hyphens, starting with a letter, without '--' or a trailing hyphen. Fix: use a shorter id, app name, environment name or namePrefix (a namePrefix that starts with a letter fixes the first character).`);
  });

  test("an RDS identifier or ElastiCache id with '--' says so, not its length, and how to fix it", () => {
    const app = cloudApp();
    new Postgres(app, 'orders--db');
    new Redis(app, 'session--cache');
    const message = renderError(app);
    expect(message).toContain(`'id' "acme-shop-prod-orders--db" (the RDS instance identifier) contains '--', which RDS does not allow. Fix: use an id (and app name, environment name and namePrefix) without '--', e.g. "orders-db".`);
    expect(message).toContain(`'id' "acme-shop-prod-session--cache" (the ElastiCache replication group id) contains '--', which ElastiCache does not allow. Fix: use an id (and app name, environment name and namePrefix) without '--', e.g. "session-cache".`);
  });

  test('an ElastiCache replication group id over 40 characters', () => {
    const app = cloudApp();
    new Redis(app, 'session-cache-for-storefront');
    expect(renderError(app)).toContain(
      `'id' "acme-shop-prod-session-cache-for-storefront" (the ElastiCache replication group id) is 43 characters long; ElastiCache allows at most 40`,
    );
  });

  test('an S3 bucket name over 63 characters, account id included', () => {
    const app = cloudApp();
    new Bucket(app, 'customer-invoice-pdf-archive-eu');
    expect(app.validate()).toEqual([]);
    const app2 = cloudApp();
    new Bucket(app2, 'customer-invoice-pdf-archive-europe-west');
    expect(renderError(app2)).toContain(
      `'id' "acme-shop-prod-customer-invoice-pdf-archive-europe-west-111122223333" (the S3 bucket name) is 68 characters long; S3 allows 3 to 63 lowercase letters, digits, '.' and '-' (the name ends with the 13 characters "-<accountId>").`,
    );
  });
});

/** The CRDs' CEL rules "spec.forProvider.X is a required parameter" (the validator does not evaluate CEL). */
function requiredParameterProblems(obj: Manifest): string[] {
  const rules = (crdSchema(obj.apiVersion, obj.kind)?.properties?.spec?.['x-kubernetes-validations'] ?? []) as { message: string }[];
  const policies: string[] = obj.spec?.managementPolicies ?? ['*'];
  const writes = policies.some((p) => p === '*' || p === 'Create' || p === 'Update');
  return rules.flatMap((r) => {
    const field = /^spec\.forProvider\.(\w+) is a required parameter$/.exec(r.message)?.[1];
    if (!field) return [`${obj.kind} '${obj.metadata.name}': a CEL rule this test does not know: ${r.message}`];
    return writes && obj.spec.forProvider?.[field] === undefined && obj.spec.initProvider?.[field] === undefined ? [`${obj.kind} '${obj.metadata.name}': ${r.message}`] : [];
  });
}

describeWithReference('crossplane-aws: every object validates', () => {
  function everything(): Manifest[] {
    const app = cloudApp({ ...OPTIONS, dbSubnetGroupName: 'private', cacheSubnetGroupName: 'private', securityGroupIds: ['sg-0123456789abcdef0'] });
    const orders = new Queue(app, 'orders', { fifo: true, retain: true });
    const events = new Queue(app, 'events', { deadLetter: false });
    const db = new Postgres(app, 'db', { highAvailability: true });
    new Postgres(app, 'scratch', { retain: false });
    const cache = new Redis(app, 'cache', { highAvailability: true });
    const uploads = new Bucket(app, 'uploads');
    const web = new WebService(app, 'storefront', { image: IMAGE });
    web.sendTo(orders).sendTo(events).connect(db).connect(cache).connect(uploads, { access: 'read' });
    new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders }).connect(uploads);
    return rendered(app);
  }

  test('against the Kubernetes schemas, the CRDs (unknown fields rejected) and the API server rules', () => {
    const list = everything();
    expect(new Set(list.map((m) => m.kind))).toEqual(new Set([
      'Queue', 'Secret', 'Instance', 'ReplicationGroup', 'Bucket', 'Role', 'RolePolicy',
      'ServiceAccount', 'Deployment', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'ScaledObject', 'TriggerAuthentication',
    ]));
    expect(conformanceProblems(list)).toEqual([]);
    for (const m of list.filter((x) => x.apiVersion.includes('.aws.m.upbound.io/'))) expect(validateCustomResource(m)).toEqual([]);
  });

  test("with every field the CRDs' CEL rules require", () => {
    expect(everything().filter((m) => m.apiVersion.includes('.aws.m.upbound.io/')).flatMap(requiredParameterProblems)).toEqual([]);
  });

  test('the TriggerAuthentication of queueScaler() against the KEDA CRD', () => {
    const app = cloudApp();
    const orders = new Queue(app, 'orders');
    const worker = new QueueWorker(app, 'fulfilment', { image: IMAGE, queue: orders });
    const recipe = recipeOf(app);
    const scaler = recipe.queueScaler!(orders, recipe.connection(orders, prod(app)), worker, prod(app));
    const auth = { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'fulfilment', namespace: 'shop' }, spec: scaler.authentication };
    expect(validateCustomResource(auth)).toEqual([]);
    // roleArn and identityOwner are mutually exclusive (KEDA docs); the CRD's enum is what keeps identityOwner honest
    const wrong = { ...auth, spec: { podIdentity: { provider: 'aws', identityOwner: 'pod' } } };
    expect(validateCustomResource(wrong).map(formatSchemaProblem)).toEqual([
      `TriggerAuthentication 'fulfilment' (CRD triggerauthentications.keda.sh v1alpha1) /spec/podIdentity/identityOwner: must be equal to one of the allowed values: "keda", "workload"`,
    ]);
  });

  test('the validator catches a broken managed resource', () => {
    const rg = only(everything(), 'ReplicationGroup');
    const broken = {
      ...rg,
      spec: {
        ...rg.spec,
        managementPolicies: ['Observe', 'Orphan'],
        forProvider: { ...rg.spec.forProvider, atRestEncryptionEnabled: true, replicationGroupId: 'cache', region: undefined, description: undefined },
      },
    };
    broken.spec.forProvider = Object.fromEntries(Object.entries(broken.spec.forProvider).filter(([, v]) => v !== undefined));
    const problems = validateObject(broken, '1.33').map(formatSchemaProblem);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('/spec/forProvider: unknown field "replicationGroupId"'),
      expect.stringContaining('/spec/forProvider/atRestEncryptionEnabled: must be string'),
      expect.stringContaining("/spec/forProvider: must have required property 'region'"),
      expect.stringContaining('/spec/managementPolicies/1: must be equal to one of the allowed values'),
    ]));
    expect(requiredParameterProblems({ ...broken, spec: { ...broken.spec, managementPolicies: ['*'] } })).toEqual([
      "ReplicationGroup 'cache': spec.forProvider.description is a required parameter",
    ]);
  });
});
