//! Numerical building blocks shared by the runtime MLP and compiled
//! networks: layer products on dense or sparse batches, activations, and
//! softmax with cross-entropy computed from the logits.
//!
//! Examples are rows. A layer with weight `W` (outputs × inputs, the lab's
//! layout) and bias `b` computes `Z = X·Wᵀ + b`.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis, Zip};

use crate::batch::Inputs;
use crate::float::Float;
use crate::sparse::CsrView;

/// Defines `$name`, generic over `F: Float`, that runs `$body` compiled
/// for the best instruction set of the machine (AVX-512 or AVX2 on
/// x86-64, as the kernels choose it), so that its loops over a layer's
/// outputs vectorise with wide registers.
///
/// The body is plain Rust: the compiler never fuses a multiply and an add
/// into one FMA, so every instruction set rounds each operation as the
/// baseline build does and gives the same bits.
macro_rules! vectorised {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident<F: Float>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?
        $body:block
    ) => {
        $(#[$attr])*
        $vis fn $name<F: Float>($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body<F: Float>($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                use crate::kernels::simd::{Isa, isa};
                #[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")]
                fn avx512<F: Float>($($arg: $ty),*) $(-> $ret)? {
                    body::<F>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2<F: Float>($($arg: $ty),*) $(-> $ret)? {
                    body::<F>($($arg),*)
                }
                match isa() {
                    // SAFETY: `isa` checked that the CPU has these features.
                    Isa::Avx512 => return unsafe { avx512::<F>($($arg),*) },
                    // SAFETY: as above.
                    Isa::Avx2 => return unsafe { avx2::<F>($($arg),*) },
                    Isa::Baseline => {}
                }
            }
            body::<F>($($arg),*)
        }
    };
}

pub(crate) use vectorised;

/// Computes `z = x·wᵀ + b` into `z` (rows × outputs), overwriting it.
///
/// A sparse `x` touches only the weight columns of its stored entries.
///
/// # Panics
///
/// Panics when the shapes do not agree; callers check widths first.
pub fn linear<F: Float>(
    x: Inputs<'_, F>,
    weight: ArrayView2<'_, F>,
    bias: ArrayView1<'_, F>,
    mut z: ArrayViewMut2<'_, F>,
) {
    match x {
        Inputs::Dense(x) => general_mat_mul(F::one(), &x, &weight.t(), F::zero(), &mut z),
        Inputs::Sparse(x) => {
            z.fill(F::zero());
            let outputs = weight.nrows();
            assert_eq!(
                z.ncols(),
                outputs,
                "output columns differ from the weight rows"
            );
            if let (Some(weights), Some(sums)) = (weight.t().to_slice(), z.as_slice_mut()) {
                // Column-major weights: column c is one slice.
                sparse_linear_columns(x, weights, sums, outputs);
            } else {
                for (mut z_row, (indices, values)) in z.rows_mut().into_iter().zip(x.iter_rows()) {
                    for (&column, &value) in indices.iter().zip(values) {
                        z_row.scaled_add(value, &weight.column(column as usize));
                    }
                }
            }
        }
    }
    z += &bias;
}

vectorised! {
    /// Adds `x[r, c] · W[:, c]` to row `r` of `sums` (rows × `outputs`,
    /// row-major) for every stored entry, in order, with `weights` the
    /// column-major `W`.
    fn sparse_linear_columns<F: Float>(
        x: CsrView<'_, F>,
        weights: &[F],
        sums: &mut [F],
        outputs: usize,
    ) {
        if outputs == 0 {
            return;
        }
        for (row_sums, (indices, values)) in sums.chunks_exact_mut(outputs).zip(x.iter_rows()) {
            for (&column, &value) in indices.iter().zip(values) {
                let start = column as usize * outputs;
                for (sum, &w) in row_sums.iter_mut().zip(&weights[start..start + outputs]) {
                    *sum += value * w;
                }
            }
        }
    }
}

/// Computes the weight gradient `deltaᵀ·x` (outputs × inputs) into
/// `gradient`, overwriting it.
///
/// # Panics
///
/// Panics when the shapes do not agree.
pub fn weight_gradient<F: Float>(
    delta: ArrayView2<'_, F>,
    x: Inputs<'_, F>,
    mut gradient: ArrayViewMut2<'_, F>,
) {
    match x {
        Inputs::Dense(x) => general_mat_mul(F::one(), &delta.t(), &x, F::zero(), &mut gradient),
        Inputs::Sparse(x) => {
            gradient.fill(F::zero());
            for (delta_row, (indices, values)) in delta.rows().into_iter().zip(x.iter_rows()) {
                for (&column, &value) in indices.iter().zip(values) {
                    gradient
                        .column_mut(column as usize)
                        .scaled_add(value, &delta_row);
                }
            }
        }
    }
}

/// Returns the weight gradient `deltaᵀ·x` (outputs × inputs) of a dense
/// batch in column-major order, as the runtime MLP stores weights.
///
/// The product is [`weight_gradient`]'s, computed by the same
/// `matrixmultiply` GEMM, so the two give the same bits. Unlike it, the
/// result is never zeroed first: the GEMM with β = 0 writes every entry
/// without reading it.
///
/// # Panics
///
/// Panics when `delta` and `x` differ in rows.
pub fn dense_weight_gradient<F: Float>(
    delta: ArrayView2<'_, F>,
    x: ArrayView2<'_, F>,
) -> Array2<F> {
    use ndarray::ShapeBuilder;
    use std::any::TypeId;

    assert_eq!(delta.nrows(), x.nrows(), "delta rows differ from the batch");
    let (rows, outputs) = delta.dim();
    let inputs = x.ncols();
    let mut gradient = Array2::<F>::uninit((outputs, inputs).f());
    // The strides of deltaᵀ (outputs × rows), x (rows × inputs) and the
    // column-major gradient, in elements.
    let (delta_row, delta_col) = (delta.strides()[0], delta.strides()[1]);
    let (x_row, x_col) = (x.strides()[0], x.strides()[1]);
    let (c_row, c_col) = (1, outputs.max(1) as isize);
    let c = gradient.as_mut_ptr().cast::<F>();
    // SAFETY: the pointers and strides describe `delta`, `x` and the
    // newly allocated gradient, of the shapes given. `F` is f32 or f64
    // (`Float` is sealed), so each cast is to the type itself. With
    // β = 0 the GEMM writes every entry of C without reading it, as the
    // documentation of `matrixmultiply::sgemm` and `dgemm` states, so the
    // gradient is initialised afterwards.
    unsafe {
        if TypeId::of::<F>() == TypeId::of::<f32>() {
            matrixmultiply::sgemm(
                outputs,
                rows,
                inputs,
                1.0,
                delta.as_ptr().cast::<f32>(),
                delta_col,
                delta_row,
                x.as_ptr().cast::<f32>(),
                x_row,
                x_col,
                0.0,
                c.cast::<f32>(),
                c_row,
                c_col,
            );
        } else {
            assert_eq!(TypeId::of::<F>(), TypeId::of::<f64>(), "F is f32 or f64");
            matrixmultiply::dgemm(
                outputs,
                rows,
                inputs,
                1.0,
                delta.as_ptr().cast::<f64>(),
                delta_col,
                delta_row,
                x.as_ptr().cast::<f64>(),
                x_row,
                x_col,
                0.0,
                c.cast::<f64>(),
                c_row,
                c_col,
            );
        }
        gradient.assume_init()
    }
}

/// Returns the bias gradient: the sum of `delta` over the examples (rows).
pub fn bias_gradient<F: Float>(delta: ArrayView2<'_, F>) -> Array1<F> {
    delta.sum_axis(Axis(0))
}

/// The logistic sigmoid 1 / (1 + e^−x), computed so that neither
/// exponential overflows: for x < 0 it uses e^x / (1 + e^x).
#[inline]
pub fn sigmoid<F: Float>(x: F) -> F {
    if x >= F::zero() {
        F::one() / (F::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (F::one() + e)
    }
}

/// The rectified linear unit max(x, 0).
#[inline]
pub fn relu<F: Float>(x: F) -> F {
    if x > F::zero() { x } else { F::zero() }
}

/// Replaces each row of logits by its softmax, normalised over the classes
/// (columns) of that row, never over the batch.
pub fn softmax_rows<F: Float>(mut z: ArrayViewMut2<'_, F>) {
    for mut row in z.rows_mut() {
        let max = row.fold(F::neg_infinity(), |max, &v| max.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|v| v / sum);
    }
}

/// Returns log Σ exp(row), shifted by the row's maximum so that it neither
/// overflows nor underflows to −∞ for finite logits.
pub fn log_sum_exp<F: Float>(row: ArrayView1<'_, F>) -> F {
    let max = row.fold(F::neg_infinity(), |max, &v| max.max(v));
    if max == F::neg_infinity() || !max.is_finite() {
        return max;
    }
    let sum = row.fold(F::zero(), |sum, &v| sum + (v - max).exp());
    max + sum.ln()
}

/// Returns the log-softmax of each row of logits.
pub fn log_softmax_rows<F: Float>(z: ArrayView2<'_, F>) -> Array2<F> {
    let mut out = z.to_owned();
    for mut row in out.rows_mut() {
        let shift = log_sum_exp(row.view());
        row.mapv_inplace(|v| v - shift);
    }
    out
}

/// Returns the mean cross-entropy −log p(y | x) over the rows of `logits`.
///
/// Each row's cost is log Σ exp(z − m) − (z_y − m) with m the row's
/// maximum, so large logits neither overflow nor lose the small terms to
/// rounding.
///
/// An empty batch has cost 0.
///
/// # Panics
///
/// Panics when `labels` and the rows of `logits` differ in number or a
/// label is out of range; callers check labels first.
pub fn cross_entropy<F: Float>(logits: ArrayView2<'_, F>, labels: &[usize]) -> F {
    assert_eq!(logits.nrows(), labels.len(), "one label per row");
    if labels.is_empty() {
        return F::zero();
    }
    let mut total = F::zero();
    for (row, &label) in logits.rows().into_iter().zip(labels) {
        let max = row.fold(F::neg_infinity(), |max, &v| max.max(v));
        let sum = row.fold(F::zero(), |sum, &v| sum + (v - max).exp());
        total += sum.ln() - (row[label] - max);
    }
    total / F::from_f64(labels.len() as f64)
}

/// Turns softmax probabilities into the output delta of the mean
/// cross-entropy, in place: (p − onehot(y)) / batch size.
///
/// # Panics
///
/// Panics when `labels` and the rows differ in number or a label is out of
/// range.
pub fn softmax_cross_entropy_delta<F: Float>(
    mut probabilities: ArrayViewMut2<'_, F>,
    labels: &[usize],
) {
    assert_eq!(probabilities.nrows(), labels.len(), "one label per row");
    let scale = F::one() / F::from_f64(labels.len().max(1) as f64);
    for (mut row, &label) in probabilities.rows_mut().into_iter().zip(labels) {
        row[label] -= F::one();
        row.mapv_inplace(|v| v * scale);
    }
}

/// Multiplies `delta` in place by the derivative of an activation, given
/// the activation's output `a`: a(1 − a) for the sigmoid, 1 − a² for tanh,
/// 1 where a > 0 and 0 elsewhere for ReLU.
pub fn scale_by_derivative<F: Float>(
    activation: crate::activation::Activation,
    mut delta: ArrayViewMut2<'_, F>,
    a: ArrayView2<'_, F>,
) {
    use crate::activation::Activation;
    let zip = Zip::from(&mut delta).and(&a);
    match activation {
        Activation::Sigmoid => zip.for_each(|d, &a| *d *= a * (F::one() - a)),
        Activation::Tanh => zip.for_each(|d, &a| *d *= F::one() - a * a),
        Activation::Relu => zip.for_each(|d, &a| {
            if a <= F::zero() {
                *d = F::zero();
            }
        }),
        Activation::Identity | Activation::Softmax => {}
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::sparse::Csr;

    #[test]
    fn sparse_and_dense_linear_agree() {
        let dense = array![[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]];
        let sparse = Csr::new(3, vec![0, 2, 2, 3], vec![0, 2, 1], vec![1.0, 2.0, 3.0]).unwrap();
        let weight = array![[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]];
        let bias = array![0.1, -0.2];
        let mut from_dense = Array2::zeros((3, 2));
        let mut from_sparse = Array2::zeros((3, 2));
        linear(
            Inputs::Dense(dense.view()),
            weight.view(),
            bias.view(),
            from_dense.view_mut(),
        );
        linear(
            Inputs::Sparse(sparse.view()),
            weight.view(),
            bias.view(),
            from_sparse.view_mut(),
        );
        assert_eq!(from_dense, from_sparse);
        assert_eq!(from_dense.row(0), array![4.6, 0.3]);

        let delta = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let mut grad_dense = Array2::zeros((2, 3));
        let mut grad_sparse = Array2::zeros((2, 3));
        weight_gradient(
            delta.view(),
            Inputs::Dense(dense.view()),
            grad_dense.view_mut(),
        );
        weight_gradient(
            delta.view(),
            Inputs::Sparse(sparse.view()),
            grad_sparse.view_mut(),
        );
        assert_eq!(grad_dense, grad_sparse);
        assert_eq!(grad_dense, array![[1.0, 15.0, 2.0], [2.0, 18.0, 4.0]]);
    }

    #[test]
    fn dense_weight_gradient_matches_gemm() {
        // 300 rows take more than one of the GEMM's blocks along k.
        for (rows, outputs, inputs) in [(0, 3, 4), (1, 1, 1), (5, 20, 37), (300, 7, 11)] {
            let delta = Array2::from_shape_fn((rows, outputs), |(r, o)| {
                ((r * 7 + o * 3) % 11) as f64 * 0.37 - 1.9
            });
            let x = Array2::from_shape_fn((rows, inputs), |(r, i)| {
                ((r * 5 + i * 13) % 17) as f64 * 0.11 - 0.8
            });
            let mut expected = Array2::zeros((outputs, inputs));
            weight_gradient(delta.view(), Inputs::Dense(x.view()), expected.view_mut());
            let gradient = dense_weight_gradient(delta.view(), x.view());
            assert_eq!(gradient, expected, "f64, {rows} rows");
            assert!(gradient.t().is_standard_layout(), "column-major");

            let delta = delta.mapv(|v| v as f32);
            let x = x.mapv(|v| v as f32);
            let mut expected = Array2::zeros((outputs, inputs));
            weight_gradient(delta.view(), Inputs::Dense(x.view()), expected.view_mut());
            let gradient = dense_weight_gradient(delta.view(), x.view());
            assert_eq!(gradient, expected, "f32, {rows} rows");
        }
    }

    #[test]
    fn sigmoid_saturates_without_nan() {
        for x in [-1000.0f32, -100.0, 0.0, 88.8, 100.0, 1000.0] {
            let s = sigmoid(x);
            assert!(
                s.is_finite() && (0.0..=1.0).contains(&s),
                "sigmoid({x}) = {s}"
            );
        }
        assert_eq!(sigmoid(0.0f64), 0.5);
    }

    #[test]
    fn cross_entropy_of_large_logits_is_finite() {
        let logits = array![[1e8, 1e8]];
        assert!((cross_entropy(logits.view(), &[1]) - std::f64::consts::LN_2).abs() < 1e-12);
    }
}
