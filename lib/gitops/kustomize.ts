import type { Delivery } from '../core/delivery';

/**
 * A `kustomization.yaml` in each environment's folder listing its manifest
 * files, so `kubectl kustomize dist/<env>/<app>` (and Argo CD or Flux
 * pointed at the folder) reads the whole environment.
 */
export function kustomize(): Delivery {
  return {
    name: 'kustomize',
    environmentFiles: (files) => new Map([['kustomization.yaml', {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      // the manifests only: a folder's own kustomization.yaml (Flux's) is not a resource
      resources: files.filter((f) => !f.endsWith('kustomization.yaml')),
    }]]),
  };
}
