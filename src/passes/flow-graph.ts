// Adapts a CLIF function to the analyses' abstract FlowGraph: block numbers are node ids, the
// layout order is the node order, and successors come from every branch of the block in order
// (`jump`, `brif`, `br_table`, `try_call` tables, legacy `brz`/`brnz` followed by their
// `jump`), plus the next block in the layout when a legacy block falls through.
import type { FlowGraph } from '../analysis/flow-graph.js';
import { branchDestinations, type Block, type Function } from '../ir/index.js';
import { opcodeInfo } from '../ir/opcode-table.js';

/** Successor blocks of `block`, one entry per edge (repeats kept: `brif v, b1, b1` has two). */
export function blockSuccessors(fn: Function, block: Block): Block[] {
  const out: Block[] = [];
  let last: number | undefined;
  for (const inst of fn.layout.blockInsts(block)) {
    last = inst;
    for (const call of branchDestinations(fn.dfg.insts[inst]!)) out.push(call.block);
  }
  if (last !== undefined) {
    const info = opcodeInfo(fn.dfg.insts[last]!.opcode);
    const ends = info !== undefined && (info.isTerminator || info.isReturn);
    // Legacy code may let a block end in a conditional branch and fall through.
    if (!ends && info !== undefined && info.isBranch) {
      const next = fn.layout.nextBlock(block);
      if (next !== undefined) out.push(next);
    }
  }
  return out;
}

/** The function's control-flow graph as the analyses see it. Throws when it has no blocks. */
export function functionFlowGraph(fn: Function): FlowGraph {
  const entry = fn.layout.entryBlock();
  if (entry === undefined) throw new Error('the function has no blocks');
  const nodes = fn.layout.blockList();
  const succ = new Map<number, readonly number[]>();
  for (const b of nodes) succ.set(b, blockSuccessors(fn, b));
  return { entry, nodes, successors: (n) => succ.get(n) ?? [] };
}
