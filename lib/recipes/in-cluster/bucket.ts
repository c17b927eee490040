import type { Environment } from '../../core/environment';
import type { Connection, RecipeContext, ResourceRef } from '../../core/recipe';
import { connectionSecretName, credentialsSecretName, ResolvedOptions, serviceHost } from './options';
import { renderSecretsJob } from './secrets';
import { Probes, renderStandIn, standInConnection, secretEnv } from './standin';

/**
 * A Bucket as Versity's S3 gateway (versitygw) on its posix backend: every
 * directory under `/data/buckets` is a bucket, so an init container creates
 * the bucket's directory and the bucket exists before the app starts.
 * Requests are SigV4-signed with the dev credentials (the gateway's root
 * key), so a wrong key fails here as it would on S3. Metadata (ACLs, tags,
 * versioning state) is kept in a sidecar directory on the volume, so the
 * volume needs no extended attributes. Object versioning is available
 * (a versioning directory is configured) but a bucket starts unversioned,
 * as a new S3 bucket does; expiry (`expireAfterDays`) is not enforced.
 * Clients address buckets path-style (the Service's DNS name has no
 * per-bucket subdomains): SDKs do so when given an endpoint and
 * `forcePathStyle` (JS v3) / `s3.addressing_style = path` (boto3).
 */

/** The gateway's S3 port (its default). */
export const BUCKET_PORT = 7070;

/**
 * The bucket's name: the resource id when it is a valid S3 bucket name
 * (3 to 63 characters), else the id with "-bucket" appended.
 */
export function bucketName(bucket: ResourceRef): string {
  return bucket.name.length >= 3 ? bucket.name : `${bucket.name}-bucket`;
}

/** The connection values of a Bucket stand-in, by documented key. */
export function bucketValues(bucket: ResourceRef, env: Environment, region: string): { name: string; region: string; endpoint: string; arn: string } {
  const name = bucketName(bucket);
  return { name, region, endpoint: `http://${serviceHost(bucket.name, env)}:${BUCKET_PORT}`, arn: `arn:aws:s3:::${name}` };
}

/** How workloads use a Bucket stand-in. */
export function bucketConnection(bucket: ResourceRef, _env: Environment): Connection {
  return standInConnection(bucket, BUCKET_PORT, { arn: `arn:aws:s3:::${bucketName(bucket)}` });
}

/** Creates the Bucket stand-in's objects. */
export function provisionBucket(bucket: ResourceRef, ctx: RecipeContext, options: ResolvedOptions): void {
  const image = options.images.bucket;
  const values = bucketValues(bucket, ctx.environment, options.region);
  const credentials = credentialsSecretName(bucket.name);
  renderSecretsJob(bucket, ctx, options, [
    { name: connectionSecretName(bucket.name), values },
    { name: credentialsSecretName(bucket.name), values: { AWS_REGION: options.region }, awsCredentials: true },
  ]);
  renderStandIn(bucket, ctx, options, {
    container: 's3',
    image,
    port: { name: 's3', port: BUCKET_PORT },
    size: 'small',
    // global flags come from the environment; the posix backend's root directory is the argument
    args: ['posix', '/data/buckets'],
    env: [
      secretEnv('ROOT_ACCESS_KEY_ID', credentials, 'AWS_ACCESS_KEY_ID'),
      secretEnv('ROOT_SECRET_ACCESS_KEY', credentials, 'AWS_SECRET_ACCESS_KEY'),
      { name: 'VGW_PORT', value: `:${BUCKET_PORT}` },
      { name: 'VGW_REGION', value: options.region },
      { name: 'VGW_HEALTH', value: '/health' },
      { name: 'VGW_META_SIDECAR', value: '/data/meta' },
      { name: 'VGW_VERSIONING_DIR', value: '/data/versions' },
    ],
    data: { mountPath: '/data' },
    init: { name: 'create-bucket', command: ['mkdir', '-p', `/data/buckets/${values.name}`, '/data/meta', '/data/versions'] },
    probes: {
      startup: Probes.tcp('startup', 's3', ctx.platform),
      readiness: Probes.http('readiness', 's3', '/health', ctx.platform),
      liveness: Probes.tcp('liveness', 's3', ctx.platform),
    },
  });
}
