//! picsim's integration tests: one binary, a module per feature.

mod support;
mod tiny_worlds;
mod invariants;
mod sign_in;
mod validation;
