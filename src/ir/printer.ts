// Canonical CLIF printer: reproduces Cranelift 0.135.8's `write_function` byte for byte (preamble
// order, srcloc columns, type suffixes, constant comments, number formats). Legacy opcodes print
// in the syntax of the releases that had them. An optional annotation hook adds `;` notes.
import type { Block, Inst, Value } from './entities.js';
import type { ClifFile, Function } from './function.js';
import { formatFunctionName } from './function.js';
import {
  bytesToBigint,
  formatConstantData,
  formatFloat,
  formatImm64,
  formatOffset32,
  formatUimm,
  IEEE128,
  IEEE16,
  IEEE32,
  IEEE64,
  signExtendFromWidth,
} from './immediates.js';
import { formatBlockCall, type BlockCall, type InstructionData } from './instruction.js';
import { formatMemFlags, type MemFlags } from './memflags.js';
import { legacyOpcodeInfo, opcodeFacts, opcodeFactsByName, type OpcodeFacts, type OpcodeInfo } from './opcode-table.js';
import { formatGlobalValue, formatHeap, formatJumpTableDecl, formatStackSlot, formatTable } from './preamble.js';
import { formatSignature } from './signature.js';
import { ValueKind } from './dfg.js';
import { TextSink } from './text-sink.js';

export interface PrintOptions {
  /**
   * Notes for humans: called per block; a returned string is printed as `; ...` comment lines
   * right after the block header (one per line of the string). Canonical output when absent.
   */
  annotate?: (block: Block) => string | undefined;
  /** Notes per instruction, printed as a trailing `; ...` comment on the instruction's line. */
  annotateInst?: (inst: Inst) => string | undefined;
}

/** Prints one function exactly as Cranelift's writer does (ends with `}\n`). */
export function print(fn: Function, options: PrintOptions = {}): string {
  return new Printer(fn, options).run();
}

/** Prints a whole file: header lines, a blank line, then every function separated by blank lines. */
export function printFile(file: ClifFile, options: PrintOptions = {}): string {
  const parts: string[] = [];
  if (file.headers.length > 0) parts.push(`${file.headers.join('\n')}\n`);
  for (const fn of file.functions) parts.push(print(fn, options));
  return parts.join('\n');
}

/** The text of one function, written into a byte sink (see ./text-sink.ts). */
class Printer {
  private readonly out = new TextSink();
  private readonly aliases: Map<Value, Value[]> | null;
  private readonly indent: number;
  private readonly srclocBase: number | null;
  private readonly hasSrclocs: boolean;
  private readonly hasTags: boolean;
  /**
   * Per instruction, the ordinal (from 1) of the block in which it has been printed: the reader
   * infers a type only from instructions printed above in the same block.
   */
  private readonly printedIn: Uint32Array;
  private blockOrdinal = 0;
  private currentBlock: Block = -1;
  /** Whether the current line already has its `  ; ` constant comment. */
  private commented = false;

  constructor(
    private readonly fn: Function,
    private readonly options: PrintOptions,
  ) {
    this.aliases = aliasMap(fn);
    this.indent = fn.srclocs.size === 0 && fn.debugTags.size === 0 ? 4 : 36;
    this.srclocBase = fn.srclocBase;
    this.hasSrclocs = fn.srclocs.size > 0 && fn.srclocBase !== null;
    this.hasTags = fn.debugTags.size > 0;
    this.printedIn = new Uint32Array(fn.dfg.numInsts());
  }

  run(): string {
    const fn = this.fn;
    const out = this.out;
    out.str('function ');
    out.str(formatFunctionName(fn.name));
    out.str(formatSignature(fn.signature));
    out.str(' {\n');
    let any = this.preamble();
    const layout = fn.layout;
    for (let block = layout.entryBlock(); block !== undefined; block = layout.nextBlock(block)) {
      if (any) out.byte(NL);
      this.block(block);
      any = true;
    }
    out.str('}\n');
    return out.finish();
  }

