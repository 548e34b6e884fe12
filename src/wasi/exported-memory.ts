// The memory WASI reads and writes: the module's export named "memory", as Wasmtime's WASI
// looks it up (with multi-memory it need not be memory 0); memory 0 when nothing is exported.
import type { WasmInstance } from '../wasm/instance.js';
import type { WasiMemory } from './host.js';

export function exportedMemory(instance: WasmInstance): WasiMemory {
  const index = instance.module.translated.exports.find((e) => e.kind === 'memory' && e.name === 'memory')?.index ?? 0;
  return {
    readMemory: (offset, length) => instance.readMemory(offset, length, index),
    writeMemory: (offset, bytes) => instance.writeMemory(offset, bytes, index),
  };
}
