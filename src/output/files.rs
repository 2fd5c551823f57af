//! The names of what picsim writes: the files of a run's folder, the folders of a sweep's runs
//! and an experiment's default folder. One place, so the writers, the report's links and the
//! output checks agree.

/// Files every run writes besides the charts.
pub(crate) const CSV_FILES: [&str; 3] = ["series.csv", "summary.csv", "orgs.csv"];
/// Files `report.html` links to, in order.
pub(crate) const LINKED_FILES: [&str; 4] =
    ["series.csv", "summary.csv", "orgs.csv", "manifest.json"];

/// The folder name (and comparison id) of the `i`-th run (0-based) of a sweep: `run-001`,
/// `run-002`, …
pub(crate) fn run_id(i: usize) -> String {
    format!("run-{:03}", i + 1)
}

/// The default folder of an experiment of the scenario `name`: `output/<name>-<kind>` (`kind`:
/// `sweep`, `sensitivity`).
pub(crate) fn experiment_dir(name: &str, kind: &str) -> std::path::PathBuf {
    std::path::Path::new("output").join(format!("{name}-{kind}"))
}
