// Block order and instruction order: doubly linked lists over entity numbers, so insertion and
// removal anywhere cost O(1).
import { NONE, type Block, type Inst } from './entities.js';

/** An Int32Array twice as large (at least `min + 1` entries), the new part filled with NONE. */
function grown(a: Int32Array, min: number): Int32Array {
  let size = Math.max(64, a.length * 2);
  while (size <= min) size *= 2;
  const b = new Int32Array(size).fill(NONE);
  b.set(a);
  return b;
}

// Shared by every new layout until it grows (never written: growing replaces them).
const NO_LINKS = new Int32Array(0);
const NO_FLAGS = new Uint8Array(0);

export class Layout {
  // Dense tables indexed by block or instruction number, NONE where unset: typed arrays, so a
  // function's links cost 4 bytes each and growing them makes no garbage per entry.
  private blockPrev: Int32Array = NO_LINKS;
  private blockNext: Int32Array = NO_LINKS;
  /** 1 when the block is in the layout (indexed like blockPrev). */
  private inLayout: Uint8Array = NO_FLAGS;
  private firstInstOf: Int32Array = NO_LINKS;
  private lastInstOf: Int32Array = NO_LINKS;
  private instPrev: Int32Array = NO_LINKS;
  private instNext: Int32Array = NO_LINKS;
  private instBlockOf: Int32Array = NO_LINKS;
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

  private growBlocks(block: Block): void {
    if (block < this.blockPrev.length) return;
    this.blockPrev = grown(this.blockPrev, block);
    this.blockNext = grown(this.blockNext, block);
    this.firstInstOf = grown(this.firstInstOf, block);
    this.lastInstOf = grown(this.lastInstOf, block);
    const inLayout = new Uint8Array(this.blockPrev.length);
    inLayout.set(this.inLayout);
    this.inLayout = inLayout;
  }

  private growInsts(inst: Inst): void {
    if (inst < this.instPrev.length) return;
    this.instPrev = grown(this.instPrev, inst);
    this.instNext = grown(this.instNext, inst);
    this.instBlockOf = grown(this.instBlockOf, inst);
  }

  // ---- blocks ----

  isBlockInserted(block: Block): boolean {
    return this.inLayout[block] === 1;
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
    if (!Number.isInteger(block) || block < 0) throw new Error(`block${block} is not a block number`);
    if (this.inLayout[block] === 1) throw new Error(`block${block} is already in the layout`);
    this.growBlocks(block);
    this.inLayout[block] = 1;
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
    this.inLayout[block] = 0;
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
    if (!Number.isInteger(inst) || inst < 0) throw new Error(`inst${inst} is not an instruction number`);
    if ((this.instBlockOf[inst] ?? NONE) !== NONE) throw new Error(`inst${inst} is already in the layout`);
    this.growInsts(inst);
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
