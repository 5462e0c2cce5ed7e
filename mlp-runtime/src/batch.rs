//! Datasets, network inputs and minibatches.
//!
//! A minibatch is a view of consecutive rows of a dataset: neither the dense
//! nor the sparse form copies anything to take one.

use std::ops::Range;

use ndarray::{Array2, ArrayView2, s};

use crate::float::Float;
use crate::rng::MersenneTwister;
use crate::sparse::{Csr, CsrView};

/// A borrowed batch of examples, one example per row: the input of every
/// network.
#[derive(Debug, Clone, Copy)]
pub enum Inputs<'a, F> {
    /// A dense matrix of examples.
    Dense(ArrayView2<'a, F>),
    /// A sparse (CSR) matrix of examples.
    Sparse(CsrView<'a, F>),
}

impl<'a, F: Float> Inputs<'a, F> {
    /// Returns the number of examples.
    pub fn rows(&self) -> usize {
        match self {
            Inputs::Dense(x) => x.nrows(),
            Inputs::Sparse(x) => x.rows(),
        }
    }

    /// Returns the number of features of each example.
    pub fn cols(&self) -> usize {
        match self {
            Inputs::Dense(x) => x.ncols(),
            Inputs::Sparse(x) => x.cols(),
        }
    }

    /// Returns rows `range` without copying.
    ///
    /// # Panics
    ///
    /// Panics when the range ends past the last row.
    pub fn slice_rows(&self, range: Range<usize>) -> Inputs<'a, F> {
        match self {
            Inputs::Dense(x) => Inputs::Dense(x.slice_move(s![range, ..])),
            Inputs::Sparse(x) => Inputs::Sparse(x.slice_rows(range)),
        }
    }

    /// Returns the same inputs under a shorter lifetime.
    pub fn reborrow<'b>(self) -> Inputs<'b, F>
    where
        'a: 'b,
    {
        match self {
            Inputs::Dense(x) => Inputs::Dense(x.reborrow()),
            Inputs::Sparse(x) => Inputs::Sparse(x),
        }
    }

    /// Returns a dense copy of these rows.
    pub fn to_dense(&self) -> Array2<F> {
        match self {
            Inputs::Dense(x) => x.to_owned(),
            Inputs::Sparse(x) => x.to_dense(),
        }
    }
}

impl<'a, F> From<ArrayView2<'a, F>> for Inputs<'a, F> {
    fn from(x: ArrayView2<'a, F>) -> Self {
        Inputs::Dense(x)
    }
}

impl<'a, F> From<&'a Array2<F>> for Inputs<'a, F> {
    fn from(x: &'a Array2<F>) -> Self {
        Inputs::Dense(x.view())
    }
}

impl<'a, F> From<CsrView<'a, F>> for Inputs<'a, F> {
    fn from(x: CsrView<'a, F>) -> Self {
        Inputs::Sparse(x)
    }
}

impl<'a, F: Copy> From<&'a Csr<F>> for Inputs<'a, F> {
    fn from(x: &'a Csr<F>) -> Self {
        Inputs::Sparse(x.view())
    }
}

/// An owned matrix of examples, one per row, dense or sparse.
#[derive(Debug, Clone, PartialEq)]
pub enum Matrix<F> {
    /// A dense matrix.
    Dense(Array2<F>),
    /// A sparse (CSR) matrix.
    Sparse(Csr<F>),
}

impl<F: Float> Matrix<F> {
    /// Borrows the matrix as network inputs.
    pub fn inputs(&self) -> Inputs<'_, F> {
        match self {
            Matrix::Dense(x) => Inputs::Dense(x.view()),
            Matrix::Sparse(x) => Inputs::Sparse(x.view()),
        }
    }

    /// Returns the number of rows.
    pub fn rows(&self) -> usize {
        self.inputs().rows()
    }

    /// Returns the number of columns.
    pub fn cols(&self) -> usize {
        self.inputs().cols()
    }

    /// Returns a new matrix holding the rows `order` in that order.
    ///
    /// # Panics
    ///
    /// Panics when an entry of `order` is out of range.
    pub fn select_rows(&self, order: &[usize]) -> Matrix<F> {
        match self {
            Matrix::Dense(x) => Matrix::Dense(x.select(ndarray::Axis(0), order)),
            Matrix::Sparse(x) => Matrix::Sparse(x.select_rows(order)),
        }
    }
}

