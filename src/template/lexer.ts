/**
 * Lexer for Go `text/template` source, a transcription of Go's `text/template/parse/lex.go`
 * (default `{{`/`}}` delimiters, trim markers, comments dropped).
 */
import { goQuote } from './go-literals.ts';
import { KEYWORDS, TokenType, type Token } from './tokens.ts';

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const EOF_CHAR = '';

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (c: string): boolean => c !== EOF_CHAR && ALNUM.test(c);
const hasLeftTrimMarker = (s: string): boolean => s.length >= 2 && s[0] === '-' && isSpace(s[1] ?? '');
const hasRightTrimMarker = (s: string): boolean => s.length >= 2 && isSpace(s[0] ?? '') && s[1] === '-';

function leftTrimLength(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s[i] ?? '')) i++;
  return i;
}

function rightTrimLength(s: string): number {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1] ?? '')) i--;
  return s.length - i;
}

/** Go's `%#U` rendering of a character, e.g. `U+002D '-'`. */
function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return /\p{L}|\p{N}|\p{P}|\p{S}/u.test(c) ? `U+${hex} '${c}'` : `U+${hex}`;
}

/** Scans the whole template into tokens; a lexing error ends the list with an `error` token. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const next = (): string => {
    if (pos >= input.length) return EOF_CHAR;
    const cp = input.codePointAt(pos) ?? 0;
    const c = String.fromCodePoint(cp);
    pos += c.length;
    if (c === '\n') line++;
    return c;
  };
  const peek = (): string => {
    if (pos >= input.length) return EOF_CHAR;
    return String.fromCodePoint(input.codePointAt(pos) ?? 0);
  };
  const backup = (c: string): void => {
    pos -= c.length;
    if (c === '\n') line--;
  };
  const emit = (type: TokenType): void => {
    tokens.push({ type, value: input.slice(start, pos), pos: start, line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countNewlines(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const error = (message: string): false => {
    tokens.push({ type: TokenType.Error, value: message, pos: start, line: startLine });
    return false;
  };
  const accept = (valid: string): boolean => {
    const c = peek();
    if (c !== EOF_CHAR && valid.includes(c)) {
      next();
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    const rest = input.slice(pos, pos + 4);
    if (hasRightTrimMarker(rest) && rest.slice(2).startsWith(RIGHT)) return { delim: true, trim: true };
    return { delim: rest.startsWith(RIGHT), trim: false };
  };
  const atTerminator = (): boolean => {
    const c = peek();
    if (isSpace(c)) return true;
    if (c === EOF_CHAR || '.,|:)('.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };

  // Returns false when lexing must stop (EOF or error).
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      line += countNewlines(input.slice(start, pos));
      if (pos > start) emit(TokenType.Text);
      tokens.push({ type: TokenType.EOF, value: '', pos, line });
      return false;
    }
    if (x > pos || x > start) {
      pos = x;
      let trim = 0;
      if (hasLeftTrimMarker(input.slice(pos + LEFT.length, pos + LEFT.length + 2))) {
        trim = rightTrimLength(input.slice(start, pos));
      }
      pos -= trim;
      line = startLine + countNewlines(input.slice(start, pos));
      if (pos > start) emit(TokenType.Text);
      pos += trim;
      ignore();
    }
    return lexLeftDelim();
  };

  const lexLeftDelim = (): boolean => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input.slice(pos, pos + 2));
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      return lexComment();
    }
    tokens.push({ type: TokenType.LeftDelim, value: LEFT, pos: start, line: startLine });
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    return lexInsideActionLoop();
  };

  const lexComment = (): boolean => {
    pos += LEFT_COMMENT.length;
    const x = input.indexOf(RIGHT_COMMENT, pos);
    if (x < 0) return error('unclosed comment');
    pos = x + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) return error('comment ends before closing delimiter');
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += leftTrimLength(input.slice(pos));
    ignore();
    return true;
  };

  const lexRightDelim = (): void => {
    const { trim } = atRightDelim();
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit(TokenType.RightDelim);
    if (trim) {
      pos += leftTrimLength(input.slice(pos));
      ignore();
    }
  };

  const lexSpace = (): boolean => {
    let numSpaces = 0;
    while (isSpace(peek())) {
      next();
      numSpaces++;
    }
    if (hasRightTrimMarker(input.slice(pos - 1, pos + 1)) && input.startsWith(RIGHT, pos + 1)) {
      backup(input[pos - 1] ?? '');
      if (numSpaces === 1) return true; // on the trim-marked delimiter
    }
    emit(TokenType.Space);
    return true;
  };

  const lexQuote = (): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const e = next();
        if (e !== EOF_CHAR && e !== '\n') continue;
        return error('unterminated quoted string');
      }
      if (c === EOF_CHAR || c === '\n') return error('unterminated quoted string');
      if (c === '"') break;
    }
    emit(TokenType.String);
    return true;
  };

  const lexRawQuote = (): boolean => {
    for (;;) {
      const c = next();
      if (c === EOF_CHAR) return error('unterminated raw quoted string');
      if (c === '`') break;
    }
    emit(TokenType.RawString);
    return true;
  };

  const lexChar = (): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const e = next();
        if (e !== EOF_CHAR && e !== '\n') continue;
        return error('unterminated character constant');
      }
      if (c === EOF_CHAR || c === '\n') return error('unterminated character constant');
      if (c === "'") break;
    }
    emit(TokenType.CharConstant);
    return true;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  const lexNumber = (): boolean => {
    if (!scanNumber()) return error(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
    emit(TokenType.Number);
    return true;
  };

  const lexFieldOrVariable = (type: TokenType): boolean => {
    if (atTerminator()) {
      emit(type === TokenType.Variable ? TokenType.Variable : TokenType.Dot);
      return true;
    }
    let c: string;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) {
        backup(c);
        break;
      }
    }
    if (!atTerminator()) return error(`bad character ${describeChar(c || ' ')}`);
    emit(type);
    return true;
  };

  const lexIdentifier = (): boolean => {
    for (;;) {
      const c = next();
      if (isAlphaNumeric(c)) continue;
      backup(c);
      const word = input.slice(start, pos);
      if (!atTerminator()) return error(`bad character ${describeChar(c || ' ')}`);
      const keyword = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
      if (keyword !== undefined) emit(keyword);
      else if (word.startsWith('.')) emit(TokenType.Field);
      else if (word === 'true' || word === 'false') emit(TokenType.Bool);
      else emit(TokenType.Identifier);
      return true;
    }
  };

  const lexInsideAction = (): boolean | 'done' => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) {
        lexRightDelim();
        return 'done';
      }
      return error('unclosed left paren');
    }
    const c = next();
    if (c === EOF_CHAR) return error('unclosed action');
    if (isSpace(c)) {
      backup(c);
      return lexSpace();
    }
    switch (c) {
      case '=':
        emit(TokenType.Assign);
        return true;
      case ':':
        if (next() !== '=') return error('expected :=');
        emit(TokenType.Declare);
        return true;
      case '|':
        emit(TokenType.Pipe);
        return true;
      case '"':
        return lexQuote();
      case '`':
        return lexRawQuote();
      case '$':
        return lexFieldOrVariable(TokenType.Variable);
      case "'":
        return lexChar();
      case '(':
        parenDepth++;
        emit(TokenType.LeftParen);
        return true;
      case ')':
        parenDepth--;
        if (parenDepth < 0) return error('unexpected right paren');
        emit(TokenType.RightParen);
        return true;
      default:
        break;
    }
    if (c === '.') {
      const n = peek();
      if (n === EOF_CHAR || n < '0' || n > '9') return lexFieldOrVariable(TokenType.Field);
    }
    if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      backup(c);
      return lexNumber();
    }
    if (isAlphaNumeric(c)) {
      backup(c);
      return lexIdentifier();
    }
    const code = c.codePointAt(0) ?? 0;
    if (code <= 0x7f && code >= 0x20 && code !== 0x7f) {
      emit(TokenType.Char);
      return true;
    }
    return error(`unrecognized character in action: ${describeChar(c)}`);
  };

  const lexInsideActionLoop = (): boolean => {
    for (;;) {
      const r = lexInsideAction();
      if (r === 'done') return true;
      if (!r) return false;
    }
  };

  while (lexText());
  return tokens;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
