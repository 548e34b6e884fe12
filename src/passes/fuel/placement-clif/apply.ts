// Writes a Placement back into the CLIF function: every constant increment of a reachable
// segment becomes the placed one (the segment's first increment is kept and given the new
// amount, the others removed), segments that had none get a new increment at their anchor,
// and each charged edge gets a new block holding its increment and a jump. Unreachable blocks
// are left as they are. New entities are numbered above the existing ones.
import type { ControlFlow } from '../../../analysis/cfg.js';
import {
  branchDestinations,
  createBlock,
  Cursor,
  I64,
  InstructionData,
  isTryCallArg,
  splitEdge,
  type Block,
  type BlockArg,
  type BlockCall,
  type BlockPlacement,
  type Function,
  type Inst,
  type Value,
} from '../../../ir/index.js';
import { valueUseCounts } from '../../utility/ir-utils.js';
import type { Placement } from '../placement/index.js';
import { FuelPlaceError } from './errors.js';
import type { PinnedIncrementSite, PinnedScan } from './scan.js';

export interface AppliedPlacement {
  /** Constant increments removed, re-valued, inserted (segments) and edge blocks created. */
  readonly removed: number;
  readonly changed: number;
  readonly inserted: number;
  readonly splitEdges: number;
}

/**
 * `iconst.i64 k; g = get_pinned_reg.i64; w = iadd g, k; set_pinned_reg w` at `cursor`, or with
 * `iadd_imm g, k` when the function writes its increments in the legacy dialect.
 */
function insertIncrement(cursor: Cursor, amount: number, legacy: boolean): void {
  if (legacy) {
    const g = cursor.getPinnedReg(I64);
    cursor.setPinnedReg(cursor.insValue('iadd_imm', { args: [g], imm: BigInt(amount) }));
    return;
  }
  const k = cursor.iconst(I64, amount);
  const g = cursor.getPinnedReg(I64);
  cursor.setPinnedReg(cursor.iadd(g, k));
}

/** Whether the function's constant increments use `iadd_imm` (legacy dialect). */
function usesLegacyIncrements(fn: Function, scan: PinnedScan): boolean {
  for (const s of scan.blocks.values()) for (const seg of s.segments) for (const c of seg.constants) if (fn.dfg.insts[c.add]!.opcode === 'iadd_imm') return true;
  return false;
}

class Editor {
  readonly uses: Map<Value, number>;
  removed = 0;
  changed = 0;
  inserted = 0;

  constructor(
    readonly fn: Function,
    readonly legacy: boolean,
  ) {
    this.uses = valueUseCounts(fn);
  }

  remove(inc: PinnedIncrementSite): void {
    const { layout } = this.fn;
    layout.removeInst(inc.set);
    layout.removeInst(inc.add);
    layout.removeInst(inc.get);
    if (inc.constInst !== undefined) this.dropConstUse(inc.constInst);
    this.removed++;
  }

  setAmount(inc: PinnedIncrementSite, amount: number): void {
    if (inc.amount === BigInt(amount)) return;
    const dfg = this.fn.dfg;
    const add = dfg.insts[inc.add]!;
    this.changed++;
    if (add.opcode === 'iadd_imm') {
      add.imm = BigInt(amount);
      return;
    }
    const c = inc.constInst!;
    const value = dfg.firstResult(c);
    if ((this.uses.get(value) ?? 0) === 1) {
      dfg.insts[c]!.imm = BigInt(amount);
      return;
    }
    // The constant is shared: give this increment its own.
    const fresh = new Cursor(this.fn).before(inc.add).iconst(I64, amount);
    add.args = add.args.map((a) => (dfg.resolveAliases(a) === value ? fresh : a));
    this.uses.set(value, (this.uses.get(value) ?? 1) - 1);
  }

  insertBefore(anchor: Inst, amount: number): void {
    insertIncrement(new Cursor(this.fn).before(anchor), amount, this.legacy);
    this.inserted++;
  }

  private dropConstUse(c: Inst): void {
    const value = this.fn.dfg.firstResult(c);
    const left = (this.uses.get(value) ?? 1) - 1;
    this.uses.set(value, left);
    if (left === 0 && this.fn.layout.isInstInserted(c)) this.fn.layout.removeInst(c);
  }
}

/** Where edge `index` of `block` is written: a branch destination, or a legacy fall-through. */
type EdgeOperand = { readonly inst: Inst; readonly index: number } | { readonly fallthrough: Block };

