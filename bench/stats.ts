/** Medians and ranges of repeated measurements. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Series {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function series(samples: readonly number[]): Series {
  if (samples.length === 0) return { samples: [], median: NaN, min: NaN, max: NaN };
  return { samples: samples.map((x) => Math.round(x * 10) / 10), median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

export const fmtMs = (x: number): string => (!Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
export const fmtInt = (x: number): string => x.toLocaleString('en-US');
export const fmtMB = (bytes: number): string => (bytes / 1e6).toFixed(1);
/** `1,234 ms (1,100–1,400)` */
export const fmtSeries = (s: Series): string => (s.samples.length > 1 ? `${fmtMs(s.median)} ms (${fmtMs(s.min)}–${fmtMs(s.max)})` : `${fmtMs(s.median)} ms`);

export function log(s: string): void {
  process.stderr.write(`${s}\n`);
}
