// The one recogniser of the fuel web's instruction shapes, shared by the passes, check-fuel,
// the CFG drawing and the bench counters:
//  * an increment: `iadd F, k` / `iadd k, F` / `iadd_imm F, k` (or `isub F, k`, which only the
//    checker accepts) where F carries the counter, k an `iconst`, an immediate or a run-time value;
//  * the pinned form's read (`get_pinned_reg`), its increment triple
//    `get_pinned_reg → iadd/iadd_imm → set_pinned_reg`, and its flushes (`store` of a read).
// What a counter value *is* stays the caller's decision (a predicate): the web recogniser and the
// checker each prove that on their own; only the shapes are recognised here.
import { ValueKind, type Block, type Function, type Inst, type Value } from '../../../ir/index.js';

/** What an increment adds: a constant (from an `iconst` or an immediate) or a run-time value. */
export type IncrementAmount =
  | { readonly kind: 'const'; readonly amount: bigint; readonly constInst: Inst | undefined }
  | { readonly kind: 'dynamic'; readonly amount: Value };

/** An addition to the counter. */
export interface CounterAdd {
  readonly inst: Inst;
  readonly opcode: 'iadd' | 'iadd_imm' | 'isub';
  /** Index of the counter operand in the instruction's arguments. */
  readonly counterOperand: number;
  readonly counter: Value;
  /** For `isub`: the amount is subtracted (the charge is its negation). */
  readonly negated: boolean;
  readonly amount: IncrementAmount;
}

/** Why an arithmetic instruction on the counter is not an increment. */
export type CounterAddProblem = 'adds-two-counters' | 'subtracts-counter';

/** True for the opcodes that can carry the counter from one value to the next. */
export function isCounterArithmetic(opcode: string): boolean {
  return opcode === 'iadd' || opcode === 'iadd_imm' || opcode === 'isub';
}

/** The instruction defining `v`, if `v` is an instruction result. */
export function definingInst(fn: Function, v: Value): Inst | undefined {
  const def = fn.dfg.definingData(fn.dfg.resolveAliases(v));
  return def !== undefined && def.kind === ValueKind.Result ? def.owner : undefined;
}

/** The `iconst` defining `v` and its signed value, if it is one. */
export function constantDef(fn: Function, v: Value): { inst: Inst; value: bigint } | undefined {
  const owner = definingInst(fn, v);
  if (owner === undefined) return undefined;
  const data = fn.dfg.insts[owner]!;
  return data.opcode === 'iconst' ? { inst: owner, value: BigInt.asIntN(64, data.imm) } : undefined;
}

/**
 * `inst` as an addition to the counter, given which values carry the counter. Undefined when
 * it is no such arithmetic or touches no counter value; a problem when it combines the counter
 * in a way no increment does. `isub` is matched only when `allowSub` is set.
 */
export function matchCounterAdd(
  fn: Function,
  inst: Inst,
  isCounter: (v: Value) => boolean,
  allowSub = false,
): CounterAdd | CounterAddProblem | undefined {
  const data = fn.dfg.insts[inst]!;
  const opcode = data.opcode;
  if (opcode !== 'iadd' && opcode !== 'iadd_imm' && !(allowSub && opcode === 'isub')) return undefined;
  if (opcode === 'iadd_imm') {
    const a = data.args[0];
    if (a === undefined || !isCounter(a)) return undefined;
    return { inst, opcode, counterOperand: 0, counter: a, negated: false, amount: { kind: 'const', amount: BigInt.asIntN(64, data.imm), constInst: undefined } };
  }
  const [a, b] = data.args;
  if (a === undefined || b === undefined) return undefined;
  const fa = isCounter(a);
  const fb = isCounter(b);
  if (!fa && !fb) return undefined;
  if (fa && fb) return 'adds-two-counters';
  if (opcode === 'isub' && fb) return 'subtracts-counter';
  const k = fa ? 0 : 1;
  const other = fa ? b : a;
  const c = constantDef(fn, other);
  const amount: IncrementAmount = c === undefined ? { kind: 'dynamic', amount: other } : { kind: 'const', amount: c.value, constInst: c.inst };
  return { inst, opcode, counterOperand: k, counter: fa ? a : b, negated: opcode === 'isub', amount };
}

/** True when `v` is a read of the pinned register. */
export function isPinnedRead(fn: Function, v: Value): boolean {
  const owner = definingInst(fn, v);
  return owner !== undefined && fn.dfg.insts[owner]!.opcode === 'get_pinned_reg';
}

/** True when the function reads the pinned register anywhere (it is in the pinned form). */
export function readsPinnedRegister(fn: Function): boolean {
  for (const b of fn.layout.blocks()) for (const i of fn.layout.blockInsts(b)) if (fn.dfg.insts[i]!.opcode === 'get_pinned_reg') return true;
  return false;
}

/** True for `get_pinned_reg` and `set_pinned_reg`. */
export function isPinnedAccess(opcode: string): boolean {
  return opcode === 'get_pinned_reg' || opcode === 'set_pinned_reg';
}

/** True when `inst` stores a pinned-register read to memory (the counter flushed before a call). */
export function isCounterFlush(fn: Function, inst: Inst): boolean {
  const data = fn.dfg.insts[inst]!;
  return data.opcode === 'store' && data.args[0] !== undefined && isPinnedRead(fn, data.args[0]);
}

/** An increment of the pinned form: `get_pinned_reg → iadd/iadd_imm → set_pinned_reg`. */
export interface PinnedIncrement {
  /** The block of the add. */
  readonly block: Block;
  /** The `get_pinned_reg` feeding the add. */
  readonly get: Inst;
  /** The `iadd` / `iadd_imm`. */
  readonly add: Inst;
  /** The `set_pinned_reg` of its result. */
  readonly set: Inst;
  /** The `iconst` holding the amount (`iadd` form), if any. */
  readonly constInst: Inst | undefined;
  /** The constant added, or null for a dynamic increment. */
  readonly amount: bigint | null;
}

/** The increment that `set` (a `set_pinned_reg`) ends, if its value is a read of the register plus an amount. */
export function pinnedIncrementAt(fn: Function, set: Inst): PinnedIncrement | undefined {
  const data = fn.dfg.insts[set]!;
  if (data.opcode !== 'set_pinned_reg' || data.args[0] === undefined) return undefined;
  const add = definingInst(fn, data.args[0]);
  const block = add === undefined ? undefined : fn.layout.instBlock(add);
  if (add === undefined || block === undefined) return undefined;
  const m = matchCounterAdd(fn, add, (v) => isPinnedRead(fn, v));
  if (m === undefined || typeof m === 'string') return undefined;
  const get = definingInst(fn, m.counter)!;
  const amount = m.amount.kind === 'const' ? m.amount.amount : null;
  const constInst = m.amount.kind === 'const' ? m.amount.constInst : undefined;
  return { block, get, add, set, constInst, amount };
}

/** The increments of a function in pinned form, in layout order of their `set_pinned_reg`. */
export function findPinnedIncrements(fn: Function): PinnedIncrement[] {
  const out: PinnedIncrement[] = [];
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const inc = pinnedIncrementAt(fn, i);
      if (inc !== undefined) out.push(inc);
    }
  }
  return out;
}
