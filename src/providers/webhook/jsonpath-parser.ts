/**
 * The JSONPath parser of the webhook provider: PaesslerAG/jsonpath v0.1.1's dialect (as ESO's
 * `jsonpath.Get`), turned into segments and filter expressions for the evaluator in `jsonpath.ts`.
 * Filters are parsed into data here, never into JavaScript.
 */
import { JsonPathError } from './errors.ts';

/** An object key or an array index. */
export type Key = string | number;
/** A filter comparison. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** One step of a path. */
export type Segment =
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'union'; readonly keys: readonly Key[] }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'descent' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'filter'; readonly test: Expr };

/** A filter expression. */
export type Expr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'path'; readonly from: '@' | '$'; readonly keys: readonly Key[] }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr };

const NAME = /[\p{L}\p{M}\p{N}_$-]+/uy;
const INTEGER = /-?\d+/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORD = /(?:true|false|null)(?![\p{L}\p{N}_$-])/uy;
const COMPARE_OPS: readonly CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];
const MAX_FILTER_DEPTH = 64;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

/** Recursive-descent parser for the path and its filter expressions. */
class PathParser {
  readonly source: string;
  pos = 0;
  private depth = 0;

  constructor(source: string) {
    this.source = source;
  }

  parse(): Segment[] {
    this.expect('$', 'the root "$"');
    const segments: Segment[] = [];
    for (;;) {
      if (this.eat('..')) {
        segments.push({ kind: 'descent' });
        segments.push(this.parseAfterDescent());
      } else if (this.eat('.')) {
        segments.push(this.parseDotMember());
      } else if (this.eat('[')) {
        segments.push(this.parseBracket(false));
      } else {
        break;
      }
    }
    if (this.peek() !== '') this.fail(`unexpected "${this.peek()}"`);
    return segments;
  }

  private parseDotMember(): Segment {
    if (this.eat('*')) return { kind: 'wildcard' };
    if (this.peek() === '(') this.fail('script expressions (...) are not supported');
    return { kind: 'key', key: this.name() };
  }

  private parseAfterDescent(): Segment {
    if (this.eat('*')) return { kind: 'wildcard' };
    if (this.eat('[')) return this.parseBracket(true);
    if (this.peek() === '(') this.fail('script expressions (...) are not supported');
    return { kind: 'key', key: this.name() };
  }

  private parseBracket(afterDescent: boolean): Segment {
    if (this.eat('?')) {
      const test = this.parseOr();
      this.expect(']', '"]" to close the filter');
      return { kind: 'filter', test };
    }
    if (this.peek() === '(') this.fail('script expressions [(...)] are not supported');
    if (this.eat('*')) {
      this.expect(']', '"]" after "*"');
      return { kind: 'wildcard' };
    }
    const first = this.peek() === ':' ? undefined : this.key();
    if (this.eat(':')) {
      if (afterDescent) this.fail('recursive descent cannot be combined with a slice');
      if (typeof first === 'string') this.fail('slice bounds must be integers');
      const end = this.optionalInteger();
      const step = this.eat(':') ? this.optionalInteger() : undefined;
      this.expect(']', '"]" to close the slice');
      return { kind: 'slice', start: first, end, step };
    }
    const keys: Key[] = [first ?? this.key()];
    while (this.eat(',')) keys.push(this.key());
    this.expect(']', '"," or "]"');
    const [only] = keys;
    return keys.length === 1 && only !== undefined ? { kind: 'key', key: only } : { kind: 'union', keys };
  }

