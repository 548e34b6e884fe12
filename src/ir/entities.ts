// Entity references. Each is the entity's number as written in CLIF (`v12` is value 12), so
// numbers read from a file survive a round trip unchanged.

/** An SSA value: `vN`. */
export type Value = number;
/** A basic block: `blockN`. */
export type Block = number;
/** An instruction (not written in CLIF; numbered in creation order). */
export type Inst = number;
/** A sized stack slot: `ssN`. */
export type StackSlot = number;
/** A dynamic stack slot: `dssN`. */
export type DynamicStackSlot = number;
/** A dynamic vector type: `dtN`. */
export type DynamicType = number;
/** A global value: `gvN`. */
export type GlobalValue = number;
/** A signature reference: `sigN`. */
export type SigRef = number;
/** An external function reference: `fnN`. */
export type FuncRef = number;
/** A constant-pool entry: `constN`. */
export type Constant = number;
/** An alias region: `regionN`. */
export type AliasRegion = number;
/** A value type (interned: compare with `===`). */
export type { Type } from './types.js';

/** Marks "no entity" in layout links and optional references. */
export const NONE = -1;
