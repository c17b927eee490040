import type { App } from '../core/app';
import type { Delivery } from '../core/delivery';
import type { OutputLayout, RenderedEnvironment } from '../core/pipeline';
import { toYaml } from './yaml';

/**
 * The files of one environment: path relative to its app folder, and
 * content; the deliveries' files (e.g. `kustomization.yaml`) are added
 * after the manifests, listing them sorted.
 */
export function serializeEnvironment(app: App, rendered: RenderedEnvironment, layout: OutputLayout = 'object', deliveries: readonly Delivery[] = []): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of rendered.objects) {
    const text = toYaml(o.manifest);
    const file = layout === 'construct' ? `${o.component.name}.yaml` : o.file;
    const prev = files.get(file);
    files.set(file, prev === undefined ? text : `${prev}---\n${text}`);
  }
  const manifests = [...files.keys()].sort();
  const ctx = { app, environment: rendered.environment };
  for (const d of deliveries) {
    for (const [name, doc] of d.environmentFiles?.(manifests, ctx) ?? []) files.set(name, toYaml(doc));
  }
  return files;
}
