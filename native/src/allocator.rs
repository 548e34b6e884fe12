//! The addon's global allocator: mimalloc, called the way its own aligned entry points would
//! end up calling it. The `mimalloc` crate sends every request through `mi_malloc_aligned` and
//! `mi_realloc_aligned`, which for the alignments Rust almost always asks for (at most 16, no
//! more than the size) only check that and call `mi_malloc` / `mi_realloc`: four calls deep
//! where one does. The fuel passes allocate a few dozen small vectors per function, so on a
//! module of thousands of small functions the wrappers were a measurable part of their time.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// A plain mimalloc block is aligned to its size's largest power of two up to this
/// (`MI_MAX_ALIGN_SIZE`; `mi_malloc_is_naturally_aligned` in alloc-aligned.c).
const NATURAL: usize = 16;
/// What `mi_realloc_aligned` itself hands to plain `mi_realloc` (a word).
const WORD: usize = std::mem::size_of::<usize>();

pub struct Mimalloc;

/// A block for `layout` from `plain` when a plain block is aligned as it asks (at most
/// `NATURAL`, and no more than the size), else from `aligned`.
///
/// # Safety
/// `layout` has a non-zero size (`GlobalAlloc`'s contract); the two functions are a pair of
/// mimalloc's allocation calls, which take any size and alignment.
#[inline]
unsafe fn allocate(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    let natural = layout.align() <= NATURAL && layout.align() <= layout.size();
    // SAFETY: mimalloc's calls take any size and alignment; the plain block is aligned as
    // `layout` asks when `natural` holds.
    unsafe {
        if natural {
            plain(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    }
}

// SAFETY (all four): each function forwards to the mimalloc call that honours `layout`
// (size and alignment), so the contract of `GlobalAlloc` is mimalloc's; pointers freed or
// reallocated were returned by these same functions, so they are mimalloc blocks.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see `allocate`.
        unsafe { allocate(layout, mi_malloc, mi_malloc_aligned) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see `allocate`.
        unsafe { allocate(layout, mi_zalloc, mi_zalloc_aligned) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (GlobalAlloc's contract).
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator; mimalloc keeps word alignment on any realloc,
        // and larger alignments go through the aligned call, as mimalloc's own wrapper does.
        unsafe {
            if layout.align() <= WORD {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout};

    use super::Mimalloc;

    /// Every layout gets a block aligned as it asks, through allocation, zeroed allocation and
    /// reallocation to larger and smaller sizes, with the contents kept.
    #[test]
    fn blocks_are_aligned_as_asked_and_reallocation_keeps_contents() {
        let heap = Mimalloc;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 8, 15, 16, 24, 40, 100, 1000, 70_000] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: a non-zero size; every block is freed with its layout below.
                unsafe {
                    let p = heap.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc {size} aligned {align}");
                    for k in 0..size {
                        p.add(k).write(k as u8);
                    }
                    // Grown, then shrunk below the first size.
                    let (mut block, mut current) = (p, layout);
                    for new_size in [size * 3 + 5, size.div_ceil(2)] {
                        let q = heap.realloc(block, current, new_size);
                        assert_eq!(
                            q as usize % align,
                            0,
                            "realloc to {new_size}, aligned {align}"
                        );
                        for k in 0..size.min(new_size) {
                            assert_eq!(q.add(k).read(), k as u8);
                        }
                        (block, current) = (q, Layout::from_size_align_unchecked(new_size, align));
                    }
                    heap.dealloc(block, current);
                    let z = heap.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "zalloc {size} aligned {align}");
                    assert!((0..size).all(|k| z.add(k).read() == 0));
                    heap.dealloc(z, layout);
                }
            }
        }
    }

    /// A vector of 16-byte-aligned elements growing one push at a time stays aligned (the
    /// fuel web's increments hold an `i128`).
    #[test]
    fn a_growing_vector_of_i128_stays_aligned() {
        let mut v: Vec<i128> = Vec::new();
        for k in 0..10_000 {
            v.push(k);
            assert_eq!(v.as_ptr() as usize % 16, 0);
        }
        assert_eq!(v.iter().sum::<i128>(), (0..10_000).sum());
    }
}
