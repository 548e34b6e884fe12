// zod schemas of what the wasm front end (native/frontend) returns: the module metadata and the
// CLIF of each defined function. The addon's JSON is checked against them before use.
import { z } from 'zod';

export const wasmValueTypeSchema = z.enum(['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref']);
export type WasmValueType = z.infer<typeof wasmValueTypeSchema>;

const u32 = z.number().int().nonnegative().max(0xffff_ffff);
/** 64-bit quantities travel as decimal strings so JavaScript does not round them. */
const decimal = z.string().regex(/^-?\d+$/);

export const funcTypeSchema = z
  .object({
    params: z.array(wasmValueTypeSchema),
    results: z.array(wasmValueTypeSchema),
    /** Positions typed as non-nullable references (`(ref $t)`): null is refused there at the host boundary. */
    nonNullParams: z.array(z.number().int().nonnegative()),
    nonNullResults: z.array(z.number().int().nonnegative()),
  })
  .strict();
export type WasmFuncType = z.infer<typeof funcTypeSchema>;

const simpleConstExprs = [
  z.object({ op: z.literal('i32.const'), value: z.number().int() }).strict(),
  z.object({ op: z.literal('i64.const'), value: decimal }).strict(),
  z.object({ op: z.literal('f32.const'), bits: u32 }).strict(),
  z.object({ op: z.literal('f64.const'), bits: decimal }).strict(),
  z.object({ op: z.literal('global.get'), index: u32 }).strict(),
  z.object({ op: z.literal('ref.null'), type: wasmValueTypeSchema }).strict(),
  z.object({ op: z.literal('ref.func'), index: u32 }).strict(),
  /** The 16 bytes as one little-endian 128-bit integer. */
  z.object({ op: z.literal('v128.const'), bits: decimal }).strict(),
] as const;

/** The arithmetic of extended constant expressions (only inside `extended`). */
export const constArithmeticSchema = z.enum(['i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul']);
export type ConstArithmetic = z.infer<typeof constArithmeticSchema>;

/** An extended constant expression: its instructions in order, evaluated on a stack. */
const extendedConstExprSchema = z
  .object({
    op: z.literal('extended'),
    ops: z.array(z.union([z.discriminatedUnion('op', [...simpleConstExprs]), z.object({ op: constArithmeticSchema }).strict()])).min(2),
  })
  .strict();

export const constExprSchema = z.discriminatedUnion('op', [...simpleConstExprs, extendedConstExprSchema]);
export type ConstExpr = z.infer<typeof constExprSchema>;

export const memorySchema = z
  .object({ minPages: z.number().int().nonnegative(), maxPages: z.number().int().nonnegative().nullable(), shared: z.boolean(), imported: z.boolean(), memory64: z.boolean() })
  .strict();
export type WasmMemory = z.infer<typeof memorySchema>;

export const tableSchema = z
  .object({
    elementType: wasmValueTypeSchema,
    /** The element type exactly (a typed reference by its type's key): an import must match it. */
    elementKey: z.string(),
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative().nullable(),
    imported: z.boolean(),
    init: constExprSchema.nullable(),
    table64: z.boolean(),
  })
  .strict();
export type WasmTable = z.infer<typeof tableSchema>;

export const globalSchema = z
  .object({
    type: wasmValueTypeSchema,
    /** The value type exactly (a typed reference by its type's key): an import must match it. */
    typeKey: z.string(),
    nonNull: z.boolean(),
    mutable: z.boolean(),
    imported: z.boolean(),
    init: constExprSchema.nullable(),
  })
  .strict();
export type WasmGlobal = z.infer<typeof globalSchema>;

const importBase = { module: z.string(), name: z.string() };
export const importSchema = z.discriminatedUnion('kind', [
  z.object({ ...importBase, kind: z.literal('func'), typeIndex: u32 }).strict(),
  z.object({ ...importBase, kind: z.literal('table'), table: tableSchema }).strict(),
  z.object({ ...importBase, kind: z.literal('memory'), memory: memorySchema }).strict(),
  z.object({ ...importBase, kind: z.literal('global'), global: globalSchema }).strict(),
]);
export type WasmImport = z.infer<typeof importSchema>;

