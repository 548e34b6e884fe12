// The pinned register that holds the fuel counter while wasm runs, per ISA (Cranelift's choice
// when `enable_pinned_reg` is on). Platforms without one cannot run slacked code.
import { z } from 'zod';

export const pinnedIsaSchema = z.enum(['x86_64', 'aarch64']);
export type PinnedIsa = z.infer<typeof pinnedIsaSchema>;

export const PINNED_REGISTER: Readonly<Record<PinnedIsa, string>> = Object.freeze({
  x86_64: 'r15',
  aarch64: 'x21',
});

/** The Cranelift flags every metered module (code and trampolines alike) is compiled with. */
export const FUEL_ABI_FLAGS = Object.freeze({ enable_pinned_reg: true }) satisfies Readonly<Record<string, boolean>>;

/** The pinned register of `isa`; throws for an ISA this ABI does not cover. */
export function pinnedRegister(isa: string): string {
  return PINNED_REGISTER[pinnedIsaSchema.parse(isa)];
}
