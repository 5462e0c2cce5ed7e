"""Seconds per epoch of the lab's [n, 20, 2] sigmoid/softmax network in
NumPy and SciPy, the comparison rows of BENCHMARKS.md.

Two variants, each in float32 and float64 at batch sizes 5 and 128:

- numpy-dense: the lab's vectorised NumPy backpropagation on a dense X;
- scipy-csr: a SciPy CSR first layer (sparse input), with the dense W1
  update that the lab's code makes.

Usage:

    python3 benches/python/numpy_epoch.py [--epochs N] [--threads N] [DATA_DIR]

DATA_DIR defaults to $MLP_DATA_DIR and must contain books/. Needs numpy and
scipy (pip install numpy scipy); with threadpoolctl installed, --threads
caps the BLAS threads and the BLAS library is printed. Prints one line per
setting: the median, min and max seconds over the epochs after the first,
which warms the caches and is dropped.
"""

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp

LEARNING_RATE = 0.05
TRAIN_SIZE = 1600
MIN_COUNT = 5


def read_books(data_dir):
    """Return (X as CSR float64, y) with the lab's vocabulary and split.

    Features are the words seen at least MIN_COUNT times in the whole
    books corpus, numbered in the order first seen (the lab sorts them,
    which changes no timing). Reviews alternate positive and negative.
    """
    counts, docs = {}, []
    for name, label in (("positive.review", 0), ("negative.review", 1)):
        path = os.path.join(data_dir, "books", name)
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                tokens = line.split()
                features = [token.rsplit(":", 1) for token in tokens[:-1]]
                features = [(word, int(count)) for word, count in features]
                for word, count in features:
                    counts[word] = counts.get(word, 0) + count
                docs.append((features, label))
    index = {}
    for word, count in counts.items():
        if count >= MIN_COUNT:
            index[word] = len(index)
    positives = [d for d in docs if d[1] == 0]
    negatives = [d for d in docs if d[1] == 1]
    ordered = [d for pair in zip(positives, negatives) for d in pair]
    rows, cols, values = [], [], []
    for row, (features, _) in enumerate(ordered):
        for word, count in features:
            if word in index:
                rows.append(row)
                cols.append(index[word])
                values.append(count)
    x = sp.csr_matrix((values, (rows, cols)), shape=(len(ordered), len(index)))
    y = np.array([label for _, label in ordered])
    return x, y


def initial_parameters(n_features, dtype):
    """Return [W1, b1, W2, b2] drawn as the lab draws them, in dtype."""
    rng = np.random.RandomState(1234)
    params = []
    for n_in, n_out in ((n_features, 20), (20, 2)):
        bound = np.sqrt(6.0 / (n_in + n_out))
        weight = rng.uniform(-bound, bound, size=(n_out, n_in)) * 4
        params += [weight.astype(dtype), np.zeros((n_out, 1), dtype=dtype)]
    return params


def train_epoch(params, x, y, batch_size, sparse):
    """Run one epoch of minibatch SGD in place, with one example per row of x."""
    w1, b1, w2, b2 = params
    dtype = w1.dtype.type
    rate = dtype(LEARNING_RATE)
    n = x.shape[0]
    for start in range(0, n, batch_size):
        xb = x[start:start + batch_size]
        yb = y[start:start + batch_size]
        m = xb.shape[0]
        # Examples as columns, as the lab's code has them.
        z1 = (w1 @ xb.T if not sparse else (xb @ w1.T).T) + b1
        a1 = 1.0 / (1.0 + np.exp(-z1))
        z2 = w2 @ a1 + b2
        z2 = z2 - z2.max(axis=0)
        p = np.exp(z2)
        p /= p.sum(axis=0)
        e2 = p
        e2[yb, np.arange(m)] -= 1
        e2 /= m
        e1 = (w2.T @ e2) * a1 * (1 - a1)
        grad_w2 = e2 @ a1.T
        grad_w1 = (e1 @ xb) if not sparse else np.asarray((xb.T @ e1.T).T)
        w1 -= rate * grad_w1
        b1 -= rate * e1.sum(axis=1, keepdims=True)
        w2 -= rate * grad_w2
        b2 -= rate * e2.sum(axis=1, keepdims=True)


def blas_limits(threads):
    """Return a context that caps the BLAS threads, and the BLAS details."""
    try:
        import threadpoolctl
    except ImportError:
        if threads is not None:
            sys.exit("error: --threads needs threadpoolctl (pip install threadpoolctl)")
        return None, "unknown (install threadpoolctl to see it)"
    np.ones((2, 2)) @ np.ones((2, 2))  # loads the BLAS library
    limits = threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
    described = []
    for info in threadpoolctl.threadpool_info():
        if info.get("user_api") == "blas":
            described.append(
                f"{info.get('internal_api')} {info.get('version')} "
                f"({info.get('architecture')} kernels, {info.get('num_threads')} threads)"
            )
    return limits, "; ".join(described) or "none found"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", default=os.environ.get("MLP_DATA_DIR"))
    parser.add_argument("--epochs", type=int, default=11,
                        help="epochs per setting, the first dropped (default 11)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: the library's own)")
    args = parser.parse_args()
    if not args.data_dir:
        sys.exit("error: give DATA_DIR or set MLP_DATA_DIR to the folder holding books/")
    if args.epochs < 2:
        sys.exit(f"error: --epochs must be at least 2, got {args.epochs}")

    limits, blas = blas_limits(args.threads)
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, BLAS: {blas}")
    x, y = read_books(args.data_dir)
    for sparse in (False, True):
        for dtype in (np.float32, np.float64):
            xs = x[:TRAIN_SIZE].astype(dtype)
            xs = xs if sparse else xs.toarray()
            for batch_size in (5, 128):
                params = initial_parameters(x.shape[1], dtype)
                times = []
                for _ in range(args.epochs):
                    start = time.perf_counter()
                    train_epoch(params, xs, y[:TRAIN_SIZE], batch_size, sparse)
                    times.append(time.perf_counter() - start)
                times = times[1:]
                label = "scipy-csr" if sparse else "numpy-dense"
                print(
                    f"{label} {np.dtype(dtype).name} bsize {batch_size}: median "
                    f"{statistics.median(times):.4f} s, min {min(times):.4f}, "
                    f"max {max(times):.4f} ({len(times)} epochs)"
                )
    if limits is not None:
        limits.restore_original_limits()


if __name__ == "__main__":
    main()