/// Examples and their class labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset<F> {
    /// One example per row.
    pub x: Matrix<F>,
    /// The class of each row of `x`, from 0.
    pub y: Vec<usize>,
}

impl<F: Float> Dataset<F> {
    /// Creates a dataset, checking that there is one label per example.
    ///
    /// # Panics
    ///
    /// Panics when `x` and `y` have different numbers of rows.
    pub fn new(x: Matrix<F>, y: Vec<usize>) -> Self {
        assert_eq!(x.rows(), y.len(), "one label per example");
        Dataset { x, y }
    }

    /// Returns the number of examples.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Returns `true` when the dataset has no examples.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Returns the number of features per example.
    pub fn width(&self) -> usize {
        self.x.cols()
    }

    /// Borrows the whole dataset as one batch.
    pub fn batch(&self) -> Batch<'_, F> {
        Batch {
            index: 0,
            x: self.x.inputs(),
            y: &self.y,
        }
    }

    /// Returns minibatch `index` of `batch_size` consecutive examples, as the
    /// lab's `get_tr_batch` does. Batches past the end are empty.
    ///
    /// ```
    /// use mlp_runtime::{Dataset, Matrix};
    ///
    /// let x = ndarray::Array2::<f64>::zeros((7, 3));
    /// let data = Dataset::new(Matrix::Dense(x), vec![0, 1, 0, 1, 0, 1, 0]);
    ///
    /// let batch = data.minibatch(1, 3); // examples 3, 4 and 5
    /// assert_eq!(batch.y, [1, 0, 1]);
    /// assert_eq!(batch.x.rows(), 3);
    /// assert_eq!(data.minibatch(2, 3).len(), 1); // the last batch is partial
    /// assert!(data.minibatch(3, 3).is_empty());
    /// assert_eq!(data.minibatches(3).len(), 3);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics when `batch_size` is 0.
    pub fn minibatch(&self, index: usize, batch_size: usize) -> Batch<'_, F> {
        assert!(batch_size > 0, "batch size must be positive");
        let start = index.saturating_mul(batch_size).min(self.len());
        let end = start.saturating_add(batch_size).min(self.len());
        Batch {
            index,
            x: self.x.inputs().slice_rows(start..end),
            y: &self.y[start..end],
        }
    }

    /// Iterates over the minibatches of an epoch in order, the last one
    /// partial when `batch_size` does not divide the length.
    ///
    /// # Panics
    ///
    /// Panics when `batch_size` is 0.
    pub fn minibatches(&self, batch_size: usize) -> Minibatches<'_, F> {
        assert!(batch_size > 0, "batch size must be positive");
        Minibatches {
            dataset: self,
            batch_size,
            next: 0,
            count: self.len().div_ceil(batch_size),
        }
    }

    /// Returns the dataset with its rows in the order of `order`.
    ///
    /// # Panics
    ///
    /// Panics when an entry of `order` is out of range.
    pub fn select(&self, order: &[usize]) -> Dataset<F> {
        Dataset {
            x: self.x.select_rows(order),
            y: order.iter().map(|&row| self.y[row]).collect(),
        }
    }

    /// Returns a copy with a dense `x`.
    pub fn to_dense(&self) -> Dataset<F> {
        Dataset {
            x: Matrix::Dense(self.x.inputs().to_dense()),
            y: self.y.clone(),
        }
    }

    /// Returns the dataset converted to another float type.
    pub fn cast<G: Float>(&self) -> Dataset<G> {
        let x = match &self.x {
            Matrix::Dense(x) => Matrix::Dense(x.mapv(|v| G::from_f64(v.as_f64()))),
            Matrix::Sparse(x) => Matrix::Sparse(x.map(|v| G::from_f64(v.as_f64()))),
        };
        Dataset {
            x,
            y: self.y.clone(),
        }
    }
}

