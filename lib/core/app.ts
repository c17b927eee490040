import { Construct } from 'constructs';
import { Component } from './component';
import { Environment, EnvironmentProps } from './environment';
import { Problem, ProblemList, show } from './errors';
import { checkKubernetesVersion } from './kube-version';
import { Platform, PlatformProps, resolvePlatform } from './platform';
import { builtinRecipes, defaultRecipeSelection, Recipe, RecipeRegistry, RecipeSelection, ResourceRef, ResourceType, selectRecipe } from './recipe';
import { checkAnnotationsSize, checkDnsLabel, checkDnsSubdomain, checkIntRange, checkLabelValue, checkMetadataMaps, isPrototypeKey, isRecord } from './rules';
import { OutputLayout, pipeline, RenderedEnvironment, RenderOptions, SynthOptions, SynthResult } from './pipeline';
import type { PolicyEngine, Report } from './policy';
import { isResource } from './wiring';

export interface AppProps<E extends string = string> {
  /**
   * The app's name: `app.kubernetes.io/part-of` on every object and the
   * folder under each environment's output.
   */
  readonly name: string;
  /** The owning team, set as a label on every object. */
  readonly team: string;
  /**
   * The environments this program yields output for, by name. One program,
   * every environment.
   */
  readonly environments: { readonly [K in E]: EnvironmentProps };
  /**
   * The platform's golden-path defaults (normally from a platform package).
   * @default - libk8s's defaults, see PlatformProps
   */
  readonly platform?: PlatformProps;
  /**
   * Where `synth()` writes, unless the CLI's `--out` says otherwise.
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * How objects map to files: one multi-document file per construct
   * (`<construct>.yaml`), or one file per object (`<construct>/<kind>.yaml`),
   * which writes about 8× more files for a large portfolio.
   * @default 'construct'
   */
  readonly outputLayout?: OutputLayout;
}

/**
 * The root of a libk8s program: one app, its team, its environments and the
 * platform defaults. Constructs are created inside it; `synth()` writes every
 * environment's manifests.
 */
export class App<E extends string = string> extends Construct {
  /** The app name. */
  public readonly name: string;
  /** The owning team. */
  public readonly team: string;
  /** The resolved environments, in declaration order. */
  public readonly environments: readonly Environment[];
  /** The platform defaults, resolved. */
  public readonly platform: Platform;
  /** The default output directory. */
  public readonly outdir: string;
  /** The environment names (for type inference of per-environment overrides). */
  public readonly environmentNames: readonly E[];

  /** The recipes environments choose from: the built-in ones and the platform's. */
  public readonly recipes: RecipeRegistry;

  private readonly props: AppProps<E>;

  constructor(props: AppProps<E>) {
    super(undefined as unknown as Construct, '');
    Object.defineProperty(this, Symbol.for('libk8s.App'), { value: true });
    this.props = props;
    this.name = props.name;
    this.team = props.team;
    this.platform = resolvePlatform(props.platform);
    this.outdir = props.outdir ?? 'dist';
    this.environmentNames = Object.keys(props.environments ?? {}) as E[];
    this.environments = this.environmentNames.map((name) => {
      const e: EnvironmentProps = props.environments[name];
      return {
        name,
        namespace: e?.namespace ?? `${props.name}-${name}`,
        domain: e?.domain,
        labels: e?.labels ?? {},
        annotations: e?.annotations ?? {},
        recipes: e?.recipes ?? defaultRecipeSelection(name, this.platform.environmentRecipes),
        production: e?.production ?? this.platform.productionEnvironments.includes(name),
        kubernetesVersion: e?.kubernetesVersion ?? this.platform.kubernetesVersion,
      };
    });
    this.recipes = new RecipeRegistry([...builtinRecipes(), ...this.platform.recipes]);
  }

  /**
   * The recipe that provisions resources of `type` in environment `env`, or
   * undefined when the environment names one that is not registered.
   */
  public recipeFor(type: ResourceType, env: Environment): Recipe | undefined {
    return this.recipes.get(selectRecipe(env.recipes, type));
  }

  /** Every libk8s construct in the app, in tree order. */
  public get components(): Component[] {
    return this.node.findAll().filter(Component.isComponent);
  }

  /** Looks up an environment by name. */
  public environment(name: string): Environment | undefined {
    return this.environments.find((e) => e.name === name);
  }

