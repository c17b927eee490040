/**
 * The pulumi-aws recipe under Pulumi's mocks: the shop example's prod
 * environment with its cloud resources as @pulumi/aws resources instead of
 * Crossplane objects, and workloads' objects exactly as with crossplane-aws.
 */
import { spawnSync } from 'child_process';
import { installMocks, Registration, registrations, reset, settled, value } from './mocks';

const ready = installMocks('prod');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('../../lib') as typeof import('../../lib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const adapter = require('../../lib/pulumi') as typeof import('../../lib/pulumi');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shop } = require('../../examples/pulumi/shop') as typeof import('../../examples/pulumi/shop');

const SECRET_SIG = '4dabf18193072939515e22adb298388d';
function plain(v: any): any {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if (v[SECRET_SIG]) return plain(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

const platform = () => ({ recipes: [adapter.pulumiAws()], environmentRecipes: { prod: 'pulumi-aws' } });

async function deploy(app = shop(platform())) {
  await ready;
  reset();
  const deployed = new adapter.Libk8sApp('shop', { app });
  await settled([deployed, ...Object.values(deployed.resources)]);
  // outputs-derived inputs (the connection Secrets) resolve after the URNs
  await new Promise((r) => setTimeout(r, 100));
  return { app, deployed };
}

const one = (type: string, name?: string): Registration => {
  const found = registrations.filter((r) => r.type === type && (!name || r.name === name));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('pulumi-aws: the shop example in prod', () => {
  test('SQS queue and DLQ with redrive and SSE, RDS encrypted and private; no Crossplane objects', async () => {
    const { deployed } = await deploy();
    const dlq = one('aws:sqs/queue:Queue', 'shop-orders-sqs-queue-dlq').inputs;
    const queue = one('aws:sqs/queue:Queue', 'shop-orders-sqs-queue').inputs;
    expect(dlq).toMatchObject({ name: 'shop-prod-orders-dlq', sqsManagedSseEnabled: true });
    expect(queue).toMatchObject({ name: 'shop-prod-orders', sqsManagedSseEnabled: true, tags: { app: 'shop', environment: 'prod', team: 'commerce', 'managed-by': 'libk8s' } });
    expect(JSON.parse(queue.redrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:shop-prod-orders-dlq', maxReceiveCount: 5 });
    const allow = one('aws:sqs/redriveAllowPolicy:RedriveAllowPolicy').inputs;
    expect(allow.queueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders-dlq');
    expect(JSON.parse(allow.redriveAllowPolicy)).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:us-east-1:123456789012:shop-prod-orders'] });
    const db = plain(one('aws:rds/instance:Instance', 'shop-db-rds-instance').inputs);
    expect(db).toMatchObject({
      identifier: 'shop-prod-db', engine: 'postgres', instanceClass: 'db.t4g.small', allocatedStorage: 20, storageType: 'gp3', storageEncrypted: true,
      publiclyAccessible: false, dbName: 'db', username: 'app', password: 'correct-horse', port: 5432, deletionProtection: true, skipFinalSnapshot: false,
      finalSnapshotIdentifier: 'shop-prod-db-final',
    });
    expect(registrations.filter((r) => /upbound\.io/.test(r.type))).toEqual([]);
    for (const r of registrations.filter((x) => x.type.startsWith('aws:'))) expect(r.parent).toBe(one('libk8s:index:App').urn);
    expect(Object.keys(deployed.resources)).toEqual(expect.arrayContaining(['shop-orders-sqs-queue', 'shop-db-rds-instance', 'shop-storefront-iam-role']));
  });

  test('an IAM role per workload with a grant (IRSA trust), its policy exactly the wiring\'s actions on the queue\'s ARN', async () => {
    await deploy();
    const roles = registrations.filter((r) => r.type === 'aws:iam/role:Role');
    expect(roles.map((r) => r.inputs.name).sort()).toEqual(['shop-prod-fulfilment', 'shop-prod-storefront']);
    const trust = JSON.parse(one('aws:iam/role:Role', 'shop-fulfilment-iam-role').inputs.assumeRolePolicy);
    expect(trust.Statement[0]).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:shop:fulfilment' } },
    });
    expect(trust.Statement[1]).toEqual({ Sid: 'KedaOperator', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/keda-operator' }, Action: 'sts:AssumeRole' });
    const policy = (name: string) => JSON.parse(one('aws:iam/rolePolicy:RolePolicy', name).inputs.policy);
    expect(policy('shop-storefront-iam-rolepolicy')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'SendOrders', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: ['arn:aws:sqs:us-east-1:123456789012:shop-prod-orders'] }],
    });
    expect(policy('shop-fulfilment-iam-rolepolicy')).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'ConsumeOrders', Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: ['arn:aws:sqs:us-east-1:123456789012:shop-prod-orders'],
      }],
    });
    expect(one('aws:iam/rolePolicy:RolePolicy', 'shop-storefront-iam-rolepolicy').inputs.role).toBe('shop-prod-storefront');
    // the policy after the resources it grants on; the workload after its role
    const urn = (name: string) => registrations.find((r) => r.name === name)!.urn;
    expect(one('aws:iam/rolePolicy:RolePolicy', 'shop-storefront-iam-rolepolicy').dependencies).toEqual(expect.arrayContaining([urn('shop-orders-sqs-queue'), urn('shop-orders-sqs-queue-dlq')]));
    expect(one('kubernetes:apps/v1:Deployment', 'shop-storefront-deployment').dependencies).toEqual(expect.arrayContaining([
      urn('shop-storefront-iam-role'), urn('shop-storefront-iam-rolepolicy'), urn('shop-orders-sqs-queue'), urn('shop-db-rds-instance'), urn('shop-orders-secret-orders-connection'),
    ]));
    expect(one('kubernetes:batch/v1:CronJob').dependencies).toEqual([]);
  });

  test('the connection Secrets have the documented keys, filled from the resources\' outputs', async () => {
    await deploy();
    const secret = (name: string) => plain(one('kubernetes:core/v1:Secret', name).inputs);
    expect(secret('shop-orders-secret-orders-connection').stringData).toEqual({
      url: 'https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders', name: 'shop-prod-orders', arn: 'arn:aws:sqs:us-east-1:123456789012:shop-prod-orders',
      region: 'us-east-1', endpoint: 'https://sqs.us-east-1.amazonaws.com',
    });
    expect(Object.keys(secret('shop-orders-secret-orders-connection').stringData).sort()).toEqual([...(shop().node.findChild('orders') as InstanceType<typeof lib.Queue>).connectionKeys].sort());
    expect(secret('shop-db-secret-db-connection').stringData).toEqual({
      host: 'shop-prod-db.abcdefghijkl.us-east-1.rds.amazonaws.com', port: '5432', database: 'db', username: 'app', password: 'correct-horse',
    });
    expect(secret('shop-db-secret-db-password').stringData).toEqual({ password: 'correct-horse' });
    expect(one('kubernetes:core/v1:Secret', 'shop-db-secret-db-connection').dependencies).toEqual([registrations.find((r) => r.name === 'shop-db-rds-instance')!.urn]);
  });

  test('the workloads\' objects are exactly those of crossplane-aws', () => {
    const workloads = (app: InstanceType<typeof lib.App>) => app.render({ environments: ['prod'] })[0].objects
      .filter((o) => o.role === 'workload').map((o) => o.manifest);
    expect(workloads(shop(platform()))).toEqual(workloads(shop()));
  });

  test('outputs: the queue URL and name and the workloads\' roles come from the cloud resources', async () => {
    const { deployed } = await deploy();
    expect(await value(deployed.queues)).toEqual({ orders: { url: 'https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders', name: 'shop-prod-orders' } });
    expect(await value(deployed.workloads)).toEqual({
      storefront: { serviceAccountName: 'storefront', roleName: 'shop-prod-storefront', cloudRole: 'arn:aws:iam::123456789012:role/shop-prod-storefront' },
      fulfilment: { serviceAccountName: 'fulfilment', roleName: 'shop-prod-fulfilment', cloudRole: 'arn:aws:iam::123456789012:role/shop-prod-fulfilment' },
      'nightly-report': { serviceAccountName: 'nightly-report' },
    });
  });

  test('Redis and Bucket: ElastiCache with TLS, at-rest encryption and the auth token; S3 with public access blocked, encryption, versioning and expiry', async () => {
    await ready;
    const app = new lib.App({ name: 'media', team: 'studio', environments: { prod: {} }, platform: platform() });
    const cache = new lib.Redis(app, 'cache');
    const files = new lib.Bucket(app, 'files', { versioned: true, expireAfterDays: 30 });
    new lib.WebService(app, 'api', { image: 'ghcr.io/acme/api:1.0.0' }).connect(cache).connect(files);
    await deploy(app);
    const group = plain(one('aws:elasticache/replicationGroup:ReplicationGroup').inputs);
    expect(group).toMatchObject({ replicationGroupId: 'media-prod-cache', engine: 'redis', transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authToken: 'battery-staple', port: 6379 });
    const bucket = one('aws:s3/bucket:Bucket').inputs;
    expect(bucket).toMatchObject({ bucket: 'media-prod-files-123456789012', forceDestroy: false });
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration').inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: 'AES256' });
    expect(one('aws:s3/bucketVersioning:BucketVersioning').inputs.versioningConfiguration).toEqual({ status: 'Enabled' });
    expect(one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs.rules[0].expiration).toEqual({ days: 30 });
    const policy = JSON.parse(one('aws:iam/rolePolicy:RolePolicy').inputs.policy);
    expect(policy.Statement).toEqual([{
      Sid: 'ReadwriteFiles', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      Resource: ['arn:aws:s3:::media-prod-files-123456789012', 'arn:aws:s3:::media-prod-files-123456789012/*'],
    }]);
    const conn = plain(one('kubernetes:core/v1:Secret', 'media-cache-secret-cache-connection').inputs).stringData;
    expect(conn).toEqual({ host: 'master.media-prod-cache.abcdef.use1.cache.amazonaws.com', primary_endpoint_address: 'master.media-prod-cache.abcdef.use1.cache.amazonaws.com', port: '6379', password: 'battery-staple', tls: 'true' });
    expect(plain(one('kubernetes:core/v1:Secret', 'media-files-secret-files-connection').inputs).stringData).toEqual({
      name: 'media-prod-files-123456789012', region: 'us-east-1', endpoint: 'https://s3.us-east-1.amazonaws.com', arn: 'arn:aws:s3:::media-prod-files-123456789012',
    });
  });
});

