// The part of the WebAssembly JS API slackfuel uses to compare against V8 (tsconfig has no DOM lib).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class RuntimeError extends Error {}
  function validate(bytes: Uint8Array): boolean;
}
