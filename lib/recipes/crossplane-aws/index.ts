import type { Environment } from '../../core/environment';
import { Libk8sError, ProblemList } from '../../core/errors';
import type { Connection, Recipe, RecipeContext, ResourceRef, ResourceType } from '../../core/recipe';
import { bucketConnection, checkBucket, provisionBucket } from './bucket';
import { awsIdentity, checkAwsIdentity } from './identity';
import { checkCloudNames } from './names';
import { checkOptions, CrossplaneAwsOptions, resolveOptions } from './options';
import { postgresConnection, provisionPostgres } from './postgres';
import { provisionQueue, queueConnection, sqsQueueScaler } from './queue';
import { provisionRedis, redisConnection } from './redis';

export { CrossplaneAwsOptions, ProviderConfigRef } from './options';

/** The resource types crossplane-aws provisions. */
const PROVIDES: readonly ResourceType[] = ['queue', 'postgres', 'redis', 'bucket'];

/**
 * The `crossplane-aws` recipe: resources as Crossplane v2 namespaced managed
 * resources of provider-upjet-aws in the environment's namespace, and
 * workload identities as IAM roles for service accounts (IRSA).
 *
 * | resource | managed resources (`*.aws.m.upbound.io/v1beta1`) | connection Secret |
 * |---|---|---|
 * | Queue | sqs Queue `<id>` (+ `<id>-dlq`), SSE on | `<id>-connection`, written by libk8s |
 * | Postgres | rds Instance `<id>` | `<id>-connection` by the provider; password in `<id>-password` |
 * | Redis | elasticache ReplicationGroup `<id>` | `<id>-connection` by the provider; auth token in `<id>-password` |
 * | Bucket | s3 Bucket `<id>` | `<id>-connection`, written by libk8s |
 *
 * A workload granted access gets iam Role and RolePolicy `<workload>` and
 * `eks.amazonaws.com/role-arn` on its ServiceAccount. Cloud names are
 * `<namePrefix><app>-<environment>-<id>` (a bucket adds `-<accountId>`).
 * Resources with `retain` get management policies without Delete.
 *
 * ⚠️ The defaults of `accountId` and `oidcProvider` are placeholders: a
 * platform sets them, e.g.
 * `platform: { recipes: [crossplaneAws({ accountId: '…', region: 'eu-central-1', oidcProvider: '…' })] }`.
 */
export function crossplaneAws(options: CrossplaneAwsOptions = {}): Recipe {
  const o = resolveOptions(options);
  const connection = (resource: ResourceRef, env: Environment): Connection => {
    switch (resource.resourceType) {
      case 'queue': return queueConnection(o, resource, env);
      case 'postgres': return postgresConnection(o, resource, env);
      case 'redis': return redisConnection(o, resource, env);
      case 'bucket': return bucketConnection(o, resource, env);
      default: throw notProvided(resource);
    }
  };
  return {
    name: 'crossplane-aws',
    provides: PROVIDES,
    check(resource: ResourceRef, env: Environment, problems: ProblemList): void {
      checkOptions(o, env, problems);
      checkCloudNames(o, resource, env, problems);
      if (resource.resourceType === 'bucket') checkBucket(resource, env, problems);
    },
    connection,
    provision(resource: ResourceRef, ctx: RecipeContext): void {
      switch (resource.resourceType) {
        case 'queue': return provisionQueue(o, resource, ctx);
        case 'postgres': return provisionPostgres(o, resource, ctx);
        case 'redis': return provisionRedis(o, resource, ctx);
        case 'bucket': return provisionBucket(o, resource, ctx);
        default: throw notProvided(resource);
      }
    },
    identity: (workload, grants, ctx) => awsIdentity(o, workload, grants, ctx),
    checkIdentity: (workload, grants, env, problems) => checkAwsIdentity(o, workload, grants, env, problems),
    queueScaler: (queue, _connection, _workload, env) => sqsQueueScaler(o, queue, env),
  };
}

/** A resource of a type the recipe does not provide (a platform recipe calling it directly; the App never does). */
function notProvided(resource: ResourceRef): Libk8sError {
  return new Libk8sError([{
    kind: resource.kind, id: resource.node.id, path: resource.displayPath,
    message: `is a ${resource.resourceType}, which recipe 'crossplane-aws' does not provide (it provides ${PROVIDES.join(', ')})`,
    fix: `select a recipe that provides ${resource.resourceType} for it.`,
  }]);
}
