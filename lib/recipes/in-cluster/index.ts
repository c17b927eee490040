import type { RenderContext } from '../../core/component';
import type { Environment } from '../../core/environment';
import { Libk8sError, ProblemList, show } from '../../core/errors';
import type { Connection, ConnectionValue, Grant, IdentityBinding, QueueScaler, Recipe, RecipeContext, RecipeWaiver, ResourceRef, WorkloadRef } from '../../core/recipe';
import { checkImage, isDnsLabel, isDnsSubdomain, isKey, isLabelValue } from '../../core/rules';
import type { PostgresSpec } from '../../resources/postgres';
import type { RedisSpec } from '../../resources/redis';
import { bucketConnection, provisionBucket } from './bucket';
import { credentialsSecretName, InClusterOptions, ResolvedOptions, resolveOptions } from './options';
import { postgresConnection, provisionPostgres } from './postgres';
import { provisionQueue, queueConnection, queueScaler } from './queue';
import { provisionRedis, redisConnection } from './redis';

export { InClusterImages, InClusterKeda, InClusterOptions } from './options';

/**
 * The `in-cluster` recipe: every Queue, Postgres, Redis and Bucket as a
 * small server in the environment's namespace, for dev and kind clusters,
 * publishing the same connection Secret (`<id>-connection`, exactly the
 * keys the resource type documents) as the cloud recipes, so the app's code
 * and wiring do not change between dev and prod.
 *
 * | resource | stand-in | port |
 * |---|---|---|
 * | Queue | ElasticMQ (SQS API), queue and dead-letter queue from its config | 9324 |
 * | Postgres | postgres:<major>-alpine, data on a PersistentVolumeClaim | 5432 |
 * | Redis | redis:<line>-alpine with an auth token, no persistence | 6379 |
 * | Bucket | versitygw (S3 API) on its posix backend, on a PersistentVolumeClaim | 7070 |
 *
 * Each runs as one StatefulSet replica (a second replica would hold separate
 * data), so the production pack's `replicas-minimum` reports each; that is
 * the stand-in's nature, not an oversight.
 *
 * No credential in the output: each stand-in's Secrets (its connection
 * Secret, and `<id>-aws-credentials` of a queue or bucket) are written in
 * the cluster by a Job, `<id>-secrets`, with passwords and keys from
 * /dev/urandom, created only if absent (a re-sync never rotates them). The
 * Job syncs first (Argo CD wave -2), under its own ServiceAccount, a Role
 * limited to those Secrets and a NetworkPolicy that lets it reach only the
 * API server; see secrets.ts.
 *
 * Dev only: an environment marked production (EnvironmentProps.production,
 * by default one named prod or production) may not select this recipe
 * unless it is configured with `allowProduction: true`.
 *
 * @example
 * new App({ name: 'shop', team: 'commerce', environments: { dev: {} }, platform: { recipes: [inCluster({ storageGiB: 2 })] } });
 */
export function inCluster(options: InClusterOptions = {}): Recipe {
  return new InClusterRecipe(resolveOptions(options));
}

/** The queue and bucket stand-ins take AWS SDK requests; the SDK needs some credentials to sign them. */
const AWS_TYPES = ['queue', 'bucket'];
/** The StatefulSet controller labels each pod `controller-revision-hash: <name>-<10-character hash>`, a 63-character label value. */
const STATEFULSET_NAME_MAX = 52;
/** The stand-ins that keep their data on a PersistentVolumeClaim of `storageClassName`. */
const VOLUME_TYPES = ['postgres', 'bucket'];

class InClusterRecipe implements Recipe {
  public readonly name = 'in-cluster';
  public readonly provides = ['queue', 'postgres', 'redis', 'bucket'] as const;

  constructor(private readonly options: ResolvedOptions) {}

  /**
   * A configured image that is not pinned, or a storage class or KEDA
   * selector the API server would reject, is a problem of every resource it
   * would reach; so is an id that cannot name the stand-in's Service.
   */
  public check(resource: ResourceRef, env: Environment, problems: ProblemList): void {
    for (const p of this.options.problems) problems.add(p.prop, p.message, p.fix, env.name);
    const id = resource.node.id;
    if (env.production && !this.options.allowProduction) {
      problems.add('recipe', `is 'in-cluster' in environment '${env.name}', which is marked production, but recipe 'in-cluster' would run ${resource.kind} '${id}' as a dev stand-in: one replica, no backups, credentials generated in the namespace`,
        `select a cloud recipe for ${resource.resourceType} in environment '${env.name}', e.g. recipes: { default: 'crossplane-aws' }; or, if a stand-in is meant there, set allowProduction: true in the platform's inCluster({ ... }) with a comment saying why (or production: false on the environment, if it holds no real data).`, env.name);
    }
    const image = this.imageOf(resource);
    if (image !== undefined) checkImage(problems, `inCluster images.${resource.resourceType}`, image);
    checkImage(problems, 'inCluster images.kubectl', this.options.images.kubectl);
    checkImage(problems, 'inCluster images.busybox', this.options.images.busybox);
    if (/^[0-9]/.test(id)) {
      problems.add('id', `${show(id)} starts with a digit, but recipe 'in-cluster' names the stand-in's Service after it, and a Service name must start with a letter (DNS-1035 label)`,
        `use an id like ${show(`${resource.resourceType[0]}-${id}`.slice(0, 63))}, or select another recipe for ${resource.resourceType} in environment '${env.name}'.`, env.name);
    }
    if (id.length > STATEFULSET_NAME_MAX && id.length <= 63) {
      problems.add('id', `${show(id)} is ${id.length} characters long, but recipe 'in-cluster' names a StatefulSet after it, whose controller labels each pod with the name and an 11-character revision hash, a label value of at most 63`,
        `use an id of at most ${STATEFULSET_NAME_MAX} characters, or select another recipe for ${resource.resourceType} in environment '${env.name}'.`, env.name);
    }
    const where = "in the platform's inCluster({ ... })";
    const { storageClassName, keda } = this.options;
    if (storageClassName !== undefined && VOLUME_TYPES.includes(resource.resourceType) && !isDnsSubdomain(storageClassName)) {
      problems.add('inCluster storageClassName', `${show(storageClassName)} is not a StorageClass name (a DNS-1123 subdomain)`,
        `name an existing StorageClass, e.g. 'standard', or leave it out for the cluster's default, ${where}.`, env.name);
    }
    if (keda && resource.resourceType === 'queue') {
      if (!isDnsLabel(keda.namespace)) {
        problems.add('inCluster keda.namespace', `${show(keda.namespace)} is not a namespace name (a DNS-1123 label)`, `name the KEDA operator's namespace, e.g. 'keda', ${where}.`, env.name);
      }
      for (const [key, value] of Object.entries(keda.podLabels)) {
        if (!isKey(key)) problems.add('inCluster keda.podLabels', `${show(key)} is not a valid label key`, `use the labels of the KEDA operator's pods, e.g. { 'app.kubernetes.io/name': 'keda-operator' }, ${where}.`, env.name);
        else if (!isLabelValue(value)) problems.add(`inCluster keda.podLabels.${key}`, `${show(value)} is not a valid label value`, `use the labels of the KEDA operator's pods ${where}.`, env.name);
      }
    }
  }

