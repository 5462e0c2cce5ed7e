"""Check that a model saved by `mlp train --save` loads in Python's
safetensors reader with NumPy, with the shapes and metadata the Rust side
documents.

Usage: python3 tests/python/load_model.py MODEL.safetensors
Needs: pip install numpy safetensors
"""

import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def main(path):
    params = load_file(path)
    with safe_open(path, "np") as handle:
        metadata = handle.metadata()

    geometry = [int(width) for width in metadata["geometry"].split(",")]
    activations = metadata["activations"].split(",")
    features = json.loads(metadata["features"])
    assert metadata["format"] == "mlp-model", metadata
    assert len(activations) == len(geometry) - 1, metadata
    assert len(features) == geometry[0], (len(features), geometry)

    dtype = {"f32": np.float32, "f64": np.float64}[metadata["float"]]
    for layer in range(1, len(geometry)):
        weight, bias = params[f"W{layer}"], params[f"b{layer}"]
        assert weight.shape == (geometry[layer], geometry[layer - 1]), weight.shape
        assert bias.shape == (geometry[layer],), bias.shape
        assert weight.dtype == dtype and bias.dtype == dtype
        assert np.isfinite(weight).all() and np.isfinite(bias).all()
    print(f"{path}: {len(params)} tensors, geometry {geometry}, {activations}")


if __name__ == "__main__":
    main(sys.argv[1])
