// Per-pipeline-run cache: each analysis is computed on first use and kept until the pass
// manager reports that the CFG changed. Analyses depend on each other (loops need the CFG,
// frequencies need loops), so invalidation always drops all of them together.
import { buildControlFlow, type ControlFlow } from './cfg.js';
import { buildDominatorTree, type DominatorTree } from './dominators.js';
import type { FlowGraph } from './flow-graph.js';
import { estimateFrequencies, type FrequencyOptions, type Frequencies } from './frequency.js';
import { buildLoopForest, type LoopForest } from './loops.js';
import { buildPostDominatorTree, type PostDominatorTree } from './post-dominators.js';

export class AnalysisCache {
  #cfg: ControlFlow | undefined;
  #dominators: DominatorTree | undefined;
  #postDominators: PostDominatorTree | undefined;
  #loops: LoopForest | undefined;
  #frequencies: Frequencies | undefined;
  #computations = 0;

  /**
   * @param source returns the current graph; called again after `invalidate()`.
   * @param frequencyOptions cold-block predicate and optional edge profile for `frequencies()`.
   */
  constructor(
    private readonly source: () => FlowGraph,
    private readonly frequencyOptions: () => FrequencyOptions = () => ({}),
  ) {}

  /** How many analyses were computed so far (lets tests and stats see cache hits). */
  get computations(): number {
    return this.#computations;
  }

  cfg(): ControlFlow {
    return (this.#cfg ??= this.#count(buildControlFlow(this.source())));
  }
  dominators(): DominatorTree {
    return (this.#dominators ??= this.#count(buildDominatorTree(this.cfg())));
  }
  postDominators(): PostDominatorTree {
    return (this.#postDominators ??= this.#count(buildPostDominatorTree(this.cfg())));
  }
  loops(): LoopForest {
    return (this.#loops ??= this.#count(buildLoopForest(this.cfg())));
  }
  frequencies(): Frequencies {
    return (this.#frequencies ??= this.#count(estimateFrequencies(this.cfg(), this.loops(), this.frequencyOptions())));
  }

  /** The CFG changed (blocks or edges): forget everything. */
  invalidate(): void {
    this.#cfg = this.#dominators = this.#postDominators = this.#loops = this.#frequencies = undefined;
  }

  #count<T>(value: T): T {
    this.#computations++;
    return value;
  }
}
