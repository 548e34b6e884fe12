// Serialises the calls into instances that share a linear memory: at most one of them runs
// wasm code at a time, as in a Wasmtime store, which one thread drives. An instance waiting for
// a host function does not hold the gate, so a host function may call another instance of the
// group (and that instance's code sees the memory as the first left it).
//
// Gates form groups by union (an instance importing memories of two groups joins them); a
// group's root holds the lock and the FIFO of waiters.

export class CallGate {
  #parent: CallGate | undefined;
  #busy = false;
  #waiting: (() => void)[] = [];

  #root(): CallGate {
    let gate: CallGate = this;
    while (gate.#parent !== undefined) gate = gate.#parent;
    return gate;
  }

  /** Waits until no other member of the group runs wasm code; returns the gate to release. */
  async enter(): Promise<CallGate> {
    for (;;) {
      const root = this.#root();
      if (!root.#busy) {
        root.#busy = true;
        return root;
      }
      await new Promise<void>((resolve) => root.#waiting.push(resolve));
    }
  }

  /** Ends the turn `enter` gave (call it on the gate `enter` returned). */
  release(): void {
    this.#busy = false;
    this.#waiting.shift()?.();
  }

  /** Runs `op` while holding the group's turn. */
  async through<T>(op: () => Promise<T>): Promise<T> {
    const held = await this.enter();
    try {
      return await op();
    } finally {
      held.release();
    }
  }

  /** Makes one group of this gate's and `other`'s, once neither runs wasm code. */
  async join(other: CallGate): Promise<void> {
    if (this.#root() === other.#root()) return;
    const a = await this.enter();
    if (other.#root() === a) {
      a.release();
      return;
    }
    const b = await other.enter();
    b.#parent = a;
    // Whoever waited on b now waits on the joined group.
    const woken = b.#waiting.splice(0);
    b.#busy = false;
    a.release();
    for (const wake of woken) wake();
  }
}
