//! PNG charts (placeholder, being written).
