// CLIF parser: whole files (header lines, then functions), current and legacy dialects. It accepts
// what cranelift-reader 0.135.8 accepts, keeps every entity number as written, and reports every
// problem as a ClifParseError. The grammar is LL(1) with bounded loops, so parsing is linear.
import type { Block, Type, Value } from './entities.js';
import { Function, type ClifFile, type DebugTag, type FunctionName } from './function.js';
import {
  bigintToBytes,
  IEEE128,
  IEEE16,
  IEEE32,
  IEEE64,
  parseConstantData,
  parseFloat,
  parseI64,
  parseI64Fast,
  parseOffset32,
  parseU64,
  parseUimm32,
  type FloatFormat,
} from './immediates.js';
import {
  InstructionData,
  type BlockArg,
  type BlockCall,
  type ExceptionItem,
  type ExceptionTable,
  type UserStackMapEntry,
} from './instruction.js';
import { Lexer, Tok, type TokKind } from './lexer.js';
import { defaultMemFlags, setMemFlagByName, type MemFlags } from './memflags.js';
import {
  legacyOpcodeInfo,
  opcodeFacts,
  opcodeFactsByName,
  resultsFromSignature,
  type FormatSpec,
  type OpcodeInfo,
} from './opcode-table.js';
import type { ClifParseError } from './parse-error.js';
import type { ExternalName, GlobalValueData, HeapData, StackSlotData, TableData } from './preamble.js';
import { isCallConv, type AbiParam, type ArgumentExtension, type ArgumentPurpose, type CallConv, type Signature } from './signature.js';
import { parseTrapCode } from './trapcode.js';
import { atomicRmwOps, floatCCs, intCCs } from './condcodes.js';
import { I16, I32, I64, I8, parseType, typeSetContains, typeSetExample, vectorToDynamic } from './types.js';

const I8X16 = parseType('i8x16') as Type;

/** Cranelift's reader refuses block numbers from this one up. */
const MAX_BLOCKS_IN_A_FUNCTION = 100_000;

export interface ParseOptions {
  /**
   * The calling convention Cranelift's reader gives signatures without one when the file has a
   * `test run` line: the host's (`system_v`, `apple_aarch64` on macOS/arm64, `windows_fastcall` on
   * Windows). Other files default to `fast`.
   */
  hostCallConv?: CallConv;
}

/** Cranelift's `CallConv::triple_default` for the machine running us. */
export function hostCallConv(): CallConv {
  if (process.platform === 'win32') return 'windows_fastcall';
  if (process.platform === 'darwin' && process.arch === 'arm64') return 'apple_aarch64';
  return 'system_v';
}

/** Parses a CLIF file: `test`/`set`/`target`/`feature` header lines, then any number of functions. */
export function parse(text: string, options: ParseOptions = {}): ClifFile {
  return new Parser(text, options.hostCallConv ?? hostCallConv()).parseFile();
}

/**
 * Parses a CLIF file one function at a time: the header lines at once, then a generator that
 * parses the next function when asked. A caller that handles each function and lets it go holds
 * one function in memory instead of the file's; a syntax error is thrown when the generator
 * reaches it (the functions before it have been handed out).
 */
export function parseEach(text: string, options: ParseOptions = {}): { headers: string[]; functions: Generator<Function, void, undefined> } {
  return new Parser(text, options.hostCallConv ?? hostCallConv()).parseLazily();
}

/** Parses text that holds exactly one function (header lines allowed). */
export function parseFunction(text: string, options: ParseOptions = {}): Function {
  const file = parse(text, options);
  if (file.functions.length !== 1) {
    throw new Parser(text, 'fast').errorAtStart(`expected exactly one function, found ${file.functions.length}`);
  }
  return file.functions[0]!;
}

/** The type Cranelift's reader names in "type variable required" errors. */
function exampleType(info: OpcodeInfo): string {
  return info.ctrlTypes === undefined ? 'i32' : typeSetExample(info.ctrlTypes).name;
}

/** Per-function bookkeeping: which entities were declared, and where instructions start. */
interface Context {
  fn: Function;
  defined: Uint8Array;
  definedCount: number;
  declaredSs: Set<number>;
  declaredDss: Set<number>;
  declaredDt: Set<number>;
  declaredGv: Set<number>;
  declaredSig: Set<number>;
  declaredFn: Set<number>;
  declaredConst: Set<number>;
  declaredHeap: Set<number>;
  declaredTable: Set<number>;
  declaredJt: Set<number>;
  definedBlocks: Set<number>;
  aliases: Value[];
  aliasOffsets: number[];
  instOffsets: number[];
  /** User names in order of first use; `ExternalName.ref` indexes this. */
  userNames: { namespace: number; index: number }[];
  userNameRefs: Map<string, number>;
  /** Highest `userextnameN` referenced, with its offset, checked once the table is known. */
  userRefChecks: { ref: number; offset: number }[];
}

class Parser {
  private readonly lex: Lexer;
  /** Where the entity most recently read by `limitedEntity` starts (for "undefined ..." errors). */
  private lastEntityAt = 0;
  /** Largest entity number that may be defined (see `checkNumber`). */
  private readonly maxEntityNumber: number;

  /** Result values of the instruction line being read (scratch). */
  private readonly results: Value[] = [];
  /** Block-call or call arguments being read (scratch). */
  private readonly blockArgs: BlockArg[] = [];

  /** Calling convention of signatures that name none (see `ParseOptions.hostCallConv`). */
  private defaultCallConv: CallConv = 'fast';

  constructor(
    text: string,
    private readonly hostConv: CallConv,
  ) {
    this.lex = new Lexer(text);
    this.maxEntityNumber = 1_000_000 + 8 * text.length;
  }

  errorAtStart(reason: string): ClifParseError {
    return this.lex.error(reason, 0);
  }

  // ---- token helpers ----

  /** The current token kind (a method, so TypeScript does not narrow it across `next()`). */
  private tk(): TokKind {
    return this.lex.kind;
  }

  private err(reason: string): ClifParseError {
    return this.lex.error(reason);
  }

  private next(): void {
    this.lex.next();
  }

  private expect(kind: TokKind, message: string): void {
    if (this.tk() !== kind) throw this.err(message);
    this.lex.next();
  }

  private optional(kind: TokKind): boolean {
    if (this.tk() !== kind) return false;
    this.lex.next();
    return true;
  }

  private isIdent(word: string): boolean {
    const lex = this.lex;
    return lex.kind === Tok.Identifier && lex.end - lex.start === word.length && lex.src.startsWith(word, lex.start);
  }

  private optionalIdent(word: string): boolean {
    if (!this.isIdent(word)) return false;
    this.lex.next();
    return true;
  }

  private entity(kind: TokKind, message: string): number {
    if (this.tk() !== kind) throw this.err(message);
    const n = this.lex.num;
    this.lex.next();
    return n;
  }

  /**
   * A preamble entity being declared. Cranelift fills every smaller number with a placeholder, so
   * the number is capped in proportion to the input size to keep memory and time linear.
   */
  private declaredEntity(kind: TokKind, message: string): number {
    const at = this.lex.start;
    const n = this.limitedEntity(kind, message);
    this.checkNumber(n, at);
    return n;
  }

  /** Refuses entity numbers far beyond what the input could use (they would only pad tables). */
  private checkNumber(n: number, at: number): void {
    if (n > this.maxEntityNumber) throw this.lex.error(`entity number ${n} is too large for this input`, at);
  }

  /** `ssN` and friends: Cranelift's `with_number` refuses u32::MAX. */
  private limitedEntity(kind: TokKind, message: string): number {
    if (this.tk() !== kind || this.lex.num === 0xffff_ffff) throw this.err(message);
    this.lastEntityAt = this.lex.start;
    const n = this.lex.num;
    this.lex.next();
    return n;
  }

  private value(message: string): Value {
    return this.entity(Tok.Value, message);
  }

  private type(message: string): Type {
    if (this.tk() !== Tok.Type) throw this.err(message);
    const t = this.lex.type;
    this.lex.next();
    return t;
  }

  private identifier(message: string): string {
    if (this.tk() !== Tok.Identifier) throw this.err(message);
    const text = this.lex.text();
    this.lex.next();
    return text;
  }

  private integerText(message: string): string {
    if (this.tk() !== Tok.Integer) throw this.err(message);
    const text = this.lex.text();
    return text;
  }

  // ---- immediates ----