function edgeOperands(fn: Function, block: Block): EdgeOperand[] {
  const out: EdgeOperand[] = [];
  for (const inst of fn.layout.blockInsts(block)) {
    branchDestinations(fn.dfg.insts[inst]!).forEach((_, index) => out.push({ inst, index }));
  }
  return out;
}

/**
 * Splits a try_call edge that passes `retN`/`exnN`: the new block takes those as parameters
 * (the callee's return types; exception payloads are pointer-sized, i64 on our 64-bit targets)
 * and jumps on with the original arguments.
 */
function splitTryCallEdge(fn: Function, inst: Inst, call: BlockCall, placement: BlockPlacement): Block {
  const table = fn.dfg.insts[inst]!.exceptionTable;
  const sig = table === null ? undefined : fn.signatures[table.sig];
  const fresh = createBlock(fn, placement);
  const passed: BlockArg[] = [];
  const forwarded = call.args.map((arg): BlockArg => {
    if (!isTryCallArg(arg)) return arg;
    const type = arg.kind === 'ret' ? sig?.returns[arg.index]?.type : I64;
    if (type === undefined) throw new FuelPlaceError(`cannot split the edge to block${call.block}: ret${arg.index} has no type in the call's signature`, inst);
    passed.push(arg);
    return fn.dfg.appendBlockParam(fresh, type);
  });
  const jump = new InstructionData('jump');
  jump.destinations = [{ block: call.block, args: forwarded }];
  fn.layout.appendInst(fn.dfg.makeInst(jump), fresh);
  call.block = fresh;
  call.args = passed;
  return fresh;
}

export function applyPlacement(fn: Function, cfg: ControlFlow, scan: PinnedScan, placement: Placement): AppliedPlacement {
  const legacy = usesLegacyIncrements(fn, scan);
  const editor = new Editor(fn, legacy);
  // Edges first, while the operands still match the edge ids.
  const charged = cfg.edges.filter((e) => (placement.edges[e.id] ?? 0) !== 0 && cfg.isReachable(e.from));
  const operands = new Map<Block, EdgeOperand[]>();
  const splits: Array<{ operand: EdgeOperand; amount: number; from: Block; to: Block }> = [];
  for (const e of charged) {
    let list = operands.get(e.from);
    if (list === undefined) {
      list = edgeOperands(fn, e.from);
      if (list.length < cfg.successors(e.from).length) {
        const next = fn.layout.nextBlock(e.from);
        if (next !== undefined) list.push({ fallthrough: next });
      }
      operands.set(e.from, list);
    }
    const operand = list[e.index];
    if (operand === undefined) throw new FuelPlaceError(`internal error: edge ${e.id} (block${e.from} -> block${e.to}) has no branch operand`, undefined, e.from);
    splits.push({ operand, amount: placement.edges[e.id]!, from: e.from, to: e.to });
  }
  for (const [block, s] of scan.blocks) {
    if (!cfg.isReachable(block)) continue;
    const amounts = placement.segments.get(block);
    if (amounts === undefined) continue;
    s.segments.forEach((seg, i) => {
      const amount = amounts[i] ?? 0;
      const [first, ...rest] = seg.constants;
      for (const inc of rest) editor.remove(inc);
      if (first !== undefined) {
        if (amount === 0) editor.remove(first);
        else editor.setAmount(first, amount);
      } else if (amount !== 0) {
        editor.insertBefore(seg.anchor, amount);
      }
    });
  }
  const lastNew = new Map<Block, Block>();
  for (const split of splits) {
    let operand = split.operand;
    if ('fallthrough' in operand) {
      // Legacy fall-through: make it an explicit jump so the edge can be split.
      const data = new InstructionData('jump');
      data.destinations = [{ block: operand.fallthrough, args: [] }];
      const jump = fn.dfg.makeInst(data);
      fn.layout.appendInst(jump, split.from);
      operand = { inst: jump, index: 0 };
    }
    const placement = { after: lastNew.get(split.from) ?? split.from };
    const call = branchDestinations(fn.dfg.insts[operand.inst]!)[operand.index]!;
    const fresh = call.args.some(isTryCallArg) ? splitTryCallEdge(fn, operand.inst, call, placement) : splitEdge(fn, operand.inst, operand.index, placement);
    lastNew.set(split.from, fresh);
    insertIncrement(new Cursor(fn).atTop(fresh), split.amount, legacy);
  }
  return { removed: editor.removed, changed: editor.changed, inserted: editor.inserted, splitEdges: splits.length };
}
