import * as elasticache from '@pulumi/aws/elasticache';
import * as iam from '@pulumi/aws/iam';
import * as rds from '@pulumi/aws/rds';
import * as s3 from '@pulumi/aws/s3';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import type { Environment } from '../core/environment';
import type { ResourceRef } from '../core/recipe';
import { bucketName, dbIdentifier, queueName, replicationGroupId, s3Endpoint, sqsEndpoint } from '../recipes/crossplane-aws/names';
import { tags } from '../recipes/crossplane-aws/options';
import { POSTGRES_PORT, POSTGRES_USERNAME, postgresPasswordSecret } from '../recipes/crossplane-aws/postgres';
import { REDIS_PORT, redisAuthSecret } from '../recipes/crossplane-aws/redis';
import type { BucketSpec } from '../resources/bucket';
import type { PostgresSpec } from '../resources/postgres';
import type { QueueSpec } from '../resources/queue';
import type { RedisSpec } from '../resources/redis';
import type { IdentityPlan, PulumiAwsResolved, PulumiIdentity, PulumiProvisioned } from './recipe';
import { pulumiName } from './names';

/**
 * The `pulumi-aws` recipe's cloud resources, with `@pulumi/aws`. Loaded only
 * by `Libk8sApp` (through the recipe's hooks), never by `libk8s synth`.
 * Names, settings and grants are those of `crossplane-aws`
 * (lib/recipes/crossplane-aws/), so switching an environment between the two
 * keeps every cloud name, ARN and permission.
 */

/** The options every resource is created with: its parent, the recipe's provider, and `retainOnDelete` for retained resources. */
function opts(o: PulumiAwsResolved, parent: pulumi.Resource, retain = false, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { parent, ...(o.provider ? { provider: o.provider } : {}), ...(retain ? { retainOnDelete: true } : {}), ...extra };
}

/** The master password / auth token: the recipe's `password` option, else the config secret `libk8s:<id>-password`. */
function password(o: PulumiAwsResolved, resource: ResourceRef, env: Environment): pulumi.Input<string> {
  return o.password ? o.password(resource, env) : new pulumi.Config('libk8s').requireSecret(`${resource.name}-password`);
}

/** Creates the cloud resources of `resource` and returns its connection values from their outputs. */
export function provisionAws(o: PulumiAwsResolved, resource: ResourceRef, env: Environment, parent: pulumi.Resource): PulumiProvisioned {
  const base = pulumiName(resource.displayPath);
  switch (resource.resourceType) {
    case 'queue': return queue(o, resource, env, parent, base);
    case 'postgres': return postgres(o, resource, env, parent, base);
    case 'redis': return redis(o, resource, env, parent, base);
    case 'bucket': return bucket(o, resource, env, parent, base);
    default: throw new Error(`recipe 'pulumi-aws' does not provide ${resource.resourceType} ('${resource.displayPath}')`);
  }
}

/** SQS queue `<id>` and, with a dead letter, `<id>-dlq` (redrive on the queue, a redrive-allow policy admitting only it on the DLQ); SSE on both. */
function queue(o: PulumiAwsResolved, resource: ResourceRef, env: Environment, parent: pulumi.Resource, base: string): PulumiProvisioned {
  const spec = resource.spec as unknown as QueueSpec;
  const common = { fifoQueue: spec.fifo ? true : undefined, sqsManagedSseEnabled: true, tags: tags(resource, env) };
  const created: Record<string, pulumi.Resource> = {};
  let dlq: sqs.Queue | undefined;
  if (spec.deadLetter) {
    dlq = new sqs.Queue(`${base}-sqs-queue-dlq`, {
      ...common,
      name: queueName(o, resource, env, true),
      messageRetentionSeconds: spec.deadLetter.retentionSeconds,
    }, opts(o, parent, spec.retain));
    created[`${base}-sqs-queue-dlq`] = dlq;
  }
  const maxReceiveCount = spec.deadLetter?.maxReceiveCount;
  const main = new sqs.Queue(`${base}-sqs-queue`, {
    ...common,
    name: queueName(o, resource, env),
    visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
    messageRetentionSeconds: spec.retentionSeconds,
    receiveWaitTimeSeconds: spec.receiveWaitSeconds,
    redrivePolicy: dlq ? dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount })) : undefined,
  }, opts(o, parent, spec.retain));
  created[`${base}-sqs-queue`] = main;
  if (dlq) {
    created[`${base}-sqs-redriveallowpolicy`] = new sqs.RedriveAllowPolicy(`${base}-sqs-redriveallowpolicy`, {
      queueUrl: dlq.url,
      redriveAllowPolicy: main.arn.apply((arn) => JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arn] })),
    }, opts(o, parent));
  }
  return {
    resources: created,
    secrets: { [`${resource.name}-connection`]: { url: main.url, name: main.name, arn: main.arn, region: o.region, endpoint: sqsEndpoint(o) } },
  };
}

