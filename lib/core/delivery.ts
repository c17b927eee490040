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

/** What a delivery sees of the whole app once every environment is serialized. */
export interface DeliveryAppContext {
  readonly app: App;
  /** The environments synthesized, in order. */
  readonly environments: readonly Environment[];
  /** Per environment: the `apiVersion`/`kind` of every object it holds (for an AppProject's allow-lists). */
  readonly kinds: ReadonlyMap<string, readonly { readonly apiVersion: string; readonly kind: string; readonly namespaced: boolean }[]>;
  /** Where the delivery points a GitOps tool: the repository, revision and path prefix of the output. */
  readonly source: DeliverySource;
}

/** The git (or OCI) source a GitOps tool reads the synthesized output from. */
export interface DeliverySource {
  /** The repository URL (git) or artifact URL (`oci://…`). @default - none: required by argo-cd and flux */
  readonly repo?: string;
  /** Branch, tag or commit. @default 'main' */
  readonly revision: string;
  /** The output directory's path inside the repository. @default 'dist' */
  readonly path: string;
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
   * The subfolder of the environment's folder that holds objects of
   * `role`, for tools that apply resources before workloads as two units
   * (Flux). @default - every object in the environment's folder itself
   */
  folder?(role: ObjectRole): string | undefined;
  /**
   * Objects of the environment that no construct renders (e.g. its
   * Namespace): written and checked like the app's own objects, in the
   * environment's folder under the file name given.
   */
  environmentObjects?(ctx: DeliveryContext): ReadonlyMap<string, Record<string, any>>;
  /**
   * Objects written as extra files in the environment's folder, by file
   * name (e.g. `kustomization.yaml`); `files` are the files the folder
   * holds so far, sorted.
   */
  environmentFiles?(files: readonly string[], ctx: DeliveryContext): ReadonlyMap<string, Record<string, unknown>>;
  /**
   * The GitOps tool's own objects (an Argo CD Application, Flux
   * Kustomizations), by file name, written to `<outdir>/_delivery/<app>/`
   * and checked like every other object; never applied by the
   * environments' kustomizations.
   */
  deliveryObjects?(ctx: DeliveryAppContext): ReadonlyMap<string, readonly Record<string, any>[]>;
}
