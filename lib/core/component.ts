import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { App } from './app';
import { Libk8sError, ProblemList, Problem, show } from './errors';
import { checkDnsLabel, checkList, isDnsLabel, suggestDnsLabel } from './rules';
import { Environment } from './environment';
import { standardLabels } from './labels';
import type { Waiver } from './policy';
import { Platform } from './platform';
import { CallSite, SourceLocation } from './source';

const COMPONENT = Symbol.for('libk8s.Component');

/** A scope that carries the app's environment names, for typed per-environment overrides. */
export type Scope<E extends string> = IConstruct & { readonly environmentNames?: readonly E[] };

/** What a component is to a sync: a resource others use, or a workload that uses them. */
export type ComponentRole = 'resource' | 'workload';

/** What a component renders with, once per environment. */
export interface RenderContext {
  readonly app: App;
  readonly environment: Environment;
  readonly platform: Platform;
  /** The cdk8s scope (inside a Chart) the component creates its ApiObjects in. */
  readonly scope: Construct;
}

/** Selects the objects a JSON patch applies to. */
export interface PatchTarget {
  /** The object kind, e.g. `Deployment`. */
  readonly kind: string;
  /**
   * The object name, when the component emits more than one of a kind.
   * @default - every object of the kind
   */
  readonly name?: string;
  /**
   * Only in this environment.
   * @default - every environment
   */
  readonly environment?: string;
}

/** Where a construct exists: the props every construct has, typed by the app's environment names like `overrides`. */
export interface PlacementProps<E extends string = string> {
  /**
   * The environments this construct exists in; in the others it yields no
   * object (and no file). Wiring to it from a construct that exists where
   * it does not is an error.
   * @default - every environment of the app
   */
  // typed by the app's environment names; props typed without them (`WebServiceProps`) stay assignable
  readonly environments?: readonly (string extends E ? any : E)[];
}

export interface ComponentPatch {
  readonly target: PatchTarget;
  readonly ops: readonly JsonPatch[];
  readonly location?: SourceLocation;
}

/**
 * The base of every libk8s construct that yields objects: workloads and
 * resources. It keeps the construct's problems, its escape-hatch edits and
 * where in the user's program it was created.
 */
export abstract class Component<TObjects extends Record<string, ApiObject | undefined> = Record<string, ApiObject | undefined>> extends Construct {
  public static isComponent(x: unknown): x is Component {
    return typeof x === 'object' && x !== null && COMPONENT in x;
  }

  /** The construct kind shown in messages, e.g. `WebService`. */
  public abstract readonly kind: string;
  /** The app this component belongs to. */
  public readonly app: App;
  /** The objects' `metadata.name`: the construct id. */
  public readonly name: string;

  private readonly callSite = new CallSite();
  private readonly patchList: ComponentPatch[] = [];
  private readonly customizers: Array<(objects: TObjects, ctx: RenderContext) => void> = [];
  private readonly waiverList: Waiver[] = [];
  /** The `environments` prop as given. */
  private readonly placement: unknown;

  /**
   * @param placement the construct's `environments` prop (see PlacementProps)
   */
  protected constructor(scope: IConstruct, id: string, placement?: unknown) {
    super(scope, treeId(scope, id));
    Object.defineProperty(this, COMPONENT, { value: true });
    this.app = findApp(this);
    this.name = id;
    this.placement = placement;
  }

  /** The environment names this construct exists in (`environments`), or undefined for every one. */
  public get placedEnvironments(): readonly string[] | undefined {
    return Array.isArray(this.placement) ? this.placement : undefined;
  }

  /** Whether this construct exists in environment `env` (see PlacementProps). */
  public placedIn(env: Environment | string): boolean {
    const list = this.placedEnvironments;
    return list === undefined || list.includes(typeof env === 'string' ? env : env.name);
  }

  /**
   * A resource (Queue, Postgres, ...) is provisioned before the workloads
   * that use it; delivery orders a sync by this.
   */
  public get role(): ComponentRole {
    return 'workload';
  }

  /** Where the user's program created this construct (file and line). */
  public get location(): SourceLocation | undefined {
    return this.callSite.location;
  }

