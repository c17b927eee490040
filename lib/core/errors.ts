/**
 * One problem found in a libk8s program: which construct, which prop, the
 * value, the rule it breaks and how to fix it.
 */
export interface Problem {
  /** The construct kind, e.g. `WebService`. */
  readonly kind: string;
  /** The construct id, e.g. `storefront`. */
  readonly id: string;
  /** The construct path in the tree, e.g. `shop/storefront`. */
  readonly path: string;
  /** The prop the problem is about, e.g. `port` or `overrides.prod.replicas`. */
  readonly prop?: string;
  /** The sentence: the value and the rule, e.g. `70000 is out of range 1-65535`. */
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string;
  /** The environment the problem was found in, when it is specific to one. */
  readonly environment?: string;
}

/** Formats a problem as one line: `WebService 'storefront': 'port' 70000 is out of range 1-65535. Fix: …` */
export function formatProblem(p: Problem): string {
  const where = p.environment ? ` [environment '${p.environment}']` : '';
  const prop = p.prop ? `'${p.prop}' ` : '';
  const fix = p.fix ? ` Fix: ${p.fix}` : '';
  const sentence = p.message.endsWith('.') ? p.message : `${p.message}.`;
  return `${p.kind} '${p.id}' (${p.path})${where}: ${prop}${sentence}${fix}`;
}

/**
 * Marks an error class so `instanceof` recognises its errors even when they
 * come from another copy of libk8s (a program's own node_modules, a
 * platform package's): the brand is a `Symbol.for` key both copies share.
 * Subclasses keep the ordinary `instanceof`.
 */
export function brandError(cls: abstract new (...args: any[]) => Error, brand: symbol): void {
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, x: unknown): boolean {
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, x);
      return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[brand] === true;
    },
  });
  Object.defineProperty(cls.prototype, brand, { value: true });
}

/**
 * The one error class of libk8s. It carries every problem found in one run,
 * so a user fixes them all at once instead of one per run.
 */
export class Libk8sError extends Error {
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], heading?: string) {
    const head = heading ?? `libk8s found ${problems.length} problem${problems.length === 1 ? '' : 's'}:`;
    super([head, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.name = 'Libk8sError';
    this.problems = problems;
  }
}
brandError(Libk8sError, Symbol.for('libk8s.Libk8sError'));

/** Collects problems for one construct. */
export class ProblemList {
  private readonly items: Problem[] = [];

  constructor(private readonly kind: string, private readonly id: string, private readonly path: string) {}

  add(prop: string | undefined, message: string, fix?: string, environment?: string): void {
    this.items.push({ kind: this.kind, id: this.id, path: this.path, prop, message, fix, environment });
  }

  get all(): readonly Problem[] {
    return this.items;
  }
}

/**
 * Renders a value for an error message: strings quoted, objects as JSON.
 * It never throws, whatever a JavaScript program passes: a BigInt reads
 * `8080n`, NaN and Infinity read as themselves (not JSON's `null`), a
 * circular reference `[Circular]`, symbols and functions by name, and a
 * value whose getters or `toJSON` throw `[unprintable]`.
 */
export function show(value: unknown): string {
  try {
    return showValue(value, [], 0) ?? 'undefined';
  } catch {
    return '[unprintable]';
  }
}

/** The deepest nesting `show` prints; below it a value reads `[…]`. */
const SHOW_DEPTH = 32;

/** JSON.stringify's output for JSON data; `undefined` where JSON would leave the value out. */
function showValue(value: unknown, ancestors: object[], depth: number): string | undefined {
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'number': return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case 'bigint': return `${value}n`;
    case 'boolean': return String(value);
    case 'undefined': return undefined;
    case 'symbol': return value.toString();
    case 'function': return `[Function${value.name ? ` ${value.name}` : ''}]`;
  }
  if (value === null) return 'null';
  const obj = value as Record<string, unknown>;
  if (ancestors.includes(obj)) return '[Circular]';
  if (typeof obj.toJSON === 'function') {
    const json = (obj.toJSON as () => unknown)();
    if (json !== obj) return showValue(json, [...ancestors, obj], depth);
  }
  if (depth >= SHOW_DEPTH) return '[…]';
  const inner = [...ancestors, obj];
  if (Array.isArray(obj)) {
    const items: string[] = [];
    for (let i = 0; i < obj.length; i++) items.push(showValue(obj[i], inner, depth + 1) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(obj)) {
    const v = showValue(obj[key], inner, depth + 1);
    if (v !== undefined) members.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${members.join(',')}}`;
}
