import { ApiObject } from 'cdk8s';
import * as k8s from '../core/kube';

/**
 * The JSON of an ApiObject without cdk8s's generic resolve pass.
 *
 * `ApiObject.toJson()` walks every value through the resolvers (looking up
 * the App at each node), sanitizes, and for the typed L1 classes converts the
 * whole object once more; on a large app that is most of the synth time. For
 * the L1 classes libk8s itself creates, whose props hold only plain data,
 * IntOrString and Quantity, the result is the same as a single pass that
 * unwraps those two, drops null and undefined, and sorts keys. Anything else
 * (a token, a Lazy, a class from `cdk8s import`) makes this return undefined,
 * and the caller uses `toJson()`. test/core/fast-json.test.ts holds the two
 * paths equal on every object the test matrix renders.
 */
const FAST_KINDS: ReadonlySet<unknown> = new Set<unknown>([
  ApiObject, k8s.KubeDeployment, k8s.KubeService, k8s.KubeServiceAccount, k8s.KubePodDisruptionBudget,
  k8s.KubeHorizontalPodAutoscalerV2, k8s.KubeNetworkPolicy, k8s.KubeConfigMap, k8s.KubeIngress,
  k8s.KubeCronJob, k8s.KubeJob, k8s.KubeSecret, k8s.KubeStatefulSet,
]);

class NotPlain extends Error {}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof k8s.IntOrString || v instanceof k8s.Quantity) return v.value;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw new NotPlain();
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src).sort()) {
    const x = plain(src[key]);
    if (x !== null && x !== undefined) out[key] = x;
  }
  return out;
}

export function fastToJson(obj: ApiObject): Record<string, any> | undefined {
  if (!FAST_KINDS.has(obj.constructor)) return undefined;
  let body: Record<string, unknown>;
  try {
    body = plain({ ...(obj as unknown as { props: object }).props, metadata: undefined }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
  const metadata = fastMetadata(obj);
  if (!metadata) return undefined;
  const out: Record<string, any> = { apiVersion: body.apiVersion, kind: body.kind, metadata };
  for (const key of Object.keys(body)) if (!(key in out)) out[key] = body[key];
  return out;
}

/** The fields of cdk8s's ApiObjectMetadataDefinition that its toJson() reads. */
interface MetadataFields {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly finalizers: string[];
  readonly ownerReferences: unknown[];
  readonly _additionalAttributes: Record<string, unknown>;
}

/**
 * `metadata.toJson()` in one pass: the same fields, empty arrays and objects
 * dropped as cdk8s drops them. Undefined when the definition does not have the
 * shape this reads (another cdk8s version) or holds a value to resolve.
 */
function fastMetadata(obj: ApiObject): Record<string, unknown> | undefined {
  const m = obj.metadata as unknown as MetadataFields;
  if (typeof m._additionalAttributes !== 'object' || typeof m.labels !== 'object' || !Array.isArray(m.finalizers) || !Array.isArray(m.ownerReferences)) return undefined;
  let meta: unknown;
  try {
    meta = plain({
      ...m._additionalAttributes, name: m.name, namespace: m.namespace, annotations: m.annotations,
      finalizers: m.finalizers, ownerReferences: m.ownerReferences, labels: m.labels,
    });
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
  return dropEmpty(meta) as Record<string, unknown>;
}

/** cdk8s's filterEmptyArrays and filterEmptyObjects: empty collections vanish, bottom up. */
function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) {
    const arr = v.map(dropEmpty);
    return arr.length === 0 ? undefined : arr;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = dropEmpty(x);
      if (y !== undefined && y !== null) out[k] = y;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}
