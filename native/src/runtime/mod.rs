//! Instances: a JIT module plus the memory its code addresses through the vmctx (laid out as the
//! TypeScript ABI describes it, received as JSON, never declared here), run on a thread the
//! addon owns. JavaScript drives a call as a sequence of steps: `call` starts it and returns a
//! promise of the first step; a step is either the end of the call (results or a trap) or a
//! request to run a host function, answered with `resume`. The wasm thread blocks while the
//! host function runs on Node's main thread.
//!
//! One concept per file:
//! * `options`: the instance options and vmctx layout JSON, validated;
//! * `context`: the memory the code reaches through the vmctx (vmctx, store context, memory);
//! * `steps`: the steps a call reports to JavaScript, and the jobs JavaScript sends back;
//! * `reply`: where a step goes: a promise, or a slot the main thread polls briefly;
//! * `short_wait`: polling for a bounded time before sleeping (host-call latency);
//! * `thread_handle`: the wasm thread's identity for check signals, and its interrupt flag;
//! * `host_dispatch`: the C entry point wasm→host trampolines call;
//! * `worker`: the wasm thread's loop over its store's members;
//! * `store`: what the instances of one store share (thread, store context, links);
//! * `entry`: the panic policy of the napi methods (every body under `errors::guard`);
//! * `instance`: the `NativeInstance` napi class;
//! * `checker`: the `FuelChecker` napi class and its pacing.

mod checker;
mod context;
mod entry;
mod host_dispatch;
mod instance;
mod options;
mod reply;
mod short_wait;
mod steps;
mod store;
mod thread_handle;
mod worker;

pub(crate) use host_dispatch::refresh_other_members;
pub use instance::{NativeInstance, instantiate};
pub use thread_handle::interrupt_requested;
