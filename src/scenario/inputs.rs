//! What a scenario reads from the file system besides its own text, listed for the commands:
//! an output must be none of these (`crate::output::Inputs`).

use super::model::{GraphSpec, Scenario};
use std::path::PathBuf;

impl Scenario {
    /// Every file and folder the scenario reads, with what it is: its own files, the imported
    /// contact list and edge list, the world folder and the observations. A command's output must
    /// be none of them (`crate::output::Inputs`).
    pub(crate) fn inputs(&self) -> Vec<(PathBuf, &'static str)> {
        let mut inputs: Vec<(PathBuf, &'static str)> = self
            .files
            .iter()
            .map(|f| (f.clone(), "a scenario file"))
            .collect();
        if let Some(list) = &self.population.import {
            inputs.push((list.path.clone(), "the imported contact list"));
        }
        if let Some(GraphSpec::File { edges }) = &self.population.graph {
            inputs.push((edges.path.clone(), "the edge list"));
        }
        if let Some(world) = &self.population.world {
            inputs.push((world.clone(), "the world folder"));
        }
        if let Some(observed) = self.calibration.as_ref().and_then(|c| c.observed.clone()) {
            inputs.push((observed, "the observations"));
        }
        inputs
    }
}
