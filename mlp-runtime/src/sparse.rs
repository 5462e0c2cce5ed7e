//! Compressed sparse row (CSR) matrices and zero-copy views of their rows.

use std::ops::Range;

use ndarray::Array2;

use crate::float::Float;

/// Why a set of CSR arrays does not describe a matrix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsrError {
    /// `indptr` must hold one offset per row plus one, starting at 0.
    #[error("invalid row pointer: {0}")]
    InvalidIndptr(String),
    /// Every stored entry needs one column index and one value.
    #[error("{indices} column indices but {values} values")]
    LengthMismatch {
        /// Number of column indices.
        indices: usize,
        /// Number of values.
        values: usize,
    },
    /// A column index must be below the column count.
    #[error("column {column} in row {row} is out of range for {cols} columns")]
    ColumnOutOfRange {
        /// Row of the entry.
        row: usize,
        /// The column index found.
        column: usize,
        /// Number of columns of the matrix.
        cols: usize,
    },
    /// Column indices of a row must be strictly increasing.
    #[error("columns of row {row} are not strictly increasing at column {column}")]
    UnsortedRow {
        /// Row of the entry.
        row: usize,
        /// The column index out of order.
        column: usize,
    },
    /// Column indices are stored as `u32`.
    #[error("{cols} columns do not fit in a u32 column index")]
    TooManyColumns {
        /// Number of columns requested.
        cols: usize,
    },
}

/// A sparse matrix in compressed sparse row format.
///
/// Row `r` stores its entries at positions `indptr[r]..indptr[r + 1]` of
/// `indices` (column numbers, strictly increasing) and `values`. Bag-of-words
/// documents are about 1% non-zero, so the lab's first layer does about a
/// hundredth of the dense work on this format.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr<F> {
    cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<F>,
}

/// A borrowed block of consecutive rows of a [`Csr`] matrix.
///
/// A view keeps the parent's `indices` and `values` whole and narrows only
/// the row pointer, so taking a minibatch copies nothing.
#[derive(Debug, Clone, Copy)]
pub struct CsrView<'a, F> {
    cols: usize,
    indptr: &'a [usize],
    indices: &'a [u32],
    values: &'a [F],
}

/// Builds a [`Csr`] matrix one row at a time.
///
/// ```
/// use mlp_runtime::sparse::CsrBuilder;
///
/// let mut builder = CsrBuilder::new(4);
/// builder.push_row([(0, 1.0), (3, 2.0)])?;
/// builder.push_row(Vec::new())?; // a row of zeros
/// assert!(builder.push_row([(2, 1.0), (1, 1.0)]).is_err()); // columns must increase
///
/// let x = builder.finish();
/// assert_eq!(x.shape(), (2, 4));
/// assert_eq!(x.nnz(), 2);
/// assert_eq!(x.to_dense(), ndarray::array![[1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0]]);
/// # Ok::<(), mlp_runtime::sparse::CsrError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrBuilder<F> {
    matrix: Csr<F>,
}

impl<F: Copy> Csr<F> {
    /// Creates a matrix from its three CSR arrays, checking every invariant.
    ///
    /// # Errors
    ///
    /// Returns a [`CsrError`] when `indptr` does not start at 0, decreases or
    /// does not end at the number of values, when the lengths of `indices`
    /// and `values` differ, or when a row's columns are out of range or not
    /// strictly increasing.
    pub fn new(
        cols: usize,
        indptr: Vec<usize>,
        indices: Vec<u32>,
        values: Vec<F>,
    ) -> Result<Self, CsrError> {
        if u32::try_from(cols).is_err() {
            return Err(CsrError::TooManyColumns { cols });
        }
        if indices.len() != values.len() {
            return Err(CsrError::LengthMismatch {
                indices: indices.len(),
                values: values.len(),
            });
        }
        match (indptr.first(), indptr.last()) {
            (Some(0), Some(&end)) if end == values.len() => {}
            _ => {
                return Err(CsrError::InvalidIndptr(format!(
                    "expected offsets from 0 to {}, got {} offsets",
                    values.len(),
                    indptr.len()
                )));
            }
        }
        for (row, pair) in indptr.windows(2).enumerate() {
            if pair[1] < pair[0] {
                return Err(CsrError::InvalidIndptr(format!(
                    "offset of row {} is below that of row {row}",
                    row + 1
                )));
            }
            check_row(row, &indices[pair[0]..pair[1]], cols)?;
        }
        Ok(Csr {
            cols,
            indptr,
            indices,
            values,
        })
    }

