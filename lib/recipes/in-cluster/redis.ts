import type { Environment } from '../../core/environment';
import type { Connection, RecipeContext, ResourceRef } from '../../core/recipe';
import { parseMemory } from '../../core/rules';
import type { RedisSpec } from '../../resources/redis';
import { resolveResources } from '../../pod/container';
import { connectionSecretName, ResolvedOptions, serviceHost } from './options';
import { renderSecretsJob } from './secrets';
import { Probes, renderStandIn, standInConnection, secretEnv } from './standin';

/**
 * A Redis as the official `redis:<line>-alpine` image, with an auth token
 * like ElastiCache's and, like a cache, no persistence (`save ""`,
 * `appendonly no`): its working directory `/data` is an emptyDir. Without
 * TLS in transit, so the connection Secret says `tls: "false"`.
 *
 * The image's entrypoint treats arguments that start with "-" as
 * redis-server flags and, when not root, execs redis-server directly. The
 * password reaches the server as `$(REDIS_PASSWORD)` (expanded by the
 * kubelet from the Secret reference) and redis-cli in the probe through
 * `REDISCLI_AUTH`.
 */

/** Redis's port. */
export const REDIS_PORT = 6379;

/** The connection values of a Redis stand-in the program knows, by documented key; `password` is generated in the cluster. */
export function redisValues(cache: ResourceRef, ctx: RecipeContext): { host: string; port: string; tls: string } {
  return {
    host: serviceHost(cache.name, ctx.environment),
    port: String(REDIS_PORT),
    tls: 'false',
  };
}

/** How workloads use a Redis stand-in. */
export function redisConnection(cache: ResourceRef, _env: Environment): Connection {
  return standInConnection(cache, REDIS_PORT);
}

/** Creates the Redis stand-in's objects. */
export function provisionRedis(cache: ResourceRef, ctx: RecipeContext, options: ResolvedOptions): void {
  const spec = cache.spec as unknown as RedisSpec;
  const image = options.images.redis[spec.version];
  const secret = connectionSecretName(cache.name);
  renderSecretsJob(cache, ctx, options, [{ name: secret, values: redisValues(cache, ctx), generated: ['password'] }]);
  // evict before the container's memory limit is reached (Redis needs headroom beyond maxmemory)
  const limit = parseMemory(resolveResources(ctx.platform, 'small', undefined).memoryLimit) ?? 256 * 2 ** 20;
  const maxMemoryMb = Math.max(16, Math.floor((limit * 0.6) / 2 ** 20));
  renderStandIn(cache, ctx, options, {
    container: 'redis',
    image,
    port: { name: 'redis', port: REDIS_PORT },
    size: 'small',
    args: [
      '--requirepass', '$(REDIS_PASSWORD)',
      '--save', '',
      '--appendonly', 'no',
      // ElastiCache's default eviction policy
      '--maxmemory', `${maxMemoryMb}mb`,
      '--maxmemory-policy', 'volatile-lru',
    ],
    env: [secretEnv('REDIS_PASSWORD', secret, 'password'), secretEnv('REDISCLI_AUTH', secret, 'password')],
    scratch: [{ name: 'data', mountPath: '/data', sizeLimit: '64Mi' }],
    probes: {
      startup: Probes.tcp('startup', 'redis', ctx.platform),
      // ready: it answers PING with PONG to an authenticated client (not LOADING, not NOAUTH)
      readiness: Probes.exec('readiness', ['sh', '-c', `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping | grep -q PONG`], ctx.platform),
      liveness: Probes.tcp('liveness', 'redis', ctx.platform),
    },
  });
}
