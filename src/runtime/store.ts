// A store, as in Wasmtime: the instances that share one wasm thread and one store context (fuel
// counter, epoch deadline, stack limit). Its members call each other's exported functions
// directly, so their code charges one counter, and a store runs one call at a time: calls on
// any member queue behind each other, and a host function cannot call back into its own store.
import type { NativeInstance } from '../native/instance.js';
import { CallGate } from './call-gate.js';
import { RuntimeConfigError } from './errors.js';
import type { Instance } from './instance.js';
import type { MeteringMode } from './metering.js';

export class Store {
  readonly #members = new Map<number, Instance>();
  readonly #natives: NativeInstance[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #metering: MeteringMode | undefined;
  /** Groups this store with the instances of other stores that share a memory with it: their
   *  code runs one at a time (CallGate). Used once `gated` is set. */
  readonly gate = new CallGate();
  #gated = false;
  readonly #typeIds = new Map<string, number>();

  /**
   * The store's id for the type with structural key `key` (the front end's `typeKeys`): equal
   * keys, equal ids, in every member, so a func-ref's type id means the same type wherever a
   * `call_indirect` checks it (Wasmtime's engine-wide type index).
   */
  typeId(key: string): number {
    let id = this.#typeIds.get(key);
    if (id === undefined) this.#typeIds.set(key, (id = this.#typeIds.size));
    return id;
  }

  /**
   * The native instance a new member joins through (any live member), or none for the first.
   * The members share one fuel counter, so they must meter alike; the addon also requires the
   * same vmctx layout, stack limit and code generation flags.
   */
  joinVia(metering: MeteringMode): NativeInstance | undefined {
    if (this.#metering !== undefined && this.#metering !== metering) {
      throw new RuntimeConfigError(`an instance of a ${metering} module cannot join a store of ${this.#metering} instances: a store's members share one fuel counter`);
    }
    const live = this.#natives.find((n) => !n.disposed);
    if (this.#metering !== undefined && live === undefined) throw new RuntimeConfigError('the store has no live instance left to join');
    return live;
  }

  /** Records a new member (`native.member` is its id). */
  add(instance: Instance, native: NativeInstance, metering: MeteringMode): void {
    this.#metering ??= metering;
    this.#members.set(native.member, instance);
    this.#natives.push(native);
  }

  /** The member with id `id`. */
  member(id: number): Instance | undefined {
    return this.#members.get(id);
  }

  /** Runs `call` after every call queued before it, on any member. */
  enqueue<T>(call: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(call, call);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** From now on, the store's steps run in the gate's turn. */
  useGate(): void {
    this.#gated = true;
  }

  get gated(): boolean {
    return this.#gated;
  }
}
