import type { App } from '../core/app';
import { MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL } from '../core/labels';

/** The ownership labels of a delivery object: it belongs to the app as a whole. */
export function deliveryLabels(app: App): Record<string, string> {
  return { [NAME_LABEL]: app.name, [PART_OF_LABEL]: app.name, [MANAGED_BY_LABEL]: 'libk8s', [app.platform.teamLabel]: app.team };
}