  private preamble(): boolean {
    const fn = this.fn;
    let any = false;
    const line = (entity: string, value: string) => {
      this.out.str(`    ${entity} = ${value}\n`);
      any = true;
    };
    fn.dynamicStackSlots.forEach((d, i) => line(`dss${i}`, `explicit_dynamic_slot dt${d.dynamicType}`));
    fn.stackSlots.forEach((s, i) => line(`ss${i}`, formatStackSlot(s)));
    fn.aliasRegions.forEach((r, i) => line(`region${i}`, `${r.userId} "${r.description}"`));
    fn.globalValues.forEach((g, i) => line(`gv${i}`, formatGlobalValue(g)));
    fn.heaps.forEach((h, i) => line(`heap${i}`, formatHeap(h)));
    fn.tables.forEach((t, i) => line(`table${i}`, formatTable(t)));
    fn.signatures.forEach((s, i) => line(`sig${i}`, formatSignature(s)));
    fn.extFuncs.forEach((f, i) => {
      if (f.signature === null) return;
      let name: string;
      if (f.name.kind === 'testcase') name = `%${f.name.name}`;
      else {
        const user = fn.userNamedFuncs[f.name.ref];
        name = user === undefined ? `userextname${f.name.ref}` : `u${user.namespace}:${user.index}`;
      }
      line(`fn${i}`, `${f.colocated ? 'colocated ' : ''}${f.patchable ? 'patchable ' : ''}${name} sig${f.signature}`);
    });
    fn.jumpTables.forEach((entries, i) => line(`jt${i}`, formatJumpTableDecl(entries)));
    const handles = [...fn.constants.keys()].sort((a, b) => a - b);
    for (const h of handles) line(`const${h}`, formatConstantData(fn.constants.get(h)!));
    if (fn.stackLimit !== null) line('stack_limit', `gv${fn.stackLimit}`);
    return any;
  }

