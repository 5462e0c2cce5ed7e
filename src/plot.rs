//! Plots of training curves and weights, as SVG files.