  /** The construct path shown in messages: `<app>/<id>`. */
  public get displayPath(): string {
    return [this.app.name, ...this.node.scopes.slice(1).map((s) => s.node.id)].join('/');
  }

  /**
   * Adds RFC 6902 JSON-Patch operations to the synthesized objects of `target`.
   * A patch that does not apply fails the synth with an error naming this
   * construct, the object and the operation; it is never dropped silently.
   *
   * @example
   * web.addJsonPatch({ kind: 'Deployment' }, JsonPatch.add('/spec/template/spec/hostAliases', [...]));
   */
  public addJsonPatch(target: PatchTarget, ...ops: JsonPatch[]): this {
    this.patchList.push({ target, ops, location: new CallSite().location });
    return this;
  }

  /**
   * Reaches the underlying cdk8s objects of each environment, right after
   * they are rendered: the escape hatch for anything libk8s has no prop for.
   * `ApiObject.addJsonPatch` on them is strict too.
   */
  public customize(fn: (objects: TObjects, ctx: RenderContext) => void): this {
    this.customizers.push(fn);
    return this;
  }

  /**
   * Waives a guardrail rule for this construct's objects. The reason is
   * required; waived findings are still reported, marked as waived.
   *
   * @param rule the rule id (or its kube-score, Polaris or kube-linter alias)
   * @param reason why the rule does not apply here
   * @param scope narrow it to one object kind, name or environment. A
   * waiver always applies to this construct's objects only: a `construct`
   * key in the scope (from JavaScript, or a cast) does not widen it, and is
   * reported as a problem of this construct at synth.
   */
  public waive(rule: string, reason: string, scope: { kind?: string; name?: string; environment?: string } = {}): this {
    const { kind, name, environment } = scope;
    const other = (scope as { construct?: unknown }).construct;
    const foreign = other !== undefined && other !== this.displayPath && other !== this.node.id ? String(other) : undefined;
    this.waiverList.push({
      rule, reason, construct: this.displayPath,
      ...(kind !== undefined ? { kind } : {}), ...(name !== undefined ? { name } : {}), ...(environment !== undefined ? { environment } : {}),
      ...(foreign !== undefined ? { foreignConstruct: foreign } : {}),
    });
    return this;
  }

  /**
   * The metadata every object of this construct carries in `ctx`'s
   * environment: name, namespace, the standard labels and the environment's
   * annotations. Recipes use it for the objects they create.
   */
  public standardMetadata(ctx: RenderContext, name: string = this.name, version?: string): { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } {
    const annotations = ctx.environment.annotations;
    return {
      name,
      namespace: ctx.environment.namespace,
      labels: standardLabels(this.app, ctx.environment, this.name, version),
      annotations: Object.keys(annotations).length ? { ...annotations } : undefined,
    };
  }

  /** @internal the waivers added with waive(). */
  public get waivers(): readonly Waiver[] {
    return this.waiverList;
  }

  /** @internal the patches added with addJsonPatch. */
  public get patches(): readonly ComponentPatch[] {
    return this.patchList;
  }

  /** @internal renders this component into `ctx.scope` and runs the customizers. */
  public renderInto(ctx: RenderContext): TObjects {
    // a construct placed in other environments only yields nothing here
    if (!this.placedIn(ctx.environment)) return {} as TObjects;
    const objects = this.render(ctx);
    for (const fn of this.customizers) fn(objects, ctx);
    return objects;
  }

  /**
   * @internal every problem with this construct's props, across the whole
   * app (run once before rendering).
   */
  public collectProblems(): readonly Problem[] {
    const list = this.problems();
    if (this.name !== this.node.id) checkTreeId(list, this.name);
    this.validate(list);
    this.checkPlacement(list);
    // a patch scoped to an environment the app does not have would never apply
    const known = this.app.environmentNames as readonly string[];
    for (const patch of this.patchList) {
      if (typeof patch.target !== 'object' || patch.target === null || typeof patch.target.kind !== 'string') {
        list.add('addJsonPatch', `targets ${show(patch.target)}, which names no object kind`, "pass the target first, e.g. addJsonPatch({ kind: 'Deployment' }, JsonPatch.add(...)).");
        continue;
      }
      const env = patch.target.environment;
      if (env !== undefined && !known.includes(env)) {
        list.add('addJsonPatch', `targets environment ${show(env)}, which the app does not have, so the patch would never apply`,
          `use one of the app's environments: ${known.join(', ')}.`);
      }
    }
    return list.all;
  }

