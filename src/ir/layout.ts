// Block order and instruction order: doubly linked lists over entity numbers, so insertion and
// removal anywhere cost O(1).
import { NONE, type Block, type Inst } from './entities.js';

export class Layout {
  private blockPrev: number[] = [];
  private blockNext: number[] = [];
  private inLayout: boolean[] = [];
  private firstInstOf: number[] = [];
  private lastInstOf: number[] = [];
  private instPrev: number[] = [];
  private instNext: number[] = [];
  private instBlockOf: number[] = [];
  private cold: Set<Block> = new Set();
  private first: Block = NONE;
  private last: Block = NONE;

  /** An independent copy. */
  clone(): Layout {
    const c = new Layout();
    c.blockPrev = this.blockPrev.slice();
    c.blockNext = this.blockNext.slice();
    c.inLayout = this.inLayout.slice();
    c.firstInstOf = this.firstInstOf.slice();
    c.lastInstOf = this.lastInstOf.slice();
    c.instPrev = this.instPrev.slice();
    c.instNext = this.instNext.slice();
    c.instBlockOf = this.instBlockOf.slice();
    c.cold = new Set(this.cold);
    c.first = this.first;
    c.last = this.last;
    return c;
  }

  // ---- blocks ----

  isBlockInserted(block: Block): boolean {
    return this.inLayout[block] === true;
  }

  entryBlock(): Block | undefined {
    return this.first === NONE ? undefined : this.first;
  }

  lastBlock(): Block | undefined {
    return this.last === NONE ? undefined : this.last;
  }

  nextBlock(block: Block): Block | undefined {
    const n = this.blockNext[block] ?? NONE;
    return n === NONE ? undefined : n;
  }

  prevBlock(block: Block): Block | undefined {
    const p = this.blockPrev[block] ?? NONE;
    return p === NONE ? undefined : p;
  }

  /** Blocks in layout order. */
  *blocks(): IterableIterator<Block> {
    for (let b = this.first; b !== NONE; b = this.blockNext[b]!) yield b;
  }

  /** Blocks in layout order, as an array (safe to mutate the layout while walking it). */
  blockList(): Block[] {
    const out: Block[] = [];
    for (let b = this.first; b !== NONE; b = this.blockNext[b]!) out.push(b);
    return out;
  }

  private initBlock(block: Block): void {
    if (this.inLayout[block] === true) throw new Error(`block${block} is already in the layout`);
    this.inLayout[block] = true;
    this.firstInstOf[block] = NONE;
    this.lastInstOf[block] = NONE;
  }

  appendBlock(block: Block): void {
    this.initBlock(block);
    this.blockPrev[block] = this.last;
    this.blockNext[block] = NONE;
    if (this.last === NONE) this.first = block;
    else this.blockNext[this.last] = block;
    this.last = block;
  }

  insertBlockBefore(block: Block, before: Block): void {
    if (!this.isBlockInserted(before)) throw new Error(`block${before} is not in the layout`);
    this.initBlock(block);
    const prev = this.blockPrev[before]!;
    this.blockPrev[block] = prev;
    this.blockNext[block] = before;
    this.blockPrev[before] = block;
    if (prev === NONE) this.first = block;
    else this.blockNext[prev] = block;
  }

  insertBlockAfter(block: Block, after: Block): void {
    if (!this.isBlockInserted(after)) throw new Error(`block${after} is not in the layout`);
    this.initBlock(block);
    const next = this.blockNext[after]!;
    this.blockPrev[block] = after;
    this.blockNext[block] = next;
    this.blockNext[after] = block;
    if (next === NONE) this.last = block;
    else this.blockPrev[next] = block;
  }

  /** Removes an empty block from the layout. */
  removeBlock(block: Block): void {
    if (!this.isBlockInserted(block)) throw new Error(`block${block} is not in the layout`);
    if (this.firstInstOf[block] !== NONE) throw new Error(`block${block} still has instructions`);
    const prev = this.blockPrev[block]!;
    const next = this.blockNext[block]!;
    if (prev === NONE) this.first = next;
    else this.blockNext[prev] = next;
    if (next === NONE) this.last = prev;
    else this.blockPrev[next] = prev;
    this.inLayout[block] = false;
    this.cold.delete(block);
  }

  isCold(block: Block): boolean {
    return this.cold.has(block);
  }

  setCold(block: Block, cold = true): void {
    if (cold) this.cold.add(block);
    else this.cold.delete(block);
  }

  // ---- instructions ----

  instBlock(inst: Inst): Block | undefined {
    const b = this.instBlockOf[inst] ?? NONE;
    return b === NONE ? undefined : b;
  }

  isInstInserted(inst: Inst): boolean {
    return (this.instBlockOf[inst] ?? NONE) !== NONE;
  }

