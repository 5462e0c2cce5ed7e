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
/// Its buffers grow to the width of the input on first use and are reused
/// after that.
pub struct SparseGradient<F> {
    /// `OUT` sums per input column, column after column; only the columns
    /// in `touched` hold a current sum.
    sums: Vec<F>,
    /// The columns of the current batch, in the order first met.
    touched: Vec<u32>,
    /// Whether each input column is in `touched`.
    marked: Vec<bool>,
}

impl<F> Default for SparseGradient<F> {
    fn default() -> Self {
        SparseGradient {
            sums: Vec::new(),
            touched: Vec::new(),
            marked: Vec::new(),
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
        if self.marked.len() != cols || self.sums.len() != cols * OUT {
            self.sums.clear();
            self.sums.resize(cols * OUT, F::zero());
            self.marked.clear();
            self.marked.resize(cols, false);
            self.touched.clear();
            self.touched.reserve_exact(cols);
        }
        if let Some(delta) = delta.to_slice() {
            super::simd::sparse_accumulate::<F, OUT>(
                x,
                delta,
                &mut self.sums,
                &mut self.marked,
                &mut self.touched,
            );
            return;
        }
        for row in 0..x.rows() {
            let mut delta_row = [F::zero(); OUT];
            for (d, &v) in delta_row.iter_mut().zip(delta.row(row).iter()) {
                *d = v;
            }
            let (indices, values) = x.row(row);
            for (&column, &value) in indices.iter().zip(values) {
                let index = column as usize;
                let sum: &mut [F; OUT] = (&mut self.sums[index * OUT..(index + 1) * OUT])
                    .try_into()
                    .expect("a column has OUT entries");
                if !self.marked[index] {
                    self.marked[index] = true;
                    self.touched.push(column);
                    *sum = [F::zero(); OUT];
                }
                for (s, &d) in sum.iter_mut().zip(&delta_row) {
                    *s = value.mul_add(d, *s);
                }
            }
        }
    }

    /// Calls `apply` with each column summed since the last call and its
    /// sum, then forgets them.
    pub(crate) fn drain<const OUT: usize>(&mut self, mut apply: impl FnMut(usize, &[F; OUT])) {
        for &column in &self.touched {
            let index = column as usize;
            self.marked[index] = false;
            let sum: &[F; OUT] = self.sums[index * OUT..(index + 1) * OUT]
                .try_into()
                .expect("a column has OUT entries");
            apply(index, sum);
        }
        self.touched.clear();
    }
}
