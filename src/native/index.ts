// The native Cranelift backend: verify, print, compile, JIT and run checks.
export { verify, type VerifyResult } from './verify.js';
export { canonicalPrint } from './canonical-print.js';
export { NATIVE_PASS_NAMES, nativePipelineSchema, runNativePasses, type NativePassesOutput } from './native-passes.js';
export { placeFuelNative, nativeFuelPlaceOptionsSchema, type NativeFuelPlaceOptions, type NativePlacedFunction } from './fuel-place.js';
export {
  compile,
  timeCompile,
  hostIsa,
  isaSchema,
  optLevelSchema,
  type CompileOptions,
  type CompiledFunction,
  type CompileTiming,
  type Isa,
  type OptLevel,
} from './compile.js';
export { jit, JitModule, registeredCodeRanges, type JitFunction, type JitOptions } from './jit.js';
export { parseRunCommands, runChecks, runtestTargets, type RunCommand, type RunCheckResult, type RunTarget } from './run-checks.js';
export { parseSettingAssignments, settingsSchema, type Settings } from './settings.js';
export type { ClifValue, ScalarType } from './values.js';
export type { RunValue } from './schemas.js';
