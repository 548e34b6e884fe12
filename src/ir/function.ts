// A CLIF function: name, signature, preamble entities, data-flow graph and layout.
import { DataFlowGraph } from './dfg.js';
import type { Block, Constant, GlobalValue, Inst, SigRef, StackSlot } from './entities.js';
import { Layout } from './layout.js';
import type {
  AliasRegionData,
  DynamicStackSlotData,
  DynamicTypeData,
  ExtFuncData,
  GlobalValueData,
  HeapData,
  StackSlotData,
  TableData,
  UserExternalName,
} from './preamble.js';
import { cloneSignature, type Signature } from './signature.js';

/** `%name` (a test-case name) or `uNS:IDX` (a user name). */
export type FunctionName =
  | { readonly kind: 'testcase'; readonly name: string }
  | { readonly kind: 'user'; readonly namespace: number; readonly index: number };

export function formatFunctionName(name: FunctionName): string {
  return name.kind === 'testcase' ? `%${name.name}` : `u${name.namespace}:${name.index}`;
}

/** `<1, ss0>` before an instruction: a user number or a stack slot. */
export type DebugTag = { readonly kind: 'user'; readonly value: number } | { readonly kind: 'stack_slot'; readonly slot: StackSlot };

export class Function {
  name: FunctionName;
  signature: Signature;
  /** Sized stack slots by number (`ssN`); numbers are dense, as Cranelift keeps them. */
  readonly stackSlots: StackSlotData[] = [];
  /** Dynamic stack slots by number (`dssN`). */
  readonly dynamicStackSlots: DynamicStackSlotData[] = [];
  /** Dynamic types by number (`dtN`). */
  readonly dynamicTypes: DynamicTypeData[] = [];
  /** Global values by number (`gvN`). */
  readonly globalValues: GlobalValueData[] = [];
  /** Imported signatures by number (`sigN`). */
  readonly signatures: Signature[] = [];
  /** External functions by number (`fnN`). */
  readonly extFuncs: ExtFuncData[] = [];
  /** Constant pool (`constN`), printed in number order. Add entries with `setConstant`/`insertConstant`. */
  readonly constants: Map<Constant, number[]> = new Map();
  private readonly constantIndex: Map<string, Constant> = new Map();
  /** Alias regions by number (`regionN`). */
  readonly aliasRegions: AliasRegionData[] = [];
  /** User names referenced by external names (`ExternalName` of kind `user` indexes this). */
  readonly userNamedFuncs: UserExternalName[] = [];
  stackLimit: GlobalValue | null = null;
  /** Legacy-dialect heaps (`heapN`), tables (`tableN`) and jump tables (`jtN`); empty for current CLIF. */
  readonly heaps: HeapData[] = [];
  readonly tables: TableData[] = [];
  readonly jumpTables: Block[][] = [];
  dfg = new DataFlowGraph();
  layout = new Layout();
  /** Source locations of instructions (absent means none). Set them with `setSrcloc`. */
  readonly srclocs: Map<Inst, number> = new Map();
  /**
   * The first source location ever set. Cranelift stores locations relative to it, so one that is
   * exactly one below it wraps to "no location" and is not printed; the printer reproduces that.
   */
  srclocBase: number | null = null;
  /** Debug tags of instructions. */
  readonly debugTags: Map<Inst, DebugTag[]> = new Map();

  constructor(name: FunctionName, signature: Signature) {
    this.name = name;
    this.signature = signature;
  }

  /** A deep, independent copy (types are shared: they are interned). */
  clone(): Function {
    const c = new Function(this.name, cloneSignature(this.signature));
    c.stackSlots.push(...this.stackSlots.map((s) => ({ ...s })));
    c.dynamicStackSlots.push(...this.dynamicStackSlots.map((s) => ({ ...s })));
    c.dynamicTypes.push(...this.dynamicTypes.map((s) => ({ ...s })));
    c.globalValues.push(
      ...this.globalValues.map((g): GlobalValueData => (g.kind === 'load' ? { ...g, flags: { ...g.flags } } : { ...g })),
    );
    c.signatures.push(...this.signatures.map(cloneSignature));
    c.extFuncs.push(...this.extFuncs.map((f) => ({ ...f })));
    for (const [handle, bytes] of this.constants) c.setConstant(handle, bytes.slice());
    c.aliasRegions.push(...this.aliasRegions.map((r) => ({ ...r })));
    c.userNamedFuncs.push(...this.userNamedFuncs);
    c.stackLimit = this.stackLimit;
    c.heaps.push(...this.heaps.map((h) => ({ ...h, style: { ...h.style } })));
    c.tables.push(...this.tables.map((t) => ({ ...t })));
    c.jumpTables.push(...this.jumpTables.map((j) => j.slice()));
    c.dfg = this.dfg.clone();
    c.layout = this.layout.clone();
    for (const [inst, loc] of this.srclocs) c.srclocs.set(inst, loc);
    c.srclocBase = this.srclocBase;
    for (const [inst, tags] of this.debugTags) c.debugTags.set(inst, tags.slice());
    return c;
  }

  /** Sets an instruction's source location; `0xffffffff` is Cranelift's "none" and is ignored. */
  setSrcloc(inst: Inst, loc: number): void {
    if (loc === 0xffff_ffff) return;
    this.srclocBase ??= loc;
    this.srclocs.set(inst, loc);
  }

  /** Imports a signature and returns its `sigN`. */
  importSignature(sig: Signature): SigRef {
    this.signatures.push(sig);
    return this.signatures.length - 1;
  }

  /** Returns the index of a user name in `userNamedFuncs`, adding it when new. */
  declareUserName(namespace: number, index: number): number {
    const found = this.userNamedFuncs.findIndex((n) => n.namespace === namespace && n.index === index);
    if (found !== -1) return found;
    this.userNamedFuncs.push({ namespace, index });
    return this.userNamedFuncs.length - 1;
  }

  /** Defines `constN` (Cranelift's `ConstantPool::set`); throws if it already exists. */
  setConstant(handle: Constant, bytes: number[]): void {
    if (this.constants.has(handle)) throw new Error(`const${handle} is already defined`);
    this.constants.set(handle, bytes);
    this.constantIndex.set(bytes.join(','), handle);
  }

  /**
   * Adds constant bytes to the pool and returns their `constN`: an existing entry with equal bytes
   * (the one defined last), else the next number (`constants.size`), as Cranelift's `insert` does.
   * Throws if that number is already taken by an explicitly numbered constant.
   */
  insertConstant(bytes: number[]): Constant {
    const found = this.constantIndex.get(bytes.join(','));
    if (found !== undefined && this.constants.has(found)) return found;
    const handle = this.constants.size;
    this.setConstant(handle, bytes);
    return handle;
  }
}

/** A parsed CLIF file: header lines (`test`, `set`, `target`, `feature`) and functions. */
export interface ClifFile {
  /** Header lines as written, in order, without trailing comments. */
  readonly headers: string[];
  readonly functions: Function[];
}