  private imm64(message: string): bigint {
    if (this.tk() === Tok.Integer) {
      const small = this.lex.plainDecimal();
      if (small !== -1) {
        this.next();
        return BigInt(small);
      }
    }
    const text = this.integerText(message);
    const v = parseI64Fast(text);
    if (typeof v === 'string') throw this.err(v);
    this.next();
    return v;
  }

  private uimm64(message: string): bigint {
    const text = this.integerText(message);
    const v = parseU64(text);
    if (typeof v === 'string') throw this.err('expected u64 decimal immediate');
    this.next();
    return v;
  }

  private uimm32(message: string): number {
    const text = this.integerText(message);
    const v = parseUimm32(text);
    if (typeof v === 'string') throw this.err(v);
    this.next();
    return v;
  }

  /** A u8 immediate (lane index): decimal, or hex after `0x`. */
  private uimm8(message: string): number {
    const text = this.integerText(message);
    let v: number | null = null;
    if (text.startsWith('0x')) {
      const digits = text.slice(2);
      if (/^\+?[0-9a-fA-F]+$/.test(digits)) v = parseInt(digits.replace('+', ''), 16);
      if (v === null || v > 255) throw this.err('unable to parse u8 as a hexadecimal immediate');
    } else {
      if (/^\+?[0-9]+$/.test(text)) v = Number(text.replace('+', ''));
      if (v === null || v > 255) throw this.err('expected u8 decimal immediate');
    }
    this.next();
    return v;
  }

  /**
   * Cranelift's `match_imm!` for an integer of `bits` bits (8, 16 or 32): one optional sign, then
   * unsigned decimal or hex; returns the value as unsigned `bits`-bit integer.
   */
  private sizedImm(bits: number, message: string): bigint {
    if (this.tk() === Tok.Integer) {
      const fast = this.lex.plainDecimal();
      if (fast !== -1 && fast < 2 ** bits) {
        this.next();
        return BigInt(fast);
      }
    }
    const raw = this.integerText(message);
    const negative = raw.startsWith('-');
    const text = negative || raw.startsWith('+') ? raw.slice(1) : raw;
    const max = (1n << BigInt(bits)) - 1n;
    let value: bigint | null = null;
    if (text.startsWith('0x')) {
      const digits = text.replaceAll('_', '').slice(2);
      if (/^\+?[0-9a-fA-F]+$/.test(digits)) value = BigInt(`0x${digits.replace('+', '')}`);
      if (value === null || value > max) {
        throw this.err(`unable to parse '${digits}' value as a hexadecimal u${bits} immediate`);
      }
    } else {
      if (/^\+?[0-9]+$/.test(text)) value = BigInt(text.replace('+', ''));
      if (value === null || value > max) throw this.err('expected decimal immediate');
    }
    if (negative) {
      const signed = BigInt.asIntN(bits, -value);
      if (signed > 0n) throw this.err('negative number too small');
      value = BigInt.asUintN(bits, signed);
    }
    this.next();
    return value;
  }

  private float(format: FloatFormat, message: string): bigint {
    if (this.tk() !== Tok.Float) throw this.err(message);
    const v = parseFloat(this.lex.text(), format);
    if (typeof v === 'string') throw this.err(v);
    this.next();
    return v;
  }

  /** An optional signed offset (`+8`, `-0x10`); absent means 0. */
  private optionalOffset32(): number {
    if (this.tk() !== Tok.Integer) return 0;
    const small = this.lex.signedDecimal();
    if (small !== null) {
      this.next();
      return small;
    }
    const text = this.lex.text();
    if (!(text.startsWith('+') || text.startsWith('-'))) return 0;
    const v = parseOffset32(text);
    if (typeof v === 'string') throw this.err(v);
    this.next();
    return v;
  }

  private optionalOffsetImm64(): bigint {
    if (this.tk() !== Tok.Integer) return 0n;
    const text = this.lex.text();
    if (!(text.startsWith('+') || text.startsWith('-'))) return 0n;
    const v = parseI64(text);
    if (typeof v === 'string') throw this.err(v);
    this.next();
    return v;
  }

  private memFlags(): MemFlags {
    const flags = defaultMemFlags();
    for (;;) {
      if (this.tk() === Tok.Identifier) {
        const r = setMemFlagByName(flags, this.lex.text());
        if (typeof r === 'string') throw this.err(r);
        if (!r) break;
        this.next();
      } else if (this.tk() === Tok.AliasRegion) {
        if (flags.region !== null) throw this.err('cannot set more than one alias region');
        flags.region = this.lex.num;
        this.next();
      } else {
        break;
      }
    }
    return flags;
  }

  private enumWord(allowed: ReadonlySet<string>, message: string): string {
    if (this.tk() !== Tok.Identifier) throw this.err(message);
    const text = this.lex.text();
    if (!allowed.has(text)) throw this.err(message);
    this.next();
    return text;
  }

  private trapCode(message: string): string {
    if (this.tk() !== Tok.Identifier) throw this.err(message);
    const code = parseTrapCode(this.lex.text());
    if (code === null) throw this.err(message);
    this.next();
    return code;
  }

  // ---- file ----

  parseFile(): ClifFile {
    const headers = this.parseHeaders();
    const functions: Function[] = [];
    while (this.tk() !== Tok.Eof) functions.push(this.parseFunction());
    return { headers, functions };
  }

  /** The header lines, then each function as it is parsed (nothing else is kept). */
  parseLazily(): { headers: string[]; functions: Generator<Function, void, undefined> } {
    const headers = this.parseHeaders();
    const self = this;
    function* functions(): Generator<Function, void, undefined> {
      while (self.tk() !== Tok.Eof) yield self.parseFunction();
    }
    return { headers, functions: functions() };
  }

  private parseHeaders(): string[] {
    const headers: string[] = [];
    while (this.isIdent('test')) {
      const line = this.headerLine();
      headers.push(line);
      // Cranelift's reader switches to the host's calling convention for files it will run.
      if (line.split(/\s+/)[1] === 'run') this.defaultCallConv = this.hostConv;
    }
    while (this.isIdent('set') || this.isIdent('target')) headers.push(this.headerLine());
    while (this.isIdent('feature')) {
      const start = this.lex.start;
      this.next();
      this.optional(Tok.Bang);
      if (this.tk() !== Tok.String) throw this.err('expected feature flag string');
      const end = this.lex.end;
      this.next();
      headers.push(this.lex.src.slice(start, end));
    }
    return headers;
  }

  private headerLine(): string {
    const line = this.lex.restOfLine();
    const comment = line.indexOf(';');
    return (comment === -1 ? line : line.slice(0, comment)).trimEnd();
  }

  // ---- function ----

  private parseFunction(): Function {
    if (!this.isIdent('function')) throw this.err("expected 'function'");
    this.next();
    const name = this.functionName();
    const sig = this.signature();
    const ctx: Context = {
      fn: new Function(name, sig),
      defined: new Uint8Array(64),
      definedCount: 0,
      declaredSs: new Set(),
      declaredDss: new Set(),
      declaredDt: new Set(),
      declaredGv: new Set(),
      declaredSig: new Set(),
      declaredFn: new Set(),
      declaredConst: new Set(),
      declaredHeap: new Set(),
      declaredTable: new Set(),
      declaredJt: new Set(),
      definedBlocks: new Set(),
      aliases: [],
      aliasOffsets: [],
      instOffsets: [],
      userNames: [],
      userNameRefs: new Map(),
      userRefChecks: [],
    };
    this.expect(Tok.LBrace, "expected '{' before function body");
    this.preamble(ctx);
    while (this.tk() !== Tok.RBrace) this.block(ctx);
    this.finishBody(ctx);
    this.next();
    return ctx.fn;
  }

  private functionName(): FunctionName {
    if (this.tk() === Tok.Name) {
      const name = this.lex.text();
      this.next();
      return { kind: 'testcase', name };
    }
    if (this.tk() === Tok.UserRef) {
      const namespace = this.lex.num;
      this.next();
      if (this.tk() !== Tok.Colon) throw this.err('expected user function name in the form uX:Y');
      this.next();
      return { kind: 'user', namespace, index: this.userIndex() };
    }
    throw this.err('expected external name');
  }

  /** The `Y` of `uX:Y`: a decimal u32. */
  private userIndex(): number {
    if (this.tk() !== Tok.Integer) throw this.err('expected integer');
    const text = this.lex.text();
    if (!/^\+?[0-9]+$/.test(text) || Number(text.replace('+', '')) > 0xffff_ffff) {
      throw this.err('the integer given overflows the u32 type');
    }
    this.next();
    return Number(text.replace('+', ''));
  }

