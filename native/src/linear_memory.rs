//! A linear memory as Wasmtime lays a wasm32 one out on 64-bit hosts: one virtual reservation,
//! mapped inaccessible, whose accessible prefix is opened with `mprotect` as the memory grows.
//! The base never moves, and nothing is committed up front: the kernel hands out zeroed pages
//! on first touch, so `memory.grow` by 65535 pages costs address space, not RAM.

use crate::errors::{Failure, NativeResult};
use std::ops::{Deref, DerefMut};

pub const WASM_PAGE: u64 = 65536;
/// Wasm32 memories never exceed 4 GiB.
pub const MAX_WASM32_PAGES: u64 = 65536;
/// The most a 64-bit memory may grow to here (16 GiB): its base never moves, so its whole
/// maximum is reserved up front, and this bounds a memory declared without a maximum.
pub const MAX_WASM64_PAGES: u64 = 1 << 18;

pub struct LinearMemory {
    base: *mut u8,
    /// Bytes mapped (reservation plus guard); all of it is released on drop.
    mapped: usize,
    /// Accessible bytes (a multiple of the wasm page).
    len: usize,
    /// Pages the reservation can hold without moving.
    capacity_pages: u64,
}

// SAFETY: the mapping is owned by this value alone; access goes through &self / &mut self.
unsafe impl Send for LinearMemory {}

unsafe extern "C" {
    fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    fn mprotect(addr: *mut u8, len: usize, prot: i32) -> i32;
    fn munmap(addr: *mut u8, len: usize) -> i32;
}

const PROT_NONE: i32 = 0;
const PROT_READ_WRITE: i32 = 0x1 | 0x2;
const MAP_PRIVATE: i32 = 0x02;
const MAP_ANONYMOUS: i32 = 0x20;
const MAP_NORESERVE: i32 = 0x4000;
const MAP_FAILED: *mut u8 = !0usize as *mut u8;

fn reserve(bytes: usize) -> Option<*mut u8> {
    // SAFETY: an anonymous, inaccessible mapping at an address of the kernel's choosing touches
    // no existing memory.
    let p = unsafe {
        mmap(
            std::ptr::null_mut(),
            bytes,
            PROT_NONE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
            -1,
            0,
        )
    };
    (p != MAP_FAILED && !p.is_null()).then_some(p)
}

impl LinearMemory {
    /// Reserves the memory's address space and opens `min_pages`. With `guard` (the code was
    /// compiled for guard pages, without explicit bounds checks) the reservation is the full
    /// 4 GiB a 32-bit index can reach plus `guard` bytes, and failing to get it is an error: the
    /// code would be unsafe in less. Without, it is what the maximum needs (explicit checks;
    /// always so for a 64-bit memory, whose maximum the caller bounds by `MAX_WASM64_PAGES`).
    pub fn new(min_pages: u64, max_pages: u64, guard: Option<u64>) -> NativeResult<LinearMemory> {
        let max_pages = match guard {
            Some(_) => max_pages.min(MAX_WASM32_PAGES),
            None => max_pages.min(MAX_WASM64_PAGES),
        };
        if min_pages > max_pages {
            return Err(Failure::call(format!(
                "instantiation failed: the memory needs {min_pages} pages, more than its maximum {max_pages}"
            )));
        }
        let (bytes, capacity_pages) = match guard {
            Some(g) => (MAX_WASM32_PAGES * WASM_PAGE + g, MAX_WASM32_PAGES),
            None => ((max_pages * WASM_PAGE).max(WASM_PAGE), max_pages),
        };
        let mapped = usize::try_from(bytes).map_err(|_| {
            Failure::call("the linear memory reservation does not fit the address space")
        })?;
        let base = reserve(mapped).ok_or_else(|| {
            Failure::call(format!(
                "instantiation failed: the OS refused to reserve {mapped} bytes of address space for linear memory{}",
                if guard.is_some() { " (the code relies on guard pages; compile with a memoryReservation below 4 GiB to use explicit bounds checks instead)" } else { "" }
            ))
        })?;
        let mut memory = LinearMemory {
            base,
            mapped,
            len: 0,
            capacity_pages,
        };
        if memory.grow(min_pages, max_pages).is_none() {
            return Err(Failure::call(format!(
                "instantiation failed: could not make {min_pages} pages of linear memory accessible"
            )));
        }
        Ok(memory)
    }

    /// Grows by `delta_pages` if the result stays within `max_pages` (and the reservation);
    /// returns the old size in pages, or None (wasm's −1). Commits nothing: new pages are
    /// zero-filled by the kernel when first touched.
    pub fn grow(&mut self, delta_pages: u64, max_pages: u64) -> Option<u64> {
        let old = self.len as u64 / WASM_PAGE;
        let new = old.checked_add(delta_pages)?;
        if new > max_pages.min(self.capacity_pages) {
            return None;
        }
        if delta_pages > 0 {
            let new_len = (new * WASM_PAGE) as usize;
            // SAFETY: [base, base + new_len) lies inside our own mapping (new <= capacity).
            let rc = unsafe { mprotect(self.base, new_len, PROT_READ_WRITE) };
            if rc != 0 {
                return None;
            }
            self.len = new_len;
        }
        Some(old)
    }

    pub fn base(&self) -> *mut u8 {
        self.base
    }
}

impl Deref for LinearMemory {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the first `len` bytes are mapped read-write for as long as self lives.
        unsafe { std::slice::from_raw_parts(self.base, self.len) }
    }
}

impl DerefMut for LinearMemory {
    fn deref_mut(&mut self) -> &mut [u8] {
        if self.len == 0 {
            return &mut [];
        }
        // SAFETY: as in deref, and &mut self gives exclusive access from Rust (JIT code writes
        // only while the owning instance's wasm thread runs it, never concurrently with this).
        unsafe { std::slice::from_raw_parts_mut(self.base, self.len) }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: the mapping was created by `reserve` with exactly this base and length, and
        // no code of the instance runs any more (the state is dropped after its thread ends).
        unsafe { munmap(self.base, self.mapped) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_without_moving_and_refuses_past_the_maximum() {
        let mut m = LinearMemory::new(1, 10, Some(32 << 20)).expect("reserve");
        let base = m.base();
        assert_eq!(m.len(), 65536);
        assert_eq!(m.grow(9, 10), Some(1));
        assert_eq!(m.base(), base);
        assert_eq!(m.grow(1, 10), None);
        assert_eq!(m.grow(65526, 65536), Some(10));
        assert_eq!(m.grow(1, 65537), None);
        m[655359] = 7;
        assert_eq!(m[655359], 7);
        assert_eq!(m.len(), 1 << 32);
    }
}
