import type { AnyComponent, RenderContext } from './component';
import type { Environment } from './environment';
import type { ProblemList } from './errors';

/**
 * Recipes decide how a resource becomes real in one environment: as cloud
 * resources (crossplane-aws), as a small in-cluster stand-in (in-cluster), or
 * as something that already exists (external). Constructs never name a cloud;
 * `core` only declares these interfaces and the registry.
 */

/** The kinds of resource libk8s has constructs for; platform recipes may add their own. */
export type ResourceType = 'queue' | 'postgres' | 'redis' | 'bucket' | (string & {});

/**
 * What a workload may do with a resource, derived from the wiring:
 * `sendTo(queue)` is `send`, a QueueWorker's queue is `consume`,
 * `connect(bucket)` is `readwrite`, `connect(db)` is `connect` (network and
 * credentials only, no cloud permission).
 */
export type Access = 'send' | 'consume' | 'read' | 'readwrite' | 'connect';

/** Where a workload reads one connection value from. */
export type ConnectionValue =
  /** A key of a Secret in the environment's namespace. */
  | { readonly secret: string; readonly key: string }
  /** A value known at synth time that is not secret (a queue URL, a database name). */
  | { readonly value: string };

/** How a workload's pods reach a resource over the network. */
export type NetworkPeer =
  /** Pods in the same namespace, selected by one label (an in-cluster stand-in). */
  | { readonly kind: 'pods'; readonly selector: Readonly<Record<string, string>>; readonly ports: readonly number[] }
  /** Addresses outside the cluster (a managed service, a cloud API). */
  | { readonly kind: 'cidr'; readonly cidrs: readonly string[]; readonly ports: readonly number[] };

/** How workloads use a resource in one environment. A pure description: computing it emits nothing. */
export interface Connection {
  /**
   * The resource's connection Secret (documented shape per resource type).
   * Workloads get its values as environment variables.
   */
  readonly secretName: string;
  /**
   * Each key the resource type documents (e.g. `url`, `deadLetterUrl`) to
   * where its value comes from; a workload gets it as `<ID>_<KEY>` in upper
   * snake case (`ORDERS_URL`, `ORDERS_DEAD_LETTER_URL`).
   */
  readonly values: Readonly<Record<string, ConnectionValue>>;
  /** What a connecting workload's NetworkPolicy allows egress to. */
  readonly network: readonly NetworkPeer[];
  /** Cloud identifiers recipes use for grants, e.g. `{ arn, deadLetterArn }`. */
  readonly ids: Readonly<Record<string, string>>;
}

/** A resource as recipes see it: its type, name, the props it was created with. */
export interface ResourceRef extends AnyComponent {
  /** What kind of resource it is, e.g. `queue`; environments select recipes by it. */
  readonly resourceType: ResourceType;
  /** The resolved props of the resource (see each construct's props). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** The keys its type documents for the connection Secret, in order (e.g. Postgres: host, port, database, username, password). */
  readonly connectionKeys: readonly string[];
  /** The recipe that provisions it in `env`, if one is registered that provides its type. */
  recipe(env: Environment): Recipe | undefined;
  /** How workloads reach it in `env` (a pure description); only where it has a recipe. */
  connection(env: Environment): Connection;
}

/** A Queue as workloads see it (a QueueWorker consumes one). */
export interface QueueRef extends ResourceRef {
  readonly resourceType: 'queue';
  /** The resolved props; `visibilityTimeoutSeconds` bounds a consumer's grace period. */
  readonly spec: Readonly<Record<string, unknown>> & { readonly visibilityTimeoutSeconds?: number };
}

/** Connection values that each come from the key of the same name in Secret `secret`. */
export function secretValues(secret: string, keys: readonly string[]): Record<string, ConnectionValue> {
  return Object.fromEntries(keys.map((key) => [key, { secret, key }]));
}

