//! The memory an instance's code reaches through the vmctx: the vmctx itself, the store
//! context (fuel counter, epoch deadline, stack limit), the epoch counter and the linear memory
//! of plain CLIF instances.

use super::host_dispatch::{HostDispatch, host_dispatch};
use super::options::Layout;
use crate::wasm_state::SharedState;
use std::sync::atomic::AtomicU64;

/// The memory the code reaches through the vmctx. Boxed slices: their addresses never move.
pub(super) struct Context {
    pub(super) vmctx: Box<[u128]>,
    pub(super) store: Box<[u128]>,
    pub(super) epoch: Box<AtomicU64>,
    pub(super) memory: Box<[u128]>,
    pub(super) layout: Layout,
    pub(super) wasm: Option<SharedState>,
    /// Store-context offset of the stack limit and the wasm stack size (see InstanceOptions).
    pub(super) stack_limit: Option<(usize, usize)>,
}

/// Writes the u64 at byte `offset` of `words` (x86_64 and aarch64 are little-endian, so byte
/// `k` of a u128 is its bits `8k..8k+8`). Offsets are validated against the layout before a
/// context is built; an unaligned or out-of-range one is ignored rather than trusted.
fn write_u64(words: &mut [u128], offset: usize, value: u64) {
    if !offset.is_multiple_of(8) {
        return;
    }
    if let Some(word) = words.get_mut(offset / 16) {
        let shift = (offset % 16) * 8;
        let mask = u128::from(u64::MAX) << shift;
        *word = (*word & !mask) | (u128::from(value) << shift);
    }
}

/// The u64 at byte `offset` of `words` (0 when out of range; see write_u64).
fn read_u64(words: &[u128], offset: usize) -> u64 {
    if !offset.is_multiple_of(8) {
        return 0;
    }
    words
        .get(offset / 16)
        .map_or(0, |word| (word >> ((offset % 16) * 8)) as u64)
}

impl Context {
    pub(super) fn new(layout: Layout, memory_bytes: usize, vmctx_bytes: usize) -> Context {
        let words = |bytes: usize| vec![0u128; bytes.div_ceil(16).max(1)].into_boxed_slice();
        let mut context = Context {
            vmctx: words(layout.vmctx_size.max(vmctx_bytes)),
            store: words(layout.store_context_size),
            epoch: Box::new(AtomicU64::new(0)),
            memory: words(memory_bytes),
            layout,
            wasm: None,
            stack_limit: None,
        };
        let l = context.layout.clone();
        let store = context.store.as_ptr() as u64;
        let epoch = std::ptr::addr_of!(*context.epoch) as u64;
        let memory = context.memory.as_ptr() as u64;
        write_u64(&mut context.vmctx, l.store_context_pointer, store);
        write_u64(&mut context.vmctx, l.epoch_counter_pointer, epoch);
        write_u64(&mut context.vmctx, l.memory_base, memory);
        write_u64(&mut context.vmctx, l.memory_bound, memory_bytes as u64);
        write_u64(
            &mut context.vmctx,
            l.host_dispatch,
            host_dispatch as HostDispatch as usize as u64,
        );
        write_u64(&mut context.store, l.epoch_deadline, u64::MAX);
        context
    }

    /// The addresses of this context's store context and epoch counter (a store founder's).
    pub(super) fn store_addresses(&self) -> (u64, u64) {
        (
            self.store.as_ptr() as u64,
            std::ptr::addr_of!(*self.epoch) as u64,
        )
    }

    /// Points the vmctx at a store's context and epoch counter instead of this context's own
    /// (a member joining a store; its own stay unused).
    pub(super) fn use_store(&mut self, store_context: u64, epoch: u64) {
        let l = self.layout.clone();
        write_u64(&mut self.vmctx, l.store_context_pointer, store_context);
        write_u64(&mut self.vmctx, l.epoch_counter_pointer, epoch);
    }

    pub(super) fn vmctx_address(&self) -> u64 {
        self.vmctx.as_ptr() as u64
    }

    pub(super) fn fuel(&self) -> i64 {
        read_u64(&self.store, self.layout.fuel_consumed) as i64
    }

    pub(super) fn set_fuel(&mut self, value: i64) {
        write_u64(&mut self.store, self.layout.fuel_consumed, value as u64);
    }

    /// Sets the stack limit for a call entered from the current stack depth: wasm may use
    /// `max_wasm_stack` bytes below here (the frames between here and the code are small).
    pub(super) fn set_stack_limit(&mut self) {
        if let Some((offset, max)) = self.stack_limit {
            let here = 0u8;
            let sp = std::ptr::addr_of!(here) as usize;
            write_u64(&mut self.store, offset, sp.saturating_sub(max) as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_fields_land_at_their_byte_offsets() {
        let mut words = vec![0u128; 2];
        write_u64(&mut words, 8, 0x1122_3344_5566_7788);
        write_u64(&mut words, 16, u64::MAX);
        assert_eq!(words[0], 0x1122_3344_5566_7788u128 << 64);
        assert_eq!(words[1], u128::from(u64::MAX));
        assert_eq!(read_u64(&words, 8), 0x1122_3344_5566_7788);
        assert_eq!(read_u64(&words, 0), 0);
        // Out of range or unaligned: ignored, never a write outside the slice.
        write_u64(&mut words, 32, 1);
        write_u64(&mut words, 4, 1);
        assert_eq!(read_u64(&words, 32), 0);
        assert_eq!(words[0], 0x1122_3344_5566_7788u128 << 64);
    }
}