  // Filter grammar: or := and ("||" and)* ; and := cmp ("&&" cmp)* ; cmp := unary (op unary)? ;
  // unary := "!" unary | primary ; primary := "(" or ")" | literal | @path | $path
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseCompare();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.parseCompare() };
    return left;
  }

  private parseCompare(): Expr {
    const left = this.parseUnary();
    const op = COMPARE_OPS.find((candidate) => this.eat(candidate));
    return op === undefined ? left : { kind: 'compare', op, left, right: this.parseUnary() };
  }

  private parseUnary(): Expr {
    if (this.peek() === '!' && !this.source.startsWith('!=', this.pos)) {
      this.pos++;
      return { kind: 'not', operand: this.nested(() => this.parseUnary()) };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      const inner = this.nested(() => this.parseOr());
      this.expect(')', '")"');
      return inner;
    }
    if (c === '@' || c === '$') {
      this.pos++;
      return { kind: 'path', from: c, keys: this.operandKeys() };
    }
    if (c === '"' || c === "'") return { kind: 'literal', value: this.quoted() };
    const keyword = this.match(KEYWORD);
    if (keyword !== undefined) return { kind: 'literal', value: keyword === 'null' ? null : keyword === 'true' };
    const number = this.match(NUMBER);
    if (number !== undefined) return { kind: 'literal', value: Number(number) };
    return this.fail('expected a value, "@" or "$" in the filter');
  }

  /** Keys of a definite path inside a filter (`@.a['b'][0]`). */
  private operandKeys(): Key[] {
    const keys: Key[] = [];
    for (;;) {
      if (this.source.startsWith('..', this.pos) || this.peekAfter('.', '*') || this.peekAfter('[', '*')
        || this.peekAfter('[', '?') || this.peekAfter('[', '(')) {
        this.fail('only definite paths (names and indices) are supported inside filters');
      }
      if (this.eat('.')) {
        keys.push(this.name());
      } else if (this.eat('[')) {
        keys.push(this.key());
        this.expect(']', '"]" (only single names and indices are supported inside filters)');
      } else {
        return keys;
      }
    }
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_FILTER_DEPTH) this.fail('filter expression nested too deeply');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private key(): Key {
    const c = this.peek();
    if (c === '"' || c === "'") return this.quoted();
    const digits = this.match(INTEGER);
    if (digits === undefined) return this.fail('expected a quoted name or an integer index');
    return Number(digits);
  }

  private optionalInteger(): number | undefined {
    const digits = this.match(INTEGER);
    return digits === undefined ? undefined : Number(digits);
  }

  private name(): string {
    return this.match(NAME) ?? this.fail('expected a name, "*" or "["');
  }

  private quoted(): string {
    const quote = this.source[this.pos];
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.source[this.pos++];
      if (c === undefined) {
        this.pos = start;
        return this.fail('unterminated string');
      }
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.source[this.pos++] ?? '';
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === 'u' && /^[\da-fA-F]{4}$/.test(this.source.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(Number.parseInt(this.source.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.pos -= 2;
        return this.fail('invalid escape in string');
      }
    }
  }

  private match(re: RegExp): string | undefined {
    this.skipSpace();
    re.lastIndex = this.pos;
    const m = re.exec(this.source);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  private skipSpace(): void {
    while (this.pos < this.source.length && /\s/.test(this.source[this.pos] ?? '')) this.pos++;
  }

  private peek(): string {
    this.skipSpace();
    return this.source[this.pos] ?? '';
  }

  private peekAfter(first: string, second: string): boolean {
    if (this.peek() !== first) return false;
    const saved = this.pos++;
    const found = this.peek() === second;
    this.pos = saved;
    return found;
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (!this.source.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string, what: string): void {
    if (!this.eat(token)) this.fail(`expected ${what}`);
  }

  private fail(reason: string): never {
    throw new JsonPathError(`invalid JSONPath "${this.source}": ${reason} at position ${this.pos}`);
  }
}

/**
 * Parses a JSONPath (must start with `$`) into segments.
 *
 * @throws JsonPathError naming the path, the reason and the position.
 * @example
 * ```ts
 * parsePath('$.a[0]'); // [{ kind: 'key', key: 'a' }, { kind: 'key', key: 0 }]
 * ```
 */
export function parsePath(path: string): Segment[] {
  return new PathParser(path).parse();
}
