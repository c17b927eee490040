import type { Environment } from '../core/environment';
import type { Grant, IdentityBinding, WorkloadRef } from '../core/recipe';

/**
 * Workload identity bindings for clouds other than AWS, for platform recipes
 * (and the `external` recipe's `identity` option): what a workload's
 * ServiceAccount and pods carry so the cluster's identity webhook gives it
 * cloud credentials. The cloud-side grant (an IAM binding) is the
 * platform's recipe's business.
 */
export type IdentityFunction = (workload: WorkloadRef, grants: readonly Grant[], env: Environment) => IdentityBinding;

/** Options of GKE Workload Identity. */
export interface GkeWorkloadIdentityOptions {
  /** The Google Cloud project the service accounts live in. */
  readonly project: string;
  /**
   * The Google service account id (before `@`) of a workload.
   * @default - `<app>-<env>-<workload>`, cut to the 30 characters Google allows
   */
  readonly serviceAccount?: (workload: WorkloadRef, env: Environment) => string;
}

/**
 * GKE Workload Identity: the ServiceAccount is annotated with the Google
 * service account it impersonates.
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
 */
export function gkeWorkloadIdentity(options: GkeWorkloadIdentityOptions): IdentityFunction {
  return (workload, _grants, env) => {
    const id = options.serviceAccount?.(workload, env) ?? `${workload.app.name}-${env.name}-${workload.name}`.slice(0, 30).replace(/-+$/, '');
    return { serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': `${id}@${options.project}.iam.gserviceaccount.com` } };
  };
}

/** Options of Microsoft Entra Workload ID on AKS. */
export interface AzureWorkloadIdentityOptions {
  /** The client id of the managed identity (or app registration) a workload uses. */
  readonly clientId: (workload: WorkloadRef, env: Environment) => string;
  /**
   * The Entra tenant, when it differs from the cluster's.
   * @default - the cluster's tenant
   */
  readonly tenantId?: string;
}

/**
 * Azure (Microsoft Entra) Workload ID: the ServiceAccount names the client
 * id, and the pods carry `azure.workload.identity/use: "true"` so the
 * webhook projects the token.
 * @see https://learn.microsoft.com/azure/aks/workload-identity-overview
 */
export function azureWorkloadIdentity(options: AzureWorkloadIdentityOptions): IdentityFunction {
  return (workload, _grants, env) => ({
    serviceAccountAnnotations: {
      'azure.workload.identity/client-id': options.clientId(workload, env),
      ...(options.tenantId ? { 'azure.workload.identity/tenant-id': options.tenantId } : {}),
    },
    podLabels: { 'azure.workload.identity/use': 'true' },
  });
}