  private block(block: Block): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    const out = this.out;
    out.spaces(this.indent - 4);
    out.entity('block', block);
    const params = dfg.blockParams(block);
    if (params.length > 0) {
      out.byte(LPAR);
      for (let i = 0; i < params.length; i++) {
        const v = params[i]!;
        if (i > 0) out.str(', ');
        out.entity('v', v);
        out.str(': ');
        out.str(dfg.valueType(v).writerName);
      }
      out.byte(RPAR);
    }
    if (fn.layout.isCold(block)) out.str(' cold');
    out.str(':\n');
    const note = this.options.annotate?.(block);
    if (note !== undefined) {
      for (const l of note.split('\n')) {
        out.spaces(this.indent);
        out.str('; ');
        out.str(l);
        out.byte(NL);
      }
    }
    if (this.aliases !== null) for (const p of params) this.writeAliases(p, this.indent);
    const ordinal = ++this.blockOrdinal;
    this.currentBlock = block;
    const layout = fn.layout;
    for (let inst = layout.firstInst(block); inst !== undefined; inst = layout.nextInst(inst)) {
      this.instruction(inst, ordinal);
      this.printedIn[inst] = ordinal;
    }
  }

  private writeAliases(target: Value, indent: number): void {
    const stack = [target];
    while (stack.length > 0) {
      const t = stack.pop()!;
      const list = this.aliases!.get(t);
      if (list === undefined) continue;
      for (const a of list) {
        this.out.spaces(indent);
        this.out.entity('v', a);
        this.out.str(' -> ');
        this.out.entity('v', t);
        this.out.byte(NL);
        stack.push(a);
      }
    }
  }

  private instruction(inst: Inst, ordinal: number): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    const out = this.out;
    const data = dfg.insts[inst]!;
    let indent = this.indent;
    if (this.hasTags) {
      const tags = fn.debugTags.get(inst);
      if (tags !== undefined && tags.length > 0) {
        const s = `<${tags.map((t) => (t.kind === 'user' ? String(t.value) : `ss${t.slot}`)).join(', ')}> `;
        out.str(s);
        indent = Math.max(0, indent - s.length);
      }
    }
    let column = 0;
    if (this.hasSrclocs) {
      const loc = fn.srclocs.get(inst);
      if (loc !== undefined && ((loc - this.srclocBase!) >>> 0) !== 0xffff_ffff) {
        const before = out.length;
        out.byte(AT);
        out.hex(loc, 4);
        out.byte(SPACE);
        column = out.length - before;
      }
    }
    if (column < indent) out.spaces(indent - column);
    const results = dfg.instResults(inst);
    if (results.length > 0) {
      for (let i = 0; i < results.length; i++) {
        if (i > 0) out.str(', ');
        out.entity('v', results[i]!);
      }
      out.str(' = ');
    }
    const facts = factsFor(data);
    out.str(data.opcode);
    if (facts !== undefined && facts.info.polymorphic) {
      const suffix = this.typeSuffix(inst, ordinal, data, facts);
      if (suffix !== null) {
        out.byte(DOT);
        out.str(suffix);
      }
    }
    this.operands(inst, data, facts);
    this.constantComments(inst, data);
    const note = this.options.annotateInst?.(inst);
    if (note !== undefined) {
      out.str('  ; ');
      out.str(note.replaceAll('\n', ' '));
    }
    out.byte(NL);
    if (this.aliases !== null) for (const r of results) this.writeAliases(r, indent);
  }

  /** Cranelift's `type_suffix`: omitted when the typevar operand is defined in this block. */
  private typeSuffix(inst: Inst, ordinal: number, data: InstructionData, facts: OpcodeFacts): string | null {
    const dfg = this.fn.dfg;
    const spec = facts.spec;
    if (facts.info.useTypevarOperand && spec.typevarOperand !== null) {
      const operand = data.args[spec.typevarOperand];
      if (operand !== undefined) {
        const def = dfg.definingData(operand);
        // Cranelift's test is "defined in this block"; in valid CLIF that means "above". For
        // invalid input (a use of its own result, or of a later one) the reader could not infer
        // the type, so the suffix stays.
        if (def !== undefined) {
          if (def.kind === ValueKind.Result && this.printedIn[def.owner] === ordinal) return null;
          if (def.kind === ValueKind.Param && def.owner === this.currentBlock) return null;
        }
      }
    }
    return this.ctrlType(inst, data, facts);
  }

  /** Cranelift's `ctrl_typevar`: the typevar operand's type, or the first result's. */
  private ctrlType(inst: Inst, data: InstructionData, facts: OpcodeFacts): string | null {
    const dfg = this.fn.dfg;
    if (facts.requiresTypevar) {
      const spec = facts.spec;
      const operand = spec.typevarOperand === null ? undefined : data.args[spec.typevarOperand];
      const t = operand === undefined ? undefined : dfg.values[operand]?.type;
      return t === undefined || t === null ? null : t.writerName;
    }
    const first = dfg.instResults(inst)[0];
    const t = first === undefined ? undefined : dfg.values[first]?.type;
    return t === undefined || t === null ? null : t.writerName;
  }

  private ctrlBits(inst: Inst): number {
    const dfg = this.fn.dfg;
    const first = dfg.instResults(inst)[0];
    const t = first === undefined ? null : (dfg.values[first]?.type ?? null);
    return t === null ? 0 : t.bits;
  }

  private v(value: Value): void {
    this.out.byte(118 /* v */);
    this.out.uint(value);
  }

  /** ` vA, vB` */
  private twoValues(a: readonly Value[]): void {
    this.out.byte(SPACE);
    this.v(a[0]!);
    this.out.str(', ');
    this.v(a[1]!);
  }

  private values(values: readonly Value[], from: number): void {
    for (let i = from; i < values.length; i++) {
      if (i > from) this.out.str(', ');
      this.v(values[i]!);
    }
  }

  private offset32(x: number): void {
    if (x === 0) return;
    if (x > -10000 && x < 10000) {
      this.out.byte(x < 0 ? MINUS : PLUS);
      this.out.uint(Math.abs(x));
    } else {
      this.out.str(formatOffset32(x));
    }
  }

  private imm64(x: bigint): void {
    if (x < 10000n && x >= 0n) this.out.uint(Number(x));
    else this.out.str(formatImm64(x));
  }

  private call(c: BlockCall | undefined): void {
    if (c === undefined) return;
    const out = this.out;
    out.entity('block', c.block);
    if (c.args.length === 0) return;
    out.byte(LPAR);
    for (let i = 0; i < c.args.length; i++) {
      if (i > 0) out.str(', ');
      const a = c.args[i]!;
      if (typeof a === 'number') this.v(a);
      else out.entity(a.kind, a.index);
    }
    out.byte(RPAR);
  }

  private operands(inst: Inst, d: InstructionData, facts: OpcodeFacts | undefined): void {
    const a = d.args;
    const out = this.out;
    const format = facts === undefined ? '' : facts.spec.name;
    switch (format) {
      // The most frequent formats first.
      case 'Load':
        out.str(flags(d.flags));
        out.byte(SPACE);
        this.v(a[0]!);
        this.offset32(d.offset);
        return;
      case 'Store':
        out.str(flags(d.flags));
        this.twoValues(a);
        this.offset32(d.offset);
        return;
      case 'Binary':
        this.twoValues(a);
        return;
      case 'UnaryImm': {
        const bits = this.ctrlBits(inst);
        out.byte(SPACE);
        this.imm64(bits !== 0 ? signExtendFromWidth(d.imm, bits) : d.imm);
        return;
      }
      case 'Unary':
        out.byte(SPACE);
        this.v(a[0]!);
        return;
      case 'IntCompare':
      case 'FloatCompare':
        out.byte(SPACE);
        out.str(d.cond);
        this.twoValues(a);
        return;
      case 'Jump':
        out.byte(SPACE);
        this.call(d.destinations?.[0]);
        return;
      case 'Brif':
        out.byte(SPACE);
        this.v(a[0]!);
        out.str(', ');
        this.call(d.destinations?.[0]);
        out.str(', ');
        this.call(d.destinations?.[1]);
        return;
      case 'Call':
        out.str(' fn');
        out.uint(d.funcRef);
        out.byte(LPAR);
        this.values(a, 0);
        out.byte(RPAR);
        out.str(stackMap(d));
        return;
      case 'CallIndirect':
        out.str(' sig');
        out.uint(d.sigRef);
        out.str(', ');
        this.v(a[0]!);
        out.byte(LPAR);
        this.values(a, 1);
        out.byte(RPAR);
        out.str(stackMap(d));
        return;
      case 'MultiAry':
        if (a.length > 0) {
          out.byte(SPACE);
          this.values(a, 0);
        }
        return;
      case 'Ternary':
        this.twoValues(a);
        out.str(', ');
        this.v(a[2]!);
        return;
      // Cranelift's writer leaves out the memflags of these two.
      case 'AtomicRmw':
        out.str(` ${d.atomicOp} v${a[0]!}, v${a[1]!}`);
        return;
      case 'AtomicCas':
        out.str(` v${a[0]!}, v${a[1]!}, v${a[2]!}`);
        return;
      case 'LoadNoOffset':
        out.str(`${flags(d.flags)} v${a[0]!}`);
        return;
      case 'StoreNoOffset':
        out.str(`${flags(d.flags)} v${a[0]!}, v${a[1]!}`);
        return;
      case 'UnaryIeee16':
        out.str(` ${formatFloat(d.floatBits, IEEE16)}`);
        return;
      case 'UnaryIeee32':
        out.str(` ${formatFloat(d.floatBits, IEEE32)}`);
        return;
      case 'UnaryIeee64':
        out.str(` ${formatFloat(d.floatBits, IEEE64)}`);
        return;
      case 'UnaryGlobalValue':
        out.str(` gv${d.globalValue}`);
        return;
      case 'UnaryConst':
        out.str(` const${d.constant}`);
        return;
      case 'BinaryImm8':
        out.str(` v${a[0]!}, ${d.lane}`);
        return;
      case 'NullAry':
        out.byte(SPACE);
        return;
      case 'TernaryImm8':
        out.str(` v${a[0]!}, v${a[1]!}, ${d.lane}`);
        return;
      case 'Shuffle':
        out.str(` v${a[0]!}, v${a[1]!}, ${formatConstantData(d.mask ?? [])}`);
        return;
      case 'IntAddTrap':
        out.str(` v${a[0]!}, v${a[1]!}, ${d.trapCode}`);
        return;
      case 'BranchTable': {
        const t = d.table;
        if (t === null) out.str(` v${a[0]!}`);
        else out.str(` v${a[0]!}, ${formatBlockCall(t.default)}, [${t.entries.map(formatBlockCall).join(', ')}]`);
        return;
      }
      case 'TryCall':
        out.str(` fn${d.funcRef}(${valueList(a)}), ${exceptionTable(d)}${stackMap(d)}`);
        return;
      case 'TryCallIndirect':
        out.str(` v${a[0]!}(${valueList(a.slice(1))}), ${exceptionTable(d)}${stackMap(d)}`);
        return;
      case 'FuncAddr':
        out.str(` fn${d.funcRef}`);
        return;
      case 'StackAddr':
      case 'StackLoad':
        out.str(` ss${d.stackSlot}${formatOffset32(d.offset)}`);
        return;
      case 'DynamicStackAddr':
      case 'DynamicStackLoad':
        out.str(` dss${d.dynamicStackSlot}`);
        return;
      case 'Trap':
        out.str(` ${d.trapCode}`);
        return;
      case 'CondTrap':
        out.str(` v${a[0]!}, ${d.trapCode}`);
        return;
      case 'ExceptionHandlerAddress':
        out.str(` block${d.block}, ${formatImm64(d.imm)}`);
        return;
      // Legacy dialect.
      case 'BinaryImm64':
        out.str(` v${a[0]!}, ${formatImm64(d.imm)}`);
        return;
      case 'IntCompareImm':
        out.str(` ${d.cond} v${a[0]!}, ${formatImm64(d.imm)}`);
        return;
      case 'StackStore':
        out.str(` v${a[0]!}, ss${d.stackSlot}${formatOffset32(d.offset)}`);
        return;
      case 'DynamicStackStore':
        out.str(` v${a[0]!}, dss${d.dynamicStackSlot}`);
        return;
      case 'Branch':
        out.str(` v${a[0]!}, ${call(d.destinations?.[0])}`);
        return;
      case 'BranchInt':
      case 'BranchFloat':
        out.str(` ${d.cond} v${a[0]!}, ${call(d.destinations?.[0])}`);
        return;
      case 'BranchIcmp':
        out.str(` ${d.cond} v${a[0]!}, v${a[1]!}, ${call(d.destinations?.[0])}`);
        return;
      case 'IntCond':
      case 'FloatCond':
        out.str(` ${d.cond} v${a[0]!}`);
        return;
      case 'IntSelect':
        out.str(` ${d.cond} v${a[0]!}, v${a[1]!}, v${a[2]!}`);
        return;
      case 'IntCondTrap':
      case 'FloatCondTrap':
        out.str(` ${d.cond} v${a[0]!}, ${d.trapCode}`);
        return;
      case 'UnaryBool':
        out.str(d.imm !== 0n ? ' true' : ' false');
        return;
      case 'LegacyBranchTable':
        out.str(` v${a[0]!}, block${d.table?.default.block ?? 0}, jt${d.legacyRef}`);
        return;
      case 'HeapAddr':
        out.str(` heap${d.legacyRef}, v${a[0]!}, ${formatUimm(d.imm)}${d.accessSize >= 0 ? `, ${formatUimm(d.accessSize)}` : ''}`);
        return;
      case 'TableAddr':
        out.str(` table${d.legacyRef}, v${a[0]!}${d.offset !== 0 ? `, ${formatOffset32(d.offset)}` : ''}`);
        return;
      default:
        if (a.length > 0) {
          out.byte(SPACE);
          this.values(a, 0);
        }
    }
  }

  /** `  ; v7 = 1, v9 = 0` for operands defined by constant instructions. */
  private constantComments(inst: Inst, data: InstructionData): void {
    this.commented = false;
    const args = data.args;
    for (let i = 0; i < args.length; i++) this.commentFor(args[i]!);
    if (data.destinations !== null) {
      // Cranelift's order (DataFlowGraph::inst_values): arguments, then each destination's.
      for (const dest of data.destinations) for (const a of dest.args) if (typeof a === 'number') this.commentFor(a);
    } else if (data.table !== null || data.exceptionTable !== null) {
      const values = this.fn.dfg.instValues(inst);
      for (let i = args.length; i < values.length; i++) this.commentFor(values[i]!);
    }
  }

  private commentFor(arg: Value): void {
    const dfg = this.fn.dfg;
    const def = dfg.definingData(arg);
    if (def === undefined || def.kind !== ValueKind.Result) return;
    const src = dfg.insts[def.owner];
    if (src === undefined) return;
    const facts = factsFor(src);
    // Only constants get a comment: skip everything else before any work.
    if (facts === undefined || !facts.isConstant) return;
    const text = this.constantText(def.owner, src, facts.info);
    if (text === null) return;
    const out = this.out;
    out.str(this.commented ? ', ' : '  ; ');
    this.commented = true;
    this.v(arg);
    out.str(' = ');
    out.str(text);
  }

  private constantText(src: Inst, d: InstructionData, info: OpcodeInfo): string | null {
    switch (info.format) {
      case 'UnaryImm': {
        const bits = this.ctrlBits(src);
        return formatImm64(bits !== 0 ? signExtendFromWidth(d.imm, bits) : d.imm);
      }
      case 'UnaryIeee16':
        return formatFloat(d.floatBits, IEEE16);
      case 'UnaryIeee32':
        return formatFloat(d.floatBits, IEEE32);
      case 'UnaryIeee64':
        return formatFloat(d.floatBits, IEEE64);
      case 'UnaryConst': {
        if (d.opcode === 'f128const') {
          const bytes = this.fn.constants.get(d.constant);
          return bytes === undefined ? `const${d.constant}` : formatFloat(bytesToBigint(bytes), IEEE128);
        }
        return `const${d.constant}`;
      }
      default:
        return null;
    }
  }
}

