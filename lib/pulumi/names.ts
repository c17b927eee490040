/**
 * Pulumi resource names of libk8s objects: from the construct path and the
 * kind, plus the object name when it differs from the construct id
 * (`shop/orders` Queue `orders-dlq` → `shop-orders-queue-orders-dlq`).
 * Pure, so tests and users can name a resource without a deployment.
 */

/** `shop/storefront` → `shop-storefront`. */
export function pulumiName(displayPath: string): string {
  return displayPath.split('/').filter(Boolean).join('-');
}

/** The name of one rendered object: `<construct path>-<kind>[-<object name>]`, all lower case but the path and object name. */
export function objectName(displayPath: string, constructId: string, kind: string, name: string): string {
  const base = `${pulumiName(displayPath)}-${kind.toLowerCase()}`;
  return name === constructId ? base : `${base}-${name}`;
}

/** Makes names unique in one component: a second object of the same name adds its API group (`-iam.aws.m.upbound.io`), then a number. */
export class NameSet {
  private readonly used = new Set<string>();

  public take(name: string, apiVersion: string): string {
    let candidate = name;
    if (this.used.has(candidate)) candidate = `${name}-${apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core'}`;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${name}-${n}`;
    this.used.add(candidate);
    return candidate;
  }
}
