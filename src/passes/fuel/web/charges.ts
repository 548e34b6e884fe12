// What each block charges, in either form: the memory form (the web's increments) or the
// pinned form (`get_pinned_reg` → `iadd`/`iadd_imm` → `set_pinned_reg`). Used for annotations
// and statistics.
import { ValueKind, type Block, type Function, type Inst } from '../../../ir/index.js';
import { reachableBlocks } from '../../utility/ir-utils.js';
import type { CalleeOptions } from './callees.js';
import { findPinnedChecks } from './checks.js';
import { FuelWebError } from './errors.js';
import { findFuelWeb } from './find.js';
import type { FuelLocationOption } from './presets.js';

export interface PinnedIncrement {
  readonly block: Block;
  /** The `get_pinned_reg` feeding the add. */
  readonly get: Inst;
  /** The `iadd` / `iadd_imm`. */
  readonly add: Inst;
  /** The `set_pinned_reg` of its result. */
  readonly set: Inst;
  /** The constant added, or null for a dynamic increment. */
  readonly amount: bigint | null;
}

/** The increments of a function in pinned form, in layout order. */
export function findPinnedIncrements(fn: Function): PinnedIncrement[] {
  const out: PinnedIncrement[] = [];
  const dfg = fn.dfg;
  const setOf = new Map<number, Inst>();
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const data = dfg.insts[i]!;
      if (data.opcode === 'set_pinned_reg' && data.args[0] !== undefined) setOf.set(dfg.resolveAliases(data.args[0]), i);
    }
  }
  const constOf = (v: number): bigint | undefined => {
    const def = dfg.definingData(v);
    if (def === undefined || def.kind !== ValueKind.Result) return undefined;
    const d = dfg.insts[def.owner]!;
    return d.opcode === 'iconst' ? BigInt.asIntN(64, d.imm) : undefined;
  };
  const getOf = (v: number): Inst | undefined => {
    const def = dfg.definingData(v);
    return def !== undefined && def.kind === ValueKind.Result && dfg.insts[def.owner]!.opcode === 'get_pinned_reg' ? def.owner : undefined;
  };
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const data = dfg.insts[i]!;
      if (data.opcode !== 'iadd' && data.opcode !== 'iadd_imm') continue;
      const set = setOf.get(dfg.firstResult(i));
      if (set === undefined) continue;
      const k = data.args.findIndex((a) => getOf(a) !== undefined);
      if (k === -1) continue;
      const amount = data.opcode === 'iadd_imm' ? BigInt.asIntN(64, data.imm) : constOf(data.args[1 - k]!) ?? null;
      out.push({ block: b, get: getOf(data.args[k]!)!, add: i, set, amount });
    }
  }
  return out;
}

export interface BlockCharge {
  /** Sum of the constant increments. */
  readonly constant: bigint;
  /** Number of dynamic increments. */
  readonly dynamic: number;
  /** Number of increments (constant and dynamic). */
  readonly increments: number;
}

export interface FuelCharges {
  /** `memory`: counter in memory (web recognized); `pinned`: in the pinned register; `none`: neither. */
  readonly form: 'memory' | 'pinned' | 'none';
  /** The proven location (memory form only). */
  readonly location?: string;
  /** Why the memory form could not be proven, when it could not. */
  readonly error?: string;
  /** Charges of the blocks that have increments. */
  readonly blocks: ReadonlyMap<Block, BlockCharge>;
  /** Increment instructions in reachable blocks. */
  readonly staticIncrements: number;
  /** Fuel checks still present (memory form: the web's; pinned form: compares of the register). */
  readonly checks: number;
}

function tally(items: Array<{ block: Block; amount: bigint | null }>): Map<Block, BlockCharge> {
  const blocks = new Map<Block, BlockCharge>();
  for (const { block, amount } of items) {
    const c = blocks.get(block) ?? { constant: 0n, dynamic: 0, increments: 0 };
    blocks.set(block, { constant: c.constant + (amount ?? 0n), dynamic: c.dynamic + (amount === null ? 1 : 0), increments: c.increments + 1 });
  }
  return blocks;
}

/** Per-block charges of `fn` in whichever form it is. Never throws on an unprovable web. */
export function fuelCharges(fn: Function, options: { location?: FuelLocationOption; callees?: CalleeOptions } = {}): FuelCharges {
  const reachable = reachableBlocks(fn);
  const pinned = findPinnedIncrements(fn).filter((p) => reachable.has(p.block));
  if (pinned.length > 0 || hasPinnedReads(fn)) {
    const blocks = tally(pinned);
    return { form: 'pinned', blocks, staticIncrements: pinned.length, checks: findPinnedChecks(fn).length };
  }
  try {
    const web = findFuelWeb(fn, options);
    if (web === null) return { form: 'none', blocks: new Map(), staticIncrements: 0, checks: 0 };
    return { form: 'memory', location: web.location.name, blocks: tally(web.increments.map((i) => ({ block: i.block, amount: i.charge }))), staticIncrements: web.increments.length, checks: web.checks.length };
  } catch (error) {
    if (!(error instanceof FuelWebError)) throw error;
    return { form: 'none', error: error.message, blocks: new Map(), staticIncrements: 0, checks: 0 };
  }
}

function hasPinnedReads(fn: Function): boolean {
  for (const b of fn.layout.blocks()) for (const i of fn.layout.blockInsts(b)) if (fn.dfg.insts[i]!.opcode === 'get_pinned_reg') return true;
  return false;
}

/** `+3`, `+3 +dyn`, `+dyn x2`: a short note for a block's charge. */
export function formatCharge(charge: BlockCharge): string {
  const parts: string[] = [];
  if (charge.constant !== 0n || charge.dynamic === 0) parts.push(`+${charge.constant}`);
  if (charge.dynamic > 0) parts.push(charge.dynamic === 1 ? '+dynamic' : `+dynamic x${charge.dynamic}`);
  return `fuel ${parts.join(' ')} (${charge.increments} increment${charge.increments === 1 ? '' : 's'})`;
}
