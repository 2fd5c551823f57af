//! One replication's world: organisations, their SIP domains, Lync users, public-IM persons and
//! the entries of users' contact lists.
//!
//! Storage is struct-of-arrays with `u32` ids. Entries are kept in chunks of whole organisations
//! (CSR per chunk: user offsets and person ids), which is also the engine's unit of parallel work;
//! chunk boundaries depend only on organisation sizes, never on the thread count. This module holds
//! the types; [`generate()`] builds them from a scenario.

pub mod barabasi_albert;
#[cfg(test)]
mod chi_square;
pub(crate) mod configuration;
pub mod generate;
pub mod graph;
pub(crate) mod model;
pub(crate) mod permutation;
pub(crate) mod persons;
pub(crate) mod sampler;

pub use generate::generate;
pub use model::{Chunk, ImportedNames, Org, Person, Population};
