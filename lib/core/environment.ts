import type { KubernetesVersion } from './kube-version';
import type { RecipeSelection } from './recipe';

/** One deployment target of an app: a namespace in a cluster, with its own domain and values. */
export interface EnvironmentProps {
  /**
   * The namespace every object of this environment lives in.
   * @default `${app.name}-${environmentName}`
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace?: string;
  /**
   * The DNS domain routes are served under; a route's host is this domain,
   * or `<subdomain>.<domain>` when the route names a subdomain.
   * @default - none; a route then needs an explicit `host`
   */
  readonly domain?: string;
  /**
   * Labels added to every object of this environment.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations added to every object of this environment.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How resources (Queue, Postgres, Redis, Bucket) become real here: a recipe
   * name for all of them, or one per resource type with a default,
   * e.g. `{ default: 'crossplane-aws', postgres: 'external' }`.
   * @default - the platform's `environmentRecipes` for this environment; else
   * 'in-cluster' for an environment named dev, local, kind or test, and
   * 'crossplane-aws' for any other
   */
  readonly recipes?: RecipeSelection;
  /**
   * Whether this environment holds real data and serves real users. A
   * production environment may not get dev stand-ins: selecting the
   * `in-cluster` recipe for one is a problem unless the recipe is
   * configured with `allowProduction: true`.
   * @default - true for an environment named in the platform's
   * `productionEnvironments` ('prod' and 'production' unless the platform
   * names others), false for any other
   */
  readonly production?: boolean;
  /**
   * The Kubernetes minor version of this environment's cluster, e.g.
   * `'1.33'`; overrides the platform's `kubernetesVersion`. Fields that need
   * a newer version (the preStop `sleep` action: 1.30; native sidecars: 1.29)
   * are refused for an environment that targets an older one.
   * @default - the platform's `kubernetesVersion` ('1.27' unless it names another)
   * @see https://kubernetes.io/releases/version-skew-policy/
   */
  readonly kubernetesVersion?: KubernetesVersion;
}

/** The environment names that are production unless they say otherwise (see EnvironmentProps.production). */
export const PRODUCTION_ENVIRONMENT_NAMES: readonly string[] = ['prod', 'production'];

/** An environment with its defaults resolved. */
export interface Environment {
  readonly name: string;
  readonly namespace: string;
  readonly domain?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The recipe selection (see EnvironmentProps.recipes). */
  readonly recipes: RecipeSelection;
  /** Whether it is a production environment (see EnvironmentProps.production). */
  readonly production: boolean;
  /** The Kubernetes minor version its cluster runs (see EnvironmentProps.kubernetesVersion). */
  readonly kubernetesVersion: KubernetesVersion;
}
