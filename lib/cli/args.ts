/** A command line the CLI cannot run: exit code 2 and the usage. */
export class UsageError extends Error {}

/**
 * The value of option `args[i]`: after `=` (`--out=dist`) or the next
 * argument (`--out dist`). Returns it and the index of the last argument read.
 */
export function optionValue(args: readonly string[], i: number, flag: string): [value: string, last: number] {
  const a = args[i];
  const eq = a.indexOf('=');
  if (eq > 0) return [a.slice(eq + 1), i];
  const v = args[i + 1];
  if (v === undefined || v.startsWith('-')) throw new UsageError(`${flag} needs a value`);
  return [v, i + 1];
}

