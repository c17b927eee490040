import * as fs from 'fs';
import * as path from 'path';

/** The upstream schemas, CRDs and Polaris checks, beside the repository (../shared/reference). */
export const REFERENCE_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference');
export const HAS_REFERENCE = fs.existsSync(path.join(REFERENCE_DIR, 'kubernetes-schemas'));

/**
 * `describe` for tests that read ../shared/reference. In a user's clone the
 * folder is absent; the block is then skipped and says why in its name.
 */
export function describeWithReference(name: string, fn: () => void): void {
  if (HAS_REFERENCE) describe(name, fn);
  else describe.skip(`${name} (skipped: ${REFERENCE_DIR} is absent; it holds the upstream schemas these tests compare against)`, fn);
}
