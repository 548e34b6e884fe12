// Func-refs at the host boundary. A funcref value is the address of one of the instance's
// func-ref records, which call_ref and call_indirect dereference without further checks (as
// Wasmtime's code does: its host API only ever hands out real func-refs), so JavaScript may pass
// in only null (0) or a func-ref the instance itself handed out, as an export's result or a host
// function's argument. Anything else would be a wild pointer: refused with a typed error.
import type { ClifValue } from '../native/values.js';
import { RuntimeConfigError } from '../runtime/errors.js';
import type { HostFunction } from '../runtime/instance.js';
import type { WasmValueType } from './schemas.js';

export class FuncRefGuard {
  readonly #issued = new Set<bigint>();

  /** Records the func-refs among `values` (typed by `types`) as handed to JavaScript. */
  issue(types: readonly WasmValueType[], values: readonly ClifValue[]): void {
    types.forEach((t, i) => {
      const v = values[i];
      if (t === 'funcref' && v !== undefined && BigInt(v) !== 0n) this.#issued.add(BigInt(v));
    });
  }

  /** Throws unless every func-ref among `values` is null or was handed out by this instance. */
  check(types: readonly WasmValueType[], values: readonly ClifValue[], what: string): void {
    types.forEach((t, i) => {
      const v = values[i];
      if (t !== 'funcref' || v === undefined) return;
      const bits = BigInt(v);
      if (bits !== 0n && !this.#issued.has(bits)) {
        throw new RuntimeConfigError(`${what}: funcref value ${i} is neither null (0) nor a func-ref this instance handed out`);
      }
    });
  }

  /** `f` with its func-ref arguments recorded and its func-ref results checked. */
  wrap(f: HostFunction, params: readonly WasmValueType[], results: readonly WasmValueType[], name: string): HostFunction {
    if (!params.includes('funcref') && !results.includes('funcref')) return f;
    const checked = (r: ClifValue | readonly ClifValue[] | void): ClifValue | readonly ClifValue[] | void => {
      this.check(results, r === undefined ? [] : typeof r === 'object' ? r : [r], `host function ${name} returned`);
      return r;
    };
    return (...args) => {
      this.issue(params, args);
      const r = f(...args);
      return r instanceof Promise ? r.then(checked) : checked(r);
    };
  }
}
