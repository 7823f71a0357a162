/** Token types of the template lexer and their Go-style rendering in error messages. */
import { goQuote } from './go-literals.ts';

export const TokenType = {
  Error: 'error',
  EOF: 'EOF',
  Text: 'text',
  LeftDelim: 'leftDelim',
  RightDelim: 'rightDelim',
  Space: 'space',
  Bool: 'bool',
  Char: 'char',
  CharConstant: 'charConstant',
  Number: 'number',
  String: 'string',
  RawString: 'rawString',
  Field: 'field',
  Variable: 'variable',
  Identifier: 'identifier',
  Dot: 'dot',
  Nil: 'nil',
  Assign: 'assign',
  Declare: 'declare',
  Pipe: 'pipe',
  LeftParen: 'leftParen',
  RightParen: 'rightParen',
  // keywords
  Block: 'block',
  Break: 'break',
  Continue: 'continue',
  Define: 'define',
  Else: 'else',
  End: 'end',
  If: 'if',
  Range: 'range',
  Template: 'template',
  With: 'with',
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** Byte offset (UTF-16 index) of the token in the source. */
  readonly pos: number;
  /** 1-based line of the token start. */
  readonly line: number;
}

export const KEYWORDS: Readonly<Record<string, TokenType>> = {
  '.': TokenType.Dot,
  block: TokenType.Block,
  break: TokenType.Break,
  continue: TokenType.Continue,
  define: TokenType.Define,
  else: TokenType.Else,
  end: TokenType.End,
  if: TokenType.If,
  range: TokenType.Range,
  nil: TokenType.Nil,
  template: TokenType.Template,
  with: TokenType.With,
};

const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set(Object.values(KEYWORDS));

/** Whether a token type is a keyword (printed as `<word>` in errors, as Go does). */
export function isKeyword(type: TokenType): boolean {
  return KEYWORD_TYPES.has(type);
}

/** Renders a token the way Go's `item.String()` does, for error messages. */
export function describeToken(token: Token): string {
  if (token.type === TokenType.EOF) return 'EOF';
  if (token.type === TokenType.Error) return token.value;
  if (isKeyword(token.type)) return `<${token.value}>`;
  const chars = Array.from(token.value);
  if (chars.length > 10) return `${goQuote(chars.slice(0, 10).join(''))}...`;
  return goQuote(token.value);
}
