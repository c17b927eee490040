import type { App } from './app';
import type { Environment } from './environment';
import type { ObjectRole } from './pipeline';

/**
 * How synthesized output reaches a cluster: the objects and files a GitOps
 * tool (or kustomize) needs beside the manifests, and the annotations that
 * order a sync. `lib/gitops` implements the built-in deliveries; the
 * pipeline runs every delivery the platform selects, in order.
 */
export interface DeliveryContext {
  readonly app: App;
  readonly environment: Environment;
}

export interface Delivery {
  /** The name the platform selects it by, e.g. `kustomize`. */
  readonly name: string;
  /**
   * Adjusts one rendered object's manifest before the construct's JSON
   * patches and the guardrails see it, e.g. Argo CD sync-wave annotations.
   * `role` says whether the object is a resource, a cloud identity or part
   * of a workload.
   */
  annotate?(manifest: Record<string, any>, role: ObjectRole, ctx: DeliveryContext): void;
  /**
   * Objects written as extra files in the environment's folder, by file
   * name (e.g. `kustomization.yaml`); `files` are the manifest files the
   * environment's folder holds, sorted.
   */
  environmentFiles?(files: readonly string[], ctx: DeliveryContext): ReadonlyMap<string, Record<string, unknown>>;
}
