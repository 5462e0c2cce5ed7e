//! The gradient of a layer's weight, dense or on the input columns that a
//! sparse batch stores.

use std::sync::OnceLock;

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMutD};

use crate::float::Float;
use crate::sparse::CsrView;

/// The gradient of a weight (outputs × inputs).
#[derive(Debug, Clone)]
pub enum WeightGradient<F> {
    /// Every entry.
    Dense(Array2<F>),
    /// The columns of the inputs a sparse batch stores, the others being 0.
    Columns(ColumnGradient<F>),
}

impl<F: Float> WeightGradient<F> {
    /// Returns the shape, outputs × inputs.
    pub fn dim(&self) -> (usize, usize) {
        match self {
            WeightGradient::Dense(gradient) => gradient.dim(),
            WeightGradient::Columns(gradient) => gradient.dim(),
        }
    }

    /// Returns the gradient as a dense matrix. A column gradient makes it
    /// on the first call, which allocates, and keeps it.
    pub fn dense(&self) -> ArrayView2<'_, F> {
        match self {
            WeightGradient::Dense(gradient) => gradient.view(),
            WeightGradient::Columns(gradient) => gradient.dense(),
        }
    }

    /// Applies `weight −= learning_rate · gradient`, touching only the
    /// stored columns of a column gradient, and returns whether every
    /// updated value is finite.
    ///
    /// # Panics
    ///
    /// Panics when the shapes differ.
    pub fn descend(&self, weight: ArrayViewMutD<'_, F>, learning_rate: F) -> bool {
        match self {
            WeightGradient::Dense(gradient) => {
                super::sgd_update(weight, gradient.view().into_dyn(), learning_rate)
            }
            WeightGradient::Columns(gradient) => gradient.descend(weight, learning_rate),
        }
    }
}

impl<F: Float> PartialEq for WeightGradient<F> {
    /// Compares the values, whatever the representation.
    fn eq(&self, other: &Self) -> bool {
        self.dense() == other.dense()
    }
}

/// A weight gradient that is 0 outside a set of input columns: what a
/// sparse batch gives the first layer.
///
/// Plain SGD then updates only those columns, where a dense gradient would
/// zero, fill and apply all `outputs × inputs` entries on every step.
#[derive(Debug, Clone)]
pub struct ColumnGradient<F> {
    outputs: usize,
    inputs: usize,
    /// The stored input columns, in the order the batch first stores them.
    columns: Vec<u32>,
    /// `outputs` values per stored column, in the order of `columns`.
    values: Vec<F>,
    /// The dense form, made when first asked for.
    dense: OnceLock<Array2<F>>,
}

impl<F: Float> ColumnGradient<F> {
    /// Computes `deltaᵀ·x` for a sparse batch `x` (rows × inputs) and the
    /// delta of the layer's outputs (rows × outputs).
    ///
    /// Each column sums `x[r, c] · delta[r, :]` over the rows that store it,
    /// in order from 0, rounding the product and the sum separately, as
    /// [`crate::ops::weight_gradient`] does: the two give the same bits.
    ///
    /// # Panics
    ///
    /// Panics when `delta` has another number of rows than `x`.
    pub fn from_sparse(delta: ArrayView2<'_, F>, x: CsrView<'_, F>) -> Self {
        assert_eq!(delta.nrows(), x.rows(), "delta rows differ from the batch");
        let outputs = delta.ncols();
        // The slot of each input column in `columns`, for the stored ones.
        let mut slots = vec![u32::MAX; x.cols()];
        let mut columns: Vec<u32> = Vec::new();
        let mut values: Vec<F> = Vec::new();
        let mut delta_row = vec![F::zero(); outputs];
        for row in 0..x.rows() {
            for (d, &v) in delta_row.iter_mut().zip(delta.row(row).iter()) {
                *d = v;
            }
            let (indices, entries) = x.row(row);
            for (&column, &value) in indices.iter().zip(entries) {
                let slot = &mut slots[column as usize];
                if *slot == u32::MAX {
                    *slot = columns.len() as u32;
                    columns.push(column);
                    values.resize(values.len() + outputs, F::zero());
                }
                let start = *slot as usize * outputs;
                for (s, &d) in values[start..start + outputs].iter_mut().zip(&delta_row) {
                    *s += value * d;
                }
            }
        }
        ColumnGradient {
            outputs,
            inputs: x.cols(),
            columns,
            values,
            dense: OnceLock::new(),
        }
    }

    /// Returns the shape, outputs × inputs.
    pub fn dim(&self) -> (usize, usize) {
        (self.outputs, self.inputs)
    }

    /// Returns the stored input columns, in the order the batch first
    /// stores them.
    pub fn columns(&self) -> &[u32] {
        &self.columns
    }

