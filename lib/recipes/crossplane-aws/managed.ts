import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedOptions } from './options';

/**
 * Crossplane v2 namespaced managed resources of provider-upjet-aws, as the
 * recipe writes them.
 */

/** The API versions of the managed resources the recipe emits. */
export const API = {
  sqs: 'sqs.aws.m.upbound.io/v1beta1',
  rds: 'rds.aws.m.upbound.io/v1beta1',
  elasticache: 'elasticache.aws.m.upbound.io/v1beta1',
  s3: 's3.aws.m.upbound.io/v1beta1',
  iam: 'iam.aws.m.upbound.io/v1beta1',
} as const;

/** The annotation Crossplane reads the cloud resource's identifier from. */
export const EXTERNAL_NAME = 'crossplane.io/external-name';

/**
 * Every management policy but Delete: Crossplane creates, updates and
 * observes the resource, and leaves it in the cloud when the managed
 * resource is deleted (the CRDs' enum: Observe, Create, Update, Delete,
 * LateInitialize, `*`).
 * @see https://docs.crossplane.io/latest/managed-resources/managed-resources/#managementpolicies
 */
export const RETAIN_POLICIES: readonly string[] = ['Observe', 'Create', 'Update', 'LateInitialize'];

/** Metadata as Component.standardMetadata returns it. */
export interface Metadata {
  /** `metadata.name`. */
  readonly name: string;
  /** The environment's namespace. */
  readonly namespace: string;
  /** The standard labels. */
  readonly labels: Record<string, string>;
  /** The environment's annotations. @default - none */
  readonly annotations?: Record<string, string>;
}

/** One managed resource. */
export interface ManagedResourceProps {
  /** One of {@link API}. */
  readonly apiVersion: string;
  /** The managed resource kind, e.g. `Queue`. */
  readonly kind: string;
  /** Its metadata (the external-name annotation is added here). */
  readonly metadata: Metadata;
  /**
   * The cloud identifier, for resources whose provider config reads it from
   * the external-name annotation (name or parameter as identifier); omitted
   * where the provider assigns the identifier (SQS queue URL, RDS resource id).
   * @default - none: the provider assigns it
   */
  readonly externalName?: string;
  /** `spec.forProvider`; undefined values are left out. */
  readonly forProvider: Record<string, unknown>;
  /** Keep the cloud resource when the managed resource goes (no Delete policy). @default false */
  readonly retain?: boolean;
  /** The Secret (same namespace) the provider writes connection details to. @default - none */
  readonly connectionSecret?: string;
}

/** Creates a managed resource in `scope` with the recipe's provider config and, when retained, no Delete policy. */
export function managedResource(scope: Construct, id: string, o: ResolvedOptions, p: ManagedResourceProps): ApiObject {
  const annotations = { ...p.metadata.annotations, ...(p.externalName === undefined ? {} : { [EXTERNAL_NAME]: p.externalName }) };
  return new ApiObject(scope, id, {
    apiVersion: p.apiVersion,
    kind: p.kind,
    metadata: { ...p.metadata, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: {
      ...(p.retain ? { managementPolicies: [...RETAIN_POLICIES] } : {}),
      providerConfigRef: { kind: o.providerConfig.kind, name: o.providerConfig.name },
      forProvider: withoutUndefined(p.forProvider),
      ...(p.connectionSecret ? { writeConnectionSecretToRef: { name: p.connectionSecret } } : {}),
    },
  });
}

/** A Secret of non-secret, deterministic connection values (the resource's documented keys). */
export function connectionSecret(scope: Construct, metadata: Metadata, values: Readonly<Record<string, string>>): ApiObject {
  return new ApiObject(scope, 'ConnectionSecret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: 'Opaque',
    stringData: { ...values },
  });
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
