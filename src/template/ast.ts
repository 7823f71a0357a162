/** Parse-tree nodes of a template, mirroring Go's `text/template/parse` node types. */

export interface TextNode { readonly kind: 'text'; readonly pos: number; readonly text: string }
export interface FieldNode { readonly kind: 'field'; readonly pos: number; readonly ident: readonly string[] }
/** `ident[0]` is the variable name including `$`; the rest are field names. */
export interface VariableNode { readonly kind: 'variable'; readonly pos: number; readonly ident: readonly string[] }
export interface ChainNode { readonly kind: 'chain'; readonly pos: number; readonly node: ArgNode; readonly field: readonly string[] }
export interface IdentifierNode { readonly kind: 'identifier'; readonly pos: number; readonly ident: string }
export interface DotNode { readonly kind: 'dot'; readonly pos: number }
export interface NilNode { readonly kind: 'nil'; readonly pos: number }
export interface BoolNode { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
export interface NumberNode {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly value: number;
  readonly isInt: boolean;
}
export interface StringNode { readonly kind: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }
export interface CommandNode { readonly kind: 'command'; readonly pos: number; readonly args: ArgNode[] }
export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  readonly isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export interface ListNode { readonly kind: 'list'; readonly pos: number; readonly nodes: ItemNode[] }
export interface ActionNode { readonly kind: 'action'; readonly pos: number; readonly pipe: PipeNode }
export interface BranchNode {
  readonly kind: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateCallNode { readonly kind: 'template'; readonly pos: number; readonly name: string; readonly pipe: PipeNode | undefined }
export interface BreakNode { readonly kind: 'break'; readonly pos: number }
export interface ContinueNode { readonly kind: 'continue'; readonly pos: number }

export type ItemNode = TextNode | ActionNode | BranchNode | TemplateCallNode | BreakNode | ContinueNode | ListNode;

/** Internal markers returned by the item-list parser for `{{end}}` and `{{else}}`. */
export interface EndNode { readonly kind: 'end'; readonly pos: number }
export interface ElseNode { readonly kind: 'else'; readonly pos: number }

export type AnyNode = ArgNode | ItemNode | CommandNode | EndNode | ElseNode;

/** Renders a node as Go's `Node.String()` does (used in error contexts). */
export function nodeToString(node: AnyNode): string {
  switch (node.kind) {
    case 'text':
      return JSON.stringify(node.text);
    case 'field':
      return node.ident.map((id) => `.${id}`).join('');
    case 'variable':
      return node.ident.join('.');
    case 'chain': {
      const inner = node.node.kind === 'pipe' ? `(${nodeToString(node.node)})` : nodeToString(node.node);
      return inner + node.field.map((f) => `.${f}`).join('');
    }
    case 'identifier':
      return node.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'command':
      return node.args.map((a) => (a.kind === 'pipe' ? `(${nodeToString(a)})` : nodeToString(a))).join(' ');
    case 'pipe': {
      const decl = node.decl.length > 0 ? `${node.decl.map(nodeToString).join(', ')} ${node.isAssign ? '=' : ':='} ` : '';
      return decl + node.cmds.map(nodeToString).join(' | ');
    }
    case 'list':
      return node.nodes.map(nodeToString).join('');
    case 'action':
      return `{{${nodeToString(node.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = node.elseList ? `{{else}}${nodeToString(node.elseList)}` : '';
      return `{{${node.kind} ${nodeToString(node.pipe)}}}${nodeToString(node.list)}${elsePart}{{end}}`;
    }
    case 'template':
      return node.pipe ? `{{template ${JSON.stringify(node.name)} ${nodeToString(node.pipe)}}}` : `{{template ${JSON.stringify(node.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
  }
}

/**
 * Go's `Tree.ErrorContext`: `name:line:col` of a node (col is 0-based) and its source rendering,
 * cut to 20 characters.
 */
export function errorContext(text: string, parseName: string, node: AnyNode): { location: string; context: string } {
  const before = text.slice(0, node.pos);
  const nl = before.lastIndexOf('\n');
  const col = nl < 0 ? node.pos : node.pos - nl - 1;
  const line = before.split('\n').length;
  const runes = Array.from(nodeToString(node));
  const context = runes.length > 20 ? `${runes.slice(0, 20).join('')}...` : runes.join('');
  return { location: `${parseName}:${line}:${col}`, context };
}
