import type { Environment } from '../../core/environment';
import { ProblemList, show } from '../../core/errors';
import { parseCidr } from '../../core/rules';
import type { ResourceRef } from '../../core/recipe';
import type { ResourceSize } from '../../resources/resource';

/** Where Crossplane finds the AWS credentials a managed resource is created with. */
export interface ProviderConfigRef {
  /**
   * `ClusterProviderConfig` (cluster-scoped, shared by every namespace) or
   * `ProviderConfig` (in the managed resource's own namespace).
   */
  readonly kind: 'ProviderConfig' | 'ClusterProviderConfig';
  /** Its name. */
  readonly name: string;
}

/**
 * Options of the `crossplane-aws` recipe. A platform team sets them once, in
 * its platform package: `platform: { recipes: [crossplaneAws({ accountId,
 * region, oidcProvider })] }`.
 */
export interface CrossplaneAwsOptions {
  /**
   * The AWS account (12 digits) the resources live in; it is part of every
   * ARN, queue URL, bucket name and IAM trust policy libk8s writes.
   *
   * ⚠️ The default is AWS's documentation placeholder, so that a program
   * renders out of the box. Nothing it names exists: a platform MUST set its
   * own account, or workload identities trust a provider that is not there
   * and grants point at ARNs of someone else's account.
   * @default '123456789012'
   */
  readonly accountId?: string;
  /**
   * The AWS region of every resource (`spec.forProvider.region`).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * The EKS cluster's OIDC issuer without `https://`, as IAM names the
   * identity provider: `oidc.eks.<region>.amazonaws.com/id/<ID>`. Workload
   * roles trust it for IRSA (`sts:AssumeRoleWithWebIdentity`).
   *
   * ⚠️ The default is a placeholder; set the issuer of your cluster.
   * @default 'oidc.eks.<region>.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
   * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
   */
  readonly oidcProvider?: string;
  /**
   * The Crossplane provider config every managed resource names
   * (`spec.providerConfigRef`).
   * @default { kind: 'ClusterProviderConfig', name: 'default' } (the CRDs' own default)
   */
  readonly providerConfig?: ProviderConfigRef;
  /**
   * Prepended to every cloud name. Cloud names are
   * `<namePrefix><app>-<environment>-<id>`, so two apps (or two clusters of
   * one account) never share a queue or a database.
   * @default ''
   */
  readonly namePrefix?: string;
  /**
   * The address blocks RDS and ElastiCache live in: connecting workloads get
   * NetworkPolicy egress to them on 5432 or 6379.
   * @default ['10.0.0.0/8']
   */
  readonly vpcCidrs?: readonly string[];
  /**
   * Where AWS APIs (SQS, S3, STS) are reached on 443: connecting workloads
   * get NetworkPolicy egress to these. Narrow it to your VPC endpoints'
   * subnets when you have them.
   * @default ['0.0.0.0/0']
   */
  readonly apiCidrs?: readonly string[];
  /**
   * The RDS DB subnet group databases are placed in.
   * @default - none: RDS uses the default VPC
   */
  readonly dbSubnetGroupName?: string;
  /**
   * The ElastiCache subnet group caches are placed in.
   * @default - none: ElastiCache uses the default VPC
   */
  readonly cacheSubnetGroupName?: string;
  /**
   * VPC security groups of databases and caches.
   * @default - none: the VPC's default security group
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * The IAM role the KEDA operator runs as. A workload that consumes a queue
   * lets this role assume its own (`sts:AssumeRole`), so KEDA reads the
   * queue depth with the workload's permissions (TriggerAuthentication
   * `podIdentity: { provider: aws, identityOwner: workload }`). The role must
   * exist, and be allowed `sts:AssumeRole` on the workload roles.
   * @default 'arn:aws:iam::<accountId>:role/keda-operator'
   * @see https://keda.sh/docs/latest/authentication-providers/aws/
   */
  readonly kedaOperatorRoleArn?: string;
  /**
   * The RDS instance class of each Postgres size.
   * @default { small: 'db.t4g.small', medium: 'db.m7g.large', large: 'db.m7g.2xlarge' }
   */
  readonly postgresInstanceClasses?: Partial<Readonly<Record<ResourceSize, string>>>;
  /**
   * The ElastiCache node type of each Redis size.
   * @default { small: 'cache.t4g.small', medium: 'cache.m7g.large', large: 'cache.r7g.xlarge' }
   */
  readonly redisNodeTypes?: Partial<Readonly<Record<ResourceSize, string>>>;
}

