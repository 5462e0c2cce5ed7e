//! Downloading the sentiment corpus into a cache directory.
