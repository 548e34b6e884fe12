// src/analysis: pure, deterministic analyses over an abstract FlowGraph.
export { FlowGraphError, graphFromAdjacency, validateFlowGraph, type Edge, type FlowGraph } from './flow-graph.js';
export { buildControlFlow, type ControlFlow } from './cfg.js';
export { buildDominatorTree, type DominatorTree } from './dominators.js';
export { buildPostDominatorTree, type PostDominatorTree } from './post-dominators.js';
export { buildLoopForest, type Loop, type LoopForest } from './loops.js';
export {
  BRANCH_WEIGHTS,
  MAX_LOOP_SCALE,
  FrequencyError,
  edgeProfileSchema,
  estimateFrequencies,
  type EdgeProfile,
  type Frequencies,
  type FrequencyOptions,
} from './frequency.js';
export { stronglyConnectedComponents } from './scc.js';
export { controlEquivalenceClasses } from './control-equivalence.js';
export { AnalysisCache } from './cache.js';
