// Fuel per block, as the CFG picture (src/cfg-draw) shows it: constant fuel charged, run-time
// valued charges, checks, and observation points (entry, calls, returns). Works on either fuel
// form through the checker's fuel view; exported from src/passes so drawing needs no internals.
import { branchDestinations, type Block, type Function, type Inst } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { detectCounterLocation, FuelView } from './fuel-view.js';
import { FuelCheckDiagnostic } from './types.js';

export interface BlockFuelNote {
  /** Sum of the block's constant increments. */
  readonly constant: number;
  readonly increments: number;
  readonly dynamic: number;
  /** The block ends with a fuel check; `outOfFuel` is the index of the out-of-fuel destination. */
  readonly check: boolean;
  readonly calls: readonly string[];
  readonly returns: boolean;
  readonly traps: boolean;
}

export interface FuelNotes {
  /** Null when the fuel shape could not be recognized (the message says why). */
  readonly form: 'memory' | 'pinned' | 'none' | null;
  readonly problem: string | null;
  readonly blocks: ReadonlyMap<Block, BlockFuelNote>;
  /** Destinations (block) taken when a check finds the fuel exhausted, per check instruction. */
  readonly outOfFuelEdges: ReadonlySet<string>;
}

function calleeName(fn: Function, inst: Inst): string {
  const data = fn.dfg.insts[inst]!;
  if (data.funcRef >= 0) return `fn${data.funcRef}`;
  return data.opcode;
}

export function fuelNotes(fn: Function): FuelNotes {
  let view: FuelView | null = null;
  let problem: string | null = null;
  try {
    view = new FuelView(fn, 'before', detectCounterLocation(fn));
  } catch (error) {
    if (!(error instanceof FuelCheckDiagnostic)) throw error;
    problem = error.message;
  }
  const blocks = new Map<Block, BlockFuelNote>();
  const outOfFuelEdges = new Set<string>();
  for (const block of fn.layout.blocks()) {
    let constant = 0;
    let increments = 0;
    let dynamic = 0;
    let check = false;
    let returns = false;
    let traps = false;
    const calls: string[] = [];
    for (const inst of fn.layout.blockInsts(block)) {
      const data = fn.dfg.insts[inst]!;
      const info = opcodeInfo(data.opcode);
      const inc = view?.increments.get(inst);
      if (inc !== undefined) {
        increments++;
        if (inc.kind === 'const') constant += inc.amount;
        else dynamic++;
      }
      const c = view?.checks.get(inst);
      if (c !== undefined) {
        check = true;
        for (const dest of branchDestinations(data)) {
          if (dest !== c.continuation) outOfFuelEdges.add(`${block}->${dest.block}`);
        }
      }
      if (info?.isCall === true) calls.push(calleeName(fn, inst));
      if (info?.isReturn === true) returns = true;
      if (info?.canTrap === true && (data.opcode === 'trap' || data.opcode.startsWith('trap'))) traps = true;
    }
    blocks.set(block, { constant, increments, dynamic, check, calls, returns, traps });
  }
  return { form: view?.form ?? null, problem, blocks, outOfFuelEdges };
}
