// Typed errors of the native facade: every error the addon reports arrives as one of these
// classes, carrying Cranelift's (or the wasm front end's) own message. They live here, below
// src/runtime, so the facade depends on nothing above it; src/runtime/errors.ts re-exports them.

/** Base class of every error slackfuel raises on purpose. */
export class SlackfuelError extends Error {
  override readonly name: string = 'SlackfuelError';
}

/** CLIF text that cranelift-reader cannot parse. */
export class ClifSyntaxError extends SlackfuelError {
  override readonly name = 'ClifSyntaxError';
  constructor(
    message: string,
    /** 1-based line Cranelift points at. */
    readonly line: number,
  ) {
    super(message);
  }
}

/** One complaint of Cranelift's verifier. */
export interface VerifierProblem {
  /** The function as Cranelift names it: `%name` or `u0:1`. */
  readonly function: string;
  /** The entity the verifier points at: `inst3`, `block1`, `v7`, ... */
  readonly location: string;
  /** The offending instruction as Cranelift prints it, when there is one. */
  readonly instruction?: string;
  readonly message: string;
}

/** IR that fails Cranelift's verifier (reported by `compile` and `jit`; `verify` returns the list). */
export class VerifierError extends SlackfuelError {
  override readonly name = 'VerifierError';
  constructor(
    message: string,
    readonly errors: readonly VerifierProblem[],
  ) {
    super(message);
  }
}

/** An unknown Cranelift setting, a bad value for one, or an unusable ISA. */
export class SettingError extends SlackfuelError {
  override readonly name = 'SettingError';
  constructor(
    message: string,
    /** The setting at fault (`isa` for the target itself). */
    readonly setting: string,
  ) {
    super(message);
  }
}

/** Code generation failed for a reason other than the verifier (unsupported, limits, linking). */
export class CompileError extends SlackfuelError {
  override readonly name = 'CompileError';
  constructor(
    message: string,
    readonly functionName: string | undefined,
  ) {
    super(message);
  }
}

/** The native fuel-place refused a function: not a shape it can re-place safely. */
export class NativeFuelPlaceError extends SlackfuelError {
  override readonly name = 'NativeFuelPlaceError';
  constructor(
    message: string,
    readonly functionName: string,
  ) {
    super(message);
  }
}

/** Cranelift panicked; the panic was caught and the process lives on. */
export class NativePanic extends SlackfuelError {
  override readonly name = 'NativePanic';
}

/** JIT code trapped. */
export class Trap extends SlackfuelError {
  override readonly name = 'Trap';
  constructor(
    message: string,
    /**
     * Cranelift's trap code (`user1`, `int_divz`, `int_ovf`, `heap_oob`, `stk_ovf`, `bad_toint`),
     * or, for a fault Cranelift recorded no code for: `stk_ovf` (near the stack pointer),
     * `memory_fault`, `arithmetic_fault`, `illegal_instruction`.
     */
    readonly trapCode: string,
    /** The function the trap happened in, when it is one of the module's functions. */
    readonly functionName: string | undefined,
    /** Byte offset of the trapping instruction in that function. */
    readonly offset: number | undefined,
    /** The signal that reported it: SIGILL, SIGFPE, SIGSEGV or SIGBUS. */
    readonly signal: string,
  ) {
    super(message);
  }

  /** Fuel the call had consumed when it trapped (modes that account fuel), else null. */
  fuelConsumed: number | null = null;
}

/** A call on a JIT module after `dispose()`. */
export class ModuleDisposedError extends SlackfuelError {
  override readonly name = 'ModuleDisposedError';
}

/** A call that cannot be made: unknown function, wrong arguments, unsupported signature. */
export class CallError extends SlackfuelError {
  override readonly name: string = 'CallError';
}

/** The native addon is not built, or cannot be loaded. */
export class NativeAddonError extends SlackfuelError {
  override readonly name = 'NativeAddonError';
}

/** Why a wasm module could not be translated. */
export type TranslateErrorKind =
  /** The bytes are not a valid module for the features Wasmtime 48 enables by default. */
  | 'invalid'
  /** Valid, but uses a feature the front end does not translate (atomics, exceptions, memory64, ...). */
  | 'unsupported'
  /** The translation options (vmctx layout) are inconsistent. */
  | 'invalid-options';

/**
 * A native fuel pass (native/src/fuel_passes) refused a function, as the TypeScript pass's
 * `FuelWebError` would, or the pipeline names a pass the native pipeline does not have.
 */
export class NativePassError extends SlackfuelError {
  override readonly name = 'NativePassError';
  constructor(
    message: string,
    /** The pass that refused (`fuel-pinned`); undefined for an unknown pass name. */
    readonly pass: string | undefined,
    /** The counter location the recognizer was trying. */
    readonly location: string | undefined,
    /** The function as Cranelift names it (`u0:3`). */
    readonly functionName: string | undefined,
  ) {
    super(message);
  }
}

/** The wasm front end rejected a module. */
export class TranslateError extends SlackfuelError {
  override readonly name = 'TranslateError';
  constructor(
    message: string,
    readonly kind: TranslateErrorKind,
    /** For `unsupported`: the feature (`threads`, `exceptions`, `memory64`, ...). */
    readonly feature: string | undefined,
    /** For `unsupported`: the instruction, as wasmparser names it. */
    readonly instruction: string | undefined,
    /** Byte offset in the module, when known. */
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}
