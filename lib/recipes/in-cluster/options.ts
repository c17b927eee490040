import type { Environment } from '../../core/environment';
import { POSTGRES_VERSIONS, PostgresVersion } from '../../resources/postgres';
import { REDIS_VERSIONS, RedisVersion } from '../../resources/redis';

/**
 * The options of the `in-cluster` recipe and the values derived from them.
 *
 * In-cluster stand-ins are for dev and kind clusters. Their credentials are
 * generated in the cluster, from /dev/urandom, by a Job per stand-in (see
 * secrets.ts); the synthesized manifests hold none.
 */

/** Pinned images per resource type; each one replaces the default for its type. */
export interface InClusterImages {
  /**
   * The SQS-compatible server. ElasticMQ's GraalVM native build: SQS query
   * and JSON protocols, dead-letter queues, FIFO, queues declared in its
   * config file, about 30 MB of memory.
   * @default 'softwaremill/elasticmq-native:1.7.1'
   * @see https://github.com/softwaremill/elasticmq
   */
  readonly queue?: string;
  /**
   * The PostgreSQL image per major version (`Postgres.version`).
   * @default - `postgres:<version>-alpine` (the official image; its entrypoint supports an arbitrary UID)
   * @see https://hub.docker.com/_/postgres
   */
  readonly postgres?: Partial<Record<PostgresVersion, string>>;
  /**
   * The Redis image per ElastiCache engine version (`Redis.version`). OSS
   * Redis has no 7.1 release; ElastiCache 7.1 maps to the 7.2 line.
   * @default - { '6.2': 'redis:6.2-alpine', '7.0': 'redis:7.0-alpine', '7.1': 'redis:7.2-alpine' }
   * @see https://hub.docker.com/_/redis
   */
  readonly redis?: Partial<Record<RedisVersion, string>>;
  /**
   * The S3-compatible server. Versity's S3 gateway on its posix backend:
   * SigV4 with a root access key, buckets as directories on the volume,
   * object versioning, a health endpoint; Apache-2.0 and released about
   * monthly (MinIO stopped publishing community images in 2025).
   * @default 'versity/versitygw:v1.8.0'
   * @see https://github.com/versity/versitygw
   */
  readonly bucket?: string;
  /**
   * The kubectl of the Job that writes a stand-in's Secrets in the cluster.
   * The official image is shell-free (entrypoint `/bin/kubectl`): the Job
   * runs its script with the `busybox` image's shell, copied in by an init
   * container, and calls `kubectl` from the PATH (`/usr/local/bin`,
   * `/usr/bin` or `/bin`).
   * @default 'registry.k8s.io/kubectl:v1.33.0'
   * @see https://kubernetes.io/releases/download/#container-images
   */
  readonly kubectl?: string;
  /**
   * The shell and tools (sh, head, od, tr, base64) of that Job: a statically
   * linked busybox at `/bin/busybox`, which an init container copies into
   * the Job's pod.
   * @default 'busybox:1.37.0'
   * @see https://hub.docker.com/_/busybox
   */
  readonly busybox?: string;
}