    /// Creates an empty matrix with `cols` columns and no rows.
    ///
    /// # Panics
    ///
    /// Panics when `cols` does not fit in a `u32`.
    pub fn empty(cols: usize) -> Self {
        assert!(
            u32::try_from(cols).is_ok(),
            "{cols} columns do not fit in u32"
        );
        Csr {
            cols,
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Returns the number of rows.
    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Returns the number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Returns `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows(), self.cols)
    }

    /// Returns the number of stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Returns a view of the whole matrix.
    pub fn view(&self) -> CsrView<'_, F> {
        CsrView {
            cols: self.cols,
            indptr: &self.indptr,
            indices: &self.indices,
            values: &self.values,
        }
    }

    /// Returns a view of rows `range` without copying.
    ///
    /// # Panics
    ///
    /// Panics when the range ends past the last row.
    pub fn slice_rows(&self, range: Range<usize>) -> CsrView<'_, F> {
        self.view().slice_rows(range)
    }

    /// Returns the column indices and values of row `row`.
    ///
    /// # Panics
    ///
    /// Panics when `row` is out of range.
    pub fn row(&self, row: usize) -> (&[u32], &[F]) {
        self.view().row(row)
    }

    /// Returns the row pointer: `rows + 1` offsets into the entries.
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// Returns the column index of every stored entry.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// Returns the value of every stored entry.
    pub fn values(&self) -> &[F] {
        &self.values
    }

    /// Returns a copy with every value converted by `convert`.
    pub fn map<G>(&self, convert: impl Fn(F) -> G) -> Csr<G> {
        Csr {
            cols: self.cols,
            indptr: self.indptr.clone(),
            indices: self.indices.clone(),
            values: self.values.iter().map(|&v| convert(v)).collect(),
        }
    }

    /// Returns a new matrix holding the rows `order` in that order.
    ///
    /// # Panics
    ///
    /// Panics when an entry of `order` is out of range.
    pub fn select_rows(&self, order: &[usize]) -> Csr<F> {
        let mut builder = CsrBuilder::new(self.cols);
        for &row in order {
            let (indices, values) = self.row(row);
            builder.matrix.indices.extend_from_slice(indices);
            builder.matrix.values.extend_from_slice(values);
            builder.matrix.indptr.push(builder.matrix.values.len());
        }
        builder.finish()
    }
}

impl<F: Float> Csr<F> {
    /// Returns the matrix as a dense `ndarray` matrix.
    pub fn to_dense(&self) -> Array2<F> {
        self.view().to_dense()
    }
}

impl<'a, F: Copy> CsrView<'a, F> {
    /// Returns the number of rows.
    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Returns the number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Returns `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows(), self.cols)
    }

    /// Returns the number of stored entries in these rows.
    pub fn nnz(&self) -> usize {
        self.indptr[self.rows()] - self.indptr[0]
    }

    /// Returns a view of rows `range` of this view without copying.
    ///
    /// # Panics
    ///
    /// Panics when the range ends past the last row or starts after its end.
    pub fn slice_rows(&self, range: Range<usize>) -> CsrView<'a, F> {
        assert!(
            range.start <= range.end && range.end <= self.rows(),
            "rows {range:?} out of range for {} rows",
            self.rows()
        );
        CsrView {
            cols: self.cols,
            indptr: &self.indptr[range.start..=range.end],
            indices: self.indices,
            values: self.values,
        }
    }

    /// Returns the column indices and values of row `row` of this view.
    ///
    /// # Panics
    ///
    /// Panics when `row` is out of range.
    #[inline]
    pub fn row(&self, row: usize) -> (&'a [u32], &'a [F]) {
        let span = self.indptr[row]..self.indptr[row + 1];
        (&self.indices[span.clone()], &self.values[span])
    }

    /// Iterates over the rows as `(indices, values)` pairs.
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = (&'a [u32], &'a [F])> + '_ {
        (0..self.rows()).map(|row| self.row(row))
    }

    /// Returns a copy of these rows as an owned matrix.
    pub fn to_owned(&self) -> Csr<F> {
        let start = self.indptr[0];
        let end = self.indptr[self.rows()];
        Csr {
            cols: self.cols,
            indptr: self.indptr.iter().map(|&offset| offset - start).collect(),
            indices: self.indices[start..end].to_vec(),
            values: self.values[start..end].to_vec(),
        }
    }
}

impl<F: Float> CsrView<'_, F> {
    /// Returns these rows as a dense `ndarray` matrix.
    pub fn to_dense(&self) -> Array2<F> {
        let mut dense = Array2::zeros(self.shape());
        for (row, (indices, values)) in self.iter_rows().enumerate() {
            for (&column, &value) in indices.iter().zip(values) {
                dense[[row, column as usize]] = value;
            }
        }
        dense
    }
}

