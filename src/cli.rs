//! The command line: one typed struct per subcommand (clap derive). Parsing only; the commands
//! read these structs and resolve them once into a plan; nothing here knows of them.
// The doc comments below are clap's help text, shown verbatim: `[sweep]` and `[sensitivity]` are
// the scenario's tables, not links, `<name>` is a placeholder, not HTML; escaping them would
// print the backslashes.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use crate::scenario::Override;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Parses `--set KEY.PATH=VALUE` at the command line, so a malformed one is a usage error (exit 2).
fn parse_override(text: &str) -> Result<Override, String> {
    Override::parse(text)
}

/// Most worker threads accepted: far more than any machine's cores, few enough to start.
const MAX_THREADS: usize = 4096;

/// Parses `--threads N`, from 1 to [`MAX_THREADS`] (anything else is a usage error, exit 2).
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{text}` is not a thread count; give a whole number from 1 to {MAX_THREADS}"
        )),
    }
}

/// Exit codes, documented in `--help`.
pub(crate) const EXIT_CODES: &str = "Exit codes: 0 success; 1 invalid scenario, refused output folder or failed run; 2 bad command line; 130 or 143 interrupted (SIGINT, SIGTERM).";

/// picsim: what happens to Lync users' public-IM contacts when platforms migrate, federate and
/// shut down.
#[derive(Debug, Parser)]
#[command(name = "picsim", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a scenario's replications and write its reports (CSV, PNG, HTML).
    #[command(after_help = EXIT_CODES, mut_arg("out", |a| a.help(RUN_OUT)))]
    Run(RunArgs),
    /// Check scenario files without running them.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Generate one replication's world and export it as CSV files (orgs, users, persons,
    /// entries, graph), for use with other tools.
    #[command(after_help = EXIT_CODES, mut_arg("force", |a| a.help(EXPORT_FORCE)))]
    Population(PopulationArgs),
    /// Run every combination of swept values ([sweep] table and --vary), each run in run-NNN/,
    /// with comparison files and charts at the top.
    #[command(after_help = EXIT_CODES, mut_arg("out", |a| a.help(SWEEP_OUT)))]
    Sweep(SweepArgs),
    /// Compare finished runs (their folders): compare.csv, compare_*.png and report.html.
    #[command(after_help = EXIT_CODES)]
    Compare(CompareArgs),
    /// Move each [sensitivity] key to its low and high value, everything else at base:
    /// sensitivity.csv and a tornado chart per headline figure.
    #[command(after_help = EXIT_CODES, mut_arg("out", |a| a.help(SENSITIVITY_OUT)))]
    Sensitivity(SensitivityArgs),
    /// Fit scenario keys to observations (date,metric,value[,sem]) by approximate Bayesian
    /// computation (ABC-SMC), and forecast the whole window from the fit: posterior.csv,
    /// calibration.csv, the posterior predictive summary.csv, charts and report.html.
    #[command(after_help = EXIT_CODES, mut_arg("out", |a| a.help(CALIBRATE_OUT)))]
    Calibrate(CalibrateArgs),
    /// Read a Lync / Skype for Business contact export (the ZIP of Export-CsUserData, its
    /// DocItemSet.xml, or a Lync 2010 dbimpexp XML) or a contact-list CSV and say what a run
    /// would make of it: users, public-IM entries per network, internal and partner contacts,
    /// distribution groups, skipped items and unusable contacts with their position; --to
    /// writes it as a CSV to see and edit.
    #[command(after_help = EXIT_CODES)]
    Import(ImportArgs),
}

/// `picsim import`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ImportArgs {
    /// The contact lists: ExportedUserData.zip, DocItemSet.xml, a dbimpexp XML file or a
    /// contact-list CSV (detected from the content).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// The scenario whose networks classify the contacts, and whose [population.import] keys
    /// (format, org, orgs) say how to read the file (default: the networks of the shipped
    /// pic-2013 scenario).
    #[arg(long, value_name = "SCENARIO")]
    pub(crate) scenario: Option<PathBuf>,
    /// Also write the lists as a contact-list CSV (user,contact,network,org,domain), the one a
    /// run would simulate, contacts pseudonymised unless --reveal-addresses.
    #[arg(long, value_name = "CSV")]
    pub(crate) to: Option<PathBuf>,
    /// Write contacts' addresses in clear in the --to file.
    #[arg(long)]
    pub(crate) reveal_addresses: bool,
    /// Replace an existing --to file (never the file being read, nor a file the scenario reads).
    #[arg(long)]
    pub(crate) force: bool,
    /// An export's limits (as the scenario's [population.import] keys of the same names): the
    /// most bytes the ZIP's DocItemSet.xml may inflate to (default 4G; K, M, G and T accepted).
    #[arg(long, value_name = "BYTES", value_parser = parse_limit)]
    pub(crate) max_inflated_size: Option<u64>,
    /// The longest one tag (with its attributes), text or comment of an export's XML may be
    /// (default 1M).
    #[arg(long, value_name = "BYTES", value_parser = parse_limit)]
    pub(crate) max_piece_size: Option<u64>,
    /// The most memory the users and contacts read from an export may hold, estimated (default
    /// 1G).
    #[arg(long, value_name = "BYTES", value_parser = parse_limit)]
    pub(crate) max_list_memory: Option<u64>,
}

// `--out` is shared (`OutputArgs`) but each command has its own default: each says its own
// (clap would show the doc comment of the shared field, the same for all).
const RUN_OUT: &str =
    "Output folder (default: output.dir of the scenario, else output/<scenario name>)";
const SWEEP_OUT: &str = "Output folder (default: output/<scenario name>-sweep)";
const SENSITIVITY_OUT: &str = "Output folder (default: output/<scenario name>-sensitivity)";
const CALIBRATE_OUT: &str = "Output folder (default: output/<scenario name>-calibration, with --check output/<scenario name>-check)";
const EXPORT_FORCE: &str = "Replace the --export folder if it exists";

/// Parses `--vary KEY.PATH=V1,V2,…` (a usage error when malformed).
fn parse_axis(text: &str) -> Result<crate::experiments::sweep::Axis, String> {
    crate::experiments::sweep::parse_vary(text)
}

/// Settings shared by commands that run scenarios and write a folder.
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArgs {
    /// Output folder (each command's help gives its default: `RUN_OUT`, `SWEEP_OUT`, …).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// No progress bar and no table; only errors and the report path.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Threads, the folder, imported lists and the memory guard.
    #[command(flatten)]
    pub(crate) world: WorldArgs,
}

/// Settings shared by every command that builds worlds and writes a folder (`run`, `sweep`,
/// `sensitivity`, `population`).
#[derive(Debug, Clone, Args)]
pub(crate) struct WorldArgs {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub(crate) threads: Option<usize>,
    /// Whether an existing folder is replaced.
    #[command(flatten)]
    pub(crate) folder: FolderArgs,
    /// Imported contact lists: leave out rows that cannot be read or classified (a run writes
    /// them to rejected.csv) instead of refusing to run.
    #[arg(long)]
    pub(crate) skip_bad_rows: bool,
    /// Imported contact lists: write contact addresses in clear instead of pseudonyms.
    #[arg(long)]
    pub(crate) reveal_addresses: bool,
    /// Memory guard.
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
}

/// What every command that writes a folder does with one that exists (`run`, `sweep`,
/// `sensitivity`, `population`, `compare`). The folder itself (`--out`, `--export`) stays with
/// each command: whether it is required, and its default, differ.
#[derive(Debug, Clone, Args)]
pub(crate) struct FolderArgs {
    /// Replace the output folder if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

/// `picsim sweep`.
#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Scenario overrides, applied to every run.
    #[command(flatten)]
    pub(crate) scenario_args: ScenarioArgs,
    /// A key and its values, `--vary behaviours.recovery.probability=0,0.5,1` (values as TOML).
    /// Repeatable; the sweep is every combination with the [sweep] table's keys.
    #[arg(long, value_name = "KEY.PATH=V1,V2,…", value_parser = parse_axis)]
    pub(crate) vary: Vec<crate::experiments::sweep::Axis>,
    /// Output and run settings (`--out`'s help: `SWEEP_OUT`).
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    /// Continue an interrupted sweep of the same scenario, overrides and values from the runs
    /// it finished (kept in <out>.partial/); with nothing to resume, just run.
    #[arg(long)]
    pub(crate) resume: bool,
}

/// `picsim compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Run folders (written by `picsim run` or a sweep's run-NNN/), each once.
    #[arg(required = true, num_args = 2..)]
    pub(crate) runs: Vec<PathBuf>,
    /// Output folder (default: output/compare-<first folder's name>-<last folder's name>).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Whether an existing folder is replaced, as for `run`.
    #[command(flatten)]
    pub(crate) folder: FolderArgs,
    /// No table; only errors and the report path.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `picsim sensitivity`.
#[derive(Debug, Args)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML) with a [sensitivity] table.
    pub(crate) scenario: PathBuf,
    /// Scenario overrides, applied to every run.
    #[command(flatten)]
    pub(crate) scenario_args: ScenarioArgs,
    /// Output and run settings (`--out`'s help: `SENSITIVITY_OUT`).
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    /// Continue an interrupted analysis of the same scenario and overrides from the runs it
    /// finished (kept in <out>.partial/); with nothing to resume, just run.
    #[arg(long)]
    pub(crate) resume: bool,
}