  private signature(): Signature {
    const sig: Signature = { params: [], returns: [], callConv: this.defaultCallConv };
    this.expect(Tok.LPar, 'expected function signature: ( args... )');
    if (this.tk() !== Tok.RPar) sig.params = this.abiParamList();
    this.expect(Tok.RPar, "expected ')' after function arguments");
    if (this.optional(Tok.Arrow)) sig.returns = this.abiParamList();
    if (this.tk() === Tok.Identifier) {
      const text = this.lex.text();
      if (!isCallConv(text)) throw this.err(`unknown calling convention: ${text}`);
      sig.callConv = text;
      this.next();
    }
    return sig;
  }

  private abiParamList(): AbiParam[] {
    const list = [this.abiParam()];
    while (this.optional(Tok.Comma)) list.push(this.abiParam());
    return list;
  }

  private abiParam(): AbiParam {
    const type = this.type('expected parameter type');
    let extension: ArgumentExtension = 'none';
    let purpose: ArgumentPurpose = { kind: 'normal' };
    while (this.tk() === Tok.Identifier) {
      const word = this.lex.text();
      if (word === 'uext' || word === 'sext') extension = word;
      else if (word === 'sarg') {
        this.next();
        this.expect(Tok.LPar, "expected '(' to begin sarg size");
        const size = this.uimm32('expected byte-size in sarg decl');
        this.expect(Tok.RPar, "expected ')' to end sarg size");
        purpose = { kind: 'sarg', size };
        continue;
      } else if (word === 'normal' || word === 'sret' || word === 'vmctx') purpose = { kind: word };
      else break;
      this.next();
    }
    return { type, extension, purpose };
  }

  // ---- preamble ----

