// The data-flow graph: instructions and their results, block parameters, and value definitions
// (instruction result, block parameter, or alias of another value).
import { NONE, type Block, type Inst, type Type, type Value } from './entities.js';
import { branchDestinations, cloneInstructionData, type InstructionData } from './instruction.js';

export const ValueKind = { Invalid: 0, Result: 1, Param: 2, Alias: 3 } as const;
export type ValueKindCode = (typeof ValueKind)[keyof typeof ValueKind];

/** How a value is defined. `owner` is the instruction (Result), block (Param) or aliased value (Alias). */
export class ValueData {
  constructor(
    public kind: ValueKindCode,
    public type: Type | null,
    public owner: number,
    public num: number,
  ) {}
}

/** Where a value comes from, after alias resolution. */
export type ValueDef =
  | { readonly kind: 'result'; readonly inst: Inst; readonly num: number }
  | { readonly kind: 'param'; readonly block: Block; readonly num: number };

/** The shared result list of instructions without results (replaced, never mutated). */
const NO_VALUES: Value[] = [];

export class DataFlowGraph {
  /** Value table indexed by value number; numbers never used are `Invalid`. */
  readonly values: ValueData[] = [];
  /** Instruction table indexed by instruction number. */
  readonly insts: InstructionData[] = [];
  private readonly results: Value[][] = [];
  private readonly params: Value[][] = [];

  /** An independent copy (types are shared: they are interned). */
  clone(): DataFlowGraph {
    const c = new DataFlowGraph();
    for (const d of this.values) c.values.push(new ValueData(d.kind, d.type, d.owner, d.num));
    for (const d of this.insts) c.insts.push(cloneInstructionData(d));
    for (const r of this.results) c.results.push(r === NO_VALUES ? NO_VALUES : r.slice());
    for (const p of this.params) c.params.push(p.slice());
    return c;
  }

  // ---- blocks ----

  /** Number of block numbers allocated (the next new block gets this number). */
  numBlocks(): number {
    return this.params.length;
  }

  makeBlock(): Block {
    this.params.push([]);
    return this.params.length - 1;
  }

  /** Makes sure block numbers up to `block` exist (the parser keeps source numbers). */
  ensureBlock(block: Block): void {
    while (this.params.length <= block) this.params.push([]);
  }

  blockParams(block: Block): readonly Value[] {
    return this.params[block] ?? [];
  }

  /** Appends a new parameter of type `type` to `block` and returns it. */
  appendBlockParam(block: Block, type: Type): Value {
    const v = this.values.length;
    this.values.push(new ValueData(ValueKind.Invalid, type, NONE, 0));
    this.attachBlockParam(block, v, type);
    return v;
  }

  /** Makes existing value number `v` the next parameter of `block`. */
  attachBlockParam(block: Block, v: Value, type: Type): void {
    this.ensureValue(v);
    const list = this.params[block];
    if (list === undefined) throw new Error(`block${block} does not exist`);
    const data = this.values[v]!;
    data.kind = ValueKind.Param;
    data.type = type;
    data.owner = block;
    data.num = list.length;
    list.push(v);
  }

  /** Removes parameter `index` of `block`; the value becomes unattached (Invalid). */
  removeBlockParam(block: Block, index: number): Value {
    const list = this.params[block];
    if (list === undefined || index < 0 || index >= list.length) throw new Error(`block${block} has no parameter ${index}`);
    const [v] = list.splice(index, 1) as [Value];
    this.values[v]!.kind = ValueKind.Invalid;
    for (let i = index; i < list.length; i++) this.values[list[i]!]!.num = i;
    return v;
  }

  // ---- values ----

  /** Number of value numbers allocated (the next new value gets this number). */
  numValues(): number {
    return this.values.length;
  }

  /** Pads the value table so that `v` exists (as Invalid when new). */
  ensureValue(v: Value): void {
    while (this.values.length <= v) this.values.push(new ValueData(ValueKind.Invalid, null, NONE, 0));
  }

  /** True if `v` is defined: a result, a parameter or an alias. */
  valueIsDefined(v: Value): boolean {
    const d = this.values[v];
    return d !== undefined && d.kind !== ValueKind.Invalid;
  }

  valueType(v: Value): Type {
    const d = this.values[v];
    if (d === undefined || d.type === null) throw new Error(`v${v} has no type`);
    return d.type;
  }

  /** Follows aliases to the value that really defines `v` (throws on a cycle). */
  resolveAliases(v: Value): Value {
    let cur = v;
    for (let steps = 0; ; steps++) {
      const d = this.values[cur];
      if (d === undefined || d.kind !== ValueKind.Alias) return cur;
      if (steps > this.values.length) throw new Error(`alias cycle involving v${v}`);
      cur = d.owner;
    }
  }

  /** The immediate target if `v` is an alias, else undefined. */
  aliasTarget(v: Value): Value | undefined {
    const d = this.values[v];
    return d !== undefined && d.kind === ValueKind.Alias ? d.owner : undefined;
  }

