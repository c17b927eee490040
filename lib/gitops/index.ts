import type { Delivery } from '../core/delivery';
import type { Platform } from '../core/platform';
import { argoCd, argoCdOrdering } from './argo-cd';
import { flux } from './flux';
import { kustomize } from './kustomize';
import { namespaces } from './namespace';
import { DeliveryOverrides, resolveDelivery } from './source';

export { argoCd, argoCdOrdering } from './argo-cd';
export { flux, FLUX_FOLDERS } from './flux';
export { kustomize } from './kustomize';
export { namespaces, podSecurityLabels } from './namespace';
export { checkDelivery, DeliveryOverrides, DELIVERY_TARGETS, resolveDelivery, ResolvedDelivery } from './source';

/**
 * The deliveries a platform selects, in the order the pipeline runs them:
 * the Namespaces (when asked for), the target's own (Argo CD or Flux), the
 * Argo CD ordering annotations (unless `argoCdAnnotations` is false), and
 * kustomize last, whose kustomization.yaml lists every file.
 */
export function deliveriesFor(platform: Platform, overrides: DeliveryOverrides = {}, outdir?: string): Delivery[] {
  const d = resolveDelivery(platform.delivery, overrides, outdir);
  // Flux creates no namespace of its own (Argo CD's Applications do: CreateNamespace=true), so under Flux the Namespaces are on unless turned off
  const withNamespaces = d.props.namespaces ?? d.target === 'flux';
  return [
    ...(withNamespaces ? [namespaces(d.props.podSecurityVersion)] : []),
    ...(d.target === 'argo-cd' ? [argoCd(d)] : d.target === 'flux' ? [flux(d)] : []),
    ...(platform.argoCdAnnotations ? [argoCdOrdering()] : []),
    kustomize(),
  ];
}
