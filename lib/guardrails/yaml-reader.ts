/* eslint-disable @typescript-eslint/no-require-imports -- this module exists to load its target on demand */
import type * as Manifests from './manifests';

/**
 * The YAML manifest reader of ./manifests.ts, loaded with the `yaml`
 * package on its first call. Only `libk8s check` and the cdk8s validation
 * plugin read YAML; a synth never does, and `import 'libk8s'` (which
 * exports the plugin) should not pay for a YAML parser it does not use.
 */

/** `parseManifests` of lib/guardrails/manifests.ts. */
export const parseManifests: typeof Manifests.parseManifests = (...args) => (require('./manifests') as typeof Manifests).parseManifests(...args);