describe('pulumi-aws in a synth run', () => {
  test('rendering creates no Pulumi resource and loads no @pulumi module: only the placeholder Secrets', () => {
    const script = `
      const { App, Queue, Postgres, WebService } = require('./lib');
      const { pulumiAws } = require('./lib/pulumi/recipe');
      const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { recipes: 'pulumi-aws' } }, platform: { recipes: [pulumiAws()] } });
      const q = new Queue(app, 'orders');
      new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).sendTo(q).connect(new Postgres(app, 'db'));
      const [r] = app.render();
      const loaded = Object.keys(require.cache).filter((f) => f.includes('@pulumi'));
      console.log(JSON.stringify({ loaded, objects: r.objects.filter((o) => o.role !== 'workload').map((o) => o.kind + '/' + o.name) }));
    `;
    const out = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: `${__dirname}/../..`, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout);
    expect(result.loaded).toEqual([]);
    expect(result.objects).toEqual(['Secret/orders-connection', 'Secret/db-connection', 'Secret/db-password']);
  });
});

describe('examples/pulumi', () => {
  test('the program deploys the shop example\'s prod environment with pulumi-aws and exports its outputs', async () => {
    await ready;
    reset();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require('../../examples/pulumi/index') as typeof import('../../examples/pulumi/index');
    expect(await value(program.routes)).toEqual({ storefront: 'https://shop.example.com/' });
    expect(await value(program.queues)).toEqual({ orders: { url: 'https://sqs.us-east-1.amazonaws.com/123456789012/shop-prod-orders', name: 'shop-prod-orders' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(registrations.filter((r) => r.type === 'aws:sqs/queue:Queue')).toHaveLength(2);
    const rendered = shop(platform()).render({ environments: ['prod'] })[0].objects;
    expect(registrations.filter((r) => r.type.startsWith('kubernetes:'))).toHaveLength(rendered.length);
  });
});
