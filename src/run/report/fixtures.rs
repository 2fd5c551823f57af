//! Runs shared by a run's report tests: small real runs of the shipped default scenario.

use crate::run::summary::RunResult;
use crate::scenario::Override;
use std::path::Path;
use std::sync::OnceLock;

fn run_with(overrides: &[&str]) -> RunResult {
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|o| Override::parse(o).expect("override parses"))
        .collect();
    let s = crate::scenario::load_file(Path::new("scenarios/pic-2013.toml"), &overrides)
        .expect("scenario loads");
    crate::run::run(&s, 1, &|_| {}).expect("small run")
}

/// The default scenario with 50 organisations and 3 replications.
pub(crate) fn small() -> &'static RunResult {
    static RUN: OnceLock<RunResult> = OnceLock::new();
    RUN.get_or_init(|| run_with(&["orgs.count=50", "scenario.replications=3"]))
}

/// The default scenario with 20 organisations and one replication.
pub(crate) fn single() -> &'static RunResult {
    static RUN: OnceLock<RunResult> = OnceLock::new();
    RUN.get_or_init(|| run_with(&["orgs.count=20", "scenario.replications=1"]))
}

/// A tiny scenario without migrations, and with `description` as its description.
pub(crate) fn no_migrations(description: &str) -> RunResult {
    let text = format!(
        r#"
[scenario]
name = "tiny"
description = {description:?}
start = 2020-01-01
end = 2020-12-31
step_days = 7
seed = 7
replications = 2

[networks.chat]
name = "Chat"
until = 2020-06-30
capabilities = [{{ modalities = ["im", "presence"] }}]

[providers.gateway]
name = "Chat gateway"
licence = "cal"
reaches = [{{ network = "chat", deployments = ["server"] }}]

[orgs]
count = 5
users = {{ dist = "fixed", value = 10 }}
deployments = {{ server = 1.0 }}

[orgs.agreement]
term_years = {{ dist = "fixed", value = 3 }}
start = {{ from = 2019-01-01, until = 2019-12-31 }}

[orgs.providers]
gateway = [{{ share = 1.0 }}]

[population]
contacts_per_user = {{ dist = "fixed", value = 4 }}
network_mix = {{ chat = 1.0 }}

[[population.activity]]
class = "daily"
share = 1.0
mean_days_between_sign_ins = 1.0
"#
    );
    let s = match crate::scenario::load_str(&text, "tiny.toml", &[], None) {
        Ok(s) => s,
        Err(e) => panic!("tiny scenario does not load: {e}"),
    };
    crate::run::run(&s, 1, &|_| {}).expect("small run")
}