/** Where the KEDA operator runs: it reads a stand-in queue's depth, so the queue lets it in. */
export interface InClusterKeda {
  /**
   * The KEDA operator's namespace.
   * @default 'keda'
   */
  readonly namespace?: string;
  /**
   * Labels of the KEDA operator's pods.
   * @default { 'app.kubernetes.io/name': 'keda-operator' } (the KEDA Helm chart's)
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Options of the `in-cluster` recipe. */
export interface InClusterOptions {
  /** Images per resource type. @default - see InClusterImages */
  readonly images?: InClusterImages;
  /**
   * Size in GiB of the volume of a Postgres or Bucket stand-in: a dev size,
   * not the resource's production `storageGiB`.
   * @default 1
   */
  readonly storageGiB?: number;
  /**
   * StorageClass of those volumes.
   * @default - none: the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The AWS region the queue and bucket stand-ins report (connection
   * Secret `region`, ARNs, `AWS_REGION`).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * The KEDA operator, let in to a queue that a workload consumes; `false`
   * lets no KEDA in (scaling on the queue's depth then cannot work).
   * @default { namespace: 'keda', podLabels: { 'app.kubernetes.io/name': 'keda-operator' } }
   */
  readonly keda?: InClusterKeda | false;
  /**
   * Lets the recipe provision resources in an environment marked production
   * (EnvironmentProps.production, by default one named prod or production).
   * Stand-ins are single-replica dev servers without backups; say in a
   * comment beside this option why they are meant there.
   * @default false
   */
  readonly allowProduction?: boolean;
}

/** The options with every default resolved. */
export interface ResolvedOptions {
  /** See InClusterOptions.images. */
  readonly images: {
    readonly queue: string;
    readonly postgres: Readonly<Record<PostgresVersion, string>>;
    readonly redis: Readonly<Record<RedisVersion, string>>;
    readonly bucket: string;
    readonly kubectl: string;
    readonly busybox: string;
  };
  /** See InClusterOptions.storageGiB. */
  readonly storageGiB: number;
  /** See InClusterOptions.storageClassName. @default - none */
  readonly storageClassName?: string;
  /** See InClusterOptions.region. */
  readonly region: string;
  /** Options that were wrong (their defaults apply meanwhile), reported for every resource the recipe provisions. */
  readonly problems: readonly { readonly prop: string; readonly message: string; readonly fix: string }[];
  /** See InClusterOptions.keda. @default - none: undefined when it is false */
  readonly keda?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** See InClusterOptions.allowProduction. */
  readonly allowProduction: boolean;
}

/** The ElastiCache engine versions and the OSS Redis line that stands in for each. */
const REDIS_LINES: Readonly<Record<RedisVersion, string>> = { '6.2': '6.2', '7.0': '7.0', '7.1': '7.2' };

/** The AWS account id ElasticMQ uses by default; it appears in queue URLs and ARNs. */
export const DEV_ACCOUNT_ID = '000000000000';

/**
 * Resolves the defaults. Options that are wrong are kept in `problems` and
 * reported, with every other problem of the program, for each resource the
 * recipe provisions (so `inCluster({...})` itself never throws).
 */
export function resolveOptions(options: InClusterOptions = {}): ResolvedOptions {
  const problems: { prop: string; message: string; fix: string }[] = [];
  let storageGiB = options.storageGiB ?? 1;
  if (!Number.isInteger(storageGiB) || storageGiB < 1 || storageGiB > 65536) {
    problems.push({ prop: 'inCluster storageGiB', message: `${JSON.stringify(storageGiB) ?? String(storageGiB)} is not a whole number of GiB from 1 to 65536`, fix: "use a dev size such as 1, in the platform's inCluster({ ... })." });
    storageGiB = 1;
  }
  let region = options.region ?? 'us-east-1';
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    problems.push({ prop: 'inCluster region', message: `${JSON.stringify(region) ?? String(region)} is not an AWS region name`, fix: "use one like \"us-east-1\", in the platform's inCluster({ ... })." });
    region = 'us-east-1';
  }
  if (options.allowProduction !== undefined && typeof options.allowProduction !== 'boolean') {
    problems.push({ prop: 'inCluster allowProduction', message: `${JSON.stringify(options.allowProduction) ?? String(options.allowProduction)} is not a boolean`, fix: "use true (with a comment saying why stand-ins are meant in a production environment) or leave it out, in the platform's inCluster({ ... })." });
  }
  const keda = options.keda === false ? undefined : {
    namespace: options.keda?.namespace ?? 'keda',
    podLabels: { ...(options.keda?.podLabels ?? { 'app.kubernetes.io/name': 'keda-operator' }) },
  };
  return {
    problems,
    images: {
      queue: options.images?.queue ?? 'softwaremill/elasticmq-native:1.7.1',
      postgres: Object.fromEntries(POSTGRES_VERSIONS.map((v) => [v, options.images?.postgres?.[v] ?? `postgres:${v}-alpine`])) as Record<PostgresVersion, string>,
      redis: Object.fromEntries(REDIS_VERSIONS.map((v) => [v, options.images?.redis?.[v] ?? `redis:${REDIS_LINES[v]}-alpine`])) as Record<RedisVersion, string>,
      bucket: options.images?.bucket ?? 'versity/versitygw:v1.8.0',
      kubectl: options.images?.kubectl ?? 'registry.k8s.io/kubectl:v1.33.0',
      busybox: options.images?.busybox ?? 'busybox:1.37.0',
    },
    storageGiB,
    storageClassName: options.storageClassName,
    region,
    keda,
    allowProduction: options.allowProduction === true,
  };
}

/** The name of a stand-in's connection Secret. */
export function connectionSecretName(id: string): string {
  return `${id}-connection`;
}

/** The name of the Secret with the static dev AWS credentials of a queue or bucket stand-in. */
export function credentialsSecretName(id: string): string {
  return `${id}-aws-credentials`;
}

/** The name of a stand-in's Secrets Job, and of its ServiceAccount, Role, RoleBinding and NetworkPolicy. */
export function secretsJobName(id: string): string {
  return `${id}-secrets`;
}

/**
 * The Secret with the environment's dev AWS credentials, which every queue
 * and bucket stand-in's `<id>-aws-credentials` copies. Its name has a dot,
 * so no construct's object (named by DNS labels) can take it.
 */
export const SHARED_AWS_CREDENTIALS = 'in-cluster.aws-credentials';

/** The in-cluster DNS name of a stand-in's Service. */
export function serviceHost(id: string, env: Environment): string {
  return `${id}.${env.namespace}.svc`;
}
