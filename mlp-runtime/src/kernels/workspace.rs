//! Buffers that a compiled network's fused training step keeps between
//! calls, so that after its first call it allocates nothing.

use std::fmt;

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::float::Float;
use crate::sparse::CsrView;

/// The buffers of a compiled network of `LAYERS` layers.
///
/// They are scratch space, not part of the network's value: a clone starts
/// with empty buffers, and any two workspaces compare equal, so that a
/// network deriving `Clone` or `PartialEq` clones and compares its
/// parameters alone.
pub struct Workspace<F, const LAYERS: usize> {
    /// Each layer's output, rows × width, row-major. The output layer's
    /// buffer holds the logits, then the output delta.
    pub outputs: [Vec<F>; LAYERS],
    /// Each hidden layer's delta, rows × width, row-major. The last entry
    /// is not used.
    pub deltas: [Vec<F>; LAYERS],
    /// The gradient of the first layer's weight on the columns of a sparse
    /// batch.
    pub sparse: SparseGradient<F>,
}

impl<F, const LAYERS: usize> Default for Workspace<F, LAYERS> {
    fn default() -> Self {
        Workspace {
            outputs: std::array::from_fn(|_| Vec::new()),
            deltas: std::array::from_fn(|_| Vec::new()),
            sparse: SparseGradient::default(),
        }
    }
}

impl<F, const LAYERS: usize> Clone for Workspace<F, LAYERS> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<F, const LAYERS: usize> PartialEq for Workspace<F, LAYERS> {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl<F, const LAYERS: usize> fmt::Debug for Workspace<F, LAYERS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Workspace").finish_non_exhaustive()
    }
}

/// Returns `buffer` as a rows × cols row-major matrix, growing it when it
/// is too small. Values left from an earlier use are not cleared.
///
/// Allocates only when `rows · cols` exceeds the buffer's capacity.
pub fn matrix_mut<F: Float>(buffer: &mut Vec<F>, rows: usize, cols: usize) -> ArrayViewMut2<'_, F> {
    let len = rows * cols;
    buffer.resize(len, F::zero());
    ArrayViewMut2::from_shape((rows, cols), &mut buffer[..])
        .expect("the buffer has rows · cols entries")
}

/// The gradient of a weight on the input columns that a sparse batch
/// stores, the other columns' gradient being 0.
///
/// The sums of the current batch's columns are kept side by side, in the
/// order the batch first stores each column, so that they stay in cache
/// however wide the input. The buffers are sized for the width of the
/// input on first use and never grow after that.
pub struct SparseGradient<F> {
    /// `OUT` sums per column of `touched`, in that order.
    sums: Vec<F>,
    /// The columns of the current batch, in the order first met.
    touched: Vec<u32>,
    /// The position in `touched` of each input column, or
    /// [`UNTOUCHED`](super::simd::UNTOUCHED).
    slots: Vec<u32>,
}

impl<F> Default for SparseGradient<F> {
    fn default() -> Self {
        SparseGradient {
            sums: Vec::new(),
            touched: Vec::new(),
            slots: Vec::new(),
        }
    }
}

impl<F: Float> SparseGradient<F> {
    /// Sums `x[r, c] · delta[r, :]` over the rows in order, for each column
    /// `c` that `x` stores, each sum starting at 0.
    pub(crate) fn accumulate<const OUT: usize>(
        &mut self,
        delta: &ArrayView2<'_, F>,
        x: CsrView<'_, F>,
    ) {
        let cols = x.cols();
        if self.slots.len() != cols || self.sums.capacity() < cols * OUT {
            // Reserving every column's sums allocates address space; only
            // the pages a batch writes take memory. The loop that fills
            // `touched` writes one entry past the columns it counts.
            self.sums = Vec::with_capacity(cols * OUT);
            self.touched = Vec::with_capacity(cols + 1);
            self.slots = vec![super::simd::UNTOUCHED; cols];
        }
        self.sums.clear();
        self.touched.clear();
        let delta: std::borrow::Cow<'_, [F]> = match delta.to_slice() {
            Some(delta) => delta.into(),
            None => delta.iter().copied().collect::<Vec<F>>().into(),
        };
        super::simd::sparse_accumulate::<F, OUT>(
            x,
            &delta,
            &mut self.sums,
            &mut self.slots,
            &mut self.touched,
        );
    }

    /// Applies `W[:, c] −= learning_rate · sum` to `weights` (column-major,
    /// `OUT` values per column) for each column summed by the last
    /// [`Self::accumulate`], then clears them. Returns whether every
    /// updated value is finite.
    pub(crate) fn descend<const OUT: usize>(
        &mut self,
        weights: &mut [F],
        learning_rate: F,
    ) -> bool {
        let check = super::simd::sparse_descend::<F, OUT>(
            &self.touched,
            &self.sums,
            &mut self.slots,
            learning_rate,
            weights,
        );
        self.touched.clear();
        check == F::zero()
    }

    /// Calls `apply` with each column summed by the last
    /// [`Self::accumulate`] and its sum, then clears them.
    pub(crate) fn drain<const OUT: usize>(&mut self, mut apply: impl FnMut(usize, &[F; OUT])) {
        for (position, &column) in self.touched.iter().enumerate() {
            let index = column as usize;
            self.slots[index] = super::simd::UNTOUCHED;
            let sum: &[F; OUT] = self.sums[position * OUT..(position + 1) * OUT]
                .try_into()
                .expect("a column has OUT entries");
            apply(index, sum);
        }
        self.touched.clear();
    }
}
