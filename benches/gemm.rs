//! The machine's matrix-multiply speed, as the reference the training
//! benchmarks are read against: `matrixmultiply`'s GEMM at the shapes of the
//! lab's first layer and at a large square size.
//!
//! Each benchmark multiplies an m × k matrix by a k × n one: 2·m·k·n
//! floating-point operations, reported by divan as throughput.

use divan::Bencher;
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

/// (m, k, n): the forward product of a batch of 5 and of 128 reviews with
/// W1ᵀ (13989 × 20), the W1 gradient of a batch of 128, and a square size
/// large enough to reach the GEMM's peak.
const SHAPES: [(usize, usize, usize); 4] = [
    (5, 13989, 20),
    (128, 13989, 20),
    (20, 128, 13989),
    (1024, 1024, 1024),
];

/// The signature of `matrixmultiply::sgemm` and `dgemm`.
type Gemm<F> = unsafe fn(
    usize,
    usize,
    usize,
    F,
    *const F,
    isize,
    isize,
    *const F,
    isize,
    isize,
    F,
    *mut F,
    isize,
    isize,
);

fn gemm<F: Copy + From<u8>>(bencher: Bencher, (m, k, n): (usize, usize, usize), multiply: Gemm<F>) {
    let a = vec![F::from(1); m * k];
    let b = vec![F::from(2); k * n];
    let mut c = vec![F::from(0); m * n];
    bencher
        .counter(ItemsCount::new(2 * m * k * n))
        .bench_local(|| {
            // SAFETY: the three buffers hold m·k, k·n and m·n elements in
            // row-major order, matching the sizes and strides passed.
            unsafe {
                multiply(
                    m,
                    k,
                    n,
                    F::from(1),
                    a.as_ptr(),
                    k as isize,
                    1,
                    b.as_ptr(),
                    n as isize,
                    1,
                    F::from(0),
                    c.as_mut_ptr(),
                    n as isize,
                    1,
                );
            }
            divan::black_box(&mut c);
        });
}

#[divan::bench(args = SHAPES)]
fn sgemm(bencher: Bencher, shape: (usize, usize, usize)) {
    gemm::<f32>(bencher, shape, matrixmultiply::sgemm);
}

#[divan::bench(args = SHAPES)]
fn dgemm(bencher: Bencher, shape: (usize, usize, usize)) {
    gemm::<f64>(bencher, shape, matrixmultiply::dgemm);
}
