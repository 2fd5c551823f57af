//! The self-contained HTML report (placeholder, being written).