  /**
   * Checks the whole program and returns every problem: each construct's
   * props and the rules across the tree (names, clashes, environments).
   */
  public validate(): Problem[] {
    const problems: Problem[] = [];
    const own = new ProblemList('App', this.name ?? '', this.name ?? '');
    checkDnsLabel(own, 'name', String(this.name ?? ''));
    if (!this.team) own.add('team', `${JSON.stringify(this.team)} is empty`, "name the owning team, e.g. team: 'commerce'.");
    else checkLabelValue(own, 'team', this.team);
    if (this.environments.length === 0) {
      own.add('environments', 'is empty', "declare at least one environment, e.g. environments: { dev: { namespace: 'shop-dev' } }.");
    }
    const namespaces = new Map<string, string>();
    const components = this.components;
    const resources = components.filter(isResource);
    const hasResources = resources.length > 0;
    for (const env of this.environments) {
      const nameOk = checkDnsLabel(own, `environments.${env.name}`, env.name);
      if (nameOk && isPrototypeKey(env.name)) {
        own.add(`environments.${env.name}`, `${show(env.name)} is the name of a property every JavaScript object has, so per-environment settings (overrides, recipes) could not be told apart from it`,
          `use another name, e.g. ${show(`${env.name}-env`)}.`);
      }
      checkDnsLabel(own, `environments.${env.name}.namespace`, env.namespace);
      if (env.domain !== undefined) checkDnsSubdomain(own, `environments.${env.name}.domain`, env.domain);
      checkMetadataMaps(own, `environments.${env.name}.labels`, env.labels, env.annotations, `environments.${env.name}.annotations`);
      if (isRecord(env.annotations)) checkAnnotationsSize(own, `environments.${env.name}.annotations`, env.annotations, `every object in environment '${env.name}'`);
      const other = namespaces.get(env.namespace);
      if (other) {
        own.add(`environments.${env.name}.namespace`, `${JSON.stringify(env.namespace)} is also the namespace of environment '${other}'; the two would overwrite each other's objects`,
          'give each environment its own namespace.');
      }
      namespaces.set(env.namespace, env.name);
      if (typeof env.production !== 'boolean') {
        own.add(`environments.${env.name}.production`, `${JSON.stringify(env.production) ?? String(env.production)} is not a boolean`, 'use true for an environment that holds real data, false for any other.');
      }
      // a default selection matters only when there are resources to provision
      if (!isPrototypeKey(env.name) && (this.props.environments[env.name as E]?.recipes !== undefined || hasResources)) {
        this.validateRecipeSelection(own, env.name, env.recipes);
      }
      if (!isPrototypeKey(env.name) && this.props.environments[env.name as E]?.kubernetesVersion !== undefined) {
        checkKubernetesVersion(own, `environments.${env.name}.kubernetesVersion`, env.kubernetesVersion, env.name);
      }
    }
    this.validatePlatform(own);
    const layout = this.props.outputLayout;
    if (layout !== undefined && layout !== 'object' && layout !== 'construct') {
      own.add('outputLayout', `${JSON.stringify(layout)} is not a layout`, "use 'object' (a file per object) or 'construct' (a file per construct).");
    }
    problems.push(...own.all);
    for (const c of components) problems.push(...c.collectProblems());
    problems.push(...findNameClashes(components));
    problems.push(...this.checkResourcesPerRecipe(resources));
    return problems;
  }

  /**
   * Runs each recipe's `checkResources` once per environment, with every
   * resource it provisions there (linear: no recipe walks the tree per resource).
   */
  private checkResourcesPerRecipe(resources: readonly ResourceRef[]): Problem[] {
    const problems: Problem[] = [];
    for (const env of this.environments) {
      const byRecipe = new Map<Recipe, ResourceRef[]>();
      for (const r of resources) {
        if (!r.placedIn(env)) continue;
        const recipe = this.recipeFor(r.resourceType, env);
        if (!recipe?.checkResources || !recipe.provides.includes(r.resourceType)) continue;
        byRecipe.set(recipe, [...(byRecipe.get(recipe) ?? []), r]);
      }
      for (const [recipe, mine] of byRecipe) {
        const list = new ProblemList(mine[0].kind, mine[0].node.id, mine[0].displayPath);
        recipe.checkResources!(mine, resources.filter((r) => r.placedIn(env)), env, list);
        problems.push(...list.all);
      }
    }
    return problems;
  }

  /**
   * Validates the program (with the guardrails configuration) and renders
   * every environment's objects in memory, without writing. Throws a
   * Libk8sError listing every problem.
   */
  public render(options: RenderOptions = {}): RenderedEnvironment[] {
    return pipeline(this).render(this, options);
  }