/** The options with every default resolved. */
export interface ResolvedOptions {
  /** See CrossplaneAwsOptions.accountId. */
  readonly accountId: string;
  /** See CrossplaneAwsOptions.region. */
  readonly region: string;
  /** See CrossplaneAwsOptions.oidcProvider. */
  readonly oidcProvider: string;
  /** See CrossplaneAwsOptions.providerConfig. */
  readonly providerConfig: ProviderConfigRef;
  /** See CrossplaneAwsOptions.namePrefix. */
  readonly namePrefix: string;
  /** See CrossplaneAwsOptions.vpcCidrs. */
  readonly vpcCidrs: readonly string[];
  /** See CrossplaneAwsOptions.apiCidrs. */
  readonly apiCidrs: readonly string[];
  /** See CrossplaneAwsOptions.dbSubnetGroupName. @default - none */
  readonly dbSubnetGroupName?: string;
  /** See CrossplaneAwsOptions.cacheSubnetGroupName. @default - none */
  readonly cacheSubnetGroupName?: string;
  /** See CrossplaneAwsOptions.securityGroupIds. @default - none */
  readonly securityGroupIds?: readonly string[];
  /** See CrossplaneAwsOptions.kedaOperatorRoleArn. */
  readonly kedaOperatorRoleArn: string;
  /** See CrossplaneAwsOptions.postgresInstanceClasses. */
  readonly postgresInstanceClasses: Readonly<Record<ResourceSize, string>>;
  /** See CrossplaneAwsOptions.redisNodeTypes. */
  readonly redisNodeTypes: Readonly<Record<ResourceSize, string>>;
  /** `aws`, `aws-cn` or `aws-us-gov`: the ARN partition of the region. */
  readonly partition: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in China. */
  readonly dnsSuffix: string;
}

/** AWS's documentation placeholder account. */
export const PLACEHOLDER_ACCOUNT_ID = '123456789012';

/** The RDS instance class of each Postgres size unless the options say otherwise. */
export const DEFAULT_POSTGRES_INSTANCE_CLASSES: Readonly<Record<ResourceSize, string>> = { small: 'db.t4g.small', medium: 'db.m7g.large', large: 'db.m7g.2xlarge' };
/** The ElastiCache node type of each Redis size unless the options say otherwise. */
export const DEFAULT_REDIS_NODE_TYPES: Readonly<Record<ResourceSize, string>> = { small: 'cache.t4g.small', medium: 'cache.m7g.large', large: 'cache.r7g.xlarge' };

