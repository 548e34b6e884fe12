// The trap codes the trampolines and builtins raise. A trap taken while the counter is >= 0 is
// reported as OutOfFuel whatever its code; these codes only say which check fired.

/** A boundary check (entry, return, before a host call) or the out-of-gas builtin found F >= 0. */
export const OUT_OF_FUEL_TRAP = 'user200';
/** A host function threw; the runtime rethrows its error. */
export const HOST_FAILED_TRAP = 'user201';
