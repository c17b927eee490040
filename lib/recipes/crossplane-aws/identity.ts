import type { RenderContext } from '../../core/component';
import type { Environment } from '../../core/environment';
import type { ProblemList } from '../../core/errors';
import { Libk8sError } from '../../core/errors';
import type { Grant, IdentityBinding, WorkloadRef } from '../../core/recipe';
import { API, managedResource } from './managed';
import { ROLE_NAME_MAX, roleArn, roleName } from './names';
import { ResolvedOptions, tags } from './options';

/**
 * A workload's AWS identity for IRSA: an IAM Role its ServiceAccount may
 * assume through the cluster's OIDC provider, and an inline RolePolicy of
 * exactly the grants its wiring says, on exactly the resources' ARNs.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 */

/** The ServiceAccount annotation the EKS pod identity webhook reads the role from. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** The IAM policy language version. */
const VERSION = '2012-10-17';

/** One statement of the permission policy, before it is written as JSON. */
export interface PolicyStatement {
  /** `<Access><ResourceId>` in PascalCase, numbered when two would be equal. */
  readonly Sid: string;
  /** Always Allow: the policy grants exactly what the wiring says. */
  readonly Effect: 'Allow';
  /** The actions, sorted. */
  readonly Action: readonly string[];
  /** The resource's ARN (and, for a bucket, its objects). */
  readonly Resource: readonly string[];
}

/** The actions each grant gives, by resource type and access; `connect` gives none (network and credentials only). */
const ACTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  queue: {
    send: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  },
  bucket: {
    read: ['s3:ListBucket', 's3:GetObject'],
    readwrite: ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  },
  postgres: { connect: [] },
  redis: { connect: [] },
};

/**
 * The permission statements of `grants`: one per grant that needs a cloud
 * permission, its actions sorted, scoped to the resource's ARN (and, for a
 * bucket, its objects `<arn>/*`), sorted by Sid.
 */
export function policyStatements(workload: WorkloadRef, grants: readonly Grant[], envName: string): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const g of grants) {
    const actions = ACTIONS[g.resource.resourceType]?.[g.access];
    if (actions === undefined) {
      throw identityError(workload, envName, `${g.access === 'send' ? 'sendTo' : 'connect'}(${g.resource.node.id})`,
        `has '${g.access}' access to ${g.resource.kind} '${g.resource.node.id}', which recipe 'crossplane-aws' has no IAM permission for`,
        `use sendTo() or a QueueWorker for a Queue, connect() for a Bucket, Postgres or Redis.`);
    }
    if (actions.length === 0) continue;
    const arn = g.connection.ids.arn;
    if (!arn) {
      throw identityError(workload, envName, `connect(${g.resource.node.id})`, `is wired to ${g.resource.kind} '${g.resource.node.id}', whose connection names no ARN`,
        "build grants from recipe 'crossplane-aws' connection() of the resource.");
    }
    out.push({
      Sid: `${pascal(g.access)}${pascal(g.resource.node.id)}`,
      Effect: 'Allow',
      Action: [...actions].sort(),
      Resource: g.resource.resourceType === 'bucket' ? [arn, `${arn}/*`] : [arn],
    });
  }
  const key = (s: PolicyStatement) => `${s.Sid}\u0000${s.Resource[0]}`;
  out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const seen = new Map<string, number>();
  return out.map((s) => {
    const n = (seen.get(s.Sid) ?? 0) + 1;
    seen.set(s.Sid, n);
    return n === 1 ? s : { ...s, Sid: `${s.Sid}${n}` };
  });
}

/**
 * The trust policy: the workload's ServiceAccount through the cluster's OIDC
 * provider (IRSA) and, when the workload consumes a queue, the KEDA
 * operator's role with `sts:AssumeRole`, so KEDA's `aws` pod identity with
 * `identityOwner: workload` can read the queue depth as the workload.
 * @see https://keda.sh/docs/latest/authentication-providers/aws/
 */
