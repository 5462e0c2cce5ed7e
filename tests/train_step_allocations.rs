//! The fused training step of a compiled network allocates nothing after
//! its first call. A test binary of its own, because it replaces the
//! global allocator.

mod common;
mod networks;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mlp::Network;

use common::{random_batch, random_labels, to_csr};
use networks::{Deep, Lab};

/// The system allocator, counting the allocations of each thread, so that
/// tests running in parallel do not count each other's.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Returns the number of allocations `run` made on this thread.
fn allocations(run: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    run();
    ALLOCATIONS.with(Cell::get) - before
}

/// Trains on batches of 5 rows, then of fewer, and returns the allocations
/// of every call after the first.
fn allocations_after_first_step<N: Network<f64>>(net: &mut N, sparse: bool) -> usize {
    let x = random_batch(20, net.input_width(), 3);
    let y = random_labels(20, net.classes(), 4);
    let csr = to_csr(&x);
    let batch = |start: usize, end: usize| match sparse {
        true => mlp::Inputs::Sparse(csr.slice_rows(start..end)),
        false => mlp::Inputs::Dense(x.slice(ndarray::s![start..end, ..])),
    };
    net.train_step(batch(0, 5), &y[0..5], 0.1).unwrap();
    allocations(|| {
        for (start, end) in [(5, 10), (10, 15), (15, 18), (18, 18), (0, 5)] {
            net.train_step(batch(start, end), &y[start..end], 0.1)
                .unwrap();
        }
    })
}

#[test]
fn counter_sees_buffers_grow() {
    assert!(allocations(|| drop(vec![1u8; 10])) >= 1);

    let mut net = Lab::new(30, 1).unwrap();
    let x = random_batch(8, 30, 3);
    let y = random_labels(8, 2, 4);
    net.train_step(x.slice(ndarray::s![0..2, ..]), &y[0..2], 0.1)
        .unwrap();
    let larger_batch = allocations(|| {
        net.train_step(&x, &y, 0.1).unwrap();
    });
    assert!(larger_batch > 0, "a larger batch grows the buffers");
}

#[test]
fn sparse_steps_allocate_nothing() {
    assert_eq!(
        allocations_after_first_step(&mut Lab::new(300, 1).unwrap(), true),
        0
    );
    assert_eq!(allocations_after_first_step(&mut Deep::new(1), true), 0);
}

#[test]
fn dense_steps_allocate_nothing() {
    assert_eq!(
        allocations_after_first_step(&mut Lab::new(300, 1).unwrap(), false),
        0
    );
    assert_eq!(allocations_after_first_step(&mut Deep::new(1), false), 0);
}
