import type { Input, ProviderResource, Resource } from '@pulumi/pulumi';
import { ApiObject } from 'cdk8s';
import type { Environment } from '../core/environment';
import { Libk8sError, ProblemList } from '../core/errors';
import {
  Connection, Grant, IdentityBinding, Recipe, RecipeContext, ResourceRef, ResourceType, WorkloadRef,
} from '../core/recipe';
import type { RenderContext } from '../core/component';
import { bucketConnection } from '../recipes/crossplane-aws/bucket';
import { checkAwsIdentity, policyStatements, ROLE_ARN_ANNOTATION, trustPolicy } from '../recipes/crossplane-aws/identity';
import {
  bucketArn, bucketName, checkCloudNames, queueArn, queueName, queueUrl, roleArn, roleName,
  s3Endpoint, sqsEndpoint,
} from '../recipes/crossplane-aws/names';
import { checkOptions, CrossplaneAwsOptions, ResolvedOptions, resolveOptions, tags } from '../recipes/crossplane-aws/options';
import { POSTGRES_PORT, POSTGRES_USERNAME, postgresConnection, postgresPasswordSecret } from '../recipes/crossplane-aws/postgres';
import { queueConnection, sqsQueueScaler } from '../recipes/crossplane-aws/queue';
import { REDIS_PORT, redisAuthSecret, redisConnection } from '../recipes/crossplane-aws/redis';
import type { PostgresSpec } from '../resources/postgres';

/**
 * The `pulumi-aws` recipe: the same AWS resources as `crossplane-aws` (SQS
 * queue + DLQ with redrive, RDS, ElastiCache, S3, an IAM role per workload
 * for IRSA), created as Pulumi resources of `@pulumi/aws` by the
 * `Libk8sApp` component instead of as Crossplane managed resources.
 *
 * This file loads no Pulumi package at run time (its Pulumi imports are
 * types only): rendering an environment that selects the recipe, in
 * `libk8s synth` too, emits only each resource's connection Secret
 * `<id>-connection` (with the documented keys; values not known before the
 * cloud resource exists are empty placeholders) and records each
 * workload's IAM role as a plain description. `Libk8sApp` calls
 * `pulumiResources()` and `pulumiIdentity()`, which load `@pulumi/aws`,
 * and fills the Secret from the resources' outputs, so the workloads'
 * objects are the same as with `crossplane-aws`.
 */

/** The name environments select the recipe by. */
export const PULUMI_AWS = 'pulumi-aws';

/** The annotation on a connection Secret whose values Pulumi fills from the cloud resource's outputs. */
export const PULUMI_PLACEHOLDER_ANNOTATION = 'libk8s.io/filled-by';

/** Options of the `pulumi-aws` recipe: those of `crossplane-aws` (but the Crossplane provider config), and Pulumi's. */
export interface PulumiAwsOptions extends Omit<CrossplaneAwsOptions, 'providerConfig'> {
  /**
   * The `@pulumi/aws` provider every AWS resource is created with. Its region
   * should be `region` (the ARNs and URLs libk8s derives name it).
   * @default - the stack's default AWS provider
   */
  readonly provider?: ProviderResource;
  /**
   * The Postgres master password and the Redis auth token of a resource.
   * @default - the Pulumi config secret `libk8s:<id>-password` (`pulumi config set --secret libk8s:db-password …`)
   */
  readonly password?: (resource: ResourceRef, env: Environment) => Input<string>;
}

