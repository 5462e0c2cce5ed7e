//! The gradient of a layer's weight, dense or on the input columns that a
//! sparse batch stores.

use std::cell::RefCell;
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
        // At most one slot per stored entry and per input column.
        let bound = x.nnz().min(x.cols());
        let mut columns: Vec<u32> = Vec::with_capacity(bound);
        let mut values: Vec<F> = Vec::with_capacity(bound * outputs);
        SLOTS.with_borrow_mut(|slots| {
            let stamp = slots.start(x.cols());
            scatter_columns(
                delta,
                x,
                &mut slots.entries,
                stamp,
                &mut columns,
                &mut values,
            );
        });
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
        if let Some(weights) = weight.view_mut().reversed_axes().into_slice() {
            // Column-major: column c is one slice.
            return descend_columns(
                weights,
                &self.columns,
                &self.values,
                self.outputs,
                learning_rate,
            );
        }
        let mut check = F::zero();
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

/// For each input column, the slot in `ColumnGradient::columns` that the
/// current [`ColumnGradient::from_sparse`] call gave it. An entry belongs
/// to the current call only when it carries the call's stamp, so a call
/// never clears the table and costs time in its own stored entries only.
#[derive(Default)]
struct SlotTable {
    /// The stamp of the current call; 0 marks entries that no call set.
    stamp: u32,
    /// The stamp and the slot of each input column.
    entries: Vec<(u32, u32)>,
}

impl SlotTable {
    /// Starts a call on `inputs` columns and returns its stamp.
    fn start(&mut self, inputs: usize) -> u32 {
        if self.entries.len() < inputs {
            self.entries.resize(inputs, (0, 0));
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // After 2³² calls an old entry could carry the new stamp.
            self.entries.fill((0, 0));
            self.stamp = 1;
        }
        self.stamp
    }
}

thread_local! {
    /// The slot table of this thread, kept between calls so that a batch
    /// does not allocate and fill one entry per input column. It grows to
    /// the widest input the thread has seen, 8 bytes per column.
    static SLOTS: RefCell<SlotTable> = RefCell::new(SlotTable::default());
}

crate::ops::vectorised! {
    /// Sums `x[r, c] · delta[r, :]` into the slot of each stored column
    /// `c`, row after row from 0, giving a column its slot at its first
    /// entry. `entries` is a [`SlotTable`]'s, with `stamp` the call's.
    fn scatter_columns<F: Float>(
        delta: ArrayView2<'_, F>,
        x: CsrView<'_, F>,
        entries: &mut [(u32, u32)],
        stamp: u32,
        columns: &mut Vec<u32>,
        values: &mut Vec<F>,
    ) {
        let outputs = delta.ncols();
        let mut delta_row = vec![F::zero(); outputs];
        for row in 0..x.rows() {
            for (d, &v) in delta_row.iter_mut().zip(delta.row(row).iter()) {
                *d = v;
            }
            let (indices, entries_of_row) = x.row(row);
            for (&column, &value) in indices.iter().zip(entries_of_row) {
                let entry = &mut entries[column as usize];
                if entry.0 != stamp {
                    *entry = (stamp, columns.len() as u32);
                    columns.push(column);
                    // 0 + v·d rather than v·d: a new column's sums start at
                    // 0 as the others' do, which turns a −0 product into +0.
                    values.extend(delta_row.iter().map(|&d| F::zero() + value * d));
                    continue;
                }
                let start = entry.1 as usize * outputs;
                for (s, &d) in values[start..start + outputs].iter_mut().zip(&delta_row) {
                    *s += value * d;
                }
            }
        }
    }
}

crate::ops::vectorised! {
    /// Applies `weight −= learning_rate · gradient` to the stored columns
    /// of a column-major weight (`weights`, `outputs` per column) and
    /// returns whether every updated value is finite.
    fn descend_columns<F: Float>(
        weights: &mut [F],
        columns: &[u32],
        values: &[F],
        outputs: usize,
        learning_rate: F,
    ) -> bool {
        // v * 0 is 0 for finite v and NaN otherwise. One check per output
        // keeps the sums independent, so the loop vectorises.
        let mut checks = vec![F::zero(); outputs];
        for (&column, gradient) in columns.iter().zip(values.chunks_exact(outputs.max(1))) {
            let start = column as usize * outputs;
            for ((w, &g), check) in weights[start..start + outputs]
                .iter_mut()
                .zip(gradient)
                .zip(&mut checks)
            {
                *w -= learning_rate * g;
                *check += *w * F::zero();
            }
        }
        checks.iter().all(|&check| check == F::zero())
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
