// poll_oneoff: clock subscriptions and fd readiness. The host call is synchronous (the guest
// is blocked in it either way), so waiting for a clock is a blocking sleep; an fd is ready at
// once (files and stdio never block here), so a poll with any fd subscription returns without
// sleeping, as Wasmtime's does when a stream is ready.
import { ERRNO } from './errno.js';
import { hasClock, readClock, type WasiClocks } from './clocks.js';
import type { WasiMemory } from './host.js';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
const EVENTTYPE = { clock: 0, fdRead: 1, fdWrite: 2 } as const;
const SUBCLOCKFLAGS_ABSTIME = 1;

/** What poll_oneoff needs to know of an fd: bytes readable, writable, or null if not open. */
export type Readiness = (fd: number) => { read: bigint; write: boolean } | null;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function pollOneoff(mem: WasiMemory, inPtr: number, outPtr: number, count: number, eventsPtr: number, readiness: Readiness, hostClocks: WasiClocks): number {
  // Wasmtime refuses an empty poll (it would block forever).
  if (count === 0) return ERRNO.inval;
  const subs = mem.readMemory(inPtr, count * SUBSCRIPTION_SIZE);
  const view = new DataView(subs.buffer, subs.byteOffset, subs.byteLength);
  const events: Uint8Array[] = [];
  const clocks: { userdata: bigint; waitNs: bigint }[] = [];
  const event = (userdata: bigint, error: number, type: number, nbytes = 0n) => {
    const e = new Uint8Array(EVENT_SIZE);
    const v = new DataView(e.buffer);
    v.setBigUint64(0, userdata, true);
    v.setUint16(8, error, true);
    v.setUint8(10, type);
    v.setBigUint64(16, nbytes, true);
    events.push(e);
  };
  for (let i = 0; i < count; i++) {
    const at = i * SUBSCRIPTION_SIZE;
    const userdata = view.getBigUint64(at, true);
    const tag = view.getUint8(at + 8);
    if (tag === EVENTTYPE.clock) {
      const id = view.getUint32(at + 16, true);
      const timeout = view.getBigUint64(at + 24, true);
      const flags = view.getUint16(at + 40, true);
      if (!hasClock(id)) return ERRNO.inval; // a CPU-time clock too, as Wasmtime's poll
      // As Wasmtime: a clock is read only for an absolute deadline (a deterministic clock
      // advances per read, so reading it more often would change what the guest sees next).
      let waitNs = timeout;
      if ((flags & SUBCLOCKFLAGS_ABSTIME) !== 0) {
        const t = readClock(hostClocks, id);
        if (t === null) return ERRNO.inval;
        waitNs = timeout > t ? timeout - t : 0n;
      }
      clocks.push({ userdata, waitNs });
    } else if (tag === EVENTTYPE.fdRead || tag === EVENTTYPE.fdWrite) {
      const fd = view.getUint32(at + 16, true);
      const r = readiness(fd);
      if (r === null) event(userdata, ERRNO.badf, tag);
      else if (tag === EVENTTYPE.fdRead) event(userdata, ERRNO.success, tag, r.read);
      else event(userdata, r.write ? ERRNO.success : ERRNO.badf, tag);
    } else {
      return ERRNO.inval;
    }
  }
  if (events.length === 0 && clocks.length > 0) {
    // Only clocks: sleep until the earliest fires, and report every clock due by then.
    const first = clocks.reduce((m, c) => (c.waitNs < m ? c.waitNs : m), clocks[0]!.waitNs);
    if (first > 0n) Atomics.wait(sleeper, 0, 0, Number(first) / 1e6);
    for (const c of clocks) if (c.waitNs <= first) event(c.userdata, ERRNO.success, EVENTTYPE.clock);
  } else {
    for (const c of clocks) if (c.waitNs === 0n) event(c.userdata, ERRNO.success, EVENTTYPE.clock);
  }
  events.forEach((e, i) => mem.writeMemory(outPtr + i * EVENT_SIZE, e));
  const n = new Uint8Array(4);
  new DataView(n.buffer).setUint32(0, events.length, true);
  mem.writeMemory(eventsPtr, n);
  return ERRNO.success;
}
