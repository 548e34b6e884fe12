// Hand-made CFGs shared by the analysis tests. Comments draw each shape.
import { graphFromAdjacency, type FlowGraph } from '../../src/analysis/flow-graph.js';

/** 0 -> {1, 2} -> 3 (return). */
export const diamond: FlowGraph = graphFromAdjacency(0, [[0, [1, 2]], [1, [3]], [2, [3]], [3, []]]);

/** 0 -> 1 (outer header) -> 2 (inner header) -> 3 (inner latch: back to 2, or on to 4) -> 4 (outer latch) -> 1; 1 -> 6 returns. */
export const nestedLoops: FlowGraph = graphFromAdjacency(0, [[0, [1]], [1, [2, 6]], [2, [3]], [3, [2, 4]], [4, [1]], [6, []]]);

/** Irreducible: the cycle 1 <-> 2 is entered at 1 and at 2. */
export const irreducible: FlowGraph = graphFromAdjacency(0, [[0, [1, 2]], [1, [2]], [2, [1, 3]], [3, []]]);

/** 0 -> 1 <-> 2 never exits; 0 -> 3 returns. */
export const infiniteLoop: FlowGraph = graphFromAdjacency(0, [[0, [1, 3]], [1, [2]], [2, [1]], [3, []]]);

/** Two returns and a trap-like sink. */
export const multipleReturns: FlowGraph = graphFromAdjacency(0, [[0, [1, 2]], [1, []], [2, [3, 4]], [3, []], [4, []]]);

/** 5 and 6 are unreachable; 5 branches into reachable code, 6 loops on itself. */
export const unreachable: FlowGraph = graphFromAdjacency(0, [[0, [1]], [5, [1]], [1, []], [6, [6]]]);

/** 1 loops on itself. */
export const selfLoop: FlowGraph = graphFromAdjacency(0, [[0, [1]], [1, [1, 2]], [2, []]]);

/** br_table with a repeated target: 0 -> [1, 1, 2, 3], all join at 4. */
export const brTable: FlowGraph = graphFromAdjacency(0, [[0, [1, 1, 2, 3]], [1, [4]], [2, [4]], [3, [4]], [4, []]]);

/** Sparse ids in a layout that is not sorted. */
export const sparse: FlowGraph = graphFromAdjacency(10, [[10, [7]], [3, []], [7, [3, 3]]]);
