//! A replayed world checked as a run of it checks it, without running it (`picsim validate`):
//! the folder measured by the memory guard before anything of it is read, then read (every file,
//! every reference between files), then each replication's world built as the run builds it
//! (generation, then migration days) and checked against what that replication draws: an
//! entry's person when `persons.csv` is absent, a migration's population, and the other pins
//! that name drawn things (`docs/world.md`). The engine is not run.

use crate::comm::Partition;
use crate::scenario::Scenario;
use crate::world::pinned::World;
use crate::world::population::generate::generate_part;
use anyhow::Result;

/// Checks the world `s` replays (`population.world`) as a one-thread run of it would, within
/// `limit` bytes of memory (none: no limit): `None` when `s` replays no world, else the number of
/// replications whose worlds were built and checked (0 when nothing the world pins waits for a
/// build to be checked: see `World::checked_when_built`).
pub fn check_world(s: &Scenario, limit: Option<u64>) -> Result<Option<u32>> {
    if s.population.world.is_none() {
        return Ok(None);
    }
    super::memory::guard(std::slice::from_ref(s), 1, 1, limit)?;
    let Some(world) = World::of(s)? else {
        return Ok(None);
    };
    if !world.checked_when_built() {
        return Ok(Some(0));
    }
    for k in 0..s.replications {
        // Within 32 bits: checked when world.toml was read.
        let r = world.replication.saturating_add(k);
        let pop = generate_part(s, Some(&world), r, &Partition::Whole)?;
        let pins = world.migrations.as_ref();
        crate::migration::replay::days_of(s, &pop, r, pins)?;
    }
    Ok(Some(s.replications))
}
