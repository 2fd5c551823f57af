//! When each person moves: one day per person and migration, from the migration's trigger.
//!
//! A migration's population is every person holding an account on its `from` network at the start,
//! plus those who gain one through another migration (`docs/model.md`, fine print). One assigner
//! ([`compute()`]) takes the migrations in dependency order, so that a chained migration (A→B, then
//! B→C) knows when each person gained B, and applies eligibility and `forced_by` for every
//! trigger (`assigner`). Each trigger is one `Assign` implementation (`trigger`) in its own module
//! under `triggers` (`scheduled`, `sign_in`, `bass`), registered there; the engine only ever sees
//! the resulting days ([`MigrationDays`]), so a new trigger touches neither the assigner nor the
//! engine (only the scenario, which must read its keys).
//!
//! `replay` takes the days a replayed world gives (`migrations.csv`) in place of their
//! triggers, and checks them against each migration's population.
//!
//! `view` answers questions about one person's accounts on a day ([`PersonView`]): which
//! account an entry resolves to, whether it is active or Microsoft-account linked. `on_demand`
//! serves persons of a world that does not store them (a share of a split replication).

pub(crate) mod assigner;
pub(crate) mod days;
pub(crate) mod first_passage;
pub(crate) mod on_demand;
pub(crate) mod replay;
pub(crate) mod trigger;
pub(crate) mod triggers;
pub(crate) mod view;

pub use assigner::compute;
pub(crate) use assigner::per_person;
pub use days::{MigrationDays, NEVER, OUTSIDE};
pub use on_demand::Computed;
pub use view::{PersonSource, PersonView, Stored};
