import { ApiObject, App, GroupVersionKind, IResolver, NumberStringUnionResolver, ResolutionContext } from 'cdk8s';
import type { Construct } from 'constructs';
import type * as plus from 'cdk8s-plus-27/lib/imports/k8s';

/**
 * The Kubernetes API objects libk8s creates, as `cdk8s-plus-27`'s `k8s`
 * namespace spells them (`import * as k8s from '../core/kube'`, then
 * `new k8s.KubeDeployment(…)`, `k8s.IntOrString.fromNumber(80)`, `k8s.PodSpec`),
 * without loading that package at run time: its generated module is 2.5 MB
 * of JavaScript that took about a quarter of a cold `libk8s synth`, for a
 * few thin classes.
 *
 * Every type is cdk8s-plus-27's own (`export type *` below, and one alias
 * per class here), so props are checked exactly as before. At run time
 * each class is a plain `ApiObject` with its group, version and kind, which
 * serializes as the generated class does for the props libk8s passes:
 * cdk8s resolves them and sorts their keys (the generated order is
 * alphabetical too), drops undefined and null values, and an IntOrString or
 * Quantity becomes its value. What the generated `toJson_*` functions do
 * besides is not reproduced, because libk8s relies on none of it: props
 * use the fields' JSON names, never one of the few that cdk8s renames
 * (`clusterIp` for `clusterIP`, `hostIpc`, `downwardApi`, …), and hold no
 * field the API does not have. test/core/kube.test.ts holds these classes to
 * the generated ones, object for object, and refuses a renamed field in lib/.
 *
 * `instanceof` a cdk8s-plus-27 class stays true, as it is for any
 * `ApiObject` (cdk8s's `Symbol.hasInstance`); the constructor is this module's.
 */
export type * from 'cdk8s-plus-27/lib/imports/k8s';

/** IntOrString and Quantity: a number or a string, like the generated classes (also inside them: cdk8s-plus-27's objects unwrap them as their own). */
class NumberOrString {
  constructor(readonly value: string | number) {}
}

class IntOrStringValue extends NumberOrString {
  static fromString(value: string): IntOrStringValue {
    return new IntOrStringValue(value);
  }
  static fromNumber(value: number): IntOrStringValue {
    return new IntOrStringValue(value);
  }
}

class QuantityValue extends NumberOrString {
  static fromString(value: string): QuantityValue {
    return new QuantityValue(value);
  }
  static fromNumber(value: number): QuantityValue {
    return new QuantityValue(value);
  }
}

Object.defineProperty(IntOrStringValue, 'name', { value: 'IntOrString' });
Object.defineProperty(QuantityValue, 'name', { value: 'Quantity' });

export type IntOrString = plus.IntOrString;
export const IntOrString = IntOrStringValue as unknown as typeof plus.IntOrString;
export type Quantity = plus.Quantity;
export const Quantity = QuantityValue as unknown as typeof plus.Quantity;

/** The generated classes' shared behaviour: the group, version and kind in front of the props, unions unwrapped. */
abstract class KubeObject extends ApiObject {
  constructor(scope: Construct, id: string, gvk: GroupVersionKind, props: object) {
    super(scope, id, { ...gvk, ...props });
  }

  /**
   * cdk8s's JSON of the object, with the IntOrString and Quantity values
   * written as their value, where the generated class writes them: cdk8s
   * turns them into `{ value }` (its NumberStringUnionResolver), which the
   * generated `toJson_*` functions unwrap by field. These classes have no
   * fields to go by, so an extra resolver unwraps this module's unions
   * just before cdk8s's, also those a Lazy produces.
   * (The synth serializes most objects without it: lib/synth/fast-json.ts.)
   */
  override toJson(): any {
    const resolvers = App.of(this).resolvers;
    const at = resolvers.findIndex((r) => r instanceof NumberStringUnionResolver);
    resolvers.splice(at === -1 ? resolvers.length : at, 0, UNWRAP_UNIONS);
    try {
      return super.toJson();
    } finally {
      resolvers.splice(resolvers.indexOf(UNWRAP_UNIONS), 1);
    }
  }
}

/** Replaces this module's IntOrString and Quantity values by their value. */
const UNWRAP_UNIONS: IResolver = {
  resolve(context: ResolutionContext): void {
    if (context.value instanceof NumberOrString) context.replaceValue(context.value.value);
  },
};