impl<F: Copy> CsrBuilder<F> {
    /// Starts an empty matrix with `cols` columns.
    ///
    /// # Panics
    ///
    /// Panics when `cols` does not fit in a `u32`.
    pub fn new(cols: usize) -> Self {
        CsrBuilder {
            matrix: Csr::empty(cols),
        }
    }

    /// Appends a row given as `(column, value)` pairs in strictly increasing
    /// column order.
    ///
    /// # Errors
    ///
    /// Returns an error, and leaves the matrix unchanged, when a column is out
    /// of range or the columns are not strictly increasing.
    pub fn push_row(
        &mut self,
        entries: impl IntoIterator<Item = (u32, F)>,
    ) -> Result<(), CsrError> {
        let start = self.matrix.values.len();
        for (column, value) in entries {
            self.matrix.indices.push(column);
            self.matrix.values.push(value);
        }
        let row = self.matrix.rows();
        if let Err(error) = check_row(row, &self.matrix.indices[start..], self.matrix.cols) {
            self.matrix.indices.truncate(start);
            self.matrix.values.truncate(start);
            return Err(error);
        }
        self.matrix.indptr.push(self.matrix.values.len());
        Ok(())
    }

    /// Returns the finished matrix.
    pub fn finish(self) -> Csr<F> {
        self.matrix
    }
}

fn check_row(row: usize, indices: &[u32], cols: usize) -> Result<(), CsrError> {
    for (position, &column) in indices.iter().enumerate() {
        if column as usize >= cols {
            return Err(CsrError::ColumnOutOfRange {
                row,
                column: column as usize,
                cols,
            });
        }
        if position > 0 && indices[position - 1] >= column {
            return Err(CsrError::UnsortedRow {
                row,
                column: column as usize,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Csr<f64> {
        // [[1, 0, 2],
        //  [0, 0, 0],
        //  [0, 3, 0]]
        Csr::new(3, vec![0, 2, 2, 3], vec![0, 2, 1], vec![1.0, 2.0, 3.0]).unwrap()
    }

    #[test]
    fn dense_conversion() {
        let dense = sample().to_dense();
        assert_eq!(
            dense,
            ndarray::array![[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]
        );
    }

    #[test]
    fn row_slices_share_storage() {
        let matrix = sample();
        let view = matrix.slice_rows(1..3);
        assert_eq!(view.shape(), (2, 3));
        assert_eq!(view.nnz(), 1);
        assert_eq!(view.row(1), (&[1u32][..], &[3.0][..]));
        assert!(std::ptr::eq(view.values.as_ptr(), matrix.values().as_ptr()));
        assert_eq!(
            view.to_dense(),
            ndarray::array![[0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]
        );
        assert_eq!(view.to_owned().to_dense(), view.to_dense());
    }

    #[test]
    fn empty_slice() {
        let matrix = sample();
        let view = matrix.slice_rows(3..3);
        assert_eq!(view.rows(), 0);
        assert_eq!(view.nnz(), 0);
    }

    #[test]
    fn invalid_arrays_are_rejected() {
        assert!(matches!(
            Csr::new(3, vec![0, 1], vec![3], vec![1.0]),
            Err(CsrError::ColumnOutOfRange { column: 3, .. })
        ));
        assert!(matches!(
            Csr::new(3, vec![0, 2], vec![2, 1], vec![1.0, 1.0]),
            Err(CsrError::UnsortedRow { row: 0, column: 1 })
        ));
        assert!(matches!(
            Csr::new(3, vec![0, 2], vec![1], vec![1.0, 1.0]),
            Err(CsrError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Csr::<f64>::new(3, vec![1, 0], vec![], vec![]),
            Err(CsrError::InvalidIndptr(_))
        ));
        assert!(matches!(
            Csr::new(3, vec![0, 2, 1, 2], vec![0, 1], vec![1.0, 1.0]),
            Err(CsrError::InvalidIndptr(_))
        ));
    }

    #[test]
    fn builder_rolls_back_bad_rows() {
        let mut builder = CsrBuilder::new(4);
        builder.push_row([(0, 1.0), (3, 2.0)]).unwrap();
        assert!(builder.push_row([(2, 1.0), (2, 1.0)]).is_err());
        builder.push_row([]).unwrap();
        let matrix = builder.finish();
        assert_eq!(matrix.shape(), (2, 4));
        assert_eq!(matrix.indptr(), &[0, 2, 2]);
    }

    #[test]
    fn select_rows_reorders() {
        let selected = sample().select_rows(&[2, 0]);
        assert_eq!(
            selected.to_dense(),
            ndarray::array![[0.0, 3.0, 0.0], [1.0, 0.0, 2.0]]
        );
    }
}