  public connection(resource: ResourceRef, env: Environment): Connection {
    switch (resource.resourceType) {
      case 'queue': return queueConnection(resource, env, this.options);
      case 'postgres': return postgresConnection(resource, env);
      case 'redis': return redisConnection(resource, env);
      case 'bucket': return bucketConnection(resource, env);
      default: throw notProvided(resource);
    }
  }

  /**
   * One replica, on purpose: ElasticMQ, Postgres, Redis and versitygw do not
   * cluster, so a second replica would be a second, separate store behind
   * the same Service. And the Secrets Job keeps no TTL: a finished Job that
   * stays is in sync, one deleted would be re-created by every sync.
   * Reported as waived, with these reasons.
   */
  public waivers(resource: ResourceRef): readonly RecipeWaiver[] {
    return [{
      rule: 'replicas-minimum', kind: 'StatefulSet',
      reason: `in-cluster dev stand-in of ${resource.kind} '${resource.node.id}': its server does not cluster, so a second replica would be a second, separate store behind the same Service`,
    }, {
      rule: 'job-cleanup', kind: 'Job',
      reason: `in-cluster Secrets Job of ${resource.kind} '${resource.node.id}': it stays, finished, so a GitOps tool sees it in sync; one deleted by a TTL would be created and run again by every sync`,
    }];
  }

  public provision(resource: ResourceRef, ctx: RecipeContext): void {
    switch (resource.resourceType) {
      case 'queue': return provisionQueue(resource, ctx, this.options);
      case 'postgres': return provisionPostgres(resource, ctx, this.options);
      case 'redis': return provisionRedis(resource, ctx, this.options);
      case 'bucket': return provisionBucket(resource, ctx, this.options);
      default: throw notProvided(resource);
    }
  }

  /**
   * No cloud identity: a workload with grants on a queue or bucket gets the
   * dev AWS credentials (every stand-in of the environment accepts the same
   * ones, generated in the cluster) and the region, as Secret references;
   * nothing else needs any.
   */
  public identity(_workload: WorkloadRef, grants: readonly Grant[], _ctx: RenderContext): IdentityBinding {
    const aws = grants.map((g) => g.resource).filter((r) => AWS_TYPES.includes(r.resourceType)).map((r) => r.name).sort();
    if (aws.length === 0) return {};
    const secret = credentialsSecretName(aws[0]);
    const ref = (key: string): ConnectionValue => ({ secret, key });
    return { env: { AWS_ACCESS_KEY_ID: ref('AWS_ACCESS_KEY_ID'), AWS_SECRET_ACCESS_KEY: ref('AWS_SECRET_ACCESS_KEY'), AWS_REGION: ref('AWS_REGION') } };
  }

  public queueScaler(queue: ResourceRef, _connection: Connection, _workload: WorkloadRef, env: Environment): QueueScaler {
    return queueScaler(queue, env, this.options);
  }

  /** The image that stands in for `resource`, if its type is one this recipe provides. */
  private imageOf(resource: ResourceRef): string | undefined {
    const images = this.options.images;
    switch (resource.resourceType) {
      case 'queue': return images.queue;
      case 'postgres': return images.postgres[(resource.spec as unknown as PostgresSpec).version];
      case 'redis': return images.redis[(resource.spec as unknown as RedisSpec).version];
      case 'bucket': return images.bucket;
      default: return undefined;
    }
  }
}

/** A resource of a type the recipe does not provide (a platform recipe calling it directly; the App never does). */
function notProvided(resource: ResourceRef): Libk8sError {
  return new Libk8sError([{
    kind: resource.kind, id: resource.node.id, path: resource.displayPath,
    message: `is a ${resource.resourceType}, which recipe 'in-cluster' does not provide (it provides queue, postgres, redis and bucket)`,
    fix: `select a recipe that provides ${resource.resourceType} for it.`,
  }]);
}