/// Parses `--fit KEY=LO..HI` (or `KEY=log:LO..HI`; a usage error when malformed).
fn parse_fit(text: &str) -> Result<crate::scenario::Fit, String> {
    crate::calibration::parse_fit(text)
}

/// `picsim calibrate`.
#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    /// Scenario file (TOML); its [calibration] table gives what the options below do not.
    pub(crate) scenario: PathBuf,
    /// Scenario overrides, applied to every particle before the fitted keys.
    #[command(flatten)]
    pub(crate) scenario_args: ScenarioArgs,
    /// The observations: a CSV with columns date,metric,value and optionally sem, metrics named
    /// as the columns of series.csv (default: calibration.observed).
    #[arg(long, value_name = "OBS.csv")]
    pub(crate) observed: Option<PathBuf>,
    /// A key to fit and its prior range, uniform: `--fit population.activity.1.mean_days_between_sign_ins=2..20`;
    /// `KEY=log:LO..HI` for log-uniform; dates work too (`KEY=2013-04-20..2013-05-10`).
    /// Repeatable; replaces the [calibration] entry of the same key.
    #[arg(long, value_name = "KEY=LO..HI", value_parser = parse_fit)]
    pub(crate) fit: Vec<crate::scenario::Fit>,
    /// Only these observed metrics count (repeatable; default: calibration.metrics, else all).
    #[arg(long, value_name = "METRIC")]
    pub(crate) metric: Vec<String>,
    /// Only observations up to this day count: the forecast a migration in progress had on that
    /// day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub(crate) observed_until: Option<chrono::NaiveDate>,
    /// Particles per generation (default: calibration.particles, else 100).
    #[arg(long, value_name = "N")]
    pub(crate) particles: Option<u32>,
    /// Most simulations in all (default: calibration.max_simulations, else 2000).
    #[arg(long, value_name = "N")]
    pub(crate) max_simulations: Option<u32>,
    /// Most generations after the prior's (default: calibration.max_generations, else 8).
    #[arg(long, value_name = "N")]
    pub(crate) max_generations: Option<u32>,
    /// Check the calibration instead of running it (simulation-based calibration): N repeats,
    /// each drawing a truth from the prior, simulating the observations (the days and metrics of
    /// the observations file) in a world of its own and calibrating to them with the options
    /// given; writes each truth's rank among its posterior's draws and whether its 50 % and 90 %
    /// intervals held it (sbc.csv), coverage per key (coverage.csv), the rank ECDF chart and
    /// report.html (default folder: output/<scenario name>-check).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) check: Option<u32>,
    /// The calibration's speed-ups to use, for measuring them one at a time
    /// (benches/calibration-levers.sh): `share` (proposals share worlds when no fitted key
    /// reaches them), `truncate` (fits simulate only to the last observed day), `screen`
    /// (multifidelity screening on a small world), comma-separated, or `none`; default all.
    #[arg(long, value_name = "LIST", hide = true, value_delimiter = ',')]
    pub(crate) levers: Option<Vec<String>>,
    /// Continue an interrupted calibration (or check) into the same folder from the generations
    /// (repeats) it finished; ends as an uninterrupted one would.
    #[arg(long)]
    pub(crate) resume: bool,
    /// Output and run settings (`--out`'s help: `CALIBRATE_OUT`).
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `picsim population`.
#[derive(Debug, Args)]
pub(crate) struct PopulationArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Scenario overrides (no `--replications`: one replication's world is written).
    #[command(flatten)]
    pub(crate) keys: KeyArgs,
    /// Folder to write the files into.
    #[arg(long, value_name = "DIR")]
    pub(crate) export: PathBuf,
    /// Which replication's world (its draws are the ones `run` makes for that replication).
    #[arg(long, value_name = "R", default_value_t = 0)]
    pub(crate) replication: u32,
    /// Complete a world folder: what it pins is kept, the rest drawn, as `run --world` would.
    #[arg(long = "world", value_name = "DIR")]
    pub(crate) replay: Option<PathBuf>,
    /// Threads, the folder, imported lists and the memory guard, as for `run`.
    #[command(flatten)]
    pub(crate) world: WorldArgs,
}

