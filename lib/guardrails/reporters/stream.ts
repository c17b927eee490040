/**
 * An array whose items are made one at a time, as `writeJsonLines` writes
 * them: a report's millions of findings are never all objects (nor one
 * string) at once.
 */
export class LazyArray<T> {
  constructor(private readonly make: () => Iterable<T>) {}

  public items(): Iterable<T> {
    return this.make();
  }
}

const GAP = '  ';

/**
 * Writes `JSON.stringify(value, null, 2)` and a final newline, with every
 * `LazyArray` in `value` written as the array of its items, in pieces: calls
 * `write` with blocks of whole lines (about `blockChars` characters), joined
 * by newlines, without a final newline (the way `CliIO.out` and
 * `writeTable` take them), so that each block followed by a newline, in
 * turn, is the text. Objects and arrays that hold no `LazyArray` are
 * written by `JSON.stringify` itself.
 */
export function writeJsonLines(value: unknown, write: (block: string) => void, blockChars = 1 << 20): void {
  const out = new LineBlocks(write, blockChars);
  writeValue(value, '', out);
  out.add('\n');
  out.end();
}

function writeValue(value: unknown, indent: string, out: LineBlocks): void {
  if (value instanceof LazyArray) {
    writeItems(value.items(), indent, out);
  } else if (Array.isArray(value) && hasLazy(value)) {
    writeItems(value, indent, out);
  } else if (typeof value === 'object' && value !== null && hasLazy(value)) {
    const inner = indent + GAP;
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      out.add(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
      first = false;
      writeValue(v, inner, out);
    }
    out.add(first ? '{}' : `\n${indent}}`);
  } else {
    out.add(indented(JSON.stringify(value, null, 2), indent));
  }
}

function writeItems(items: Iterable<unknown>, indent: string, out: LineBlocks): void {
  const inner = indent + GAP;
  let first = true;
  for (const item of items) {
    out.add(first ? `[\n${inner}` : `,\n${inner}`);
    first = false;
    // as JSON.stringify writes what has no JSON text in an array
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out.add('null');
    else writeValue(item, inner, out);
  }
  out.add(first ? '[]' : `\n${indent}]`);
}

/** JSON text at a depth: JSON.stringify's text of a nested value is its own, each line but the first indented. */
function indented(text: string | undefined, indent: string): string {
  if (text === undefined) return 'null';
  return indent && text.includes('\n') ? text.replace(/\n/g, `\n${indent}`) : text;
}

/** Whether a LazyArray is in the value (objects and arrays walked; only the small parts of a report are). */
function hasLazy(value: unknown): boolean {
  if (value instanceof LazyArray) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasLazy);
  return Object.values(value).some(hasLazy);
}

/** Text gathered into blocks of whole lines. */
class LineBlocks {
  private parts: string[] = [];
  private size = 0;
  /** The size at which to write: more than blockChars while the text held is one line without its end. */
  private limit: number;

  constructor(private readonly write: (block: string) => void, private readonly blockChars: number) {
    this.limit = blockChars;
  }

  public add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  }

  /** Writes the text up to its last newline; keeps the rest for the next block. */
  private flush(): void {
    const text = this.parts.join('');
    const nl = text.lastIndexOf('\n');
    if (nl === -1) {
      this.parts = [text];
      this.limit = this.size + this.blockChars;
      return;
    }
    this.write(text.slice(0, nl));
    const rest = text.slice(nl + 1);
    this.parts = rest ? [rest] : [];
    this.size = rest.length;
    this.limit = this.size + this.blockChars;
  }

  /** The last block: the text ends with a newline, which `write`'s caller adds. */
  public end(): void {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (text) this.write(text.endsWith('\n') ? text.slice(0, -1) : text);
  }
}
