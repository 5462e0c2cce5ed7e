//! The inner loops of the layer kernels on plain slices, compiled once per
//! instruction set and chosen at run time.
//!
//! Every loop multiplies and adds with a fused multiply-add, rounded once.
//! Each sum keeps the same order whatever the instruction set, block size
//! or thread count: a layer's output adds the input columns in order, and
//! a weight gradient adds the rows in order. So every machine computes the
//! same bits. Without FMA (x86-64 before Haswell), the scalar
//! loops call the C library's `fma`, many times slower but exact.
//!
//! Register blocking: the forward pass keeps the sums of several rows in
//! registers while it streams the weight columns, and the gradient keeps
//! several columns' sums while it streams the rows. A block at the edge is
//! padded by repeating its last row or column, whose results are dropped.
//! The `OUT` values of a layer take as few vectors as fit them, the last
//! one masked. Layers wider than [`MAX_VECTORS`] vectors are computed in
//! slices of that many vectors, one pass each.

#![allow(
    clippy::needless_range_loop,
    reason = "the loops index several register arrays and lane counts by the same vector"
)]

use std::ops::Range;

use crate::float::Float;
use crate::sparse::CsrView;

/// The maximum number of vectors of one row's (or column's) outputs that
/// a block keeps in registers.
const MAX_VECTORS: usize = 6;

/// The vector registers this many blocks' accumulators may take, out of
/// 32 with AVX-512 and 16 with AVX2, leaving room for the loaded weights.
const AVX512_ACCUMULATORS: usize = 24;
#[cfg(target_arch = "x86_64")]
const AVX2_ACCUMULATORS: usize = 12;

/// The maximum number of rows (or columns) in one block.
const MAX_BLOCK: usize = 8;

/// A vector of `LANES` floats of one instruction set, and the operations
/// the loops need.
///
/// # Safety
///
/// Every method needs the CPU features of its instruction set, and the
/// pointer methods need `len ≤ LANES` valid elements at the pointer.
pub trait Vector: Copy {
    /// The element type.
    type Elem: Float;
    /// The register type.
    type Reg: Copy;
    /// Elements per register.
    const LANES: usize;

    /// Returns a register of zeros.
    unsafe fn zero() -> Self::Reg;
    /// Returns `value` in every lane.
    unsafe fn splat(value: Self::Elem) -> Self::Reg;
    /// Loads `len` elements from `source`, the other lanes 0.
    unsafe fn load(source: *const Self::Elem, len: usize) -> Self::Reg;
    /// Stores the first `len` lanes at `target`.
    unsafe fn store(target: *mut Self::Elem, value: Self::Reg, len: usize);
    /// Returns `a · b + c`, rounded once.
    unsafe fn mul_add(a: Self::Reg, b: Self::Reg, c: Self::Reg) -> Self::Reg;
    /// Returns `a · b`.
    unsafe fn mul(a: Self::Reg, b: Self::Reg) -> Self::Reg;
    /// Returns `a + b`.
    unsafe fn add(a: Self::Reg, b: Self::Reg) -> Self::Reg;
    /// Returns `a − b`.
    unsafe fn sub(a: Self::Reg, b: Self::Reg) -> Self::Reg;
}

/// The vector types of an element type, a supertrait of [`Float`].
pub trait Element: Copy {
    /// One lane: the scalar loops for any machine.
    type Scalar: Vector<Elem = Self>;
    /// 512-bit AVX-512 registers.
    #[cfg(target_arch = "x86_64")]
    type Avx512: Vector<Elem = Self>;
    /// 256-bit AVX2 registers.
    #[cfg(target_arch = "x86_64")]
    type Avx2: Vector<Elem = Self>;
}

/// One element per register.
#[derive(Clone, Copy)]
pub struct Scalar<F>(F);

impl<F: Float> Vector for Scalar<F> {
    type Elem = F;
    type Reg = F;
    const LANES: usize = 1;

    #[inline(always)]
    unsafe fn zero() -> F {
        F::zero()
    }

    #[inline(always)]
    unsafe fn splat(value: F) -> F {
        value
    }

    #[inline(always)]
    unsafe fn load(source: *const F, len: usize) -> F {
        match len {
            0 => F::zero(),
            // SAFETY: the caller gives one valid element.
            _ => unsafe { *source },
        }
    }

    #[inline(always)]
    unsafe fn store(target: *mut F, value: F, len: usize) {
        if len > 0 {
            // SAFETY: the caller gives one valid element.
            unsafe { *target = value };
        }
    }

    #[inline(always)]
    unsafe fn mul_add(a: F, b: F, c: F) -> F {
        a.mul_add(b, c)
    }

    #[inline(always)]
    unsafe fn mul(a: F, b: F) -> F {
        a * b
    }

    #[inline(always)]
    unsafe fn add(a: F, b: F) -> F {
        a + b
    }

    #[inline(always)]
    unsafe fn sub(a: F, b: F) -> F {
        a - b
    }
}

impl Element for f32 {
    type Scalar = Scalar<f32>;
    #[cfg(target_arch = "x86_64")]
    type Avx512 = x86::Avx512F32;
    #[cfg(target_arch = "x86_64")]
    type Avx2 = x86::Avx2F32;
}

impl Element for f64 {
    type Scalar = Scalar<f64>;
    #[cfg(target_arch = "x86_64")]
    type Avx512 = x86::Avx512F64;
    #[cfg(target_arch = "x86_64")]
    type Avx2 = x86::Avx2F64;
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! The AVX-512 and AVX2 vectors. Each method is compiled with its
    //! instruction set's features, so it inlines into the loops compiled
    //! with them.

