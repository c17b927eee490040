import type { Environment } from '../../core/environment';
import type { Connection, RecipeContext, ResourceRef } from '../../core/recipe';
import type { RedisSpec } from '../../resources/redis';
import { API, managedResource } from './managed';
import { replicationGroupArn, replicationGroupId } from './names';
import { ResolvedOptions, tags } from './options';

/**
 * A Redis as an ElastiCache replication group (cluster mode disabled) with
 * TLS in transit, encryption at rest and an auth token the provider
 * generates into Secret `<id>-password` (key `password`).
 *
 * Keys provider-upjet-aws writes to the connection Secret of an
 * `elasticache` ReplicationGroup (config/namespaced/elasticache/config.go,
 * aws_elasticache_replication_group, AdditionalConnectionDetailsFn):
 * `configuration_endpoint_address` (cluster mode only),
 * `primary_endpoint_address`, `reader_endpoint_address` and `port`.
 */

/** The port ElastiCache Redis listens on. */
export const REDIS_PORT = 6379;

/** The Secret the provider generates the auth token into (it creates the Secret). */
export function redisAuthSecret(cache: ResourceRef): string {
  return `${cache.name}-password`;
}

/**
 * How workloads reach the cache: the primary endpoint and port from the
 * connection Secret the provider writes, the auth token from the Secret it
 * generated it into, `tls` "true". Egress to the VPC on 6379.
 */
export function redisConnection(o: ResolvedOptions, cache: ResourceRef, env: Environment): Connection {
  const secret = `${cache.name}-connection`;
  const id = replicationGroupId(o, cache, env);
  return {
    secretName: secret,
    values: {
      host: { secret, key: 'primary_endpoint_address' },
      port: { secret, key: 'port' },
      password: { secret: redisAuthSecret(cache), key: 'password' },
      tls: { value: 'true' },
    },
    network: [{ kind: 'cidr', cidrs: o.vpcCidrs, ports: [REDIS_PORT] }],
    ids: { arn: replicationGroupArn(o, id), replicationGroupId: id },
  };
}

/**
 * Emits elasticache ReplicationGroup `<id>`: one node, or a primary and a
 * replica in another zone with automatic failover when highly available.
 */
export function provisionRedis(o: ResolvedOptions, cache: ResourceRef, ctx: RecipeContext): void {
  const env = ctx.environment;
  const spec = cache.spec as unknown as RedisSpec;
  const id = replicationGroupId(o, cache, env);
  managedResource(ctx.scope, 'ReplicationGroup', o, {
    apiVersion: API.elasticache,
    kind: 'ReplicationGroup',
    metadata: cache.standardMetadata(ctx),
    // the replication group id is the external name (the provider's parameter-as-identifier)
    externalName: id,
    retain: spec.retain,
    connectionSecret: `${cache.name}-connection`,
    forProvider: {
      region: o.region,
      description: `Redis '${cache.node.id}' of ${cache.app.name} in ${env.name} (libk8s)`,
      engine: 'redis',
      engineVersion: spec.version,
      nodeType: o.redisNodeTypes[spec.size],
      numCacheClusters: spec.highAvailability ? 2 : 1,
      automaticFailoverEnabled: spec.highAvailability,
      multiAzEnabled: spec.highAvailability,
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      // a string in this CRD
      atRestEncryptionEnabled: 'true',
      autoGenerateAuthToken: true,
      authTokenSecretRef: { name: redisAuthSecret(cache), key: 'password' },
      subnetGroupName: o.cacheSubnetGroupName,
      securityGroupIds: o.securityGroupIds?.length ? [...o.securityGroupIds] : undefined,
      tags: tags(cache, env),
    },
  });
}
