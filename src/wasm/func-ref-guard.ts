// Func-refs at the host boundary. A funcref value is the address of one of the instance's
// func-ref records, which call_ref and call_indirect dereference without further checks (as
// Wasmtime's code does: its host API only ever hands out real func-refs), so JavaScript may pass
// in only null (0) or a func-ref the instance itself handed out, as an export's result or a host
// function's argument. Anything else would be a wild pointer: refused with a typed error. Null is
// refused too where the type is a non-nullable reference (`(ref $t)`): code typed so never
// checks it, so a null there would be called or dereferenced as it stands.
import type { ClifValue } from '../native/values.js';
import { RuntimeConfigError } from '../runtime/errors.js';
import type { HostFunction } from '../runtime/instance.js';
import type { WasmFuncType, WasmValueType } from './schemas.js';

export class FuncRefGuard {
  readonly #issued = new Set<bigint>();

  /** Records the func-refs among `values` (typed by `types`) as handed to JavaScript. */
  issue(types: readonly WasmValueType[], values: readonly ClifValue[]): void {
    types.forEach((t, i) => {
      const v = values[i];
      if (t === 'funcref' && v !== undefined && BigInt(v) !== 0n) this.#issued.add(BigInt(v));
    });
  }

  /**
   * Throws unless every func-ref among `values` is null or was handed out by this instance, and
   * no value at a `nonNull` position is null.
   */
  check(types: readonly WasmValueType[], values: readonly ClifValue[], what: string, nonNull: readonly number[] = []): void {
    types.forEach((t, i) => {
      const v = values[i];
      if ((t !== 'funcref' && t !== 'externref') || v === undefined) return;
      const bits = BigInt(v);
      if (bits === 0n && nonNull.includes(i)) {
        throw new RuntimeConfigError(`${what}: ${t} value ${i} is null, but its type is a non-nullable reference`);
      }
      if (t === 'funcref' && bits !== 0n && !this.#issued.has(bits)) {
        throw new RuntimeConfigError(`${what}: funcref value ${i} is neither null (0) nor a func-ref this instance handed out`);
      }
    });
  }

  /** `f` with its func-ref arguments recorded and its func-ref results checked. */
  wrap(f: HostFunction, type: WasmFuncType, name: string): HostFunction {
    if (!type.params.includes('funcref') && !type.results.includes('funcref') && type.nonNullResults.length === 0) return f;
    const checked = (r: ClifValue | readonly ClifValue[] | void): ClifValue | readonly ClifValue[] | void => {
      this.check(type.results, r === undefined ? [] : typeof r === 'object' ? r : [r], `host function ${name} returned`, type.nonNullResults);
      return r;
    };
    return (...args) => {
      this.issue(type.params, args);
      const r = f(...args);
      return r instanceof Promise ? r.then(checked) : checked(r);
    };
  }
}