  /** The `environments` prop: a list of the app's environment names, each once, at least one. */
  private checkPlacement(list: ProblemList): void {
    if (this.placement === undefined) return;
    if (!checkList(list, 'environments', this.placement, "['dev']")) return;
    const known = this.app.environmentNames as readonly string[];
    const given = this.placement as readonly unknown[];
    if (given.length === 0) {
      list.add('environments', 'is empty, so the construct exists in no environment and nothing of it is written',
        `name the environments it exists in (the app has: ${known.join(', ')}), or remove the construct.`);
    }
    given.forEach((env, i) => {
      if (typeof env !== 'string') {
        list.add(`environments[${i}]`, `${show(env)} is not an environment name`, `use one of the app's environments: ${known.join(', ')}.`);
      } else if (!known.includes(env)) {
        list.add('environments', `names environment ${show(env)}, which the app does not have`, `use one of the app's environments: ${known.join(', ')}.`);
      } else if (given.indexOf(env) !== i) {
        list.add(`environments[${i}]`, `${show(env)} is listed twice`, 'name each environment once.');
      }
    });
  }

  /** A fresh problem list that names this construct. */
  protected problems(): ProblemList {
    return new ProblemList(this.kind, this.node.id, this.displayPath);
  }

  /** Checks the props; adds every problem found to `problems`. */
  protected abstract validate(problems: ProblemList): void;

  /** Creates this component's cdk8s objects for one environment. */
  protected abstract render(ctx: RenderContext): TObjects;
}

/** Any component, whatever objects it renders. */
export type AnyComponent = Component<any>;

/**
 * The id the construct tree holds for a component. It is the id itself
 * whenever the tree can hold it; an id the tree would reject or rewrite
 * (empty, not a string, with '/', a property of every object such as
 * `constructor`, or one a sibling already has) gets a DNS-1123 stand-in
 * instead, so creating the construct never throws, and `collectProblems`
 * reports the id (the objects' names are the id as given, never the stand-in).
 */
function treeId(scope: IConstruct, id: unknown): string {
  const taken = (name: string): boolean => name in Object.prototype || scope?.node?.tryFindChild(name) !== undefined;
  if (typeof id === 'string' && id !== '' && !/[/\n]/.test(id) && !taken(id)) return id;
  const base = typeof id === 'string' && id !== '' ? suggestDnsLabel(id) : 'unnamed';
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** The problem with an id the construct tree could not hold as given (see treeId); one a sibling has is reported as a name clash by the app. */
function checkTreeId(list: ProblemList, id: unknown): void {
  if (typeof id !== 'string') list.add('id', `${show(id)} is not a string`, "give the construct a name as its id, e.g. 'storefront'.");
  else if (id === '') list.add('id', 'is empty', "give the construct a name as its id, e.g. 'storefront'; it names the construct's objects.");
  else if (id in Object.prototype && isDnsLabel(id)) {
    list.add('id', `${show(id)} is the name of a property every JavaScript object has, which the construct tree cannot hold as an id`, `use another id, e.g. ${show(`${id}-app`)}.`);
  } else if (!isDnsLabel(id)) checkDnsLabel(list, 'id', id);
}

function findApp(c: IConstruct): App {
  const root = c.node.root as App;
  if (!(root as any)[Symbol.for('libk8s.App')]) {
    const id = c.node.id;
    const kind = c.constructor?.name || 'Construct';
    throw new Libk8sError([{
      kind, id, path: c.node.path || id, prop: 'scope',
      message: `is not inside a libk8s App: the root of its construct tree is a ${root?.constructor?.name || 'plain construct'}`,
      fix: `create it in the app's tree: new ${kind}(app, ${JSON.stringify(id)}, {...}), where app = new App({...}).`,
    }]);
  }
  return root;
}
