import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Component, PlacementProps, RenderContext } from '../core/component';
import { Environment } from '../core/environment';
import { Libk8sError, ProblemList, show } from '../core/errors';
import { Connection, Recipe, ResourceRef, ResourceType, selectRecipe } from '../core/recipe';
import { checkBoolean, checkDnsLabel } from '../core/rules';
import type { Waiver } from '../core/policy';
import { envPrefix, markResource, WiredValue, wiredValue, wiresTo } from '../core/wiring';

/** The size presets of managed services; each recipe maps them to its own classes. */
export type ResourceSize = 'small' | 'medium' | 'large';
export const RESOURCE_SIZES: readonly ResourceSize[] = ['small', 'medium', 'large'];

/** Props every resource shares. */
export interface ResourceProps<E extends string = string> extends PlacementProps<E> {
  /**
   * Keep the cloud resource when it is removed from the program (Crossplane
   * `managementPolicies` without Delete); data stores default to keeping it.
   * @default - true for Postgres and Bucket, false for Queue and Redis
   */
  readonly retain?: boolean;
}

/**
 * The base of Queue, Postgres, Redis and Bucket: a need, stated without a
 * cloud. The environment's recipe decides how it becomes real and how
 * workloads connect to it (a Secret of the shape its type documents).
 */
export abstract class Resource<S extends object = object> extends Component<Record<string, ApiObject | undefined>> implements ResourceRef {
  public abstract readonly resourceType: ResourceType;
  /** The props with their defaults resolved; what recipes read. */
  public readonly spec: Readonly<S>;
  /**
   * The keys of the connection Secret, in order; each becomes the
   * environment variable `<ID>_<KEY>` in a workload that connects.
   */
  public abstract readonly connectionKeys: readonly string[];

  /** The props as the program passed them, when they are not an object (reported, not crashed on). */
  private readonly badProps?: { readonly value: unknown };

  /**
   * @param spec the props with their defaults resolved
   * @param given the props as passed, so a non-object (from JavaScript) is a problem rather than a crash
   */
  protected constructor(scope: IConstruct, id: string, spec: S, given?: unknown) {
    super(scope, id, typeof given === 'object' && given !== null ? (given as { readonly environments?: unknown }).environments : undefined);
    markResource(this);
    this.spec = spec;
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) this.badProps = { value: given };
  }

  /** Props that are an object, whatever the program passed (defaults apply to anything else; validation reports it). */
  protected static propsOf<T extends object>(props: T | undefined): T {
    return (typeof props === 'object' && props !== null && !Array.isArray(props) ? props : {}) as T;
  }

  /** Provisioned before the workloads that use it. */
  public override get role(): 'resource' {
    return 'resource';
  }

  /** The prefix of the environment variables a connecting workload gets: `orders` → `ORDERS`. */
  public get envPrefix(): string {
    return envPrefix(this.node.id);
  }

  /**
   * A value of this resource's connection (a key of its Secret, or
   * `hostport` where it has a host and a port), for `Env.compose` in a
   * workload that connects to it: `` Env.compose`postgres://${db.ref('host')}:${db.ref('port')}` ``.
   */
  public ref(key: this['connectionKeys'][number] | 'hostport'): WiredValue {
    return wiredValue(this, key);
  }

  /** The recipe that provisions this resource in `env`, if it is registered and provides this type. */
  public recipe(env: Environment): Recipe | undefined {
    const recipe = this.app.recipeFor(this.resourceType, env);
    return recipe && recipe.provides.includes(this.resourceType) ? recipe : undefined;
  }

  /** How workloads reach this resource in `env` (a pure description). */
  public connection(env: Environment): Connection {
    // pure, and asked for by every wire in validation and rendering: computed once per environment
    let connection = this.connections.get(env);
    if (!connection) {
      const recipe = this.recipe(env);
      if (!recipe) {
        // validation reports a missing recipe first; this guards a recipe or test asking anyway
        throw new Libk8sError([{ kind: this.kind, id: this.node.id, path: this.displayPath, environment: env.name,
          message: `has no recipe in environment '${env.name}', so it has no connection there`,
          fix: `select a recipe that provides ${this.resourceType} for environment '${env.name}' (platform.environmentRecipes or the environment's recipes).` }]);
      }
      connection = recipe.connection(this, env);
      this.connections.set(env, connection);
    }
    return connection;
  }

  private readonly connections = new WeakMap<Environment, Connection>();

  protected validate(problems: ProblemList): void {
    checkDnsLabel(problems, 'id', this.node.id);
    if (this.badProps) problems.add(undefined, `has props ${show(this.badProps.value)}, which are not an object`, `pass the props as an object, e.g. new ${this.kind}(app, '${this.node.id}', {}), or leave them out.`);
    checkBoolean(problems, 'retain', (this.spec as { readonly retain?: unknown }).retain);
    this.validateSpec(problems);
    for (const env of this.app.environments) {
      if (!this.placedIn(env)) continue;
      const name = selectRecipe(env.recipes, this.resourceType);
      const recipe = this.app.recipes.get(name);
      if (!recipe) continue; // the App reports an unregistered name once
      if (!recipe.provides.includes(this.resourceType)) {
        const able = this.app.recipes.providing(this.resourceType);
        problems.add(undefined, `has no recipe in environment '${env.name}': its recipe ${show(name)} does not provide ${this.resourceType}`,
          able.length
            ? `select one that does for this type in environment '${env.name}', e.g. recipes: { default: ${show(name)}, ${this.resourceType}: ${show(able[0])} } (available: ${able.join(', ')}).`
            : `register a recipe that provides ${this.resourceType} with platform.recipes.`, env.name);
        continue;
      }
      recipe.check?.(this, env, problems);
    }
  }

  /** The waivers given with waive(), and those the recipe of each environment declares for its objects. */
  public override get waivers(): readonly Waiver[] {
    const own = super.waivers;
    const fromRecipes = this.app.environments.filter((env) => this.placedIn(env)).flatMap((env) => (this.recipe(env)?.waivers?.(this, env) ?? [])
      .map((w): Waiver => ({ rule: w.rule, reason: w.reason, kind: w.kind, construct: this.displayPath, environment: env.name })));
    return fromRecipes.length ? [...own, ...fromRecipes] : own;
  }

  /** Checks the resource's own props. */
  protected abstract validateSpec(problems: ProblemList): void;

  /**
   * Provisions the resource with its environment's recipe. Returns the
   * objects the recipe created, keyed by their construct id in lower camel
   * case (e.g. `queue`, `deadLetterQueue`, `connectionSecret`,
   * `statefulSet`), so `customize()` reaches them as it does a workload's.
   */
  protected render(ctx: RenderContext): Record<string, ApiObject | undefined> {
    const recipe = this.recipe(ctx.environment)!;
    const users = wiresTo(this).filter((w) => w.from.placedIn(ctx.environment)).map((w) => ({ workload: w.from as any, access: w.access }));
    recipe.provision(this, { ...ctx, users });
    const objects: Record<string, ApiObject> = {};
    for (const obj of ctx.scope.node.findAll()) {
      if (!ApiObject.isApiObject(obj)) continue;
      const key = obj.node.scopes.slice(ctx.scope.node.scopes.length).map((c) => c.node.id).join('-');
      objects[key.replace(/[-_/ ]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toLowerCase())] = obj;
    }
    return objects;
  }
}
