import { parseArgs } from 'util';

/** A command line the CLI cannot run: exit code 2 and the usage. */
export class UsageError extends Error {}

/** A command's options as `node:util` `parseArgs` takes them. */
export type OptionSpec = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean }>;

/** What a command line gives: each option's value (a list for `multiple`), and the positional arguments in order. */
export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments with `node:util` `parseArgs` (strict: an
 * unknown option, a missing value or a value given to a flag is an error),
 * turning its errors into a UsageError in the CLI's words:
 * `unknown option --x`, `--out needs a value`, `--quiet takes no value`.
 * Both `--out dist` and `--out=dist` work; a value starting with `-` needs
 * the `=` form.
 */
export function parseCommandLine(args: readonly string[], options: OptionSpec): CommandLine {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as CommandLine['values'], positionals };
  } catch (e) {
    throw usageError(e, args, options);
  }
}

/** One of parseArgs's errors as the CLI says it. */
function usageError(e: unknown, args: readonly string[], options: OptionSpec): unknown {
  const err = e as { code?: string; message?: string };
  if (typeof err?.code !== 'string' || !err.code.startsWith('ERR_PARSE_ARGS_')) return e;
  const message = err.message ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const named = /'([^']+)'/.exec(message)?.[1];
    return new UsageError(`unknown option ${named ?? args.find((a) => a.startsWith('-')) ?? ''}`.trimEnd());
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // the long name of the option the message is about: "Option '-o, --out <value>' argument missing"
    const long = /--([\w-]+)/.exec(message)?.[1];
    const flag = long !== undefined ? `--${long}` : 'an option';
    if (long !== undefined && options[long]?.type === 'boolean') return new UsageError(`${flag} takes no value`);
    return new UsageError(`${flag} needs a value`);
  }
  return new UsageError(message.split('\n')[0].replace(/\.$/, ''));
}

/** A string option's value, checked against the values it takes. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], words?: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} takes ${words ?? allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** The one entry file among the positional arguments (the default when none). */
export function entryOf(positionals: readonly string[], fallback = 'infra/main.ts'): string {
  if (positionals.length > 1) throw new UsageError(`only one entry file may be given (got ${positionals[0]} and ${positionals[1]})`);
  return positionals[0] ?? fallback;
}

/** `--env a,b --env c`: every name, in order. */
export function listValue(value: string | boolean | readonly string[] | undefined): string[] {
  const all = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return all.flatMap((v) => v.split(',')).filter(Boolean);
}
