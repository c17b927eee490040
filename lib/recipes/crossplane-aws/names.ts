import type { Environment } from '../../core/environment';
import { ProblemList, show } from '../../core/errors';
import type { ResourceRef } from '../../core/recipe';
import type { QueueSpec } from '../../resources/queue';
import { cloudName, ResolvedOptions } from './options';

/**
 * Cloud names, URLs and ARNs: pure functions of the options, the app, the
 * environment and the construct id, so `connection()` can say them without
 * creating anything, and every environment gets its own.
 */

/** The SQS queue name (`.fifo` for a FIFO queue): `<prefix><app>-<env>-<id>[-dlq][.fifo]`. */
export function queueName(o: ResolvedOptions, queue: ResourceRef, env: Environment, deadLetter = false): string {
  const fifo = (queue.spec as unknown as QueueSpec).fifo;
  return `${cloudName(o, queue, env)}${deadLetter ? '-dlq' : ''}${fifo ? '.fifo' : ''}`;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export function queueUrl(o: ResolvedOptions, name: string): string {
  return `${sqsEndpoint(o)}/${o.accountId}/${name}`;
}

/** The SQS endpoint of the region. */
export function sqsEndpoint(o: ResolvedOptions): string {
  return `https://sqs.${o.region}.${o.dnsSuffix}`;
}

/** `arn:aws:sqs:<region>:<account>:<name>`. */
export function queueArn(o: ResolvedOptions, name: string): string {
  return `arn:${o.partition}:sqs:${o.region}:${o.accountId}:${name}`;
}

/** The RDS DB instance identifier. */
export function dbIdentifier(o: ResolvedOptions, db: ResourceRef, env: Environment): string {
  return cloudName(o, db, env);
}

/** `arn:aws:rds:<region>:<account>:db:<identifier>`. */
export function dbArn(o: ResolvedOptions, identifier: string): string {
  return `arn:${o.partition}:rds:${o.region}:${o.accountId}:db:${identifier}`;
}

/** The ElastiCache replication group id. */
export function replicationGroupId(o: ResolvedOptions, cache: ResourceRef, env: Environment): string {
  return cloudName(o, cache, env);
}

/** `arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`. */
export function replicationGroupArn(o: ResolvedOptions, id: string): string {
  return `arn:${o.partition}:elasticache:${o.region}:${o.accountId}:replicationgroup:${id}`;
}

/**
 * The S3 bucket name, `<prefix><app>-<env>-<id>-<account>`: bucket names are
 * global across all AWS accounts, and the account id makes a clash with
 * someone else's bucket unlikely.
 */
export function bucketName(o: ResolvedOptions, bucket: ResourceRef, env: Environment): string {
  return `${cloudName(o, bucket, env)}-${o.accountId}`;
}

/** `arn:aws:s3:::<name>`. */
export function bucketArn(o: ResolvedOptions, name: string): string {
  return `arn:${o.partition}:s3:::${name}`;
}

/** The S3 endpoint of the region. */
export function s3Endpoint(o: ResolvedOptions): string {
  return `https://s3.${o.region}.${o.dnsSuffix}`;
}

/** The IAM role name of a workload: `<prefix><app>-<env>-<workload>`. */
export function roleName(o: ResolvedOptions, workload: { readonly name: string; readonly app: { readonly name: string } }, env: Environment): string {
  return `${o.namePrefix}${workload.app.name}-${env.name}-${workload.name}`;
}

/** `arn:aws:iam::<account>:role/<name>`. */
export function roleArn(o: ResolvedOptions, name: string): string {
  return `arn:${o.partition}:iam::${o.accountId}:role/${name}`;
}

/** The limit of IAM role names. */
export const ROLE_NAME_MAX = 64;

const SQS_NAME = /^[A-Za-z0-9_-]+$/;
const RDS_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*$/;
const S3_NAME = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

const FIX = 'use a shorter id, app name, environment name or namePrefix';

/**
 * Adds a problem when a cloud name of `resource` in `env` breaks the cloud's
 * naming rules (length, characters). The names derive from the id, the app
 * and environment names and the recipe's namePrefix.
 */
export function checkCloudNames(o: ResolvedOptions, resource: ResourceRef, env: Environment, problems: ProblemList): void {
  const add = (message: string, fix: string) => problems.add('id', message, fix, env.name);
  switch (resource.resourceType) {
    case 'queue': {
      const spec = resource.spec as unknown as QueueSpec;
      const names = [queueName(o, resource, env), ...(spec.deadLetter ? [queueName(o, resource, env, true)] : [])];
      for (const name of names) {
        const what = name.replace(/\.fifo$/, '').endsWith('-dlq') ? 'SQS dead-letter queue name' : 'SQS queue name';
        if (name.length > 80) {
          add(`${show(name)} (the ${what}) is ${name.length} characters long; SQS allows at most 80, ".fifo" included`, `${FIX}.`);
        } else if (!SQS_NAME.test(name.replace(/\.fifo$/, ''))) {
          add(`${show(name)} (the ${what}) has characters SQS does not allow (letters, digits, '-' and '_' only)`, `${FIX} of those characters.`);
        }
      }
      break;
    }
    case 'postgres':
      checkIdentifier(add, dbIdentifier(o, resource, env), resource.node.id, 'RDS instance identifier', 'RDS', 63);
      break;
    case 'redis':
      checkIdentifier(add, replicationGroupId(o, resource, env), resource.node.id, 'ElastiCache replication group id', 'ElastiCache', 40);
      break;
    case 'bucket': {
      const name = bucketName(o, resource, env);
      const reserved = S3_RESERVED_PREFIXES.find((p) => name.startsWith(p)) ?? S3_RESERVED_SUFFIXES.find((s) => name.endsWith(s));
      if (name.length < 3 || name.length > 63 || !S3_NAME.test(name) || name.includes('..') || reserved) {
        add(`${show(name)} (the S3 bucket name) is ${name.length} characters long; S3 allows 3 to 63 lowercase letters, digits, '.' and '-'${reserved ? `, not ${show(reserved)} at its start or end` : ''} (the name ends with the 13 characters "-<accountId>")`,
          `${FIX}.`);
      }
      break;
    }
    default:
      break;
  }
}

/**
 * An RDS instance identifier or ElastiCache replication group id: at most
 * `max` letters, digits and hyphens, starting with a letter, without '--' or
 * a trailing hyphen.
 */
function checkIdentifier(add: (message: string, fix: string) => void, name: string, id: string, what: string, service: string, max: number): void {
  if (name.length <= max && /^[a-zA-Z]/.test(name) && name.includes('--')) {
    add(`${show(name)} (the ${what}) contains '--', which ${service} does not allow`,
      `use an id (and app name, environment name and namePrefix) without '--', e.g. ${show(id.replace(/-{2,}/g, '-'))}.`);
  } else if (name.length > max || !RDS_IDENTIFIER.test(name) || name.endsWith('-')) {
    add(`${show(name)} (the ${what}) is ${name.length} characters long; ${service} allows at most ${max} letters, digits and hyphens, starting with a letter, without '--' or a trailing hyphen`,
      `${FIX}${/^[a-zA-Z]/.test(name) ? '' : ' (a namePrefix that starts with a letter fixes the first character)'}.`);
  }
}