/** A workload as recipes see it when they make its cloud identity. */
export interface WorkloadRef extends AnyComponent {
  /** The workload's ServiceAccount name (its `metadata.name`). */
  readonly serviceAccountName: string;
}

/** One permission a workload holds on a resource, derived from the wiring. */
export interface Grant {
  /** The resource the permission is on. */
  readonly resource: ResourceRef;
  /** What the workload may do with it. */
  readonly access: Access;
  /** How the resource is reached in the environment (its `ids` name it for the grant). */
  readonly connection: Connection;
}

/** What a recipe adds to a workload so it can use its cloud identity. */
export interface IdentityBinding {
  /**
   * Annotations on the workload's ServiceAccount (e.g.
   * `eks.amazonaws.com/role-arn`). Two recipes that give one key different
   * values in an environment are a problem.
   * @default - none
   */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Labels on the workload's pods (e.g. `azure.workload.identity/use`).
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Egress the identity needs (e.g. HTTPS to the cloud's token service).
   * @default - none
   */
  readonly network?: readonly NetworkPeer[];
  /**
   * Environment variables the workload needs to use the identity, by their
   * full name (e.g. `AWS_REGION`); secret values only as Secret references.
   * A name the workload's own `env` or the wiring also sets is a problem.
   * @default - none
   */
  readonly env?: Readonly<Record<string, ConnectionValue>>;
}

/** A KEDA trigger for scaling on a queue, and how KEDA authenticates to read its depth. */
export interface QueueScaler {
  /** The KEDA scaler type, e.g. `aws-sqs-queue`. */
  readonly type: string;
  /** The scaler's metadata (queue URL, region, ...); libk8s adds the depth thresholds. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The metadata key that holds the messages-per-replica target, e.g. `queueLength`. */
  readonly lengthKey: string;
  /** The metadata key for the activation threshold, e.g. `activationQueueLength`. */
  readonly activationKey: string;
  /** The TriggerAuthentication spec: pod identity or secret references, never static keys in it. */
  readonly authentication: Readonly<Record<string, unknown>>;
}

/** A guardrail rule a recipe's objects knowingly break, and why. */
export interface RecipeWaiver {
  /** The rule id (or an alias). */
  readonly rule: string;
  /** Why the rule does not apply. */
  readonly reason: string;
  /** Only objects of this kind. @default - every kind */
  readonly kind?: string;
}

/** What a recipe gets when it renders: the environment and the wiring that concerns the resource. */
export interface RecipeContext extends RenderContext {
  /** Workloads that use this resource, with the access each has. */
  readonly users: readonly { readonly workload: WorkloadRef; readonly access: Access }[];
}

/**
 * How resources become real in an environment. Implement it to add your own
 * (a GCP recipe, your company's Crossplane XRDs) and register it with
 * `platform.recipes`.
 */
export interface Recipe {
  /** The name environments select it by, e.g. `crossplane-aws`. */
  readonly name: string;
  /** The resource types it can provision. */
  readonly provides: readonly ResourceType[];
  /**
   * Checks what only the whole set can show (e.g. an option naming a
   * resource the app does not have), once per environment: `mine` are the
   * resources this recipe provisions there, `all` every resource of the app.
   * Problems are reported on the first of `mine`.
   */
  checkResources?(mine: readonly ResourceRef[], all: readonly ResourceRef[], env: Environment, problems: ProblemList): void;
  /** Adds a problem for anything about `resource` this recipe cannot provision in `env`. */
  check?(resource: ResourceRef, env: Environment, problems: ProblemList): void;
  /** How workloads use `resource` in `env`. Pure: it must not create objects. */
  connection(resource: ResourceRef, env: Environment): Connection;
  /** Creates the resource's objects in `ctx.scope` (may be none, for external resources). */
  provision(resource: ResourceRef, ctx: RecipeContext): void;
  /**
   * Creates a workload's cloud identity for `grants` (all on resources this
   * recipe provisions) in `ctx.scope`, and says what its ServiceAccount and
   * pods carry. Not called when the workload holds no grants from this recipe.
   * @default - no identity: a grant other than `connect` is then an error
   */
  identity?(workload: WorkloadRef, grants: readonly Grant[], ctx: RenderContext): IdentityBinding;
  /**
   * Adds a problem for anything about `workload`'s identity in `env` this
   * recipe cannot make (e.g. a role name over the cloud's limit), so it is
   * reported with every other problem before rendering.
   */
  checkIdentity?(workload: WorkloadRef, grants: readonly Grant[], env: Environment, problems: ProblemList): void;
  /**
   * Guardrail rules the objects of `resource` knowingly break in `env`, each
   * with the reason (e.g. a single-replica dev stand-in of a server that
   * does not cluster). They are reported as waived, like `waive()`.
   */
  waivers?(resource: ResourceRef, env: Environment): readonly RecipeWaiver[];
  /** The KEDA trigger for a queue this recipe provisions. */
  queueScaler?(queue: ResourceRef, connection: Connection, workload: WorkloadRef, env: Environment): QueueScaler;
}

/** Which recipe provisions resources in an environment: one name, or one per resource type. */
export type RecipeSelection = string | { readonly default: string } & { readonly [type: string]: string };

/**
 * The recipes an app can choose from, by name. The App holds one; a platform
 * package registers its own recipes (or replaces built-in ones) through
 * `platform.recipes`.
 */
export class RecipeRegistry {
  private readonly byName = new Map<string, Recipe>();