/** RDS instance `<id>`: PostgreSQL on encrypted gp3, private, Multi-AZ when highly available; deletion protection and a final snapshot when retained. */
function postgres(o: PulumiAwsResolved, resource: ResourceRef, env: Environment, parent: pulumi.Resource, base: string): PulumiProvisioned {
  const spec = resource.spec as unknown as PostgresSpec;
  const identifier = dbIdentifier(o, resource, env);
  const secret = password(o, resource, env);
  const db = new rds.Instance(`${base}-rds-instance`, {
    identifier,
    engine: 'postgres',
    engineVersion: spec.version,
    autoMinorVersionUpgrade: true,
    instanceClass: o.postgresInstanceClasses[spec.size],
    allocatedStorage: spec.storageGiB,
    storageType: 'gp3',
    storageEncrypted: true,
    multiAz: spec.highAvailability,
    dbName: spec.databaseName,
    port: POSTGRES_PORT,
    username: POSTGRES_USERNAME,
    password: secret,
    backupRetentionPeriod: spec.backupRetentionDays,
    copyTagsToSnapshot: true,
    deletionProtection: spec.retain,
    skipFinalSnapshot: !spec.retain,
    finalSnapshotIdentifier: spec.retain ? `${identifier}-final` : undefined,
    publiclyAccessible: false,
    dbSubnetGroupName: o.dbSubnetGroupName,
    vpcSecurityGroupIds: o.securityGroupIds?.length ? [...o.securityGroupIds] : undefined,
    tags: tags(resource, env),
  }, opts(o, parent, spec.retain));
  return {
    resources: { [`${base}-rds-instance`]: db },
    secrets: {
      [`${resource.name}-connection`]: {
        host: db.address, port: db.port.apply(String), database: spec.databaseName, username: POSTGRES_USERNAME, password: pulumi.secret(secret),
      },
      [postgresPasswordSecret(resource)]: { password: pulumi.secret(secret) },
    },
  };
}

/** ElastiCache replication group `<id>` (cluster mode disabled): TLS in transit, encryption at rest, an auth token. */
function redis(o: PulumiAwsResolved, resource: ResourceRef, env: Environment, parent: pulumi.Resource, base: string): PulumiProvisioned {
  const spec = resource.spec as unknown as RedisSpec;
  const token = password(o, resource, env);
  const group = new elasticache.ReplicationGroup(`${base}-elasticache-replicationgroup`, {
    replicationGroupId: replicationGroupId(o, resource, env),
    description: `Redis '${resource.node.id}' of ${resource.app.name} in ${env.name} (libk8s)`,
    engine: 'redis',
    engineVersion: spec.version,
    nodeType: o.redisNodeTypes[spec.size],
    numCacheClusters: spec.highAvailability ? 2 : 1,
    automaticFailoverEnabled: spec.highAvailability,
    multiAzEnabled: spec.highAvailability,
    port: REDIS_PORT,
    transitEncryptionEnabled: true,
    atRestEncryptionEnabled: true,
    authToken: token,
    subnetGroupName: o.cacheSubnetGroupName,
    securityGroupIds: o.securityGroupIds?.length ? [...o.securityGroupIds] : undefined,
    tags: tags(resource, env),
  }, opts(o, parent, spec.retain));
  return {
    resources: { [`${base}-elasticache-replicationgroup`]: group },
    secrets: {
      [`${resource.name}-connection`]: {
        host: group.primaryEndpointAddress, primary_endpoint_address: group.primaryEndpointAddress, port: String(REDIS_PORT), password: pulumi.secret(token), tls: 'true',
      },
      [redisAuthSecret(resource)]: { password: pulumi.secret(token) },
    },
  };
}

/**
 * S3 bucket `<prefix><app>-<env>-<id>-<account>` with every public access
 * blocked, SSE-S3 default encryption, versioning when `versioned`, and an
 * expiry rule when `expireAfterDays`.
 */
function bucket(o: PulumiAwsResolved, resource: ResourceRef, env: Environment, parent: pulumi.Resource, base: string): PulumiProvisioned {
  const spec = resource.spec as unknown as BucketSpec;
  const b = new s3.Bucket(`${base}-s3-bucket`, { bucket: bucketName(o, resource, env), forceDestroy: false, tags: tags(resource, env) }, opts(o, parent, spec.retain));
  const created: Record<string, pulumi.Resource> = { [`${base}-s3-bucket`]: b };
  const add = (name: string, r: pulumi.Resource) => { created[`${base}-${name}`] = r; };
  add('s3-publicaccessblock', new s3.BucketPublicAccessBlock(`${base}-s3-publicaccessblock`, {
    bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  }, opts(o, parent)));
  add('s3-encryption', new s3.BucketServerSideEncryptionConfiguration(`${base}-s3-encryption`, {
    bucket: b.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
  }, opts(o, parent)));
  if (spec.versioned) {
    add('s3-versioning', new s3.BucketVersioning(`${base}-s3-versioning`, { bucket: b.id, versioningConfiguration: { status: 'Enabled' } }, opts(o, parent)));
  }
  if (spec.expireAfterDays !== undefined) {
    add('s3-lifecycle', new s3.BucketLifecycleConfiguration(`${base}-s3-lifecycle`, {
      bucket: b.id,
      rules: [{ id: 'expire', status: 'Enabled', filter: {}, expiration: { days: spec.expireAfterDays } }],
    }, opts(o, parent)));
  }
  return {
    resources: created,
    secrets: { [`${resource.name}-connection`]: { name: b.bucket, region: o.region, endpoint: s3Endpoint(o), arn: b.arn } },
  };
}

/** IAM role `<prefix><app>-<env>-<workload>` (IRSA trust) and its inline policy of exactly the wiring's grants. */
export function identityAws(o: PulumiAwsResolved, plan: IdentityPlan, _env: Environment, parent: pulumi.Resource, dependsOn: readonly pulumi.Resource[]): PulumiIdentity {
  const base = pulumiName(plan.workload.displayPath);
  const role = new iam.Role(`${base}-iam-role`, {
    name: plan.roleName,
    description: plan.description,
    assumeRolePolicy: plan.assumeRolePolicy,
    tags: { ...plan.tags },
  }, opts(o, parent));
  const policy = new iam.RolePolicy(`${base}-iam-rolepolicy`, {
    name: plan.roleName,
    role: role.name,
    policy: plan.policy,
  }, opts(o, parent, false, { dependsOn: [...dependsOn] }));
  return { resources: { [`${base}-iam-role`]: role, [`${base}-iam-rolepolicy`]: policy }, roleName: role.name, roleArn: role.arn };
}