export function trustPolicy(o: ResolvedOptions, namespace: string, serviceAccount: string, keda: boolean): string {
  const statements: unknown[] = [{
    Sid: 'ServiceAccount',
    Effect: 'Allow',
    Principal: { Federated: `arn:${o.partition}:iam::${o.accountId}:oidc-provider/${o.oidcProvider}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${o.oidcProvider}:aud`]: 'sts.amazonaws.com',
        [`${o.oidcProvider}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
      },
    },
  }];
  if (keda) statements.push({ Sid: 'KedaOperator', Effect: 'Allow', Principal: { AWS: o.kedaOperatorRoleArn }, Action: 'sts:AssumeRole' });
  return JSON.stringify({ Version: VERSION, Statement: statements });
}

/** The problems of a workload's identity in `env`: its IAM role name over IAM's limits. */
export function checkAwsIdentity(o: ResolvedOptions, workload: WorkloadRef, grants: readonly Grant[], env: Environment, problems: ProblemList): void {
  if (!grants.some((g) => (ACTIONS[g.resource.resourceType]?.[g.access]?.length ?? 1) > 0)) return;
  const name = roleName(o, workload, env);
  if (name.length > ROLE_NAME_MAX || !/^[\w+=,.@-]+$/.test(name)) {
    problems.add('id', `${JSON.stringify(name)} (its IAM role name in environment '${env.name}') is ${name.length} characters long; IAM allows at most ${ROLE_NAME_MAX} of letters, digits and +=,.@_-`,
      'use a shorter workload id, app name, environment name or namePrefix.', env.name);
  }
}

/**
 * Emits iam Role `<workload>` and iam RolePolicy `<workload>` in `ctx.scope`
 * and returns the ServiceAccount annotation and the egress to STS. Grants
 * that need no permission (`connect` to Postgres or Redis) make no role.
 */
export function awsIdentity(o: ResolvedOptions, workload: WorkloadRef, grants: readonly Grant[], ctx: RenderContext): IdentityBinding {
  const env = ctx.environment;
  const statements = policyStatements(workload, grants, env.name);
  if (statements.length === 0) return {};
  const name = roleName(o, workload, env);
  if (name.length > ROLE_NAME_MAX || !/^[\w+=,.@-]+$/.test(name)) {
    throw identityError(workload, env.name, 'id', `${JSON.stringify(name)} (its IAM role name) is ${name.length} characters long; IAM allows at most ${ROLE_NAME_MAX} of letters, digits and +=,.@_-`,
      'use a shorter workload id, app name, environment name or namePrefix.');
  }
  managedResource(ctx.scope, 'Role', o, {
    apiVersion: API.iam,
    kind: 'Role',
    metadata: workload.standardMetadata(ctx),
    externalName: name,
    forProvider: {
      description: `libk8s workload identity of ${workload.kind} '${workload.node.id}' of ${workload.app.name} in ${env.name}`,
      assumeRolePolicy: trustPolicy(o, env.namespace, workload.serviceAccountName, grants.some((g) => g.access === 'consume')),
      tags: tags(workload, env),
    },
  });
  managedResource(ctx.scope, 'RolePolicy', o, {
    apiVersion: API.iam,
    kind: 'RolePolicy',
    metadata: workload.standardMetadata(ctx),
    // the inline policy's name; the provider identifies it as <role>:<name>
    externalName: name,
    forProvider: {
      policy: JSON.stringify({ Version: VERSION, Statement: statements }),
      roleRef: { name: workload.name },
    },
  });
  return {
    serviceAccountAnnotations: { [ROLE_ARN_ANNOTATION]: roleArn(o, name) },
    network: [{ kind: 'cidr', cidrs: o.apiCidrs, ports: [443] }],
  };
}

/** `readwrite` → `Readwrite`, `media-uploads` → `MediaUploads`: IAM Sids are alphanumeric. */
function pascal(s: string): string {
  return s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function identityError(workload: WorkloadRef, env: string, prop: string, message: string, fix: string): Libk8sError {
  return new Libk8sError([{ kind: workload.kind, id: workload.node.id, path: workload.displayPath, prop, message, fix, environment: env }]);
}