  constructor(recipes: readonly Recipe[] = []) {
    for (const r of recipes) this.register(r);
  }

  /** Adds a recipe; a later one with the same name replaces the earlier. */
  public register(recipe: Recipe): this {
    this.byName.set(recipe.name, recipe);
    return this;
  }

  public get(name: string): Recipe | undefined {
    return this.byName.get(name);
  }

  /** The registered names, sorted. */
  public get names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The names of recipes that provide `type`, sorted. */
  public providing(type: ResourceType): string[] {
    return this.names.filter((n) => this.byName.get(n)!.provides.includes(type));
  }
}

/** The recipe name an environment selects for `type`. */
export function selectRecipe(selection: RecipeSelection, type: ResourceType): string {
  return typeof selection === 'string' ? selection : selection[type] ?? selection.default;
}

/**
 * The construct id, under a workload's render scope, that holds the cloud
 * identity objects recipes create for it; they sync with the resources,
 * before the workload.
 */
export const IDENTITY_SCOPE = 'identity';

const BUILTIN: Recipe[] = [];

/**
 * @internal Registers a recipe every App knows without being told (the
 * `recipes/` folder registers crossplane-aws, in-cluster and external when
 * `libk8s` is imported). Core never imports a cloud.
 */
export function registerBuiltinRecipe(recipe: Recipe): void {
  const i = BUILTIN.findIndex((r) => r.name === recipe.name);
  if (i >= 0) BUILTIN[i] = recipe;
  else BUILTIN.push(recipe);
}

/** The built-in recipes, in registration order. */
export function builtinRecipes(): readonly Recipe[] {
  return BUILTIN;
}

/** Environment names that get in-cluster stand-ins unless they name a recipe. */
export const LOCAL_ENVIRONMENT_NAMES: readonly string[] = ['dev', 'local', 'kind', 'test'];

/**
 * The recipe selection of an environment that names none: the platform's
 * choice for it, else `in-cluster` for dev-like names (dev, local, kind, test),
 * else `crossplane-aws`.
 */
export function defaultRecipeSelection(envName: string, platformDefaults: Readonly<Record<string, RecipeSelection>> | undefined): RecipeSelection {
  return platformDefaults?.[envName] ?? platformDefaults?.['*'] ?? (LOCAL_ENVIRONMENT_NAMES.includes(envName) ? 'in-cluster' : 'crossplane-aws');
}
