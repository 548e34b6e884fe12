// Function signatures: parameters and returns with their attributes, and a calling convention.
import type { Type } from './entities.js';

export const CALL_CONVS = [
  'fast',
  'tail',
  'system_v',
  'windows_fastcall',
  'apple_aarch64',
  'probestack',
  'winch',
  'preserve_all',
] as const;
export type CallConv = (typeof CALL_CONVS)[number];

export function isCallConv(text: string): text is CallConv {
  return (CALL_CONVS as readonly string[]).includes(text);
}

export type ArgumentExtension = 'none' | 'uext' | 'sext';

/** What a parameter is for: ordinary, struct return, the VM context, or a struct passed by value (`sarg(N)`). */
export type ArgumentPurpose =
  | { readonly kind: 'normal' }
  | { readonly kind: 'sret' }
  | { readonly kind: 'vmctx' }
  | { readonly kind: 'sarg'; readonly size: number };

export interface AbiParam {
  type: Type;
  extension: ArgumentExtension;
  purpose: ArgumentPurpose;
}

export interface Signature {
  params: AbiParam[];
  returns: AbiParam[];
  callConv: CallConv;
}

export function abiParam(type: Type, extension: ArgumentExtension = 'none', purpose: ArgumentPurpose = { kind: 'normal' }): AbiParam {
  return { type, extension, purpose };
}

export function formatAbiParam(p: AbiParam): string {
  let out = p.type.name;
  if (p.extension !== 'none') out += ` ${p.extension}`;
  if (p.purpose.kind === 'sarg') out += ` sarg(${p.purpose.size})`;
  else if (p.purpose.kind !== 'normal') out += ` ${p.purpose.kind}`;
  return out;
}

/** `(i64 vmctx, i32) -> i32 tail`: parameters, returns when any, then the calling convention. */
export function formatSignature(sig: Signature): string {
  let out = `(${sig.params.map(formatAbiParam).join(', ')})`;
  if (sig.returns.length > 0) out += ` -> ${sig.returns.map(formatAbiParam).join(', ')}`;
  return `${out} ${sig.callConv}`;
}

export function cloneSignature(sig: Signature): Signature {
  return { params: sig.params.map((p) => ({ ...p })), returns: sig.returns.map((p) => ({ ...p })), callConv: sig.callConv };
}