/// A minibatch: consecutive examples and their labels, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a, F> {
    /// Position of the batch in its epoch, from 0.
    pub index: usize,
    /// The examples, one per row.
    pub x: Inputs<'a, F>,
    /// The class of each example.
    pub y: &'a [usize],
}

impl<F: Float> Batch<'_, F> {
    /// Returns the number of examples in the batch.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Returns `true` when the batch has no examples.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// The minibatches of one epoch, in order; see [`Dataset::minibatches`].
#[derive(Debug, Clone)]
pub struct Minibatches<'a, F> {
    dataset: &'a Dataset<F>,
    batch_size: usize,
    next: usize,
    count: usize,
}

impl<'a, F: Float> Iterator for Minibatches<'a, F> {
    type Item = Batch<'a, F>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next == self.count {
            return None;
        }
        let batch = self.dataset.minibatch(self.next, self.batch_size);
        self.next += 1;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.next;
        (left, Some(left))
    }
}

impl<F: Float> ExactSizeIterator for Minibatches<'_, F> {}

/// Returns a random permutation of `0..len` drawn from `rng` by the
/// Fisher-Yates shuffle.
pub fn permutation(len: usize, rng: &mut MersenneTwister) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    for last in (1..len).rev() {
        let pick = rng.below(last as u64 + 1) as usize;
        order.swap(last, pick);
    }
    order
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn dense() -> Dataset<f64> {
        let x = array![[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]];
        Dataset::new(Matrix::Dense(x), vec![0, 1, 0, 1, 1])
    }

    #[test]
    fn minibatches_keep_partial_last() {
        let data = dense();
        let sizes: Vec<usize> = data.minibatches(2).map(|batch| batch.len()).collect();
        assert_eq!(sizes, vec![2, 2, 1]);
        let sizes: Vec<usize> = data.minibatches(5).map(|batch| batch.len()).collect();
        assert_eq!(sizes, vec![5]);
    }

    #[test]
    fn minibatch_is_a_view() {
        let data = dense();
        let batch = data.minibatch(1, 2);
        let Inputs::Dense(view) = batch.x else {
            panic!("dense data gives dense batches");
        };
        let Matrix::Dense(x) = &data.x else {
            unreachable!()
        };
        assert_eq!(view, array![[4.0, 5.0], [6.0, 7.0]]);
        assert!(std::ptr::eq(view.as_ptr(), &x[[2, 0]]));
        assert_eq!(batch.y, &[0, 1]);
    }

    #[test]
    fn minibatch_past_end_is_empty() {
        let data = dense();
        let batch = data.minibatch(7, 2);
        assert!(batch.is_empty());
        assert_eq!(batch.x.rows(), 0);
        assert_eq!(batch.x.cols(), 2);
    }

    #[test]
    fn sparse_minibatch_matches_dense() {
        let data = dense();
        let Matrix::Dense(x) = &data.x else {
            unreachable!()
        };
        let mut builder = crate::sparse::CsrBuilder::new(2);
        for row in x.rows() {
            let entries = row
                .iter()
                .enumerate()
                .filter(|(_, v)| **v != 0.0)
                .map(|(c, v)| (c as u32, *v))
                .collect::<Vec<_>>();
            builder.push_row(entries).unwrap();
        }
        let sparse = Dataset::new(Matrix::Sparse(builder.finish()), data.y.clone());
        for (a, b) in data.minibatches(2).zip(sparse.minibatches(2)) {
            assert_eq!(a.x.to_dense(), b.x.to_dense());
            assert_eq!(a.y, b.y);
        }
    }

    #[test]
    fn permutation_is_reproducible() {
        let first = permutation(100, &mut MersenneTwister::new(7));
        let second = permutation(100, &mut MersenneTwister::new(7));
        assert_eq!(first, second);
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_ne!(first, (0..100).collect::<Vec<_>>());
    }
}