  /** An environment's recipe selection must name registered recipes. */
  private validateRecipeSelection(own: ProblemList, env: string, selection: RecipeSelection): void {
    const entries = typeof selection === 'string' ? [['', selection] as const] : Object.entries(selection);
    if (typeof selection !== 'string' && (typeof selection !== 'object' || selection === null || typeof selection.default !== 'string')) {
      own.add(`environments.${env}.recipes`, `${JSON.stringify(selection)} has no 'default' recipe`,
        "name one for every resource type, e.g. recipes: { default: 'crossplane-aws', postgres: 'external' }.");
      return;
    }
    for (const [type, name] of entries) {
      if (typeof name === 'string' && this.recipes.get(name)) continue;
      const prop = `environments.${env}.recipes${type ? `.${type}` : ''}`;
      own.add(prop, `${JSON.stringify(name)} is not a registered recipe`,
        `use one of: ${this.recipes.names.join(', ')}, or register it with platform.recipes.`);
    }
  }

  /** Contradictions in the platform defaults, reported with the app's own problems. */
  private validatePlatform(own: ProblemList): void {
    const p = this.platform;
    checkIntRange(own, 'platform.runAsUser', p.runAsUser, 1, 2147483647, 'use a non-root UID such as 10001 (0 is root, which Pod Security Standards restricted forbids).');
    checkIntRange(own, 'platform.preStopSeconds', p.preStopSeconds, 0, 3600);
    checkKubernetesVersion(own, 'platform.kubernetesVersion', p.kubernetesVersion);
    if (p.preStopAction !== 'exec' && p.preStopAction !== 'sleep') own.add('platform.preStopAction', `${JSON.stringify(p.preStopAction)} is not 'exec' or 'sleep'`, "use 'exec' or 'sleep'.");
    if (!Object.prototype.hasOwnProperty.call(p.sizes, p.defaultSize)) own.add('platform.defaultSize', `${JSON.stringify(p.defaultSize)} is not a size preset`, `use one of: ${Object.keys(p.sizes).join(', ')}.`);
    for (const [name, path] of Object.entries(p.healthPaths)) {
      if (typeof path !== 'string' || !path.startsWith('/')) own.add(`platform.healthPaths.${name}`, `${show(path)} does not start with "/"`, `use ${show('/' + String(path))}.`);
    }
    for (const [name, service] of Object.entries(p.grpcHealthServices)) {
      if (typeof service !== 'string') own.add(`platform.grpcHealthServices.${name}`, `${show(service)} is not a string`, "name the gRPC health service, e.g. 'readiness', or '' for the whole server.");
    }
    checkDnsLabel(own, 'platform.gateway.name', p.gateway.name, 253);
    checkDnsLabel(own, 'platform.gateway.namespace', p.gateway.namespace);
    if (p.priorityClassName !== undefined) checkDnsLabel(own, 'platform.priorityClassName', p.priorityClassName, 253);
  }

  /** The guardrails engine configured by the platform. */
  public get guardrails(): PolicyEngine {
    return pipeline(this).guardrails(this);
  }

  /** Runs the guardrails over rendered environments: one report per environment. */
  public check(rendered: readonly RenderedEnvironment[]): Report[] {
    return pipeline(this).check(this, rendered);
  }

  /**
   * Validates, renders, checks and writes every environment to
   * `<outdir>/<env>/<app>/`. The write is atomic: on any problem nothing on
   * disk changes. Under `libk8s synth` the CLI's `--out`, `--env`,
   * `--layout` and `--guardrails` apply.
   */
  public synth(options: SynthOptions = {}): SynthResult {
    return pipeline(this).synth(this, options);
  }

  /**
   * The environments `names` select (all when empty), adding a problem for
   * each name the app does not have.
   */
  public selectEnvironments(names: readonly string[] | undefined, problems: Problem[]): Environment[] {
    if (!names || names.length === 0) return [...this.environments];
    const out: Environment[] = [];
    for (const n of names) {
      const env = this.environment(n);
      if (env) out.push(env);
      else {
        problems.push({ kind: 'App', id: this.name, path: this.name, prop: 'environments',
          message: `has no environment ${JSON.stringify(n)} (asked for with --env)`,
          fix: `use one of: ${this.environmentNames.join(', ')}.` });
      }
    }
    return out;
  }

  /** The props the app was created with. */
  public get appProps(): AppProps<E> {
    return this.props;
  }
}

/** Two constructs whose objects would have the same name in one namespace. */
function findNameClashes(components: readonly Component[]): Problem[] {
  const seen = new Map<string, Component>();
  const problems: Problem[] = [];
  for (const c of components) {
    const other = seen.get(c.name);
    if (other) {
      problems.push({ kind: c.kind, id: c.node.id, path: c.displayPath, prop: 'id',
        message: `${JSON.stringify(c.name)} is also the name of ${other.kind} '${other.node.id}' (${other.displayPath}); object names must be unique in a namespace`,
        fix: 'give one of the two constructs another id.' });
    } else {
      seen.set(c.name, c);
    }
  }
  return problems;
}
