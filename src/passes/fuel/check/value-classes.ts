// Value correspondence between the two functions as shared equivalence classes. Values that the
// walk pairs (entry parameters, results of paired effectful instructions, paired block
// parameters) get one fresh class; pure instructions get the class of their structure (opcode,
// immediates, operand classes), so a value computed the same way in both functions, in any
// block, lands in the same class.
import { ValueKind, type Inst, type Value } from '../../../ir/index.js';
import type { FuelView } from './fuel-view.js';
import { opKey } from './op-key.js';
import { isPure } from './purity.js';
import { FuelCheckDiagnostic } from './types.js';

export class ClassTable {
  private next = 0;
  private readonly terms = new Map<string, number>();

  fresh(): number {
    return this.next++;
  }

  intern(key: string): number {
    let c = this.terms.get(key);
    if (c === undefined) {
      c = this.next++;
      this.terms.set(key, c);
    }
    return c;
  }
}

export class SideValues {
  private readonly classes = new Map<Value, number>();

  constructor(
    readonly view: FuelView,
    readonly table: ClassTable,
  ) {}

  /** The class of `v` if it has one already (after trivial-parameter resolution). */
  known(value: Value): number | undefined {
    return this.classes.get(this.view.canon(value));
  }

  assign(value: Value, cls: number): void {
    this.classes.set(this.view.canon(value), cls);
  }

  /**
   * The class of `value` as used by `user` (named in diagnostics). Pure definitions are
   * classified on demand, iteratively so that long chains do not exhaust the stack.
   */
  classOf(value: Value, user: Inst): number {
    const view = this.view;
    const dfg = view.fn.dfg;
    const stack: Value[] = [view.canon(value)];
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      if (this.classes.has(v)) {
        stack.pop();
        continue;
      }
      if (view.fuelValues.has(v)) {
        throw new FuelCheckDiagnostic({ message: `counter value v${v} is used as ordinary data`, [view.side]: view.site(user) });
      }
      const d = dfg.values[v];
      if (d === undefined || d.kind !== ValueKind.Result) {
        const where = d !== undefined && d.kind === ValueKind.Param ? ` (parameter of block${d.owner})` : '';
        throw new FuelCheckDiagnostic({ message: `v${v}${where} has no counterpart in the other function where it is used`, [view.side]: view.site(user) });
      }
      const inst = d.owner;
      const data = dfg.insts[inst]!;
      if (!isPure(data)) {
        throw new FuelCheckDiagnostic({ message: `v${v} comes from an instruction the walk has not paired`, [view.side]: view.site(user) });
      }
      let ready = true;
      const operands: number[] = [];
      for (const a of data.args) {
        const c = view.canon(a);
        const known = this.classes.get(c);
        if (known === undefined) {
          if (ready) ready = false;
          stack.push(c);
        } else operands.push(known);
      }
      if (!ready) continue;
      stack.pop();
      this.classes.set(v, this.table.intern(`${opKey(view.fn, inst)}#${d.num}(${operands.join(',')})`));
    }
    return this.classes.get(view.canon(value))!;
  }
}