  firstInst(block: Block): Inst | undefined {
    const i = this.firstInstOf[block] ?? NONE;
    return i === NONE ? undefined : i;
  }

  lastInst(block: Block): Inst | undefined {
    const i = this.lastInstOf[block] ?? NONE;
    return i === NONE ? undefined : i;
  }

  nextInst(inst: Inst): Inst | undefined {
    const n = this.instNext[inst] ?? NONE;
    return n === NONE ? undefined : n;
  }

  prevInst(inst: Inst): Inst | undefined {
    const p = this.instPrev[inst] ?? NONE;
    return p === NONE ? undefined : p;
  }

  /** Instructions of `block` in order. */
  *blockInsts(block: Block): IterableIterator<Inst> {
    for (let i = this.firstInstOf[block] ?? NONE; i !== NONE; i = this.instNext[i]!) yield i;
  }

  /** Instructions of `block` as an array (safe to mutate while walking it). */
  blockInstList(block: Block): Inst[] {
    const out: Inst[] = [];
    for (let i = this.firstInstOf[block] ?? NONE; i !== NONE; i = this.instNext[i]!) out.push(i);
    return out;
  }

  private checkFreeInst(inst: Inst): void {
    if ((this.instBlockOf[inst] ?? NONE) !== NONE) throw new Error(`inst${inst} is already in the layout`);
  }

  appendInst(inst: Inst, block: Block): void {
    if (!this.isBlockInserted(block)) throw new Error(`block${block} is not in the layout`);
    this.checkFreeInst(inst);
    const last = this.lastInstOf[block]!;
    this.instBlockOf[inst] = block;
    this.instPrev[inst] = last;
    this.instNext[inst] = NONE;
    if (last === NONE) this.firstInstOf[block] = inst;
    else this.instNext[last] = inst;
    this.lastInstOf[block] = inst;
  }

  prependInst(inst: Inst, block: Block): void {
    const first = this.firstInstOf[block] ?? NONE;
    if (first === NONE) this.appendInst(inst, block);
    else this.insertInstBefore(inst, first);
  }

  insertInstBefore(inst: Inst, before: Inst): void {
    const block = this.instBlockOf[before] ?? NONE;
    if (block === NONE) throw new Error(`inst${before} is not in the layout`);
    this.checkFreeInst(inst);
    const prev = this.instPrev[before]!;
    this.instBlockOf[inst] = block;
    this.instPrev[inst] = prev;
    this.instNext[inst] = before;
    this.instPrev[before] = inst;
    if (prev === NONE) this.firstInstOf[block] = inst;
    else this.instNext[prev] = inst;
  }

  insertInstAfter(inst: Inst, after: Inst): void {
    const block = this.instBlockOf[after] ?? NONE;
    if (block === NONE) throw new Error(`inst${after} is not in the layout`);
    this.checkFreeInst(inst);
    const next = this.instNext[after]!;
    this.instBlockOf[inst] = block;
    this.instPrev[inst] = after;
    this.instNext[inst] = next;
    this.instNext[after] = inst;
    if (next === NONE) this.lastInstOf[block] = inst;
    else this.instPrev[next] = inst;
  }

  removeInst(inst: Inst): void {
    const block = this.instBlockOf[inst] ?? NONE;
    if (block === NONE) throw new Error(`inst${inst} is not in the layout`);
    const prev = this.instPrev[inst]!;
    const next = this.instNext[inst]!;
    if (prev === NONE) this.firstInstOf[block] = next;
    else this.instNext[prev] = next;
    if (next === NONE) this.lastInstOf[block] = prev;
    else this.instPrev[next] = prev;
    this.instBlockOf[inst] = NONE;
  }

  /**
   * Moves `inst` and every instruction after it in its block to the end of `newBlock`, which must be
   * in the layout and empty. Used to split a block.
   */
  splitBlockAt(inst: Inst, newBlock: Block): void {
    const block = this.instBlockOf[inst] ?? NONE;
    if (block === NONE) throw new Error(`inst${inst} is not in the layout`);
    if (this.firstInstOf[newBlock] !== NONE) throw new Error(`block${newBlock} is not empty`);
    const prev = this.instPrev[inst]!;
    const last = this.lastInstOf[block]!;
    if (prev === NONE) this.firstInstOf[block] = NONE;
    else this.instNext[prev] = NONE;
    this.lastInstOf[block] = prev;
    this.instPrev[inst] = NONE;
    this.firstInstOf[newBlock] = inst;
    this.lastInstOf[newBlock] = last;
    for (let i = inst; i !== NONE; i = this.instNext[i]!) this.instBlockOf[i] = newBlock;
  }
}
