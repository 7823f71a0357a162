/** Recursive-descent parser for Go `text/template`, a transcription of Go's `parse.go`. */
import type {
  ArgNode, BranchNode, CommandNode, ElseNode, EndNode, ItemNode, ListNode, PipeNode, TemplateCallNode, VariableNode,
} from './ast.ts';
import { nodeToString } from './ast.ts';
import { parseGoNumber, unquoteChar, unquoteString } from './go-literals.ts';
import { LIMITS } from './limits.ts';
import { TokenStream } from './token-stream.ts';
import { TokenType, type Token } from './tokens.ts';

/** A parsed template: its main tree plus every `define`/`block` tree, by name. */
export interface ParsedTemplate {
  readonly name: string;
  readonly text: string;
  readonly root: ListNode;
  readonly templates: ReadonlyMap<string, ListNode>;
}

const MAX_DEPTH = LIMITS.maxParseDepth;

const NON_EXECUTABLE = new Set(['bool', 'dot', 'nil', 'number', 'string']);

class Parser extends TokenStream {
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private depth = 0;
  readonly templates = new Map<string, ListNode>();
  private readonly hasFunction: (name: string) => boolean;

  constructor(name: string, text: string, hasFunction: (name: string) => boolean) {
    super(name, text);
    this.hasFunction = hasFunction;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.errorf('max expression depth exceeded');
  }