    use std::arch::x86_64::*;

    use super::Vector;

    /// Sixteen `f32` in a 512-bit register.
    #[derive(Clone, Copy)]
    pub struct Avx512F32;
    /// Eight `f64` in a 512-bit register.
    #[derive(Clone, Copy)]
    pub struct Avx512F64;
    /// Eight `f32` in a 256-bit register.
    #[derive(Clone, Copy)]
    pub struct Avx2F32;
    /// Four `f64` in a 256-bit register.
    #[derive(Clone, Copy)]
    pub struct Avx2F64;

    /// Returns the AVX2 mask selecting the first `len` of 8 32-bit lanes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mask32(len: usize) -> __m256i {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        _mm256_cmpgt_epi32(_mm256_set1_epi32(len as i32), lanes)
    }

    /// Returns the AVX2 mask selecting the first `len` of 4 64-bit lanes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mask64(len: usize) -> __m256i {
        let lanes = _mm256_setr_epi64x(0, 1, 2, 3);
        _mm256_cmpgt_epi64(_mm256_set1_epi64x(len as i64), lanes)
    }

    impl Vector for Avx512F32 {
        type Elem = f32;
        type Reg = __m512;
        const LANES: usize = 16;

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn zero() -> __m512 {
            _mm512_setzero_ps()
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn splat(value: f32) -> __m512 {
            _mm512_set1_ps(value)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn load(source: *const f32, len: usize) -> __m512 {
            // SAFETY: the caller gives `len` valid elements; masked lanes
            // are not read.
            unsafe {
                match len >= 16 {
                    true => _mm512_loadu_ps(source),
                    false => _mm512_maskz_loadu_ps(((1u32 << len) - 1) as u16, source),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn store(target: *mut f32, value: __m512, len: usize) {
            // SAFETY: as in `load`.
            unsafe {
                match len >= 16 {
                    true => _mm512_storeu_ps(target, value),
                    false => _mm512_mask_storeu_ps(target, ((1u32 << len) - 1) as u16, value),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn mul_add(a: __m512, b: __m512, c: __m512) -> __m512 {
            _mm512_fmadd_ps(a, b, c)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn mul(a: __m512, b: __m512) -> __m512 {
            _mm512_mul_ps(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn add(a: __m512, b: __m512) -> __m512 {
            _mm512_add_ps(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn sub(a: __m512, b: __m512) -> __m512 {
            _mm512_sub_ps(a, b)
        }
    }

    impl Vector for Avx512F64 {
        type Elem = f64;
        type Reg = __m512d;
        const LANES: usize = 8;

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn zero() -> __m512d {
            _mm512_setzero_pd()
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn splat(value: f64) -> __m512d {
            _mm512_set1_pd(value)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn load(source: *const f64, len: usize) -> __m512d {
            // SAFETY: as for `Avx512F32`.
            unsafe {
                match len >= 8 {
                    true => _mm512_loadu_pd(source),
                    false => _mm512_maskz_loadu_pd(((1u32 << len) - 1) as u8, source),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn store(target: *mut f64, value: __m512d, len: usize) {
            // SAFETY: as for `Avx512F32`.
            unsafe {
                match len >= 8 {
                    true => _mm512_storeu_pd(target, value),
                    false => _mm512_mask_storeu_pd(target, ((1u32 << len) - 1) as u8, value),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn mul_add(a: __m512d, b: __m512d, c: __m512d) -> __m512d {
            _mm512_fmadd_pd(a, b, c)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn mul(a: __m512d, b: __m512d) -> __m512d {
            _mm512_mul_pd(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn add(a: __m512d, b: __m512d) -> __m512d {
            _mm512_add_pd(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn sub(a: __m512d, b: __m512d) -> __m512d {
            _mm512_sub_pd(a, b)
        }
    }

    impl Vector for Avx2F32 {
        type Elem = f32;
        type Reg = __m256;
        const LANES: usize = 8;

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn zero() -> __m256 {
            _mm256_setzero_ps()
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn splat(value: f32) -> __m256 {
            _mm256_set1_ps(value)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn load(source: *const f32, len: usize) -> __m256 {
            // SAFETY: the caller gives `len` valid elements; masked lanes
            // are not read.
            unsafe {
                match len >= 8 {
                    true => _mm256_loadu_ps(source),
                    false => _mm256_maskload_ps(source, mask32(len)),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn store(target: *mut f32, value: __m256, len: usize) {
            // SAFETY: as in `load`.
            unsafe {
                match len >= 8 {
                    true => _mm256_storeu_ps(target, value),
                    false => _mm256_maskstore_ps(target, mask32(len), value),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul_add(a: __m256, b: __m256, c: __m256) -> __m256 {
            _mm256_fmadd_ps(a, b, c)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul(a: __m256, b: __m256) -> __m256 {
            _mm256_mul_ps(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn add(a: __m256, b: __m256) -> __m256 {
            _mm256_add_ps(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn sub(a: __m256, b: __m256) -> __m256 {
            _mm256_sub_ps(a, b)
        }
    }

    impl Vector for Avx2F64 {
        type Elem = f64;
        type Reg = __m256d;
        const LANES: usize = 4;

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn zero() -> __m256d {
            _mm256_setzero_pd()
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn splat(value: f64) -> __m256d {
            _mm256_set1_pd(value)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn load(source: *const f64, len: usize) -> __m256d {
            // SAFETY: as for `Avx2F32`.
            unsafe {
                match len >= 4 {
                    true => _mm256_loadu_pd(source),
                    false => _mm256_maskload_pd(source, mask64(len)),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn store(target: *mut f64, value: __m256d, len: usize) {
            // SAFETY: as for `Avx2F32`.
            unsafe {
                match len >= 4 {
                    true => _mm256_storeu_pd(target, value),
                    false => _mm256_maskstore_pd(target, mask64(len), value),
                }
            }
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul_add(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
            _mm256_fmadd_pd(a, b, c)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
            _mm256_mul_pd(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
            _mm256_add_pd(a, b)
        }

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
            _mm256_sub_pd(a, b)
        }
    }
}

/// The instruction sets the loops are compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512 (F, VL, BW, DQ) with FMA.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// AVX2 with FMA.
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// Scalar loops, for any machine.
    Baseline,
}

/// The environment variable that caps the instruction set the kernels
/// use: `avx2` or `baseline`, to compare them on one machine.
pub const ISA_VAR: &str = "MLP_ISA";

/// Returns the best instruction set of this machine, capped by
/// `$MLP_ISA`. The CPU and the variable are read on the first call only.
#[cfg(target_arch = "x86_64")]
pub(crate) fn isa() -> Isa {
    use std::sync::OnceLock;
    static DETECTED: OnceLock<Isa> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        let fma = is_x86_feature_detected!("fma");
        let avx512 = fma
            && is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512vl")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512dq");
        let avx2 = fma && is_x86_feature_detected!("avx2");
        let cap = std::env::var(ISA_VAR).unwrap_or_default();
        match cap.trim() {
            "baseline" => Isa::Baseline,
            "avx2" if avx2 => Isa::Avx2,
            "avx2" => Isa::Baseline,
            _ if avx512 => Isa::Avx512,
            _ if avx2 => Isa::Avx2,
            _ => Isa::Baseline,
        }
    })
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn isa() -> Isa {
    Isa::Baseline
}

/// Returns the name of the instruction set the kernels run with on this
/// machine: `"avx512"`, `"avx2"` or `"baseline"`. Detecting it reads
/// `$MLP_ISA` and allocates, once.
pub fn instruction_set() -> &'static str {
    match isa() {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => "avx512",
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => "avx2",
        Isa::Baseline => "baseline",
    }
}

/// Defines `$name`, generic over `F` and `OUT`, that calls
/// `$body::<F, OUT, V, ACCUMULATORS>` with the vector type `V` and the
/// register budget of the best instruction set of the machine, compiled
/// with that set's features. `avx512_vector: Avx2` makes the AVX-512
/// version use 256-bit vectors (with 32 registers).
macro_rules! multiversion {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;
        body: $body:ident
    ) => {
        multiversion! {
            $(#[$attr])*
            $vis fn $name($($arg: $ty),*) $(-> $ret)?;
            body: $body, avx512_vector: Avx512
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;
        body: $body:ident, avx512_vector: $wide:ident
    ) => {
        $(#[$attr])*
        $vis fn $name<F: Float, const OUT: usize>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")]
                fn avx512<F: Float, const OUT: usize>($($arg: $ty),*) $(-> $ret)? {
                    $body::<F, OUT, F::$wide, AVX512_ACCUMULATORS>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2<F: Float, const OUT: usize>($($arg: $ty),*) $(-> $ret)? {
                    $body::<F, OUT, F::Avx2, AVX2_ACCUMULATORS>($($arg),*)
                }
                match isa() {
                    // SAFETY: `isa` checked that the CPU has these features.
                    Isa::Avx512 => return unsafe { avx512::<F, OUT>($($arg),*) },
                    // SAFETY: as above.
                    Isa::Avx2 => return unsafe { avx2::<F, OUT>($($arg),*) },
                    Isa::Baseline => {}
                }
            }
            $body::<F, OUT, F::Scalar, AVX512_ACCUMULATORS>($($arg),*)
        }
    };
}

/// Where the vectors of one slice of a layer's outputs start and how many
/// lanes each uses.
#[derive(Clone, Copy)]
struct Slice {
    /// The first output of the slice.
    start: usize,
    /// Vectors in the slice, at most [`MAX_VECTORS`].
    vectors: usize,
    /// Lanes used by each vector; only the last may use fewer than all.
    lanes: [usize; MAX_VECTORS],
}

/// Returns how many slices cover `OUT` outputs with vectors of `V`.
#[inline(always)]
fn slice_count<const OUT: usize, V: Vector>() -> usize {
    OUT.div_ceil(V::LANES * MAX_VECTORS)
}

/// Returns slice `index` of `OUT` outputs with vectors of `V`.
///
/// Everything but `start` is a compile-time constant when one slice covers
/// the outputs, so that the loops over vectors unroll and the sums stay in
/// registers. Wider layers take [`MAX_VECTORS`] vectors per slice, some of
/// the last slice's possibly masked off entirely.
#[inline(always)]
fn slice<const OUT: usize, V: Vector>(index: usize) -> Slice {
    let width = V::LANES * MAX_VECTORS;
    let (start, len, vectors) = match OUT <= width {
        true => (0, OUT, OUT.div_ceil(V::LANES)),
        false => {
            let start = index * width;
            (start, (OUT - start).min(width), MAX_VECTORS)
        }
    };
    Slice {
        start,
        vectors,
        lanes: std::array::from_fn(|v| len.saturating_sub(v * V::LANES).min(V::LANES)),
    }
}

/// Returns how many rows or columns a block keeps when each takes
/// `vectors` registers out of `budget`.
#[inline(always)]
fn block_size(vectors: usize, budget: usize) -> usize {
    (budget / vectors.max(1)).clamp(1, MAX_BLOCK)
}

/// A dense batch: `rows` rows of `cols` values, row `r` starting at
/// `r · stride` of `data`.
#[derive(Clone, Copy)]
pub struct DenseRows<'a, F> {
    pub data: &'a [F],
    pub rows: usize,
    pub cols: usize,
    pub stride: usize,
}

impl<F> DenseRows<'_, F> {
    /// Checks that every row lies inside `data`.
    fn check(&self) {
        if self.rows > 0 && self.cols > 0 {
            assert!(
                (self.rows - 1) * self.stride + self.cols <= self.data.len(),
                "the rows exceed the data"
            );
        }
    }
}

multiversion! {
    /// Computes `z[r, :] = Σ_c x[r, c] · W[:, c] + b` for every row of a
    /// dense batch, the columns added in order from a sum of 0, then the
    /// bias. `weights` contains W column-major (`OUT` values per input
    /// column) and `z` the rows × `OUT` output, row-major.
    pub fn dense_linear(x: DenseRows<'_, F>, weights: &[F], bias: &[F; OUT], z: &mut [F]);
    body: dense_linear_body
}

#[inline(always)]
fn dense_linear_body<F: Float, const OUT: usize, V: Vector<Elem = F>, const BUDGET: usize>(
    x: DenseRows<'_, F>,
    weights: &[F],
    bias: &[F; OUT],
    z: &mut [F],
) {
    x.check();
    assert_eq!(
        weights.len(),
        x.cols * OUT,
        "weights differ from cols × OUT"
    );
    assert_eq!(z.len(), x.rows * OUT, "output differs from rows × OUT");
    let panel = panel_columns::<F, OUT>();
    for index in 0..slice_count::<OUT, V>() {
        let slice = slice::<OUT, V>(index);
        let block = block_size(slice.vectors, BUDGET);
        let mut panel_start = 0;
        while panel_start < x.cols {
            let columns = panel_start..(panel_start + panel).min(x.cols);
            let mut first = 0;
            while first < x.rows {
                let count = (x.rows - first).min(block);
                // A short block repeats its last row.
                let rows: [usize; MAX_BLOCK] = std::array::from_fn(|r| first + r.min(count - 1));
                // SAFETY: every row index is below `x.rows`, checked
                // against `data` by `x.check()`; `weights` has `cols`
                // columns, and `z` a row of `OUT` values per row.
                unsafe {
                    let sums = dense_linear_block::<F, OUT, V>(
                        x, &rows, block, slice, &columns, weights, z,
                    );
                    for (r, sums) in sums.iter().enumerate().take(count) {
                        store_slice::<V>(&mut z[(first + r) * OUT..], slice, sums);
                    }
                }
                first += count;
            }
            panel_start = columns.end;
        }
    }
    for out in z.chunks_exact_mut(OUT) {
        for (o, &b) in out.iter_mut().zip(bias) {
            *o += b;
        }
    }
}

/// Stores the vectors of one slice of outputs to `out`.
///
/// # Safety
///
/// The slice's lanes must lie inside `out`.
#[inline(always)]
unsafe fn store_slice<V: Vector>(out: &mut [V::Elem], slice: Slice, sums: &[V::Reg; MAX_VECTORS]) {
    for v in 0..slice.vectors {
        let offset = slice.start + v * V::LANES;
        // SAFETY: the caller's contract.
        unsafe { V::store(out.as_mut_ptr().add(offset), sums[v], slice.lanes[v]) };
    }
}

/// Returns the sums of one slice of outputs for the rows `rows[..block]`.
///
/// # Safety
///
/// The rows must lie inside `x.data` and `weights` must hold `x.cols`
/// columns of `OUT` values.
#[inline(always)]
unsafe fn dense_linear_block<F: Float, const OUT: usize, V: Vector<Elem = F>>(
    x: DenseRows<'_, F>,
    rows: &[usize; MAX_BLOCK],
    block: usize,
    slice: Slice,
    columns: &Range<usize>,
    weights: &[F],
    z: &[F],
) -> [[V::Reg; MAX_VECTORS]; MAX_BLOCK] {
    // SAFETY: the caller's contract, and the features of `V` are enabled.
    unsafe {
        let mut sums = [[V::zero(); MAX_VECTORS]; MAX_BLOCK];
        if columns.start > 0 {
            // Continue the sums of the earlier panels.
            for r in 0..block {
                let source = z.as_ptr().add(rows[r] * OUT + slice.start);
                for v in 0..slice.vectors {
                    sums[r][v] = V::load(source.add(v * V::LANES), slice.lanes[v]);
                }
            }
        }
        let starts: [*const F; MAX_BLOCK] =
            std::array::from_fn(|r| x.data.as_ptr().add(rows[r] * x.stride));
        let mut column = weights.as_ptr().add(columns.start * OUT + slice.start);
        for c in columns.clone() {
            let mut w = [V::zero(); MAX_VECTORS];
            for v in 0..slice.vectors {
                w[v] = V::load(column.add(v * V::LANES), slice.lanes[v]);
            }
            for r in 0..block {
                let value = V::splat(*starts[r].add(c));
                for v in 0..slice.vectors {
                    sums[r][v] = V::mul_add(value, w[v], sums[r][v]);
                }
            }
            column = column.add(OUT);
        }
        sums
    }
}

/// The bytes of weights one panel of the forward pass spans: small enough
/// to stay in a core's L2 cache (1 MiB or more on current x86 cores)
/// while every block of rows streams it.
const PANEL_BYTES: usize = 256 * 1024;

/// Returns how many input columns one panel of the forward pass spans.
#[inline(always)]
fn panel_columns<F, const OUT: usize>() -> usize {
    (PANEL_BYTES / (OUT * size_of::<F>()).max(1)).max(1)
}

multiversion! {
    /// Computes `z[r, :] = Σ x[r, c] · W[:, c] + b` over the stored entries
    /// of each row, in order from a sum of 0, then adds the bias. `weights`
    /// contains W column-major.
    pub fn sparse_linear(x: CsrView<'_, F>, weights: &[F], bias: &[F; OUT], z: &mut [F]);
    body: sparse_linear_body, avx512_vector: Avx2
}

#[inline(always)]
fn sparse_linear_body<F: Float, const OUT: usize, V: Vector<Elem = F>, const BUDGET: usize>(
    x: CsrView<'_, F>,
    weights: &[F],
    bias: &[F; OUT],
    z: &mut [F],
) {
    assert_eq!(z.len(), x.rows() * OUT, "output differs from rows × OUT");
    assert_eq!(
        weights.len(),
        x.cols() * OUT,
        "weights differ from cols × OUT"
    );
    for row in 0..x.rows() {
        let (indices, values) = x.row(row);
        let out = &mut z[row * OUT..(row + 1) * OUT];
        for index in 0..slice_count::<OUT, V>() {
            let slice = slice::<OUT, V>(index);
            // SAFETY: every stored column is below `cols` (a CSR
            // invariant), so its weights lie inside `weights`; the
            // features of `V` are enabled.
            unsafe {
                let mut sums = [V::zero(); MAX_VECTORS];
                for (&column, &value) in indices.iter().zip(values) {
                    let source = weights.as_ptr().add(column as usize * OUT + slice.start);
                    let value = V::splat(value);
                    for v in 0..slice.vectors {
                        let w = V::load(source.add(v * V::LANES), slice.lanes[v]);
                        sums[v] = V::mul_add(value, w, sums[v]);
                    }
                }
                store_slice::<V>(out, slice, &sums);
            }
        }
        for (o, &b) in out.iter_mut().zip(bias) {
            *o += b;
        }
    }
}

/// The slot of an input column that the current batch does not store.
pub const UNTOUCHED: u32 = u32::MAX;

multiversion! {
    /// Adds `x[r, c] · delta[r, :]` to the sums of column `c` for every
    /// entry that `x` stores, the rows in order. `slots[c]` is the
    /// position of column `c` in `touched`, and of its `OUT` sums in
    /// `sums`. A column still [`UNTOUCHED`] is pushed on `touched` and its
    /// sums start at 0. `sums` must have room for every column and
    /// `touched` for one more, so that they do not allocate.
    ///
    /// # Panics
    ///
    /// Panics when `sums` or `touched` has too little room.
    pub fn sparse_accumulate(
        x: CsrView<'_, F>,
        delta: &[F],
        sums: &mut Vec<F>,
        slots: &mut [u32],
        touched: &mut Vec<u32>,
    );
    body: sparse_accumulate_body, avx512_vector: Avx2
}

#[inline(always)]
fn sparse_accumulate_body<F: Float, const OUT: usize, V: Vector<Elem = F>, const BUDGET: usize>(
    x: CsrView<'_, F>,
    delta: &[F],
    sums: &mut Vec<F>,
    slots: &mut [u32],
    touched: &mut Vec<u32>,
) {
    assert_eq!(delta.len(), x.rows() * OUT, "delta differs from rows × OUT");
    assert_eq!(slots.len(), x.cols(), "one slot per column");
    assert_eq!(
        sums.len(),
        touched.len() * OUT,
        "sums differ from touched × OUT"
    );
    assert!(
        sums.capacity() >= x.cols() * OUT,
        "sums need room for every column"
    );
    assert!(
        touched.capacity() > x.cols(),
        "touched needs room for every column and one more"
    );
    let zeros = [F::zero(); OUT];
    for row in 0..x.rows() {
        let (indices, values) = x.row(row);
        // Give each column that this row meets first the next slot. The
        // loop has no branch, because whether a column is new depends on
        // the data and would often be mispredicted: every column is
        // written at the end of `touched` and counts only when new. A CSR
        // row stores each column once, so a slot of `first_new` or above
        // has no sums before this row.
        let first_new = touched.len();
        let mut len = first_new;
        for &column in indices {
            let slot = &mut slots[column as usize];
            let new = *slot == UNTOUCHED;
            // SAFETY: a column gets one slot, so at most `cols` columns
            // are counted and `len ≤ cols`. `touched` has room for
            // `cols + 1`.
            unsafe { touched.as_mut_ptr().add(len).write(column) };
            *slot = if new { len as u32 } else { *slot };
            len += usize::from(new);
        }
        // SAFETY: the first `len` entries of `touched` are written.
        unsafe { touched.set_len(len) };
        let d = &delta[row * OUT..(row + 1) * OUT];
        for index in 0..slice_count::<OUT, V>() {
            let slice = slice::<OUT, V>(index);
            // SAFETY: every stored column has a slot below `len`, inside
            // the capacity of `sums`. The sums of a slot below
            // `first_new` were written by earlier rows. A newer slot's
            // sums are read from `zeros` and written here, so no sum is
            // read before it is written. The features of `V` are enabled.
            unsafe {
                let mut d_regs = [V::zero(); MAX_VECTORS];
                for v in 0..slice.vectors {
                    let source = d.as_ptr().add(slice.start + v * V::LANES);
                    d_regs[v] = V::load(source, slice.lanes[v]);
                }
                for (&column, &value) in indices.iter().zip(values) {
                    let slot = *slots.get_unchecked(column as usize) as usize;
                    let target = sums.as_mut_ptr().add(slot * OUT + slice.start);
                    let source = match slot < first_new {
                        true => target.cast_const(),
                        false => zeros.as_ptr().add(slice.start),
                    };
                    let value = V::splat(value);
                    for v in 0..slice.vectors {
                        let offset = v * V::LANES;
                        let sum = V::load(source.add(offset), slice.lanes[v]);
                        let sum = V::mul_add(value, d_regs[v], sum);
                        V::store(target.add(offset), sum, slice.lanes[v]);
                    }
                }
            }
        }
        // SAFETY: every slot below `len` has all `OUT` sums written.
        unsafe { sums.set_len(len * OUT) };
    }
}

multiversion! {
    /// Applies `W[:, c] −= learning_rate · sums` to `weights` (`OUT` values
    /// per column) for each column `c` in `touched`, its sums at its
    /// position there, and marks it [`UNTOUCHED`] in `slots`. Returns a sum
    /// of `w · 0` over the updated weights, which is 0 exactly when all
    /// are finite.
    pub fn sparse_descend(
        touched: &[u32],
        sums: &[F],
        slots: &mut [u32],
        learning_rate: F,
        weights: &mut [F],
    ) -> F;
    body: sparse_descend_body, avx512_vector: Avx2
}

#[inline(always)]
fn sparse_descend_body<F: Float, const OUT: usize, V: Vector<Elem = F>, const BUDGET: usize>(
    touched: &[u32],
    sums: &[F],
    slots: &mut [u32],
    learning_rate: F,
    weights: &mut [F],
) -> F {
    assert_eq!(
        sums.len(),
        touched.len() * OUT,
        "sums differ from touched × OUT"
    );
    assert_eq!(
        weights.len(),
        slots.len() * OUT,
        "weights differ from cols × OUT"
    );
    // SAFETY: the features of `V` are enabled.
    let (zero, rate) = unsafe { (V::zero(), V::splat(learning_rate)) };
    let mut check = zero;
    for (position, &column) in touched.iter().enumerate() {
        let index = column as usize;
        slots[index] = UNTOUCHED;
        let sum = &sums[position * OUT..(position + 1) * OUT];
        let weight = &mut weights[index * OUT..(index + 1) * OUT];
        for slice_index in 0..slice_count::<OUT, V>() {
            let slice = slice::<OUT, V>(slice_index);
            // SAFETY: the slice's lanes lie inside the column's `OUT`
            // values, which `sum` and `weight` have.
            unsafe {
                for v in 0..slice.vectors {
                    let offset = slice.start + v * V::LANES;
                    let g = V::load(sum.as_ptr().add(offset), slice.lanes[v]);
                    let target = weight.as_mut_ptr().add(offset);
                    let w = V::sub(V::load(target, slice.lanes[v]), V::mul(rate, g));
                    check = V::mul_add(w, zero, check);
                    V::store(target, w, slice.lanes[v]);
                }
            }
        }
    }
    let mut lanes = [F::zero(); 16];
    // SAFETY: a register has at most 16 lanes.
    unsafe { V::store(lanes.as_mut_ptr(), check, V::LANES) };
    lanes.iter().fold(F::zero(), |sum, &v| sum + v)
}

/// What to do with each column's gradient `g = Σ_r x[r, c] · delta[r, :]`.
#[derive(Clone, Copy)]
pub enum GradientSink<F> {
    /// Store `g` in the chunk of the column.
    Store,
    /// Apply `w −= learning_rate · g` to the chunk of the column.
    Descend(F),
}

multiversion! {
    /// For each input column `c` in `columns`, sums `g = Σ_r x[r, c] ·
    /// delta[r, :]` over the rows in order from 0 and stores `g` in, or
    /// subtracts `learning_rate · g` from, chunk `c − columns.start` of
    /// `out` (`OUT` values per column). When descending, returns a sum of
    /// `w · 0` over the updated weights, which is 0 exactly when all are
    /// finite; when storing, returns 0.
    pub fn dense_column_gradients(
        x: DenseRows<'_, F>,
        delta: &[F],
        columns: Range<usize>,
        sink: GradientSink<F>,
        out: &mut [F],
    ) -> F;
    // With 256-bit vectors the `OUT` = 20 columns of an `f64` weight (160
    // bytes) never straddle a cache line, where half of the 512-bit loads
    // and stores did. On the books epoch (Sapphire Rapids) the fused f64
    // step took about 20 % less time at batch size 5 and 10 % less at 128,
    // and f32 did not change.
    body: dense_column_gradients_body, avx512_vector: Avx2
}

#[inline(always)]
fn dense_column_gradients_body<
    F: Float,
    const OUT: usize,
    V: Vector<Elem = F>,
    const BUDGET: usize,
>(
    x: DenseRows<'_, F>,
    delta: &[F],
    columns: Range<usize>,
    sink: GradientSink<F>,
    out: &mut [F],
) -> F {
    x.check();
    assert_eq!(delta.len(), x.rows * OUT, "delta differs from rows × OUT");
    assert!(columns.end <= x.cols, "columns out of range");
    assert_eq!(
        out.len(),
        columns.len() * OUT,
        "output differs from columns × OUT"
    );
    // SAFETY: the features of `V` are enabled.
    let zero = unsafe { V::zero() };
    let mut check = zero;
    for index in 0..slice_count::<OUT, V>() {
        let slice = slice::<OUT, V>(index);
        let block = block_size(slice.vectors, BUDGET);
        let mut first = columns.start;
        while first < columns.end {
            let count = (columns.end - first).min(block);
            // A short block repeats its last column.
            let block_columns: [usize; MAX_BLOCK] =
                std::array::from_fn(|j| first + j.min(count - 1));
            // SAFETY: every column is below `x.cols` and every row lies
            // inside `data` (`x.check()`); `delta` has `rows` chunks.
            let sums = unsafe {
                dense_gradient_block::<F, OUT, V>(x, delta, &block_columns, block, slice)
            };
            let base = (first - columns.start) * OUT + slice.start;
            // SAFETY: `out` has `OUT` values per column of `columns`, the
            // block's first `count` columns are among them, and the
            // slice's lanes lie inside each column's values.
            unsafe {
                match sink {
                    GradientSink::Store => {
                        for (j, sums) in sums.iter().enumerate().take(count) {
                            let slot = out.as_mut_ptr().add(base + j * OUT);
                            for v in 0..slice.vectors {
                                V::store(slot.add(v * V::LANES), sums[v], slice.lanes[v]);
                            }
                        }
                    }
                    GradientSink::Descend(learning_rate) => {
                        // Load the block's weights before storing any. When
                        // `OUT` is not a multiple of the lanes, the masked
                        // store of a column's last vector is followed by a
                        // load of the next column, which it overlaps in
                        // memory, and that load waits for the store to
                        // reach the cache.
                        let mut weights = [[V::zero(); MAX_VECTORS]; MAX_BLOCK];
                        for j in 0..block {
                            // A short block repeats its last column.
                            let slot = out.as_ptr().add(base + j.min(count - 1) * OUT);
                            for v in 0..slice.vectors {
                                let source = slot.add(v * V::LANES);
                                weights[j][v] = V::load(source, slice.lanes[v]);
                            }
                        }
                        let rate = V::splat(learning_rate);
                        for j in 0..count {
                            let slot = out.as_mut_ptr().add(base + j * OUT);
                            for v in 0..slice.vectors {
                                let w = V::sub(weights[j][v], V::mul(rate, sums[j][v]));
                                check = V::mul_add(w, zero, check);
                                V::store(slot.add(v * V::LANES), w, slice.lanes[v]);
                            }
                        }
                    }
                }
            }
            first += count;
        }
    }
    let mut lanes = [F::zero(); 16];
    // SAFETY: a register has at most 16 lanes.
    unsafe { V::store(lanes.as_mut_ptr(), check, V::LANES) };
    lanes.iter().fold(F::zero(), |sum, &v| sum + v)
}

/// How far ahead of the current column the gradient loop asks the cache
/// for, in each row: it visits every row of the batch before it
/// moves on, too many streams for the hardware prefetcher to follow.
const PREFETCH_AHEAD_BYTES: usize = 256;

/// Returns the gradients of one slice of outputs for the columns
/// `columns[..block]`.
///
/// # Safety
///
/// The columns must be below `x.cols`, the rows must lie inside `x.data`,
/// and `delta` must hold `x.rows` chunks of `OUT` values.
#[inline(always)]
unsafe fn dense_gradient_block<F: Float, const OUT: usize, V: Vector<Elem = F>>(
    x: DenseRows<'_, F>,
    delta: &[F],
    columns: &[usize; MAX_BLOCK],
    block: usize,
    slice: Slice,
) -> [[V::Reg; MAX_VECTORS]; MAX_BLOCK] {
    // SAFETY: the caller's contract, and the features of `V` are enabled.
    unsafe {
        let mut sums = [[V::zero(); MAX_VECTORS]; MAX_BLOCK];
        for row in 0..x.rows {
            let start = x.data.as_ptr().add(row * x.stride);
            prefetch(start.wrapping_add(columns[0] + PREFETCH_AHEAD_BYTES / size_of::<F>()));
            let source = delta.as_ptr().add(row * OUT + slice.start);
            let mut d = [V::zero(); MAX_VECTORS];
            for v in 0..slice.vectors {
                d[v] = V::load(source.add(v * V::LANES), slice.lanes[v]);
            }
            for j in 0..block {
                let value = V::splat(*start.add(columns[j]));
                for v in 0..slice.vectors {
                    sums[j][v] = V::mul_add(value, d[v], sums[j][v]);
                }
            }
        }
        sums
    }
}

/// Asks the cache for the line holding `address`. A prefetch never
/// faults, so the address may lie past the data.
#[inline(always)]
fn prefetch<F>(address: *const F) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing and cannot fault.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::MersenneTwister;
    use crate::sparse::{Csr, CsrBuilder};

    const ROWS: usize = 11;
    const COLS: usize = 3001;

    fn batch<F: Float>() -> (Vec<F>, Csr<F>) {
        let mut rng = MersenneTwister::new(21);
        let mut dense = vec![F::zero(); ROWS * COLS];
        let mut builder = CsrBuilder::new(COLS);
        for row in 0..ROWS {
            let mut entries = Vec::new();
            for column in 0..COLS {
                let value = F::from_f64(rng.uniform(-2.0, 2.0));
                if rng.next_f64() < 0.2 {
                    dense[row * COLS + column] = value;
                    entries.push((column as u32, value));
                }
            }
            builder.push_row(entries).unwrap();
        }
        (dense, builder.finish())
    }

    fn values<F: Float>(len: usize, seed: u32) -> Vec<F> {
        let mut rng = MersenneTwister::new(seed);
        (0..len)
            .map(|_| F::from_f64(rng.uniform(-1.0, 1.0)))
            .collect()
    }

    /// The outputs of every loop with vectors `V`: the forward pass of a
    /// dense and a sparse batch, and the stored and applied gradients.
    fn outputs<F: Float, const OUT: usize, V: Vector<Elem = F>, const BUDGET: usize>() -> [Vec<F>; 6]
    {
        let (dense, sparse) = batch::<F>();
        let x = DenseRows {
            data: &dense,
            rows: ROWS,
            cols: COLS,
            stride: COLS,
        };
        let weights = values::<F>(COLS * OUT, 22);
        let bias: [F; OUT] = values::<F>(OUT, 23).try_into().unwrap();
        let delta = values::<F>(ROWS * OUT, 24);
        let mut z_dense = vec![F::zero(); ROWS * OUT];
        dense_linear_body::<F, OUT, V, BUDGET>(x, &weights, &bias, &mut z_dense);
        let mut z_sparse = vec![F::zero(); ROWS * OUT];
        sparse_linear_body::<F, OUT, V, BUDGET>(sparse.view(), &weights, &bias, &mut z_sparse);
        let mut gradient = vec![F::zero(); COLS * OUT];
        dense_column_gradients_body::<F, OUT, V, BUDGET>(
            x,
            &delta,
            0..COLS,
            GradientSink::Store,
            &mut gradient,
        );
        let mut updated = weights.clone();
        let check = dense_column_gradients_body::<F, OUT, V, BUDGET>(
            x,
            &delta,
            0..COLS,
            GradientSink::Descend(F::from_f64(0.05)),
            &mut updated,
        );
        assert_eq!(check, F::zero());
        let mut compact = Vec::with_capacity(COLS * OUT);
        let mut slots = vec![UNTOUCHED; COLS];
        let mut touched = Vec::with_capacity(COLS + 1);
        sparse_accumulate_body::<F, OUT, V, BUDGET>(
            sparse.view(),
            &delta,
            &mut compact,
            &mut slots,
            &mut touched,
        );
        let mut sums = vec![F::zero(); COLS * OUT];
        for (position, &column) in touched.iter().enumerate() {
            let column = column as usize;
            sums[column * OUT..(column + 1) * OUT]
                .copy_from_slice(&compact[position * OUT..(position + 1) * OUT]);
        }
        let mut descended = weights.clone();
        let check = sparse_descend_body::<F, OUT, V, BUDGET>(
            &touched,
            &compact,
            &mut slots,
            F::from_f64(0.05),
            &mut descended,
        );
        assert_eq!(check, F::zero());
        assert!(slots.iter().all(|&slot| slot == UNTOUCHED));
        [z_dense, z_sparse, gradient, updated, sums, descended]
    }

    fn check_agreement<F: Float, const OUT: usize>() {
        let scalar = outputs::<F, OUT, F::Scalar, AVX512_ACCUMULATORS>();
        assert_eq!(scalar[0], scalar[1], "dense and sparse forward differ");
        assert_eq!(scalar[2], scalar[4], "dense and sparse gradients differ");
        assert_eq!(scalar[3], scalar[5], "dense and sparse updates differ");
        #[cfg(target_arch = "x86_64")]
        {
            if isa() == Isa::Avx512 {
                let avx512 = outputs::<F, OUT, F::Avx512, AVX512_ACCUMULATORS>();
                assert!(scalar == avx512, "AVX-512 differs from scalar");
                // The AVX-512 versions that use 256-bit vectors.
                let narrow = outputs::<F, OUT, F::Avx2, AVX512_ACCUMULATORS>();
                assert!(scalar == narrow, "AVX-512 with 256-bit vectors differs");
            }
            if matches!(isa(), Isa::Avx512 | Isa::Avx2) {
                let avx2 = outputs::<F, OUT, F::Avx2, AVX2_ACCUMULATORS>();
                assert!(scalar == avx2, "AVX2 differs from scalar");
            }
        }
    }

    #[test]
    fn instruction_sets_agree_to_the_bit() {
        check_agreement::<f64, 20>();
        check_agreement::<f32, 20>();
        check_agreement::<f64, 2>();
        check_agreement::<f32, 3>();
        // Wider than one slice of vectors.
        check_agreement::<f64, 53>();
        check_agreement::<f32, 100>();
    }

    /// Sums a batch whose every row stores every column, so that the
    /// slots fill up and later rows only add, and checks the sums against
    /// the dense gradient.
    fn check_every_column<F: Float, const OUT: usize>() {
        const COLUMNS: usize = 37;
        const BATCH: usize = 4;
        let dense = values::<F>(BATCH * COLUMNS, 31);
        let mut builder = CsrBuilder::new(COLUMNS);
        for row in dense.chunks(COLUMNS) {
            let entries = row.iter().enumerate().map(|(c, &v)| (c as u32, v));
            builder.push_row(entries).unwrap();
        }
        let sparse = builder.finish();
        let delta = values::<F>(BATCH * OUT, 32);
        let x = DenseRows {
            data: &dense,
            rows: BATCH,
            cols: COLUMNS,
            stride: COLUMNS,
        };
        let mut expected = vec![F::zero(); COLUMNS * OUT];
        dense_column_gradients::<F, OUT>(x, &delta, 0..COLUMNS, GradientSink::Store, &mut expected);
        let mut sums = Vec::with_capacity(COLUMNS * OUT);
        let mut slots = vec![UNTOUCHED; COLUMNS];
        let mut touched = Vec::with_capacity(COLUMNS + 1);
        sparse_accumulate::<F, OUT>(sparse.view(), &delta, &mut sums, &mut slots, &mut touched);
        let order: Vec<u32> = (0..COLUMNS as u32).collect();
        assert_eq!(touched, order, "columns are not in first-met order");
        assert_eq!(sums, expected, "sums differ from the dense gradient");
    }

    #[test]
    fn sparse_sums_with_every_column_stored() {
        check_every_column::<f64, 20>();
        check_every_column::<f32, 20>();
        check_every_column::<f32, 53>();
    }
}