/** The IAM role of one workload, as the recipe derived it from the wiring during render: a plain description. */
export interface IdentityPlan {
  /** The workload. */
  readonly workload: WorkloadRef;
  /** The IAM role name, `<prefix><app>-<env>-<workload>`. */
  readonly roleName: string;
  /** Its ARN, as the ServiceAccount's `eks.amazonaws.com/role-arn` names it. */
  readonly roleArn: string;
  /** The role's description. */
  readonly description: string;
  /** The trust policy (IRSA, plus the KEDA operator's role for a queue consumer), JSON. */
  readonly assumeRolePolicy: string;
  /** The inline permission policy: exactly the wiring's grants on exactly the resources' ARNs, JSON. */
  readonly policy: string;
  /** The resources the grants are on (the role policy is created after them). */
  readonly resources: readonly ResourceRef[];
  /** The role's tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What `pulumiResources()` created for one resource. */
export interface PulumiProvisioned {
  /** The cloud resources by Pulumi name, in creation order. */
  readonly resources: Readonly<Record<string, Resource>>;
  /**
   * The values of the Secrets the recipe rendered for the resource (its
   * connection Secret `<id>-connection`, and `<id>-password` for Postgres and
   * Redis), by Secret name and key, from the resources' outputs.
   */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, Input<string>>>>>;
}

/** What `pulumiIdentity()` created for one workload. */
export interface PulumiIdentity {
  /** The IAM role and its policy, by Pulumi name. */
  readonly resources: Readonly<Record<string, Resource>>;
  /** The role's name. */
  readonly roleName: Input<string>;
  /** The role's ARN. */
  readonly roleArn: Input<string>;
}

/** A recipe whose cloud resources `Libk8sApp` creates as Pulumi resources. */
export interface PulumiRecipe extends Recipe {
  /** Creates the cloud resources of `resource` in `env` as children of `parent`. */
  pulumiResources(resource: ResourceRef, env: Environment, parent: Resource): PulumiProvisioned;
  /** The workload identities the last render of `env` derived. */
  pulumiIdentities(env: Environment): readonly IdentityPlan[];
  /** Creates one workload's identity as children of `parent`, after `dependsOn`. */
  pulumiIdentity(plan: IdentityPlan, env: Environment, parent: Resource, dependsOn: readonly Resource[]): PulumiIdentity;
}

/** Whether `recipe` creates Pulumi resources (the adapter calls its hooks). */
export function isPulumiRecipe(recipe: Recipe | undefined): recipe is PulumiRecipe {
  return !!recipe && typeof (recipe as Partial<PulumiRecipe>).pulumiResources === 'function' && typeof (recipe as Partial<PulumiRecipe>).pulumiIdentity === 'function';
}

const PROVIDES: readonly ResourceType[] = ['queue', 'postgres', 'redis', 'bucket'];

/** The recipe's options with the defaults resolved (`crossplane-aws`'s, and Pulumi's own). */
export interface PulumiAwsResolved extends ResolvedOptions {
  /** See PulumiAwsOptions.provider. */
  readonly provider?: ProviderResource;
  /** See PulumiAwsOptions.password. */
  readonly password?: (resource: ResourceRef, env: Environment) => Input<string>;
}

/**
 * The `pulumi-aws` recipe. Register it and select it for the environments
 * Pulumi deploys:
 * `platform: { recipes: [pulumiAws({ accountId, region, oidcProvider })], environmentRecipes: { prod: 'pulumi-aws' } }`.
 */
export function pulumiAws(options: PulumiAwsOptions = {}): PulumiRecipe {
  const o: PulumiAwsResolved = { ...resolveOptions(options), provider: options.provider, password: options.password };
  const identities = new WeakMap<Environment, Map<WorkloadRef, IdentityPlan>>();
  let aws: typeof import('./aws') | undefined;
  const load = () => {
    // loaded only when Pulumi deploys: `libk8s synth` of the same program never needs @pulumi/aws
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    aws ??= require('./aws') as typeof import('./aws');
    return aws;
  };

  const connection = (resource: ResourceRef, env: Environment): Connection => {
    switch (resource.resourceType) {
      case 'queue': return queueConnection(o, resource, env);
      case 'bucket': return bucketConnection(o, resource, env);
      // the provider-written shapes of crossplane-aws, so a workload's objects are the same under either recipe
      case 'postgres': return postgresConnection(o, resource, env);
      case 'redis': return redisConnection(o, resource, env);
      default: throw notProvided(resource);
    }
  };

  return {
    name: PULUMI_AWS,
    provides: PROVIDES,
    check(resource: ResourceRef, env: Environment, problems: ProblemList): void {
      checkOptions(o, env, problems);
      checkCloudNames(o, resource, env, problems);
    },
    connection,
    provision(resource: ResourceRef, ctx: RecipeContext): void {
      // no cloud objects for Kubernetes: Libk8sApp creates them with @pulumi/aws and fills this Secret from their outputs
      for (const [name, values] of Object.entries(placeholders(o, resource, ctx.environment))) {
        const metadata = resource.standardMetadata(ctx, name);
        new ApiObject(ctx.scope, name === `${resource.name}-connection` ? 'ConnectionSecret' : 'PasswordSecret', {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { ...metadata, annotations: { ...metadata.annotations, [PULUMI_PLACEHOLDER_ANNOTATION]: 'pulumi' } },
          type: 'Opaque',
          stringData: values,
        });
      }
    },
    identity(workload: WorkloadRef, grants: readonly Grant[], ctx: RenderContext): IdentityBinding {
      const env = ctx.environment;
      const statements = policyStatements(workload, grants, env.name);
      if (statements.length === 0) return {};
      const name = roleName(o, workload, env);
      const plan: IdentityPlan = {
        workload,
        roleName: name,
        roleArn: roleArn(o, name),
        description: `libk8s workload identity of ${workload.kind} '${workload.node.id}' of ${workload.app.name} in ${env.name}`,
        assumeRolePolicy: trustPolicy(o, env.namespace, workload.serviceAccountName, grants.some((g) => g.access === 'consume')),
        policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        resources: [...new Set(grants.map((g) => g.resource))],
        tags: tags(workload, env),
      };
      let plans = identities.get(env);
      if (!plans) identities.set(env, (plans = new Map()));
      plans.set(workload, plan);
      return {
        serviceAccountAnnotations: { [ROLE_ARN_ANNOTATION]: plan.roleArn },
        network: [{ kind: 'cidr', cidrs: o.apiCidrs, ports: [443] }],
      };
    },
    checkIdentity: (workload, grants, env, problems) => checkAwsIdentity(o, workload, grants, env, problems),
    queueScaler: (queue, _connection, _workload, env) => sqsQueueScaler(o, queue, env),
    pulumiResources: (resource, env, parent) => load().provisionAws(o, resource, env, parent),
    pulumiIdentities: (env) => [...(identities.get(env)?.values() ?? [])],
    pulumiIdentity: (plan, env, parent, dependsOn) => load().identityAws(o, plan, env, parent, dependsOn),
  };
}

/**
 * The Secrets the recipe renders for a resource, as `libk8s synth` would
 * write them: the values known before the cloud resource exists, empty
 * strings for the others, and no `password` (Libk8sApp fills them from the
 * outputs, the password as a Pulumi secret; no password is ever rendered,
 * so none can land in git and guardrail `secret-literal` holds). The keys
 * are those `crossplane-aws`'s provider writes, so workloads read them alike:
 * `<id>-connection` with the documented keys (and Redis's
 * `primary_endpoint_address`), `<id>-password` with `password`.
 */
export function placeholders(o: ResolvedOptions, resource: ResourceRef, env: Environment): Record<string, Record<string, string>> {
  const connection = `${resource.name}-connection`;
  switch (resource.resourceType) {
    case 'queue': {
      const name = queueName(o, resource, env);
      return { [connection]: { url: queueUrl(o, name), name, arn: queueArn(o, name), region: o.region, endpoint: sqsEndpoint(o) } };
    }
    case 'bucket': {
      const name = bucketName(o, resource, env);
      return { [connection]: { name, region: o.region, endpoint: s3Endpoint(o), arn: bucketArn(o, name) } };
    }
    case 'postgres': {
      const spec = resource.spec as unknown as PostgresSpec;
      return {
        [connection]: { host: '', port: String(POSTGRES_PORT), database: spec.databaseName, username: POSTGRES_USERNAME },
        [postgresPasswordSecret(resource)]: {},
      };
    }
    case 'redis': return {
      [connection]: { host: '', primary_endpoint_address: '', port: String(REDIS_PORT), tls: 'true' },
      [redisAuthSecret(resource)]: {},
    };
    default: throw notProvided(resource);
  }
}

function notProvided(resource: ResourceRef): Libk8sError {
  return new Libk8sError([{
    kind: resource.kind, id: resource.node.id, path: resource.displayPath,
    message: `is a ${resource.resourceType}, which recipe '${PULUMI_AWS}' does not provide (it provides ${PROVIDES.join(', ')})`,
    fix: `select a recipe that provides ${resource.resourceType} for it.`,
  }]);
}
