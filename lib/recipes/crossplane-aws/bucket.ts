import type { Environment } from '../../core/environment';
import { ProblemList } from '../../core/errors';
import { Connection, RecipeContext, ResourceRef, secretValues } from '../../core/recipe';
import type { BucketSpec } from '../../resources/bucket';
import { API, connectionSecret, managedResource } from './managed';
import { bucketArn, bucketName, s3Endpoint } from './names';
import { ResolvedOptions, tags } from './options';

/**
 * A Bucket as an S3 bucket, and a Secret of its (non-secret) address.
 *
 * Private and encrypted: S3 blocks public access (Block Public Access on,
 * ACLs disabled) and encrypts every object with SSE-S3 on every new bucket
 * by default (Block Public Access since April 2023, SSE-S3 since 5 January
 * 2023), so the Bucket managed resource alone gives both.
 *
 * Not provisioned yet: versioning (`versioned`) and expiry
 * (`expireAfterDays`). They need the separate BucketVersioning and
 * BucketLifecycleConfiguration managed resources, whose CRDs are not in the
 * schemas this library validates its output against; the recipe emits only
 * what it can validate. A bucket is therefore unversioned (S3's default),
 * and `expireAfterDays` is reported as a problem rather than dropped.
 * @see https://aws.amazon.com/blogs/aws/amazon-s3-block-public-access-another-layer-of-protection-for-your-accounts-and-buckets/
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
 */

/** The documented connection values of a bucket: `name`, `region`, `endpoint`, `arn`. */
function values(o: ResolvedOptions, bucket: ResourceRef, env: Environment): Record<string, string> {
  const name = bucketName(o, bucket, env);
  return { name, region: o.region, endpoint: s3Endpoint(o), arn: bucketArn(o, name) };
}

/** How workloads reach a bucket: literal values (none is secret), HTTPS to the AWS APIs. */
export function bucketConnection(o: ResolvedOptions, bucket: ResourceRef, env: Environment): Connection {
  const v = values(o, bucket, env);
  return {
    secretName: `${bucket.name}-connection`,
    // from the connection Secret libk8s writes, like every recipe, so app config is the same everywhere
    values: secretValues(`${bucket.name}-connection`, Object.keys(v)),
    network: [{ kind: 'cidr', cidrs: o.apiCidrs, ports: [443] }],
    ids: { arn: v.arn, name: v.name },
  };
}

/** Emits s3 Bucket `<id>` (the bucket name is its external name) and Secret `<id>-connection`. */
export function provisionBucket(o: ResolvedOptions, bucket: ResourceRef, ctx: RecipeContext): void {
  const env = ctx.environment;
  const spec = bucket.spec as unknown as BucketSpec;
  managedResource(ctx.scope, 'Bucket', o, {
    apiVersion: API.s3,
    kind: 'Bucket',
    metadata: bucket.standardMetadata(ctx),
    externalName: bucketName(o, bucket, env),
    retain: spec.retain,
    forProvider: {
      region: o.region,
      // objects are not deleted with the bucket: deleting a bucket that holds data fails
      forceDestroy: false,
      tags: tags(bucket, env),
    },
  });
  connectionSecret(ctx.scope, bucket.standardMetadata(ctx, `${bucket.name}-connection`), values(o, bucket, env));
}

/** What the recipe cannot provision for a bucket (see the notes above). */
export function checkBucket(bucket: ResourceRef, env: Environment, problems: ProblemList): void {
  const spec = bucket.spec as unknown as BucketSpec;
  if (spec.versioned) {
    problems.add('versioned', `true cannot be provisioned by recipe 'crossplane-aws' yet (it needs an S3 BucketVersioning, which the recipe does not emit), so old versions would not be kept`,
      `remove it and version the bucket with a resource the platform manages, or select another recipe for buckets in environment '${env.name}'.`, env.name);
  }
  if (spec.expireAfterDays !== undefined) {
    problems.add('expireAfterDays', `${spec.expireAfterDays} cannot be provisioned by recipe 'crossplane-aws' yet (it needs an S3 BucketLifecycleConfiguration, which the recipe does not emit), so objects would never expire`,
      `remove it and expire objects with a lifecycle rule the platform manages, or select another recipe for buckets in environment '${env.name}'.`, env.name);
  }
}
