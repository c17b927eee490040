import * as fs from 'fs';
import type { WriteFs } from '../../lib/synth/write';

/** The node fs calls that change the file system. */
export const CHANGES: ReadonlySet<string> = new Set(['mkdirSync', 'writeFileSync', 'renameSync', 'rmSync', 'rmdirSync', 'openSync', 'fsyncSync']);

/** node's fs with `hook` around every call: it gets the call's name, its arguments and the call itself. */
function around(hook: (key: string, args: any[], call: () => unknown) => unknown): WriteFs {
  return new Proxy(fs, {
    get(target, key) {
      const f = (target as any)[key];
      if (typeof f !== 'function') return f;
      return (...a: any[]) => hook(String(key), a, () => f.apply(target, a));
    },
  }) as WriteFs;
}

/** node's fs, recording every call that changes the file system (and its first argument). */
export function recordingFs(calls: string[]): WriteFs {
  return around((key, a, call) => {
    if (CHANGES.has(key)) calls.push(`${key} ${typeof a[0] === 'number' ? 'fd' : String(a[0])}`);
    return call();
  });
}

/** A node fs whose every call throws from the nth change (mkdir, write, rename, rm…) on, as if the process died there. */
export function dyingFs(at: number, counter: { n: number }): WriteFs {
  let dead = false;
  return around((key, _a, call) => {
    if (dead) throw new Error('simulated crash');
    if (CHANGES.has(key) && ++counter.n === at) { dead = true; throw new Error('simulated crash'); }
    return call();
  });
}

/** A node fs whose calls succeed until one for which `last` says true has run; every call after it throws, as if the process died there. */
export function dyingAfter(last: (key: string, args: any[]) => boolean): WriteFs {
  let dead = false;
  return around((key, a, call) => {
    if (dead) throw new Error('simulated crash');
    const r = call();
    if (last(key, a)) dead = true;
    return r;
  });
}