    /// Returns the gradient of stored column `index` (the column
    /// `columns()[index]` of the weight).
    ///
    /// # Panics
    ///
    /// Panics when `index` is not below the number of stored columns.
    pub fn column(&self, index: usize) -> ArrayView1<'_, F> {
        ArrayView1::from(&self.values[index * self.outputs..(index + 1) * self.outputs])
    }

    /// Returns the gradient as a dense matrix, made on the first call.
    pub fn dense(&self) -> ArrayView2<'_, F> {
        self.dense
            .get_or_init(|| {
                let mut dense = Array2::zeros((self.outputs, self.inputs));
                for (index, &column) in self.columns.iter().enumerate() {
                    dense
                        .column_mut(column as usize)
                        .assign(&self.column(index));
                }
                dense
            })
            .view()
    }

    /// Applies `weight −= learning_rate · gradient` to the stored columns,
    /// as [`super::sgd_update`] does, and returns whether every updated
    /// value is finite.
    ///
    /// # Panics
    ///
    /// Panics when `weight` is not outputs × inputs.
    pub fn descend(&self, weight: ArrayViewMutD<'_, F>, learning_rate: F) -> bool {
        let mut weight = weight
            .into_dimensionality::<ndarray::Ix2>()
            .expect("a weight is a matrix");
        assert_eq!(weight.dim(), self.dim(), "gradient of another weight");
        let mut check = F::zero();
        if let Some(weights) = weight.view_mut().reversed_axes().into_slice() {
            // Column-major: column c is one slice.
            for (index, &column) in self.columns.iter().enumerate() {
                let start = column as usize * self.outputs;
                let gradient = &self.values[index * self.outputs..(index + 1) * self.outputs];
                for (w, &g) in weights[start..start + self.outputs]
                    .iter_mut()
                    .zip(gradient)
                {
                    *w -= learning_rate * g;
                    check += *w * F::zero();
                }
            }
            return check == F::zero();
        }
        for (index, &column) in self.columns.iter().enumerate() {
            let gradient = self.column(index);
            for (w, &g) in weight
                .column_mut(column as usize)
                .iter_mut()
                .zip(gradient.iter())
            {
                *w -= learning_rate * g;
                check += *w * F::zero();
            }
        }
        check == F::zero()
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;
    use crate::batch::Inputs;
    use crate::sparse::Csr;

    fn sample() -> (Csr<f64>, Array2<f64>) {
        // Rows store columns {0, 3}, {} and {3, 4} of 6.
        let x = Csr::new(
            6,
            vec![0, 2, 2, 4],
            vec![0, 3, 3, 4],
            vec![0.5, 1.5, -2.0, 0.25],
        )
        .unwrap();
        let delta = array![[0.1, -0.2], [0.3, 0.4], [-0.7, 0.05]];
        (x, delta)
    }

    #[test]
    fn column_gradient_matches_ops() {
        let (x, delta) = sample();
        let gradient = ColumnGradient::from_sparse(delta.view(), x.view());
        let mut expected = Array2::zeros((2, 6));
        crate::ops::weight_gradient(delta.view(), Inputs::Sparse(x.view()), expected.view_mut());
        assert_eq!(gradient.columns(), &[0, 3, 4]);
        assert_eq!(
            gradient.column(1),
            array![0.1 * 1.5 - 2.0 * -0.7, -0.2 * 1.5 - 2.0 * 0.05]
        );
        assert_eq!(gradient.dim(), (2, 6));
        assert_eq!(gradient.dense(), expected);
    }

    #[test]
    fn column_descent_matches_dense() {
        let (x, delta) = sample();
        let columns = WeightGradient::Columns(ColumnGradient::from_sparse(delta.view(), x.view()));
        let dense = WeightGradient::Dense(columns.dense().to_owned());
        assert_eq!(columns, dense);

        let start = Array2::from_shape_fn((2, 6), |(r, c)| (r * 6 + c) as f64 * 0.1 - 0.3);
        let mut from_columns = start.clone();
        let mut from_dense = start.clone();
        assert!(columns.descend(from_columns.view_mut().into_dyn(), 0.05));
        assert!(dense.descend(from_dense.view_mut().into_dyn(), 0.05));
        assert_eq!(from_columns, from_dense);
        assert_eq!(from_columns.column(1), start.column(1), "untouched");
    }

    #[test]
    fn column_descent_reports_non_finite() {
        let (x, delta) = sample();
        let gradient = ColumnGradient::from_sparse(delta.view(), x.view());
        let mut weight = Array2::from_elem((2, 6), f64::MAX);
        assert!(!gradient.descend(weight.view_mut().into_dyn(), -1e308));
    }
}
