import * as fs from 'fs';
import * as path from 'path';
import type { RenderedEnvironment } from '../core/pipeline';

/**
 * Writes serialized environments to a staging folder inside `outdir`, then
 * swaps each `<outdir>/<env>/<app>` folder in with a rename; the previous
 * output is removed with the staging folder.
 */
export function writeEnvironments(outdir: string, appName: string, serialized: readonly { readonly r: RenderedEnvironment; readonly files: ReadonlyMap<string, string> }[]): void {
  fs.mkdirSync(outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outdir, '.staging-'));
  try {
    for (const { r, files } of serialized) {
      const base = path.join(staging, r.environment.name);
      const dirs = new Set<string>();
      for (const rel of files.keys()) dirs.add(path.dirname(path.join(base, rel)));
      for (const d of dirs) fs.mkdirSync(d, { recursive: true });
      for (const [rel, text] of files) fs.writeFileSync(path.join(base, rel), text);
    }
    for (const { r } of serialized) {
      const target = path.join(outdir, r.environment.name, appName);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) fs.renameSync(target, path.join(staging, `.old-${r.environment.name}`));
      fs.renameSync(path.join(staging, r.environment.name), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
