// What the compile-time scripts (bench-ir.ts, native-passes-ratio.ts) measure on the native side,
// defined once so their figures stay comparable. A module, not a script to run.
import { hostIsa, runNativePasses, timeCompile } from '../src/native/index.js';

/** The placement pipeline the Rust passes run, timed against Cranelift's compile. */
export const NATIVE_PASSES = 'fuel-pinned,fuel-drop-checks,fuel-place';

/**
 * Cranelift's `Context::compile` alone, as an engine compiles (verifier off, no disassembly, the
 * text parsed and verified beforehand, untimed): CPU ms of the compiling thread. The napi
 * `compile` also parses the text, verifies it, runs the verifier between Cranelift's passes (its
 * default) and prints the disassembly, about 2.2 times as much.
 */
export function engineCompileCpu(text: string): number {
  const isa = hostIsa();
  if (isa === undefined) throw new Error('no native ISA on this host');
  const timing = timeCompile(text, { isa, optLevel: 'speed', flags: { enable_pinned_reg: true } });
  return timing.compileCpuMs ?? timing.compileMs;
}

/**
 * The Rust passes (`pipeline`, the placement passes unless given) on `text` (their own CPU
 * time, no parse or print) and Cranelift's compile of
 * their output (`engineCompileCpu`), each the best of `repeats` runs; with the output's text.
 */
export function passesAgainstCompile(text: string, repeats: number, pipeline = NATIVE_PASSES): { passes: number; compile: number; output: string } {
  let passes = Infinity;
  let output = '';
  for (let i = 0; i < repeats; i++) {
    const run = runNativePasses(text, pipeline);
    passes = Math.min(passes, run.passCpuMs ?? run.passMs);
    output = run.functions.join('\n');
  }
  let compile = Infinity;
  for (let i = 0; i < repeats; i++) compile = Math.min(compile, engineCompileCpu(output));
  return { passes, compile, output };
}
