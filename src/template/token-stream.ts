/** The parser's view of the token list: Go's peek/next/backup discipline plus error reporting. */
import { TemplateError } from './errors.ts';
import { lex } from './lexer.ts';
import { describeToken, TokenType, type Token } from './tokens.ts';

export class TokenStream {
  protected readonly tokens: Token[];
  protected readonly name: string;
  protected idx = 0;
  /** Furthest token read: Go reports parse errors on its line. */
  private maxRead = 0;
  /** Line of the action being parsed (0 outside actions), for "in action started at" hints. */
  protected actionLine = 0;

  constructor(name: string, text: string) {
    this.name = name;
    this.tokens = lex(text);
  }

  private at(i: number): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    if (i > this.maxRead) this.maxRead = Math.min(i, this.tokens.length - 1);
    return this.tokens[i] ?? last;
  }
  protected next(): Token {
    const t = this.at(this.idx);
    if (this.idx < this.tokens.length - 1) this.idx++;
    else this.idx = this.tokens.length; // stay past the terminal token
    return t;
  }
  protected backup(n = 1): void {
    this.idx -= n;
  }
  protected peek(): Token {
    return this.at(Math.min(this.idx, this.tokens.length - 1));
  }
  protected nextNonSpace(): Token {
    let t = this.next();
    while (t.type === TokenType.Space) t = this.next();
    return t;
  }
  /** Like Go: skips (consumes) spaces, then peeks at the next token. */
  protected peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  /** Throws a parse error in Go's format: `template: <name>:<line>: <message>`. */
  errorf(message: string, cause?: unknown): never {
    const line = (this.tokens[this.maxRead] ?? this.tokens[0])?.line ?? 1;
    throw new TemplateError(`template: ${this.name}:${line}: ${message}`, cause === undefined ? undefined : { cause });
  }
  protected unexpected(token: Token, context: string): never {
    if (token.type === TokenType.Error) {
      const extra = this.actionLine !== 0 && this.actionLine !== token.line
        ? ` in action started at ${this.name}:${this.actionLine}`
        : '';
      this.errorf(`${token.value}${extra}`);
    }
    this.errorf(`unexpected ${describeToken(token)} in ${context}`);
  }
  protected expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
}
