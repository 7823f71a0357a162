/** The variables of one template execution: Go's `state.vars` stack, innermost last. */
export class Scope {
  private readonly vars: { name: string; value: unknown }[];

  /** A scope holding only `$`, as at the start of a template (or a `{{template}}` call). */
  constructor(dot: unknown) {
    this.vars = [{ name: '$', value: dot }];
  }

  /** The current depth, to return to with {@link popTo} when a block ends. */
  get mark(): number {
    return this.vars.length;
  }

  popTo(mark: number): void {
    this.vars.length = mark;
  }

  /** Declares a variable (`$x := ...`). */
  push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  /** Assigns the innermost variable of that name (`$x = ...`); false when there is none. */
  set(name: string, value: unknown): boolean {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) {
        v.value = value;
        return true;
      }
    }
    return false;
  }

  /** Sets the n-th variable from the top (range's element and index variables). */
  setTop(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }

  /** The innermost variable of that name, or undefined when there is none. */
  lookup(name: string): { value: unknown } | undefined {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v;
    }
    return undefined;
  }
}