/// Settings that change a scenario; every one goes through the scenario's validation.
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct ScenarioArgs {
    /// `--set` and `--seed`.
    #[command(flatten)]
    pub(crate) keys: KeyArgs,
    /// Number of replications (overrides scenario.replications).
    #[arg(long, value_name = "N")]
    pub(crate) replications: Option<u32>,
}

/// The scenario settings of every command, `population` included (which builds one
/// replication's world, so `--replications` has no meaning there).
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct KeyArgs {
    /// Override a scenario key: `--set migrations.0.window.from=2013-05-23`. Values are TOML
    /// (text that is not TOML is taken as a string; a list is `--set 'output.charts=["users"]'`);
    /// array items by zero-based index. Repeatable.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE", value_parser = parse_override)]
    pub(crate) set: Vec<Override>,
    /// Master seed, 0 to 2^63 − 1 (overrides scenario.seed).
    #[arg(long, value_name = "SEED", value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub(crate) seed: Option<u64>,
}

/// `picsim run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Scenario overrides.
    #[command(flatten)]
    pub(crate) scenario_args: ScenarioArgs,
    /// Replay a world folder (written by `picsim population --export`, or part of one): what it
    /// pins is never drawn (as `population.world = "DIR"` in the scenario; docs/world.md).
    #[arg(long, value_name = "DIR")]
    pub(crate) world: Option<PathBuf>,
    /// Output and run settings.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// The memory guard's settings.
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct MemoryArgs {
    /// Refuse to start when the estimated peak memory exceeds this many bytes (suffixes K, M, G,
    /// T accepted; default: the memory available now).
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub(crate) memory_limit: Option<u64>,
    /// Run even when the estimate exceeds the limit.
    #[arg(long)]
    pub(crate) ignore_memory_limit: bool,
}

/// Parses `123`, `500M`, `2G` (powers of 1024).
fn parse_bytes(text: &str) -> Result<u64, String> {
    crate::scenario::import::parse_size(text)
}

/// Parses a limit: a size above 0.
fn parse_limit(text: &str) -> Result<u64, String> {
    match parse_bytes(text)? {
        0 => Err(format!("`{text}` is no room at all; give a size above 0")),
        bytes => Ok(bytes),
    }
}

/// `picsim validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Overrides, checked as `run` would apply them.
    #[command(flatten)]
    pub(crate) scenario_args: ScenarioArgs,
    /// The memory guard, for a scenario that replays a world (checked as a one-thread run).
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
}