/** Resolves the defaults once, when the recipe is made. */
export function resolveOptions(o: CrossplaneAwsOptions): ResolvedOptions {
  const accountId = o.accountId ?? PLACEHOLDER_ACCOUNT_ID;
  const region = o.region ?? 'us-east-1';
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return {
    accountId,
    region,
    oidcProvider: o.oidcProvider ?? `oidc.eks.${region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
    providerConfig: o.providerConfig ?? { kind: 'ClusterProviderConfig', name: 'default' },
    namePrefix: o.namePrefix ?? '',
    vpcCidrs: o.vpcCidrs ?? ['10.0.0.0/8'],
    apiCidrs: o.apiCidrs ?? ['0.0.0.0/0'],
    dbSubnetGroupName: o.dbSubnetGroupName,
    cacheSubnetGroupName: o.cacheSubnetGroupName,
    securityGroupIds: o.securityGroupIds,
    kedaOperatorRoleArn: o.kedaOperatorRoleArn ?? `arn:${partition}:iam::${accountId}:role/keda-operator`,
    postgresInstanceClasses: { ...DEFAULT_POSTGRES_INSTANCE_CLASSES, ...o.postgresInstanceClasses },
    redisNodeTypes: { ...DEFAULT_REDIS_NODE_TYPES, ...o.redisNodeTypes },
    partition,
    dnsSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
}

/** How a problem with an option names it. */
const opt = (name: string) => `crossplaneAws.${name}`;
const FIX_WHERE = "in the platform's crossplaneAws({ ... })";

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const OIDC = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[A-Za-z0-9._~-]+)*$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const PREFIX = /^([a-z][a-z0-9-]*)?$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const SUBNET_GROUP = /^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,254}$/;

/**
 * Adds a problem for each option that cannot work: reported with every
 * resource the recipe provisions, in every environment that selects it.
 */
export function checkOptions(o: ResolvedOptions, env: Environment, problems: ProblemList): void {
  const add = (name: string, message: string, fix: string) => problems.add(opt(name), message, fix, env.name);
  if (!/^\d{12}$/.test(o.accountId)) add('accountId', `${show(o.accountId)} is not an AWS account id (12 digits)`, `set your account, e.g. accountId: '123456789012', ${FIX_WHERE}.`);
  if (!REGION.test(o.region)) add('region', `${show(o.region)} is not an AWS region`, `use a region code like 'us-east-1' or 'eu-central-1' ${FIX_WHERE}.`);
  if (o.oidcProvider.startsWith('https://') || !OIDC.test(o.oidcProvider)) {
    add('oidcProvider', `${show(o.oidcProvider)} is not an OIDC issuer as IAM names it (host and path, without "https://")`,
      `use the cluster's issuer without the scheme, e.g. 'oidc.eks.${o.region}.amazonaws.com/id/<ID>' ${FIX_WHERE}.`);
  }
  const pc = o.providerConfig;
  if (pc.kind !== 'ProviderConfig' && pc.kind !== 'ClusterProviderConfig') {
    add('providerConfig.kind', `${show(pc.kind)} is not a provider config kind`, `use 'ClusterProviderConfig' or 'ProviderConfig' ${FIX_WHERE}.`);
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(pc.name ?? '') || pc.name.length > 253) {
    add('providerConfig.name', `${show(pc.name)} is not a Kubernetes object name`, `name an existing provider config, e.g. 'default', ${FIX_WHERE}.`);
  }
  if (!PREFIX.test(o.namePrefix) || o.namePrefix.length > 20) {
    add('namePrefix', `${show(o.namePrefix)} is not a usable name prefix (at most 20 lowercase letters, digits and '-', starting with a letter, as S3, RDS and ElastiCache names require)`,
      `use a prefix like 'acme-' ${FIX_WHERE}.`);
  }
  for (const [name, list] of [['vpcCidrs', o.vpcCidrs], ['apiCidrs', o.apiCidrs]] as const) {
    if (!Array.isArray(list) || list.length === 0) add(name, 'is empty, so connecting workloads would get no egress', `list at least one CIDR block ${FIX_WHERE}.`);
    else list.forEach((c, i) => { if (!parseCidr(c)) add(`${name}[${i}]`, `${show(c)} is not a CIDR block`, `use a block like '10.0.0.0/16' ${FIX_WHERE}.`); });
  }
  if (!ROLE_ARN.test(o.kedaOperatorRoleArn)) {
    add('kedaOperatorRoleArn', `${show(o.kedaOperatorRoleArn)} is not an IAM role ARN`, `use the ARN of the KEDA operator's role, e.g. 'arn:aws:iam::${o.accountId}:role/keda-operator', ${FIX_WHERE}.`);
  }
  for (const [name, value] of [['dbSubnetGroupName', o.dbSubnetGroupName], ['cacheSubnetGroupName', o.cacheSubnetGroupName]] as const) {
    if (value !== undefined && !SUBNET_GROUP.test(value)) add(name, `${show(value)} is not a subnet group name`, `name an existing subnet group ${FIX_WHERE}.`);
  }
  (o.securityGroupIds ?? []).forEach((sg, i) => {
    if (!SECURITY_GROUP.test(sg)) add(`securityGroupIds[${i}]`, `${show(sg)} is not a security group id`, `use an id like 'sg-0123456789abcdef0' ${FIX_WHERE}.`);
  });
  for (const [name, map, prefix] of [['postgresInstanceClasses', o.postgresInstanceClasses, 'db.'], ['redisNodeTypes', o.redisNodeTypes, 'cache.']] as const) {
    for (const [size, cls] of Object.entries(map)) {
      if (typeof cls !== 'string' || !cls.startsWith(prefix) || cls.length <= prefix.length) {
        add(`${name}.${size}`, `${show(cls)} is not ${prefix === 'db.' ? 'an RDS instance class' : 'an ElastiCache node type'}`, `use a class like '${prefix === 'db.' ? DEFAULT_POSTGRES_INSTANCE_CLASSES.small : DEFAULT_REDIS_NODE_TYPES.small}' ${FIX_WHERE}.`);
      }
    }
  }
}

/** The resource's cloud name: `<namePrefix><app>-<environment>-<id>`. */
export function cloudName(o: ResolvedOptions, resource: ResourceRef, env: Environment): string {
  return `${o.namePrefix}${resource.app.name}-${env.name}-${resource.node.id}`;
}

/** The tags every managed resource that has `tags` carries. */
export function tags(resource: { readonly app: { readonly name: string; readonly team: string } }, env: Environment): Record<string, string> {
  return { app: resource.app.name, environment: env.name, team: resource.app.team, 'managed-by': 'libk8s' };
}
