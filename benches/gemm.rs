//! The machine's matrix-multiply speed, as the reference the training
//! benchmarks are read against: `matrixmultiply`'s GEMM at the shapes of the
//! lab's first layer and at a large square size.
//!
//! Each benchmark multiplies an m × k matrix by a k × n one: 2·m·k·n
//! floating-point operations, reported by divan as throughput. The
//! `two_threads` group runs one such product on each of two threads at
//! once (4·m·k·n operations per iteration), the machine's throughput when
//! both cores multiply.

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

/// The operands and result of one product, row-major.
struct Operands<F> {
    a: Vec<F>,
    b: Vec<F>,
    c: Vec<F>,
}

impl<F: Copy + From<u8>> Operands<F> {
    fn new((m, k, n): (usize, usize, usize)) -> Self {
        Operands {
            a: vec![F::from(1); m * k],
            b: vec![F::from(2); k * n],
            c: vec![F::from(0); m * n],
        }
    }

    /// Computes `c = a·b` with `multiply`.
    fn multiply(&mut self, (m, k, n): (usize, usize, usize), multiply: Gemm<F>) {
        // SAFETY: the three buffers hold m·k, k·n and m·n elements in
        // row-major order, matching the sizes and strides passed.
        unsafe {
            multiply(
                m,
                k,
                n,
                F::from(1),
                self.a.as_ptr(),
                k as isize,
                1,
                self.b.as_ptr(),
                n as isize,
                1,
                F::from(0),
                self.c.as_mut_ptr(),
                n as isize,
                1,
            );
        }
        divan::black_box(&mut self.c);
    }
}

fn gemm<F: Copy + From<u8>>(bencher: Bencher, shape: (usize, usize, usize), multiply: Gemm<F>) {
    let (m, k, n) = shape;
    let mut operands = Operands::<F>::new(shape);
    bencher
        .counter(ItemsCount::new(2 * m * k * n))
        .bench_local(|| operands.multiply(shape, multiply));
}

fn gemm_two_threads<F: Copy + From<u8> + Send>(
    bencher: Bencher,
    shape: (usize, usize, usize),
    multiply: Gemm<F>,
) {
    let (m, k, n) = shape;
    let mut first = Operands::<F>::new(shape);
    let mut second = Operands::<F>::new(shape);
    bencher
        .counter(ItemsCount::new(4 * m * k * n))
        .bench_local(|| {
            std::thread::scope(|scope| {
                scope.spawn(|| first.multiply(shape, multiply));
                second.multiply(shape, multiply);
            });
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

/// One product per thread on two threads at once.
mod two_threads {
    use super::*;

    #[divan::bench(args = [(1024, 1024, 1024)])]
    fn sgemm(bencher: Bencher, shape: (usize, usize, usize)) {
        gemm_two_threads::<f32>(bencher, shape, matrixmultiply::sgemm);
    }

    #[divan::bench(args = [(1024, 1024, 1024)])]
    fn dgemm(bencher: Bencher, shape: (usize, usize, usize)) {
        gemm_two_threads::<f64>(bencher, shape, matrixmultiply::dgemm);
    }
}