  private preamble(ctx: Context): void {
    const fn = ctx.fn;
    for (;;) {
      switch (this.tk()) {
        case Tok.StackSlot: {
          const ss = this.declaredEntity(Tok.StackSlot, 'expected stack slot number: ss«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in stack slot declaration");
          const data = this.stackSlotDecl();
          this.declare(ctx.declaredSs, ss, `ss${ss}`, at);
          while (fn.stackSlots.length <= ss) fn.stackSlots.push({ size: 0, alignShift: 0, key: null });
          fn.stackSlots[ss] = data;
          break;
        }
        case Tok.DynamicStackSlot: {
          const dss = this.declaredEntity(Tok.DynamicStackSlot, 'expected stack slot number: dss«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in stack slot declaration");
          if (!this.optionalIdent('explicit_dynamic_slot')) throw this.err('expected stack slot kind');
          const dt = this.limitedEntity(Tok.DynamicType, 'expected dynamic type');
          this.declare(ctx.declaredDss, dss, `dss${dss}`, at);
          while (fn.dynamicStackSlots.length <= dss) fn.dynamicStackSlots.push({ dynamicType: dt });
          fn.dynamicStackSlots[dss] = { dynamicType: dt };
          break;
        }
        case Tok.DynamicType: {
          const dt = this.declaredEntity(Tok.DynamicType, 'expected dynamic type number: dt«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in stack slot declaration");
          const base = this.type('expected base type');
          if (!base.isVector) throw this.err('expected vector type');
          this.expect(Tok.Multiply, "expected '*' followed by a dynamic scale value");
          const scale = this.limitedEntity(Tok.GlobalValue, 'expected dynamic scale global value');
          this.declare(ctx.declaredDt, dt, `dt${dt}`, at);
          const data = { baseVectorType: base, dynamicScale: scale };
          while (fn.dynamicTypes.length <= dt) fn.dynamicTypes.push({ ...data });
          fn.dynamicTypes[dt] = data;
          break;
        }
        case Tok.GlobalValue: {
          const gv = this.declaredEntity(Tok.GlobalValue, 'expected global value number: gv«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in global value declaration");
          const data = this.globalValueDecl(ctx);
          this.declare(ctx.declaredGv, gv, `gv${gv}`, at);
          while (fn.globalValues.length <= gv) {
            fn.globalValues.push({ kind: 'symbol', name: { kind: 'testcase', name: '' }, offset: 0n, colocated: false, tls: false });
          }
          fn.globalValues[gv] = data;
          break;
        }
        case Tok.SigRef: {
          const sig = this.declaredEntity(Tok.SigRef, 'expected signature number: sig«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in signature decl");
          const data = this.signature();
          this.declare(ctx.declaredSig, sig, `sig${sig}`, at);
          while (fn.signatures.length <= sig) fn.signatures.push({ params: [], returns: [], callConv: this.defaultCallConv });
          fn.signatures[sig] = data;
          break;
        }
        case Tok.FuncRef: {
          const fnRef = this.declaredEntity(Tok.FuncRef, 'expected function number: fn«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in function decl");
          const colocated = this.optionalIdent('colocated');
          const patchable = this.optionalIdent('patchable');
          const name = this.externalName(ctx);
          let signature: number;
          if (this.tk() === Tok.LPar) {
            const sig = this.signature();
            signature = fn.importSignature(sig);
            ctx.declaredSig.add(signature);
          } else if (this.tk() === Tok.SigRef) {
            if (this.lex.num === 0xffff_ffff) throw this.err(`attempted to use invalid signature ss${this.lex.num}`);
            signature = this.lex.num;
            if (!ctx.declaredSig.has(signature)) throw this.err(`undefined signature sig${signature}`);
            this.next();
          } else {
            throw this.err("expected 'function' or sig«n» in function decl");
          }
          this.declare(ctx.declaredFn, fnRef, `fn${fnRef}`, at);
          while (fn.extFuncs.length <= fnRef) {
            fn.extFuncs.push({ name: { kind: 'testcase', name: '' }, signature: null, colocated: false, patchable: false });
          }
          fn.extFuncs[fnRef] = { name, signature, colocated, patchable };
          break;
        }
        case Tok.Constant: {
          const c = this.limitedEntity(Tok.Constant, 'expected constant number: const«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in constant decl");
          let bytes: number[];
          if (this.tk() === Tok.Type) {
            const t = this.type('expected type of constant');
            bytes = this.uimm128(t);
          } else {
            bytes = this.hexConstant('expected an immediate hexadecimal operand');
          }
          this.declare(ctx.declaredConst, c, `const${c}`, at);
          fn.setConstant(c, bytes);
          break;
        }
        case Tok.Heap: {
          const heap = this.declaredEntity(Tok.Heap, 'expected heap number: heap«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in heap declaration");
          const data = this.heapDecl();
          this.declare(ctx.declaredHeap, heap, `heap${heap}`, at);
          while (fn.heaps.length <= heap) fn.heaps.push({ ...data });
          fn.heaps[heap] = data;
          break;
        }
        case Tok.Table: {
          const table = this.declaredEntity(Tok.Table, 'expected table number: table«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in table declaration");
          const data = this.tableDecl();
          this.declare(ctx.declaredTable, table, `table${table}`, at);
          while (fn.tables.length <= table) fn.tables.push({ ...data });
          fn.tables[table] = data;
          break;
        }
        case Tok.JumpTableRef: {
          const jt = this.declaredEntity(Tok.JumpTableRef, 'expected jump table number: jt«n»');
          const at = this.lex.start;
          this.expect(Tok.Equal, "expected '=' in jump_table decl");
          if (!this.optionalIdent('jump_table')) throw this.err("expected 'jump_table'");
          this.expect(Tok.LBracket, "expected '[' before jump table contents");
          const entries: Block[] = [];
          if (this.tk() === Tok.Block) {
            entries.push(this.entity(Tok.Block, 'expected jump_table entry'));
            while (this.optional(Tok.Comma)) entries.push(this.entity(Tok.Block, 'expected jump_table entry'));
          }
          this.expect(Tok.RBracket, "expected ']' after jump table contents");
          this.declare(ctx.declaredJt, jt, `jt${jt}`, at);
          while (fn.jumpTables.length <= jt) fn.jumpTables.push([]);
          fn.jumpTables[jt] = entries;
          break;
        }
        case Tok.AliasRegion: {
          const region = this.lex.num;
          const at = this.lex.start;
          this.next();
          this.expect(Tok.Equal, "expected '=' in alias region decl");
          if (this.tk() !== Tok.Integer || !/^\+?[0-9]+$/.test(this.lex.text()) || Number(this.lex.text()) > 0xffff_ffff) {
            throw this.err('expected integer user_id for alias region');
          }
          const userId = Number(this.lex.text().replace('+', ''));
          this.next();
          if (this.tk() !== Tok.String) throw this.err('expected string description for alias region');
          const description = this.lex.text();
          this.next();
          if (fn.aliasRegions.length !== region) throw this.lex.error(`duplicate alias region region${region}`, at);
          fn.aliasRegions.push({ userId, description });
          break;
        }
        case Tok.Identifier: {
          if (!this.isIdent('stack_limit')) return;
          this.next();
          this.expect(Tok.Equal, "expected '=' in stack limit decl");
          if (this.tk() !== Tok.GlobalValue) throw this.err('expected global value');
          if (this.lex.num === 0xffff_ffff) throw this.err('invalid global value number for stack limit');
          const gv = this.lex.num;
          const at = this.lex.start;
          this.next();
          if (fn.stackLimit !== null) throw this.lex.error('stack limit defined twice', at);
          fn.stackLimit = gv;
          break;
        }
        default:
          return;
      }
    }
  }

  private declare(set: Set<number>, n: number, name: string, at: number): void {
    if (set.has(n)) throw this.lex.error(`duplicate entity: ${name}`, at);
    set.add(n);
  }

  private stackSlotDecl(): StackSlotData {
    if (!this.optionalIdent('explicit_slot')) {
      // `explicit_dynamic_slot` names a kind, but a sized slot with it has no size syntax.
      if (this.isIdent('explicit_dynamic_slot')) this.next();
      else throw this.err('expected stack slot kind');
    }
    const bytes = this.imm64('expected byte-size in stack_slot decl');
    if (bytes < 0n) throw this.err('negative stack slot size');
    if (bytes > 0xffff_ffffn) throw this.err('stack slot too large');
    let align = 1n;
    let key: bigint | null = null;
    while (this.optional(Tok.Comma)) {
      if (this.optionalIdent('align')) {
        this.expect(Tok.Equal, 'expected `=` after flag');
        align = this.imm64('expected alignment-size after `align` flag');
        if (align < 0n || align > 0xffff_ffffn) throw this.err('alignment must be a 32-bit unsigned integer');
      } else if (this.optionalIdent('key')) {
        this.expect(Tok.Equal, 'expected `=` after flag');
        key = this.uimm64('expected `u64` value for `key` flag');
      } else {
        throw this.err('invalid flag for stack slot');
      }
    }
    if (align === 0n || (align & (align - 1n)) !== 0n) throw this.err('stack slot alignment is not a power of two');
    return { size: Number(bytes), alignShift: align.toString(2).length - 1, key };
  }

  /** Legacy `static gvB, min M, bound B, offset_guard G, index_type T` (or `dynamic ..., bound gvN`). */
  private heapDecl(): HeapData {
    const style = this.identifier("expected 'static' or 'dynamic'");
    if (this.tk() !== Tok.GlobalValue) throw this.err('expected heap base');
    const base = this.limitedEntity(Tok.GlobalValue, 'invalid global value number for heap base');
    const data: HeapData = { base, minSize: 0n, style: { kind: 'static', bound: 0n }, offsetGuardSize: 0n, indexType: I32 };
    while (this.optional(Tok.Comma)) {
      const attr = this.identifier('expected heap attribute name');
      if (attr === 'min') data.minSize = this.uimm64('expected integer min size');
      else if (attr === 'bound') {
        if (style === 'dynamic') data.style = { kind: 'dynamic', boundGv: this.limitedEntity(Tok.GlobalValue, 'expected gv bound') };
        else if (style === 'static') data.style = { kind: 'static', bound: this.uimm64('expected integer bound') };
        else throw this.err(`unknown heap style '${style}'`);
      } else if (attr === 'offset_guard') data.offsetGuardSize = this.uimm64('expected integer offset-guard size');
      else if (attr === 'index_type') data.indexType = this.type('expected index type');
      else throw this.err(`unknown heap attribute '${attr}'`);
    }
    return data;
  }

  /** Legacy `dynamic gvB, min M, bound gvX, element_size E, index_type T`. */
  private tableDecl(): TableData {
    const style = this.identifier("expected 'static' or 'dynamic'");
    if (this.tk() !== Tok.GlobalValue) throw this.err('expected table base');
    const base = this.limitedEntity(Tok.GlobalValue, 'invalid global value number for table base');
    const data: TableData = { base, minSize: 0n, boundGv: null, elementSize: 0n, indexType: I32 };
    while (this.optional(Tok.Comma)) {
      const attr = this.identifier('expected table attribute name');
      if (attr === 'min') data.minSize = this.uimm64('expected integer min size');
      else if (attr === 'bound') {
        if (style !== 'dynamic') throw this.err(`unknown table style '${style}'`);
        // A table declared without a bound prints as `bound gv4294967295` (Cranelift 0.88's
        // writer prints the reserved value); read that back as "no bound", as an extension.
        if (this.tk() === Tok.GlobalValue && this.lex.num === 0xffff_ffff) {
          this.lex.next();
          data.boundGv = null;
        } else data.boundGv = this.limitedEntity(Tok.GlobalValue, 'expected gv bound');
      } else if (attr === 'element_size') data.elementSize = this.uimm64('expected integer element size');
      else if (attr === 'index_type') data.indexType = this.type('expected index type');
      else throw this.err(`unknown table attribute '${attr}'`);
    }
    return data;
  }

  private globalValueDecl(ctx: Context): GlobalValueData {
    const kind = this.identifier('expected global value kind');
    switch (kind) {
      case 'vmctx':
        return { kind: 'vmctx' };
      case 'load': {
        this.expect(Tok.Dot, "expected '.' followed by type in load global value decl");
        const type = this.type('expected load type');
        const flags = this.memFlags();
        const base = this.limitedEntity(Tok.GlobalValue, 'expected global value: gv«n»');
        const offset = this.optionalOffset32();
        if (!(flags.trapCode === null && flags.aligned)) throw this.err('global-value load must be notrap and aligned');
        return { kind: 'load', base, offset, type, flags };
      }
      case 'iadd_imm': {
        this.expect(Tok.Dot, "expected '.' followed by type in iadd_imm global value decl");
        const type = this.type('expected iadd type');
        const base = this.limitedEntity(Tok.GlobalValue, 'expected global value: gv«n»');
        this.expect(Tok.Comma, "expected ',' followed by rhs in iadd_imm global value decl");
        const offset = this.imm64('expected iadd_imm immediate');
        return { kind: 'iadd_imm', base, offset, type };
      }
      case 'symbol': {
        const colocated = this.optionalIdent('colocated');
        const tls = this.optionalIdent('tls');
        const name = this.externalName(ctx);
        const offset = this.optionalOffsetImm64();
        return { kind: 'symbol', name, offset, colocated, tls };
      }
      case 'dyn_scale_target_const': {
        this.expect(Tok.Dot, "expected '.' followed by type in dynamic scale global value decl");
        const vectorType = this.type('expected load type');
        if (!vectorType.isVector) throw this.err('Expected vector type');
        return { kind: 'dyn_scale_target_const', vectorType };
      }
      default:
        throw this.err(`Unknown global value kind '${kind}'`);
    }
  }

  private externalName(ctx: Context): ExternalName {
    switch (this.tk()) {
      case Tok.Name: {
        const name = this.lex.text();
        this.next();
        return { kind: 'testcase', name };
      }
      case Tok.UserNameRef: {
        const ref = this.lex.num;
        ctx.userRefChecks.push({ ref, offset: this.lex.start });
        this.next();
        return { kind: 'user', ref };
      }
      case Tok.UserRef: {
        const namespace = this.lex.num;
        this.next();
        if (this.tk() !== Tok.Colon) throw this.err('expected colon');
        this.next();
        const index = this.userIndex();
        const key = `${namespace}:${index}`;
        let ref = ctx.userNameRefs.get(key);
        if (ref === undefined) {
          ref = ctx.userNames.push({ namespace, index }) - 1;
          ctx.userNameRefs.set(key, ref);
        }
        return { kind: 'user', ref };
      }
      default:
        throw this.err('expected external name');
    }
  }

  /** `0x…` hex into little-endian bytes (no size check). */
  private hexConstant(message: string): number[] {
    const text = this.integerText(message);
    const bytes = parseConstantData(text);
    if (typeof bytes === 'string') throw this.err(`expected hexadecimal immediate, failed to parse: ${bytes}`);
    this.next();
    return bytes;
  }

  /** A 128-bit-or-smaller constant for `type`: `[lane lane ...]` or hex, exactly `type.bytes` long. */
  private uimm128(type: Type): number[] {
    const expected = type.bytes;
    let bytes: number[];
    if (this.optional(Tok.LBracket)) {
      bytes = this.literalsToConstantData(type);
      this.expect(Tok.RBracket, 'expected a terminating right bracket');
    } else {
      bytes = this.hexConstant('expected an immediate hexadecimal operand');
      if (bytes.length > expected) throw this.err(`The constant data is already expanded beyond ${expected} bytes`);
      while (bytes.length < expected) bytes.push(0);
    }
    if (bytes.length !== expected) throw this.err(`expected parsed constant to have ${expected} bytes`);
    return bytes;
  }

  private literalsToConstantData(type: Type): number[] {
    if (!type.isVector && !type.isDynamic) throw this.err(`Expected a controlling vector type, not ${type.name}`);
    const lane = type.lane;
    const out: number[] = [];
    const lanes = type.laneCount;
    for (let i = 0; i < lanes; i++) {
      if (lane === I8) out.push(...bigintToBytes(this.sizedImm(8, 'Expected an 8-bit integer'), 1));
      else if (lane === I16) out.push(...bigintToBytes(this.sizedImm(16, 'Expected a 16-bit integer'), 2));
      else if (lane === I32) out.push(...bigintToBytes(this.sizedImm(32, 'Expected a 32-bit integer'), 4));
      else if (lane === I64) out.push(...bigintToBytes(this.imm64('Expected a 64-bit integer'), 8));
      else if (lane.name === 'f16') out.push(...bigintToBytes(this.float(IEEE16, 'Expected a 16-bit float'), 2));
      else if (lane.name === 'f32') out.push(...bigintToBytes(this.float(IEEE32, 'Expected a 32-bit float'), 4));
      else if (lane.name === 'f64') out.push(...bigintToBytes(this.float(IEEE64, 'Expected a 64-bit float'), 8));
      else throw this.err('Expected a type of: float, int, bool');
    }
    return out;
  }

  // ---- body ----

  private define(ctx: Context, v: Value, at: number): void {
    this.checkNumber(v, at);
    if (v >= ctx.defined.length) {
      let size = ctx.defined.length * 2;
      while (size <= v) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(ctx.defined);
      ctx.defined = grown;
    }
    if (ctx.defined[v] === 1) throw this.lex.error(`duplicate entity: v${v}`, at);
    ctx.defined[v] = 1;
  }

  private isDefined(ctx: Context, v: Value): boolean {
    return v < ctx.defined.length && ctx.defined[v] === 1;
  }

  private block(ctx: Context): void {
    const fn = ctx.fn;
    const at = this.lex.start;
    const block = this.entity(Tok.Block, 'expected block header');
    if (ctx.definedBlocks.has(block)) throw this.lex.error(`duplicate entity: block${block}`, at);
    if (block >= MAX_BLOCKS_IN_A_FUNCTION) throw this.err('too many blocks');
    ctx.definedBlocks.add(block);
    fn.dfg.ensureBlock(block);
    fn.layout.appendBlock(block);
    if (this.tk() === Tok.LPar) {
      this.next();
      if (!this.optional(Tok.RPar)) {
        this.blockParam(ctx, block);
        while (this.optional(Tok.Comma)) this.blockParam(ctx, block);
        this.expect(Tok.RPar, "expected ')' after block parameters");
      }
    }
    if (this.optional(Tok.Cold)) fn.layout.setCold(block);
    this.expect(Tok.Colon, "expected ':' after block parameters");

    for (;;) {
      const k = this.tk();
      if (k !== Tok.Value && k !== Tok.Identifier && k !== Tok.LBracket && k !== Tok.SourceLoc && k !== Tok.LAngle) break;
      const lineStart = this.lex.start;
      const tags = this.debugTags();
      let srcloc = -1;
      if (this.tk() === Tok.SourceLoc) {
        srcloc = this.sourceLoc();
        this.next();
      }
      // Reused for every line: the parser copies what it keeps.
      const results = this.results;
      while (results.length > 0) results.pop(); // cheaper than `length = 0`, a runtime call
      if (this.tk() === Tok.Value) {
        results.push(this.lex.num);
        this.next();
        while (this.optional(Tok.Comma)) results.push(this.value('expected result value'));
      }
      for (const r of results) {
        this.checkNumber(r, lineStart);
        fn.dfg.ensureValue(r);
      }
      if (this.tk() === Tok.Arrow) {
        this.next();
        this.valueAlias(ctx, results);
      } else if (this.tk() === Tok.Equal) {
        this.next();
        this.instruction(ctx, block, results, srcloc, tags, lineStart);
      } else if (results.length > 0) {
        throw this.err('expected -> or =');
      } else {
        this.instruction(ctx, block, results, srcloc, tags, lineStart);
      }
    }
  }

  /** The value of a `@hex` token, read from the source: at most 8 significant digits. */
  private sourceLoc(): number {
    const lex = this.lex;
    const src = lex.src;
    let value = 0;
    let significant = 0;
    for (let i = lex.start + 1; i < lex.end; i++) {
      const c = src.charCodeAt(i);
      const d = c <= 57 ? c - 48 : (c | 32) - 87;
      if (significant > 0 || d !== 0) significant++;
      value = value * 16 + d;
    }
    if (significant > 8) throw this.err(`invalid source location: ${lex.text()}`);
    return value;
  }

  private blockParam(ctx: Context, block: Block): void {
    const at = this.lex.start;
    const v = this.value('block argument must be a value');
    this.expect(Tok.Colon, "expected ':' after block argument");
    const t = this.type('expected block argument type');
    this.checkNumber(v, at);
    ctx.fn.dfg.attachBlockParam(block, v, t);
    this.define(ctx, v, at);
  }

  private debugTags(): DebugTag[] | null {
    if (!this.optional(Tok.LAngle)) return null;
    const tags: DebugTag[] = [];
    while (!this.optional(Tok.RAngle)) {
      if (this.tk() === Tok.Integer) {
        tags.push({ kind: 'user', value: this.uimm32('expected a u32 value') });
      } else if (this.tk() === Tok.StackSlot) {
        tags.push({ kind: 'stack_slot', slot: this.lex.num });
        this.next();
      } else {
        throw this.err('expected integer user value or stack slot in debug tags');
      }
      if (!this.optional(Tok.Comma)) {
        this.expect(Tok.RAngle, 'expected `,` or `>`');
        break;
      }
    }
    return tags;
  }

  private valueAlias(ctx: Context, results: Value[]): void {
    if (results.length !== 1) throw this.err('wrong number of aliases');
    const alias = results[0]!;
    const at = this.lex.start;
    const dest = this.value('expected value alias');
    const dfg = ctx.fn.dfg;
    if (this.isDefined(ctx, alias)) {
      const old = dfg.aliasTarget(alias);
      if (old === undefined) throw this.lex.error(`value v${alias} is already defined`, at);
      if (old !== dest) throw this.lex.error(`value v${alias} is already defined as an alias with destination v${old}`, at);
    } else {
      this.define(ctx, alias, at);
    }
    if (!this.isDefined(ctx, dest)) throw this.lex.error(`value v${dest} is not yet defined`, at);
    dfg.ensureValue(dest);
    dfg.makeAlias(alias, dest);
    ctx.aliases.push(alias);
    ctx.aliasOffsets.push(at);
  }

  private instruction(
    ctx: Context,
    block: Block,
    results: Value[],
    srcloc: number,
    tags: DebugTag[] | null,
    lineStart: number,
  ): void {
    const fn = ctx.fn;
    for (const r of results) this.define(ctx, r, lineStart);
    if (this.tk() !== Tok.Identifier) throw this.err('expected instruction opcode');
    const opcodeAt = this.lex.start;
    const word = this.lex.interned;
    const name = word === null ? this.lex.text() : word.text;
    let facts = word === null ? opcodeFactsByName(name) : word.opcode();
    if (facts === undefined) throw this.err(`unknown opcode: '${name}'`);
    let info = facts.info;
    this.next();

    let explicit: Type | undefined;
    if (this.optional(Tok.Dot)) {
      if (this.tk() === Tok.Type) {
        explicit = this.type("expected type after 'opcode.'");
      } else if (this.tk() === Tok.Identifier && this.lex.text() === 'types') {
        explicit = this.writerDynamicType();
      } else {
        const dt = this.limitedEntity(Tok.DynamicType, 'expected dynamic type');
        const data = fn.dynamicTypes[dt];
        explicit = ctx.declaredDt.has(dt) && data !== undefined ? vectorToDynamic(data.baseVectorType) : undefined;
      }
    }

    // Opcode names current Cranelift reuses with another meaning (see opcodes.ts `legacyForms`).
    if (name === 'brif' && this.tk() === Tok.Identifier && intCCs.has(this.lex.text())) {
      const legacy = legacyOpcodeInfo(name);
      if (legacy !== undefined) facts = opcodeFacts(legacy);
      info = facts.info;
    }

    let spec = facts.spec;
    const data = new InstructionData(info.name);
    this.operands(ctx, info, spec, data, explicit);
    if (data.legacyRef >= 0 && name === 'br_table') {
      const legacy = legacyOpcodeInfo(name);
      if (legacy !== undefined) facts = opcodeFacts(legacy);
      info = facts.info;
      spec = facts.spec;
    }
    const ctrl = this.inferTypevar(ctx, info, spec, data, explicit, opcodeAt);

    const inst = fn.dfg.makeInst(data);
    ctx.instOffsets[inst] = opcodeAt;

    if (this.optional(Tok.Comma)) {
      if (!this.optionalIdent('stack_map')) throw this.err('expected `stack_map = [...]`');
      if (!info.isCall || info.isReturn) throw this.err('stack map can only be attached to a (non-tail) call');
      this.expect(Tok.Equal, 'expected `= [...]`');
      this.expect(Tok.LBracket, 'expected `[...]`');
      const entries: UserStackMapEntry[] = [];
      while (!this.optional(Tok.RBracket)) {
        const type = this.type('expected `<type> @ <slot> + <offset>`');
        this.expect(Tok.At, 'expected `@ <slot> + <offset>`');
        const slot = this.limitedEntity(Tok.StackSlot, 'expected `<slot> + <offset>`');
        if (!(this.tk() === Tok.Integer && this.lex.text().startsWith('+'))) this.expect(Tok.Plus, 'expected `+ <offset>`');
        const offset = this.uimm32('expected a u32 offset');
        entries.push({ type, slot, offset });
        if (!this.optional(Tok.Comma)) {
          this.expect(Tok.RBracket, 'expected `,` or `]`');
          break;
        }
      }
      data.stackMap = entries;
    }

    let types: readonly Type[] | undefined;
    if (resultsFromSignature(info)) {
      const sigRef = data.funcRef >= 0 ? fn.extFuncs[data.funcRef]?.signature : data.sigRef;
      const sig = sigRef === null || sigRef === undefined ? undefined : fn.signatures[sigRef];
      types = sig === undefined ? [] : sig.returns.map((p) => p.type);
    } else {
      types = facts.resultTypes(ctrl);
      if (types === undefined) throw this.lex.error(`${ctrl?.name ?? 'no type'} is not a valid typevar for ${info.name}`, opcodeAt);
    }
    for (let i = 0; i < results.length && i < types.length; i++) fn.dfg.attachResult(inst, results[i]!, types[i]!);
    fn.layout.appendInst(inst, block);
    if (srcloc !== -1) fn.setSrcloc(inst, srcloc);
    if (tags !== null && tags.length > 0) fn.debugTags.set(inst, tags);
    if (results.length !== types.length) {
      throw this.lex.error(`instruction produces ${types.length} result values, ${results.length} given`, lineStart);
    }
  }

  /**
   * `types::I32x4xN`: how Cranelift's writer prints a dynamic vector type suffix. Cranelift's own
   * reader cannot read it back; we do, so that printing our own output again is idempotent.
   */
  private writerDynamicType(): Type {
    this.next();
    if (this.tk() !== Tok.Colon) throw this.err("expected '::' after 'types'");
    this.next();
    if (this.tk() !== Tok.Colon) throw this.err("expected '::' after 'types'");
    this.next();
    const text = this.tk() === Tok.Identifier ? this.lex.text() : '';
    const match = /^([IF])(\d+)x(\d+)xN$/.exec(text);
    const type = match === null ? undefined : parseType(`${match[1]!.toLowerCase()}${match[2]}x${match[3]}xN`);
    if (type === undefined) throw this.err('expected a dynamic vector type like types::I32x4xN');
    this.next();
    return type;
  }

  /** Cranelift's `infer_typevar`: explicit suffix, else the typevar operand's type, else none; then the typeset check. */
  private inferTypevar(
    ctx: Context,
    info: OpcodeInfo,
    spec: FormatSpec,
    data: InstructionData,
    explicit: Type | undefined,
    at: number,
  ): Type | undefined {
    let ctrl: Type | undefined = explicit;
    if (ctrl === undefined) {
      if (info.useTypevarOperand && spec.typevarOperand !== null) {
        const operand = data.args[spec.typevarOperand];
        if (operand === undefined) throw this.lex.error(`${info.name} is missing its controlling operand`, at);
        if (!this.isDefined(ctx, operand)) {
          throw this.lex.error(
            `type variable required for polymorphic opcode, e.g. '${info.name}.${exampleType(info)}'; can't infer from v${operand} which is not yet defined`,
            at,
          );
        }
        const d = ctx.fn.dfg.values[operand];
        if (d === undefined || d.type === null) {
          throw this.lex.error(
            `type variable required for polymorphic opcode, e.g. '${info.name}.${exampleType(info)}'; can't infer from v${operand} which is not yet resolved`,
            at,
          );
        }
        ctrl = d.type;
      } else if (info.polymorphic) {
        throw this.lex.error(`type variable required for polymorphic opcode, e.g. '${info.name}.${exampleType(info)}'`, at);
      }
    }
    if (ctrl !== undefined) {
      if (!info.polymorphic) throw this.lex.error(`${info.name} does not take a typevar`, at);
      if (info.ctrlTypes !== undefined && !typeSetContains(info.ctrlTypes, ctrl)) {
        throw this.lex.error(`${ctrl.name} is not a valid typevar for ${info.name}`, at);
      }
    }
    if (explicit !== undefined && info.useTypevarOperand && spec.typevarOperand !== null) {
      const operand = data.args[spec.typevarOperand];
      const known = operand !== undefined && this.isDefined(ctx, operand) ? ctx.fn.dfg.values[operand]?.type : undefined;
      if (known !== undefined && known !== null && known.name !== explicit.name) {
        // An instruction without results (`store.i8 v1, v0`, `istore8.i64 v1, v0` with v1: i32):
        // Cranelift's reader checks the suffix against the typeset and then ignores it, since
        // the controlling type is the operand's (DataFlowGraph::ctrl_typevar); so do we.
        if (Array.isArray(info.results) && info.results.length === 0) return known;
      }
    }
    return ctrl;
  }

  // ---- operands ----

  private blockCall(message: string): BlockCall {
    const block = this.entity(Tok.Block, message);
    if (this.tk() !== Tok.LPar) return { block, args: [] };
    // Collected in a scratch list and copied at its exact size (see DataFlowGraph.attachResult).
    const args = this.blockArgs;
    while (args.length > 0) args.pop();
    if (this.optional(Tok.LPar)) {
      while (this.tk() !== Tok.RPar) {
        const k = this.tk();
        if (k === Tok.Value) args.push(this.lex.num);
        else if (k === Tok.TryCallRet) args.push({ kind: 'ret', index: this.lex.num });
        else if (k === Tok.TryCallExn) args.push({ kind: 'exn', index: this.lex.num });
        else throw this.err('unexpected token in block call arguments');
        this.next();
        if (!this.optional(Tok.Comma)) break;
      }
      this.expect(Tok.RPar, "expected ')' after arguments");
    }
    return { block, args: args.slice() };
  }

  private valueList(): Value[] {
    if (this.tk() !== Tok.Value) return [];
    const args = this.blockArgs as Value[];
    while (args.length > 0) args.pop();
    args.push(this.lex.num);
    this.next();
    while (this.optional(Tok.Comma)) args.push(this.value('expected value in argument list'));
    return args.slice();
  }

  private comma(): void {
    this.expect(Tok.Comma, "expected ',' between operands");
  }

  /** Checks that entity `n` was declared; `at` is where its reference starts. */
  private checkDeclared(set: Set<number>, n: number, what: string, prefix: string, at: number): void {
    if (!set.has(n)) throw this.lex.error(`undefined ${what} ${prefix}${n}`, at);
  }

  private funcRefOperand(ctx: Context): number {
    const f = this.limitedEntity(Tok.FuncRef, 'expected function reference');
    this.checkDeclared(ctx.declaredFn, f, 'function', 'fn', this.lastEntityAt);
    return f;
  }

  private exceptionTable(): ExceptionTable {
    const sig = this.limitedEntity(Tok.SigRef, 'expected signature of called function');
    this.expect(Tok.Comma, 'expected comma after signature argument');
    const normalReturn = this.blockCall('expected branch destination block');
    this.expect(Tok.Comma, 'expected comma after normal-return destination');
    this.expect(Tok.LBracket, 'expected an open-bracket for exception table list');
    const items: ExceptionItem[] = [];
    for (;;) {
      if (this.tk() === Tok.RBracket) break;
      if (this.tk() === Tok.ExceptionTag) {
        const tag = this.lex.num;
        this.next();
        this.expect(Tok.Colon, "expected ':' after exception tag");
        items.push({ kind: 'tag', tag, dest: this.blockCall('expected branch destination block') });
      } else if (this.optionalIdent('default')) {
        this.expect(Tok.Colon, "expected ':' after 'default'");
        items.push({ kind: 'default', dest: this.blockCall('expected branch destination block') });
      } else if (this.optionalIdent('context')) {
        items.push({ kind: 'context', value: this.value('expected value for exception-handler context') });
      } else {
        throw this.err('invalid token');
      }
      if (!this.optional(Tok.Comma)) break;
    }
    this.expect(Tok.RBracket, 'expected closing bracket');
    return { sig, normalReturn, items };
  }

  private operands(ctx: Context, info: OpcodeInfo, spec: FormatSpec, d: InstructionData, explicit: Type | undefined): void {
    switch (spec.name) {
      case 'Unary':
        d.args = [this.value('expected SSA value operand')];
        return;
      case 'UnaryImm': {
        if (explicit === I8) d.imm = this.sizedImm(8, 'expected immediate 8-bit integer operand');
        else if (explicit === I16) d.imm = this.sizedImm(16, 'expected immediate 16-bit integer operand');
        else if (explicit === I32) d.imm = this.sizedImm(32, 'expected immediate 32-bit integer operand');
        else if (explicit === I64) d.imm = this.imm64('expected immediate 64-bit integer operand');
        else throw this.err('expected one of the following type: i8, i16, i32 or i64');
        return;
      }
      case 'UnaryIeee16':
        d.floatBits = this.float(IEEE16, 'expected immediate 16-bit float operand');
        return;
      case 'UnaryIeee32':
        d.floatBits = this.float(IEEE32, 'expected immediate 32-bit float operand');
        return;
      case 'UnaryIeee64':
        d.floatBits = this.float(IEEE64, 'expected immediate 64-bit float operand');
        return;
      case 'UnaryConst': {
        if (this.tk() === Tok.Constant) {
          const c = this.limitedEntity(Tok.Constant, 'expected constant number: const«n»');
          this.checkDeclared(ctx.declaredConst, c, 'constant', 'const', this.lastEntityAt);
          d.constant = c;
        } else if (info.name === 'f128const') {
          d.constant = this.insertConstant(ctx, bigintToBytes(this.float(IEEE128, 'expected immediate 128-bit float operand'), 16));
        } else if (explicit !== undefined) {
          d.constant = this.insertConstant(ctx, this.uimm128(explicit));
        } else {
          throw this.err('Expected either a const entity or a typed value, e.g. inst.i32x4 [...]');
        }
        return;
      }
      case 'UnaryGlobalValue': {
        const gv = this.limitedEntity(Tok.GlobalValue, 'expected global value');
        this.checkDeclared(ctx.declaredGv, gv, 'global value', 'gv', this.lastEntityAt);
        d.globalValue = gv;
        return;
      }
      case 'Binary': {
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value second operand')];
        return;
      }
      case 'BinaryImm8': {
        d.args = [this.value('expected SSA value first operand')];
        this.comma();
        d.lane = this.uimm8('expected unsigned 8-bit immediate');
        return;
      }
      case 'Ternary': {
        const a = this.value('expected SSA value control operand');
        this.comma();
        const b = this.value('expected SSA value true operand');
        this.comma();
        d.args = [a, b, this.value('expected SSA value false operand')];
        return;
      }
      case 'MultiAry':
        d.args = this.valueList();
        return;
      case 'NullAry':
        return;
      case 'Jump':
        d.destinations = [this.blockCall('expected jump destination block')];
        return;
      case 'Brif': {
        d.args = [this.value('expected SSA value control operand')];
        this.comma();
        const then = this.blockCall('expected branch then block');
        this.comma();
        d.destinations = [then, this.blockCall('expected branch else block')];
        return;
      }
      case 'BranchTable': {
        d.args = [this.value('expected SSA value operand')];
        this.comma();
        const def = this.blockCall('expected branch destination block');
        this.comma();
        if (this.tk() === Tok.JumpTableRef) {
          // Legacy `br_table v, block, jtN`: the table is a preamble entity.
          const jt = this.limitedEntity(Tok.JumpTableRef, 'expected jump table');
          const entries = ctx.fn.jumpTables[jt];
          if (!ctx.declaredJt.has(jt) || entries === undefined) throw this.lex.error(`undefined jump table jt${jt}`, this.lastEntityAt);
          d.legacyRef = jt;
          d.table = { default: def, entries: entries.map((block) => ({ block, args: [] })) };
          return;
        }
        this.expect(Tok.LBracket, "expected '[' before jump table contents");
        const entries: BlockCall[] = [];
        if (this.tk() === Tok.Block) {
          entries.push(this.blockCall('expected jump_table entry'));
          for (;;) {
            if (this.tk() === Tok.Comma) {
              this.next();
              if (this.tk() !== Tok.Block) throw this.err('expected jump_table entry');
              entries.push(this.blockCall('expected jump_table entry'));
            } else if (this.tk() === Tok.RBracket) {
              break;
            } else {
              throw this.err("expected ']' after jump table contents");
            }
          }
        } else if (this.tk() !== Tok.RBracket) {
          throw this.err('expected jump_table entry');
        }
        this.next();
        d.table = { default: def, entries };
        return;
      }
      case 'TernaryImm8': {
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value last operand')];
        this.comma();
        d.lane = this.uimm8('expected 8-bit immediate');
        return;
      }
      case 'Shuffle': {
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value second operand')];
        this.comma();
        d.mask = this.uimm128(I8X16);
        return;
      }
      case 'IntCompare': {
        d.cond = this.enumWord(intCCs, 'expected intcc condition code');
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value second operand')];
        return;
      }
      case 'FloatCompare': {
        d.cond = this.enumWord(floatCCs, 'expected floatcc condition code');
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value second operand')];
        return;
      }
      case 'Call': {
        d.funcRef = this.funcRefOperand(ctx);
        this.expect(Tok.LPar, "expected '(' before arguments");
        d.args = this.valueList();
        this.expect(Tok.RPar, "expected ')' after arguments");
        return;
      }
      case 'CallIndirect': {
        const sig = this.limitedEntity(Tok.SigRef, 'expected signature reference');
        this.checkDeclared(ctx.declaredSig, sig, 'signature', 'sig', this.lastEntityAt);
        d.sigRef = sig;
        this.comma();
        const callee = this.value('expected SSA value callee operand');
        this.expect(Tok.LPar, "expected '(' before arguments");
        d.args = [callee, ...this.valueList()];
        this.expect(Tok.RPar, "expected ')' after arguments");
        return;
      }
      case 'TryCall': {
        d.funcRef = this.funcRefOperand(ctx);
        this.expect(Tok.LPar, "expected '(' before arguments");
        d.args = this.valueList();
        this.expect(Tok.RPar, "expected ')' after arguments");
        this.expect(Tok.Comma, "expected ',' after argument list");
        d.exceptionTable = this.exceptionTable();
        return;
      }
      case 'TryCallIndirect': {
        const callee = this.value('expected SSA value callee operand');
        this.expect(Tok.LPar, "expected '(' before arguments");
        d.args = [callee, ...this.valueList()];
        this.expect(Tok.RPar, "expected ')' after arguments");
        this.expect(Tok.Comma, "expected ',' after argument list");
        d.exceptionTable = this.exceptionTable();
        return;
      }
      case 'FuncAddr':
        d.funcRef = this.funcRefOperand(ctx);
        return;
      case 'StackAddr':
      case 'StackLoad': {
        const ss = this.limitedEntity(Tok.StackSlot, 'expected stack slot number: ss«n»');
        this.checkDeclared(ctx.declaredSs, ss, 'stack slot', 'ss', this.lastEntityAt);
        d.stackSlot = ss;
        d.offset = this.optionalOffset32();
        return;
      }
      case 'DynamicStackAddr':
      case 'DynamicStackLoad': {
        const dss = this.limitedEntity(Tok.DynamicStackSlot, 'expected dynamic stack slot number: dss«n»');
        this.checkDeclared(ctx.declaredDss, dss, 'dynamic stack slot', 'dss', this.lastEntityAt);
        d.dynamicStackSlot = dss;
        return;
      }
      case 'Load':
        d.flags = this.memFlags();
        d.args = [this.value('expected SSA value address')];
        d.offset = this.optionalOffset32();
        return;
      case 'Store': {
        d.flags = this.memFlags();
        const v = this.value('expected SSA value operand');
        this.comma();
        d.args = [v, this.value('expected SSA value address')];
        d.offset = this.optionalOffset32();
        return;
      }
      case 'Trap':
        d.trapCode = this.trapCode('expected trap code');
        return;
      case 'CondTrap':
        d.args = [this.value('expected SSA value operand')];
        this.comma();
        d.trapCode = this.trapCode('expected trap code');
        return;
      case 'AtomicCas': {
        d.flags = this.memFlags();
        const a = this.value('expected SSA value address');
        this.comma();
        const b = this.value('expected SSA value address');
        this.comma();
        d.args = [a, b, this.value('expected SSA value address')];
        return;
      }
      case 'AtomicRmw': {
        d.flags = this.memFlags();
        d.atomicOp = this.enumWord(atomicRmwOps, 'expected AtomicRmwOp');
        const a = this.value('expected SSA value address');
        this.comma();
        d.args = [a, this.value('expected SSA value address')];
        return;
      }
      case 'LoadNoOffset':
        d.flags = this.memFlags();
        d.args = [this.value('expected SSA value address')];
        return;
      case 'StoreNoOffset': {
        d.flags = this.memFlags();
        const v = this.value('expected SSA value operand');
        this.comma();
        d.args = [v, this.value('expected SSA value address')];
        return;
      }
      case 'IntAddTrap': {
        const a = this.value('expected SSA value operand');
        this.comma();
        d.args = [a, this.value('expected SSA value operand')];
        this.comma();
        d.trapCode = this.trapCode('expected trap code');
        return;
      }
      case 'ExceptionHandlerAddress':
        d.block = this.entity(Tok.Block, 'expected block');
        this.comma();
        d.imm = this.imm64('expected immediate handler index');
        return;
      // ---- legacy dialect ----
      case 'BinaryImm64':
        d.args = [this.value('expected SSA value first operand')];
        this.comma();
        d.imm = this.imm64('expected immediate integer second operand');
        return;
      case 'IntCompareImm':
        d.cond = this.enumWord(intCCs, 'expected intcc condition code');
        d.args = [this.value('expected SSA value first operand')];
        this.comma();
        d.imm = this.imm64('expected immediate second operand');
        return;
      case 'StackStore':
      case 'DynamicStackStore': {
        d.args = [this.value('expected SSA value operand')];
        this.comma();
        if (spec.name === 'StackStore') {
          const ss = this.limitedEntity(Tok.StackSlot, 'expected stack slot number: ss«n»');
          this.checkDeclared(ctx.declaredSs, ss, 'stack slot', 'ss', this.lastEntityAt);
          d.stackSlot = ss;
          d.offset = this.optionalOffset32();
        } else {
          const dss = this.limitedEntity(Tok.DynamicStackSlot, 'expected dynamic stack slot number: dss«n»');
          this.checkDeclared(ctx.declaredDss, dss, 'dynamic stack slot', 'dss', this.lastEntityAt);
          d.dynamicStackSlot = dss;
        }
        return;
      }
      case 'Branch':
        d.args = [this.value('expected SSA value control operand')];
        this.comma();
        d.destinations = [this.blockCall('expected branch destination block')];
        return;
      case 'BranchInt':
      case 'BranchFloat':
        d.cond = this.enumWord(spec.name === 'BranchInt' ? intCCs : floatCCs, 'expected condition code');
        d.args = [this.value('expected SSA value control operand')];
        this.comma();
        d.destinations = [this.blockCall('expected branch destination block')];
        return;
      case 'BranchIcmp': {
        d.cond = this.enumWord(intCCs, 'expected intcc condition code');
        const a = this.value('expected SSA value first operand');
        this.comma();
        d.args = [a, this.value('expected SSA value second operand')];
        this.comma();
        d.destinations = [this.blockCall('expected branch destination block')];
        return;
      }
      case 'IntCond':
      case 'FloatCond':
        d.cond = this.enumWord(spec.name === 'IntCond' ? intCCs : floatCCs, 'expected condition code');
        d.args = [this.value('expected SSA value operand')];
        return;
      case 'IntSelect': {
        d.cond = this.enumWord(intCCs, 'expected intcc condition code');
        const a = this.value('expected SSA value flags operand');
        this.comma();
        const b = this.value('expected SSA value true operand');
        this.comma();
        d.args = [a, b, this.value('expected SSA value false operand')];
        return;
      }
      case 'IntCondTrap':
      case 'FloatCondTrap':
        d.cond = this.enumWord(spec.name === 'IntCondTrap' ? intCCs : floatCCs, 'expected condition code');
        d.args = [this.value('expected SSA value operand')];
        this.comma();
        d.trapCode = this.trapCode('expected trap code');
        return;
      case 'HeapAddr': {
        const heap = this.limitedEntity(Tok.Heap, 'expected heap identifier');
        if (!ctx.declaredHeap.has(heap)) throw this.lex.error(`undefined heap heap${heap}`, this.lastEntityAt);
        d.legacyRef = heap;
        this.comma();
        d.args = [this.value('expected SSA value heap address')];
        this.comma();
        d.imm = BigInt(this.uimm32('expected 32-bit integer offset'));
        if (this.optional(Tok.Comma)) d.accessSize = this.uimm32('expected 32-bit integer access size');
        return;
      }
      case 'TableAddr': {
        const table = this.limitedEntity(Tok.Table, 'expected table identifier');
        if (!ctx.declaredTable.has(table)) throw this.lex.error(`undefined table table${table}`, this.lastEntityAt);
        d.legacyRef = table;
        this.comma();
        d.args = [this.value('expected SSA value table index')];
        if (this.optional(Tok.Comma)) d.offset = this.optionalOffset32();
        return;
      }
      case 'UnaryBool':
        if (this.optionalIdent('true')) d.imm = 1n;
        else if (this.optionalIdent('false')) d.imm = 0n;
        else throw this.err('expected immediate boolean operand');
        return;
      default:
        throw this.err(`the ${spec.name} format (${info.name}) is not supported: it needs heap, table or jump-table entities`);
    }
  }

  private insertConstant(ctx: Context, bytes: number[]): number {
    const fn = ctx.fn;
    const next = fn.constants.size;
    let handle: number;
    try {
      handle = fn.insertConstant(bytes);
    } catch {
      throw this.err(`const${next} is already defined; cannot add an inline constant`);
    }
    ctx.declaredConst.add(handle);
    return handle;
  }

  // ---- end of function ----

  private finishBody(ctx: Context): void {
    const fn = ctx.fn;
    const dfg = fn.dfg;
    // Instructions are numbered in text order while parsing, so this is layout order.
    for (let inst = 0; inst < dfg.insts.length; inst++) {
      const data = dfg.insts[inst]!;
      const args = data.args;
      for (let i = 0; i < args.length; i++) {
        if (!this.isDefined(ctx, args[i]!)) throw this.lex.error(`undefined operand value v${args[i]!}`, ctx.instOffsets[inst] ?? 0);
      }
      if (data.destinations === null && data.table === null && data.exceptionTable === null) continue;
      for (const v of dfg.instValues(inst)) {
        if (!this.isDefined(ctx, v)) throw this.lex.error(`undefined operand value v${v}`, ctx.instOffsets[inst] ?? 0);
      }
    }
    // An alias's target is always defined (and typed) earlier in the text, so one step suffices
    // and no cycle can form; the check below only guards against an untyped target.
    for (let i = 0; i < ctx.aliases.length; i++) {
      const alias = dfg.values[ctx.aliases[i]!]!;
      const target = dfg.values[alias.owner];
      if (target === undefined || target.type === null) throw this.lex.error(`alias cycle involving v${ctx.aliases[i]!}`, ctx.aliasOffsets[i]!);
      alias.type = target.type;
    }
    for (const name of ctx.userNames) fn.userNamedFuncs.push(name);
    for (const check of ctx.userRefChecks) {
      if (check.ref >= fn.userNamedFuncs.length) throw this.lex.error(`undefined user external name userextname${check.ref}`, check.offset);
    }
  }
}