export const exportSchema = z.object({ name: z.string(), kind: z.enum(['func', 'table', 'memory', 'global']), index: u32 }).strict();
export type WasmExport = z.infer<typeof exportSchema>;

const segmentMode = {
  passive: z.object({ mode: z.literal('passive') }),
  declared: z.object({ mode: z.literal('declared') }),
  active: z.object({ mode: z.literal('active'), index: u32, offset: constExprSchema }),
};
const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/);
export const dataSegmentSchema = z.discriminatedUnion('mode', [
  segmentMode.passive.extend({ bytesHex: hex }).strict(),
  segmentMode.declared.extend({ bytesHex: hex }).strict(),
  segmentMode.active.extend({ bytesHex: hex }).strict(),
]);
export type DataSegment = z.infer<typeof dataSegmentSchema>;

const elementFields = { elementType: wasmValueTypeSchema, items: z.array(constExprSchema) };
export const elementSegmentSchema = z.discriminatedUnion('mode', [
  segmentMode.passive.extend(elementFields).strict(),
  segmentMode.declared.extend(elementFields).strict(),
  segmentMode.active.extend(elementFields).strict(),
]);
export type ElementSegment = z.infer<typeof elementSegmentSchema>;

export const translatedFunctionSchema = z
  .object({ index: u32, typeIndex: u32, debugName: z.string().nullable(), clif: z.string().min(1) })
  .strict();
export type TranslatedFunction = z.infer<typeof translatedFunctionSchema>;

export const builtinInfoSchema = z
  .object({ name: z.string(), index: u32, params: z.array(z.string()), results: z.array(z.string()) })
  .strict();
export type BuiltinInfo = z.infer<typeof builtinInfoSchema>;

export const trapCodeInfoSchema = z.object({ code: z.string(), trap: z.string() }).strict();

export const wasmMeteringSchema = z.enum(['none', 'vanilla', 'epoch']);
export type WasmMetering = z.infer<typeof wasmMeteringSchema>;

export const translatedModuleSchema = z
  .object({
    metering: wasmMeteringSchema,
    types: z.array(funcTypeSchema),
    canonicalTypeIds: z.array(u32),
    /** Per type index, a structural key, equal for equal types in any module (the store numbers
     *  types by it; call_indirect compares those numbers). */
    typeKeys: z.array(z.string()),
    functionTypes: z.array(u32),
    imports: z.array(importSchema),
    exports: z.array(exportSchema),
    memories: z.array(memorySchema),
    tables: z.array(tableSchema),
    globals: z.array(globalSchema),
    dataSegments: z.array(dataSegmentSchema),
    elementSegments: z.array(elementSegmentSchema),
    start: u32.nullable(),
    /** Fuel Wasmtime's startup function charges at instantiation (the start call's +1, not its body); null: none runs. */
    startupFuel: z.number().int().nonnegative().nullable(),
    numImportedFunctions: u32,
    functions: z.array(translatedFunctionSchema),
    /** The layout the code was generated for, echoed by the front end. */
    layout: z.record(z.string(), z.union([z.number(), z.null()])),
    builtins: z.array(builtinInfoSchema),
    trapCodes: z.array(trapCodeInfoSchema),
    /** With `nativePasses`: microseconds the Rust fuel passes took (translation and printing excluded). */
    rewriteMicros: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.canonicalTypeIds.length !== m.types.length) ctx.addIssue({ code: 'custom', message: 'one canonical type id per type expected' });
    if (m.typeKeys.length !== m.types.length) ctx.addIssue({ code: 'custom', message: 'one type key per type expected' });
    if (m.functionTypes.length !== m.numImportedFunctions + m.functions.length)
      ctx.addIssue({ code: 'custom', message: 'functionTypes must cover imported and defined functions' });
    m.functions.forEach((f, i) => {
      if (f.index !== m.numImportedFunctions + i) ctx.addIssue({ code: 'custom', message: `function ${i} has index ${f.index}` });
    });
    if (m.functionTypes.some((t) => t >= m.types.length)) ctx.addIssue({ code: 'custom', message: 'a function type index is out of range' });
  });
export type TranslatedModule = z.infer<typeof translatedModuleSchema>;
