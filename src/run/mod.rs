//! Many replications: one replication's pipeline, run whole ([`replicate`]) or split over ranks
//! ([`distributed`]), their summaries, and the memory a run will need ([`memory`]).

pub mod distributed;
pub mod memory;
pub mod replicate;
