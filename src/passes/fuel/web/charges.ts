// What each block charges, in either form: the memory form (the web's increments) or the
// pinned form (the increments shapes.ts recognises). Used for annotations and statistics.
import type { Block, Function } from '../../../ir/index.js';
import { reachableBlocks } from '../../utility/ir-utils.js';
import type { CalleeOptions } from './callees.js';
import { findPinnedChecks } from './checks.js';
import { FuelWebError } from './errors.js';
import { findFuelWeb } from './find.js';
import type { FuelLocationOption } from './presets.js';
import { findPinnedIncrements, readsPinnedRegister } from './shapes.js';

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
  if (pinned.length > 0 || readsPinnedRegister(fn)) {
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

/** `+3`, `+3 +dyn`, `+dyn x2`: a short note for a block's charge. */
export function formatCharge(charge: BlockCharge): string {
  const parts: string[] = [];
  if (charge.constant !== 0n || charge.dynamic === 0) parts.push(`+${charge.constant}`);
  if (charge.dynamic > 0) parts.push(charge.dynamic === 1 ? '+dynamic' : `+dynamic x${charge.dynamic}`);
  return `fuel ${parts.join(' ')} (${charge.increments} increment${charge.increments === 1 ? '' : 's'})`;
}