  valueDef(v: Value): ValueDef {
    const r = this.resolveAliases(v);
    const d = this.values[r];
    if (d === undefined || d.kind === ValueKind.Invalid || d.kind === ValueKind.Alias) throw new Error(`v${v} is not defined`);
    return d.kind === ValueKind.Result ? { kind: 'result', inst: d.owner, num: d.num } : { kind: 'param', block: d.owner, num: d.num };
  }

  /** The block or instruction that defines `v` after alias resolution, as raw data (no allocation). */
  definingData(v: Value): ValueData | undefined {
    let d = this.values[v];
    for (let steps = 0; d !== undefined && d.kind === ValueKind.Alias; steps++) {
      if (steps > this.values.length) return undefined;
      d = this.values[d.owner];
    }
    return d;
  }

  /** Turns `v` into an alias of `target` (detaching it from whatever defined it before). */
  makeAlias(v: Value, target: Value): void {
    this.ensureValue(v);
    const d = this.values[v]!;
    const t = this.values[target];
    d.kind = ValueKind.Alias;
    d.owner = target;
    d.num = 0;
    d.type = t !== undefined && t.kind !== ValueKind.Invalid ? t.type : null;
  }

  // ---- instructions ----

  numInsts(): number {
    return this.insts.length;
  }

  /** Adds instruction data (no results yet) and returns its number. */
  makeInst(data: InstructionData): Inst {
    this.insts.push(data);
    this.results.push(NO_VALUES);
    return this.insts.length - 1;
  }

  inst(inst: Inst): InstructionData {
    const d = this.insts[inst];
    if (d === undefined) throw new Error(`inst${inst} does not exist`);
    return d;
  }

  instResults(inst: Inst): readonly Value[] {
    return this.results[inst] ?? [];
  }

  firstResult(inst: Inst): Value {
    const r = this.results[inst]?.[0];
    if (r === undefined) throw new Error(`inst${inst} has no results`);
    return r;
  }

  /** Appends a fresh result value of `type` to `inst`. */
  appendResult(inst: Inst, type: Type): Value {
    const v = this.values.length;
    this.values.push(new ValueData(ValueKind.Invalid, type, NONE, 0));
    this.attachResult(inst, v, type);
    return v;
  }

  /** Makes existing value number `v` the next result of `inst`. */
  attachResult(inst: Inst, v: Value, type: Type): void {
    this.ensureValue(v);
    const list = this.results[inst];
    if (list === undefined) throw new Error(`inst${inst} does not exist`);
    const d = this.values[v]!;
    d.kind = ValueKind.Result;
    d.type = type;
    d.owner = inst;
    d.num = list.length;
    // A literal, not `[]` and push: V8 would give the array room for 17 (most have one result).
    if (list === NO_VALUES) this.results[inst] = [v];
    else list.push(v);
  }

  /** Detaches all results of `inst` (they become Invalid) and returns them. */
  detachResults(inst: Inst): Value[] {
    const list = this.results[inst] ?? NO_VALUES;
    this.results[inst] = NO_VALUES;
    for (const v of list) {
      const d = this.values[v]!;
      if (d.kind === ValueKind.Result && d.owner === inst) d.kind = ValueKind.Invalid;
    }
    return list === NO_VALUES ? [] : list;
  }

  /**
   * Every value an instruction reads: its arguments, then the value arguments of its branch
   * destinations, then exception-table contexts (Cranelift's `inst_values` order).
   */
  instValues(inst: Inst): Value[] {
    const data = this.inst(inst);
    const out = data.args.slice();
    if (data.destinations !== null || data.table !== null || data.exceptionTable !== null) {
      // Cranelift's order (DataFlowGraph::inst_values): an exception table's targets as written,
      // its normal return last, then its context values. The constant comments follow it.
      const table = data.exceptionTable;
      const calls = table === null ? branchDestinations(data) : [...table.items.flatMap((i) => (i.kind === 'context' ? [] : [i.dest])), table.normalReturn];
      for (const call of calls) for (const a of call.args) if (typeof a === 'number') out.push(a);
      if (table !== null) for (const item of table.items) if (item.kind === 'context') out.push(item.value);
    }
    return out;
  }

  /** Rewrites every value an instruction reads through `f`. */
  mapInstValues(inst: Inst, f: (v: Value) => Value): void {
    const data = this.inst(inst);
    for (let i = 0; i < data.args.length; i++) data.args[i] = f(data.args[i]!);
    for (const call of branchDestinations(data)) {
      for (let i = 0; i < call.args.length; i++) {
        const a = call.args[i]!;
        if (typeof a === 'number') call.args[i] = f(a);
      }
    }
    if (data.exceptionTable !== null) {
      for (const item of data.exceptionTable.items) if (item.kind === 'context') item.value = f(item.value);
    }
  }
}
