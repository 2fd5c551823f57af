//! `picsim run`: one scenario's replications, its reports, and the summary on the terminal.

use super::plan::{self, Plan, Target};
use crate::cli::RunArgs;
use crate::comm::Comm;
use crate::run::report;
use anyhow::Result;
use std::process::ExitCode;

/// Runs the scenario and writes its folder (`--out` is the scenario's `output.dir`; `--world`
/// its `population.world`).
pub fn run(args: RunArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let mut scenario_args = args.scenario_args.clone();
    if let Some(dir) = &args.world {
        scenario_args.keys.set.push(plan::world_override(dir)?);
    }
    let loaded = plan::load(&args.scenario, &scenario_args, args.output.out.as_deref())?;
    let scenario = &loaded.scenario;
    let target = Target::new(&scenario.output.dir, &args.output, "run");
    let plan = Plan::resolve(&loaded, vec![scenario.clone()], target, comm)?;
    let Some(mut finished) = plan.run(comm, &scenario.name)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let result = finished.results.remove(0);
    let inv = finished.invocation();
    let headlines = finished
        .staging
        .fill(|dir| report::write_all(&result, &inv, dir, &finished.options))?;
    drop(inv);
    finished.close(|report, seconds| {
        report::terminal::summary_text(&result, &headlines, report, seconds)
    })
}