/** A constructor with the generated class's statics (`GVK`, `manifest()`), named like it. */
function kind<C>(name: string, apiVersion: string, kindName: string): C {
  const gvk: GroupVersionKind = { apiVersion, kind: kindName };
  const cls = class extends KubeObject {
    static readonly GVK = gvk;
    /**
     * The manifest of `props` without a construct, with the generated
     * `manifest()`'s content (its key order only where that is alphabetical:
     * here the keys of a map are sorted too). libk8s itself never calls it.
     */
    static manifest(props: object = {}): Record<string, unknown> {
      const { metadata, ...rest } = plainJson(props) as Record<string, unknown>;
      return { ...gvk, ...(metadata === undefined ? {} : { metadata }), ...rest };
    }
    constructor(scope: Construct, id: string, props: object = {}) {
      super(scope, id, gvk, props);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls as unknown as C;
}

/**
 * `x` as JSON, as the generated `toJson_*` functions render props that hold
 * only data (without cdk8s's resolving): undefined values dropped,
 * IntOrString and Quantity unwrapped, keys sorted.
 */
function plainJson(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(plainJson);
  if (x instanceof NumberOrString) return x.value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(x).sort()) {
    const v = plainJson((x as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export type KubeConfigMap = plus.KubeConfigMap;
export const KubeConfigMap = kind<typeof plus.KubeConfigMap>('KubeConfigMap', 'v1', 'ConfigMap');
export type KubeCronJob = plus.KubeCronJob;
export const KubeCronJob = kind<typeof plus.KubeCronJob>('KubeCronJob', 'batch/v1', 'CronJob');
export type KubeDaemonSet = plus.KubeDaemonSet;
export const KubeDaemonSet = kind<typeof plus.KubeDaemonSet>('KubeDaemonSet', 'apps/v1', 'DaemonSet');
export type KubeDeployment = plus.KubeDeployment;
export const KubeDeployment = kind<typeof plus.KubeDeployment>('KubeDeployment', 'apps/v1', 'Deployment');
export type KubeHorizontalPodAutoscalerV2 = plus.KubeHorizontalPodAutoscalerV2;
export const KubeHorizontalPodAutoscalerV2 = kind<typeof plus.KubeHorizontalPodAutoscalerV2>('KubeHorizontalPodAutoscalerV2', 'autoscaling/v2', 'HorizontalPodAutoscaler');
export type KubeIngress = plus.KubeIngress;
export const KubeIngress = kind<typeof plus.KubeIngress>('KubeIngress', 'networking.k8s.io/v1', 'Ingress');
export type KubeJob = plus.KubeJob;
export const KubeJob = kind<typeof plus.KubeJob>('KubeJob', 'batch/v1', 'Job');
export type KubeNetworkPolicy = plus.KubeNetworkPolicy;
export const KubeNetworkPolicy = kind<typeof plus.KubeNetworkPolicy>('KubeNetworkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy');
export type KubePodDisruptionBudget = plus.KubePodDisruptionBudget;
export const KubePodDisruptionBudget = kind<typeof plus.KubePodDisruptionBudget>('KubePodDisruptionBudget', 'policy/v1', 'PodDisruptionBudget');
export type KubeRole = plus.KubeRole;
export const KubeRole = kind<typeof plus.KubeRole>('KubeRole', 'rbac.authorization.k8s.io/v1', 'Role');
export type KubeRoleBinding = plus.KubeRoleBinding;
export const KubeRoleBinding = kind<typeof plus.KubeRoleBinding>('KubeRoleBinding', 'rbac.authorization.k8s.io/v1', 'RoleBinding');
export type KubeSecret = plus.KubeSecret;
export const KubeSecret = kind<typeof plus.KubeSecret>('KubeSecret', 'v1', 'Secret');
export type KubeService = plus.KubeService;
export const KubeService = kind<typeof plus.KubeService>('KubeService', 'v1', 'Service');
export type KubeServiceAccount = plus.KubeServiceAccount;
export const KubeServiceAccount = kind<typeof plus.KubeServiceAccount>('KubeServiceAccount', 'v1', 'ServiceAccount');
export type KubeStatefulSet = plus.KubeStatefulSet;
export const KubeStatefulSet = kind<typeof plus.KubeStatefulSet>('KubeStatefulSet', 'apps/v1', 'StatefulSet');