const NL = 10;
const SPACE = 32;
const LPAR = 40;
const RPAR = 41;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const AT = 64;

/** The opcode's facts, in the legacy meaning where the data says so (see opcodes.ts `legacyForms`). */
function factsFor(d: InstructionData): OpcodeFacts | undefined {
  if (d.cond !== '' && d.opcode === 'brif') return legacyFacts('brif');
  if (d.legacyRef >= 0 && d.opcode === 'br_table') return legacyFacts('br_table');
  return opcodeFactsByName(d.opcode);
}

function legacyFacts(name: string): OpcodeFacts | undefined {
  const info = legacyOpcodeInfo(name);
  return info === undefined ? undefined : opcodeFacts(info);
}

function flags(f: MemFlags | null): string {
  return f === null ? '' : formatMemFlags(f);
}

function call(c: BlockCall | undefined): string {
  return c === undefined ? '' : formatBlockCall(c);
}

function valueList(values: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += `${i === 0 ? 'v' : ', v'}${values[i]!}`;
  return out;
}

function stackMap(d: InstructionData): string {
  if (d.stackMap === null) return '';
  return `, stack_map=[${d.stackMap.map((e) => `${e.type.writerName} @ ss${e.slot}+${e.offset}`).join(', ')}]`;
}

function exceptionTable(d: InstructionData): string {
  const t = d.exceptionTable;
  if (t === null) return '';
  let out = `sig${t.sig}, ${formatBlockCall(t.normalReturn)}, [`;
  let first = true;
  for (const item of t.items) {
    out += first ? ' ' : ', ';
    first = false;
    if (item.kind === 'tag') out += `tag${item.tag}: ${formatBlockCall(item.dest)}`;
    else if (item.kind === 'default') out += `default: ${formatBlockCall(item.dest)}`;
    else out += `context v${item.value}`;
  }
  return `${out}${first ? '' : ' '}]`;
}

/** Aliases by their immediate target, in value-number order; null when the function has none. */
function aliasMap(fn: Function): Map<Value, Value[]> | null {
  let map: Map<Value, Value[]> | null = null;
  const values = fn.dfg.values;
  for (let v = 0; v < values.length; v++) {
    const d = values[v]!;
    if (d.kind !== ValueKind.Alias) continue;
    map ??= new Map();
    const list = map.get(d.owner);
    if (list === undefined) map.set(d.owner, [v]);
    else list.push(v);
  }
  return map;
}
