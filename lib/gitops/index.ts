import type { Delivery } from '../core/delivery';
import type { Platform } from '../core/platform';
import { argoCdOrdering } from './argo-cd';
import { kustomize } from './kustomize';

export { argoCdOrdering } from './argo-cd';
export { kustomize } from './kustomize';

/** The deliveries a platform selects: kustomize always, Argo CD ordering unless `argoCdAnnotations` is false. */
export function deliveriesFor(platform: Platform): Delivery[] {
  return [kustomize(), ...(platform.argoCdAnnotations ? [argoCdOrdering()] : [])];
}