  // --- top level --------------------------------------------------------------------------------
  parse(): ListNode {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== TokenType.EOF) {
      if (this.peek().type === TokenType.LeftDelim) {
        const save = this.idx;
        this.next();
        if (this.nextNonSpace().type === TokenType.Define) {
          this.parseDefinition();
          continue;
        }
        this.idx = save;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeToString(n)}`);
      root.nodes.push(n);
    }
    this.addTemplate(this.name, root);
    return root;
  }

  private addTemplate(name: string, root: ListNode): void {
    const existing = this.templates.get(name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.templates.set(name, root);
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${JSON.stringify(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    this.expect(TokenType.RightDelim, context);
    const savedVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = savedVars;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeToString(end)} in ${context}`);
    this.addTemplate(name, list);
  }

  private itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== TokenType.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): ItemNode | EndNode | ElseNode {
    const token = this.nextNonSpace();
    switch (token.type) {
      case TokenType.Text:
        return { kind: 'text', pos: token.pos, text: token.value };
      case TokenType.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): ItemNode | EndNode | ElseNode {
    const token = this.nextNonSpace();
    switch (token.type) {
      case TokenType.Block:
        return this.blockControl();
      case TokenType.Break:
      case TokenType.Continue:
        return this.loopControl(token);
      case TokenType.Else:
        return this.elseControl();
      case TokenType.End:
        return { kind: 'end', pos: this.expect(TokenType.RightDelim, 'end').pos };
      case TokenType.If:
      case TokenType.Range:
      case TokenType.With:
        return this.branchControl(token.type);
      case TokenType.Template:
        return this.templateControl();
      default:
        break;
    }
    this.backup();
    const pos = this.peek().pos;
    return { kind: 'action', pos, pipe: this.pipeline('command', TokenType.RightDelim) };
  }

  private loopControl(token: Token): ItemNode {
    const word = token.type === TokenType.Break ? 'break' : 'continue';
    const t = this.nextNonSpace();
    if (t.type !== TokenType.RightDelim) this.unexpected(t, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return token.type === TokenType.Break ? { kind: 'break', pos: token.pos } : { kind: 'continue', pos: token.pos };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    if (peek.type === TokenType.If || peek.type === TokenType.With) return { kind: 'else', pos: peek.pos };
    return { kind: 'else', pos: this.expect(TokenType.RightDelim, 'else').pos };
  }

  private branchControl(type: TokenType): BranchNode {
    const context = type === TokenType.If ? 'if' : type === TokenType.Range ? 'range' : 'with';
    this.enter();
    const savedVars = this.vars.length;
    try {
      const pipe = this.pipeline(context, TokenType.RightDelim);
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === 'else') {
        const follow = this.peek().type;
        if ((context === 'if' && follow === TokenType.If) || (context === 'with' && follow === TokenType.With)) {
          this.next();
          elseList = { kind: 'list', pos: next.pos, nodes: [this.branchControl(follow)] };
        } else {
          const [l, end] = this.itemList();
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeToString(end)}`);
          elseList = l;
        }
      }
      return { kind: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = savedVars;
      this.depth--;
    }
  }

  private blockControl(): TemplateCallNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, TokenType.RightDelim);
    const savedVars = this.vars;
    const savedRange = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    this.enter();
    const [list, end] = this.itemList();
    this.depth--;
    this.vars = savedVars;
    this.rangeDepth = savedRange;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeToString(end)} in ${context}`);
    this.addTemplate(name, list);
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private templateControl(): TemplateCallNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== TokenType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, TokenType.RightDelim);
    }
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private parseTemplateName(token: Token, context: string): string {
    if (token.type !== TokenType.String && token.type !== TokenType.RawString) this.unexpected(token, context);
    return this.unquote(token.value);
  }

  private unquote(quoted: string): string {
    try {
      return unquoteString(quoted);
    } catch (err) {
      this.errorf((err as Error).message, err);
    }
  }

  // --- pipelines --------------------------------------------------------------------------------
  private pipeline(context: string, end: TokenType): PipeNode {
    const pipe: PipeNode = { kind: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== TokenType.Variable) break;
      const before = this.idx;
      this.nextNonSpace();
      const nxt = this.peekNonSpace();
      if (nxt.type === TokenType.Assign || nxt.type === TokenType.Declare) {
        isAssign = nxt.type === TokenType.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v));
        this.vars.push(v.value);
        break;
      }
      if (nxt.type === TokenType.Char && nxt.value === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v));
        this.vars.push(v.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === TokenType.Variable || t === TokenType.RightDelim || t === TokenType.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.idx = before;
      break;
    }
    const result: PipeNode = { ...pipe, isAssign };
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case end:
          this.checkPipeline(result, context);
          return result;
        case TokenType.Bool: case TokenType.CharConstant: case TokenType.Dot: case TokenType.Field:
        case TokenType.Identifier: case TokenType.Number: case TokenType.Nil: case TokenType.RawString:
        case TokenType.String: case TokenType.Variable: case TokenType.LeftParen:
          this.backup();
          result.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first && NON_EXECUTABLE.has(first.kind)) this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === TokenType.Space) continue;
      if (token.type === TokenType.RightDelim || token.type === TokenType.RightParen) this.backup();
      else if (token.type !== TokenType.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== TokenType.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === TokenType.Field) fields.push(...this.next().value.slice(1).split('.'));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return this.errorf(`unexpected . after term ${JSON.stringify(nodeToString(node))}`);
      default:
        return { kind: 'chain', pos, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case TokenType.Identifier:
        if (!this.hasFunction(token.value)) this.errorf(`function ${JSON.stringify(token.value)} not defined`);
        return { kind: 'identifier', pos: token.pos, ident: token.value };
      case TokenType.Dot:
        return { kind: 'dot', pos: token.pos };
      case TokenType.Nil:
        return { kind: 'nil', pos: token.pos };
      case TokenType.Variable:
        this.useVar(token);
        return this.newVariable(token);
      case TokenType.Field:
        return { kind: 'field', pos: token.pos, ident: token.value.slice(1).split('.') };
      case TokenType.Bool:
        return { kind: 'bool', pos: token.pos, value: token.value === 'true' };
      case TokenType.CharConstant:
        try {
          return { kind: 'number', pos: token.pos, text: token.value, value: unquoteChar(token.value), isInt: true };
        } catch (err) {
          return this.errorf((err as Error).message, err);
        }
      case TokenType.Number:
        try {
          const n = parseGoNumber(token.value);
          return { kind: 'number', pos: token.pos, text: token.value, ...n };
        } catch (err) {
          return this.errorf((err as Error).message, err);
        }
      case TokenType.LeftParen: {
        this.enter();
        const pipe = this.pipeline('parenthesized pipeline', TokenType.RightParen);
        this.depth--;
        return pipe;
      }
      case TokenType.String:
      case TokenType.RawString:
        return { kind: 'string', pos: token.pos, quoted: token.value, text: this.unquote(token.value) };
      default:
        this.backup();
        return undefined;
    }
  }

  private newVariable(token: Token): VariableNode {
    return { kind: 'variable', pos: token.pos, ident: token.value.split('.') };
  }

  private useVar(token: Token): void {
    const name = token.value.split('.')[0] ?? '';
    if (!this.vars.includes(name)) this.errorf(`undefined variable ${JSON.stringify(name)}`);
  }
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}

/**
 * Parses template source into trees. Throws {@link TemplateError} with Go's wording on bad syntax.
 */
export function parse(text: string, name: string, hasFunction: (name: string) => boolean): ParsedTemplate {
  const parser = new Parser(name, text, hasFunction);
  const root = parser.parse();
  return { name, text, root, templates: parser.templates };
}
