//! The progress line of the commands that run scenarios: what runs, its phase (generating a
//! world, simulating a replication, writing the reports) with its counters, the elapsed time,
//! the bar, the percentage and the time left, in 80 columns; hidden when stderr is not a
//! terminal, or with `--quiet`.

use crate::scenario::Scenario;
use std::io::IsTerminal;

/// The progress line: the status ([`status`]: what runs, its phase and counters), then the
/// elapsed time, the bar, the percentage and the time left. Everything but the status and the
/// bar has a fixed width (29 columns), so a status of at most [`STATUS_WIDTH`] leaves the bar
/// at least 11 of 80 columns.
const BAR_TEMPLATE: &str = "{msg} [{elapsed_precise}] {wide_bar} {percent:>3}% eta {eta_precise}";

/// Widest status on the progress line (see [`BAR_TEMPLATE`]).
pub(crate) const STATUS_WIDTH: usize = 40;

/// A progress bar on the terminal (hidden when stderr is not one, or when quiet), its status
/// `what` until a phase is set ([`status`]).
pub(crate) fn progress_bar(len: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(BAR_TEMPLATE)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(status(what, &[]));
    bar
}

/// Where a job stands in its command: its run of the runs, and its replication of the run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// 1-based run, and how many runs the command has.
    pub(crate) run: (usize, usize),
    /// 1-based replication in the run, and how many it has.
    pub(crate) rep: (u32, u32),
}

impl Place {
    pub(crate) fn generating(self) -> Phase {
        Phase::Generating(self)
    }
    pub(crate) fn simulating(self) -> Phase {
        Phase::Simulating(self)
    }
}

/// Each job's place (`jobs`: scenario index and replication, in output order): a sweep's run
/// counts among all its runs, a resumed one's too.
pub(crate) fn places(scenarios: &[Scenario], jobs: &[(usize, u32)]) -> Vec<Place> {
    let mut seen = vec![0u32; scenarios.len()];
    jobs.iter()
        .map(|&(i, _)| {
            seen[i] += 1;
            Place {
                run: (i + 1, scenarios.len()),
                rep: (seen[i], scenarios[i].replications),
            }
        })
        .collect()
}

/// What a command is doing, for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Generating the world (population) of a replication.
    Generating(Place),
    /// Migrations, profiles and the engine of a replication.
    Simulating(Place),
    /// Every replication done: the reports are written.
    Writing,
}

impl Phase {
    /// The phase in words, longest first, each shorter one keeping the counters: `run 7/40,
    /// simulating replication 5/12`, then `run 7/40, replication 5/12`. The run is named only
    /// when there are several.
    pub(crate) fn texts(self) -> Vec<String> {
        let (place, doing, noun) = match self {
            Phase::Generating(p) => (p, "generating ", "world"),
            Phase::Simulating(p) => (p, "simulating ", "replication"),
            Phase::Writing => return vec!["writing reports".into()],
        };
        let (k, m) = place.rep;
        let run = match place.run {
            (_, 1) => String::new(),
            (r, n) => format!("run {r}/{n}, "),
        };
        vec![
            format!("{run}{doing}{noun} {k}/{m}"),
            format!("{run}{noun} {k}/{m}"),
        ]
    }
}

/// The progress line's status: `label: phase`, at most [`STATUS_WIDTH`] characters. The label
/// is shortened first (with `…`), then the phase's wording (`phase`: longest first), never its
/// counters unless even the shortest alone is too wide.
pub(crate) fn status(label: &str, phase: &[String]) -> String {
    let width = |t: &str| t.chars().count();
    let cut = |t: &str, n: usize| -> String {
        if width(t) <= n {
            t.to_string()
        } else {
            let kept: String = t.chars().take(n.saturating_sub(1)).collect();
            format!("{kept}…")
        }
    };
    let Some(shortest) = phase.last() else {
        return cut(label, STATUS_WIDTH);
    };
    // A label shorter than this says too little to be worth a phase's words.
    const MIN_LABEL: usize = 8;
    for text in phase {
        let room = STATUS_WIDTH.saturating_sub(width(text) + 2);
        if label.is_empty() && width(text) <= STATUS_WIDTH {
            return text.clone();
        }
        if room >= MIN_LABEL.min(width(label)) && room > 0 {
            return format!("{}: {text}", cut(label, room));
        }
    }
    cut(shortest, STATUS_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line as the terminal shows it at 80 columns, the fields at their widest
    /// (hours of elapsed time and time left, 100 %), the bar left out: what the bar gets.
    fn room_for_bar(status: &str) -> usize {
        let line = BAR_TEMPLATE
            .replace("{msg}", status)
            .replace("{elapsed_precise}", "12:34:56")
            .replace(" {wide_bar}", "")
            .replace("{percent:>3}", "100")
            .replace("{eta_precise}", "99:59:59");
        80usize.saturating_sub(line.chars().count())
    }

    fn place(run: (usize, usize), rep: (u32, u32)) -> Place {
        Place { run, rep }
    }

    #[test]
    fn the_status_names_the_phase_and_its_counters() {
        let one = place((1, 1), (3, 12));
        assert_eq!(
            status("pic-2013", &Phase::Generating(one).texts()),
            "pic-2013: generating world 3/12"
        );
        assert_eq!(
            status("pic-2013", &Phase::Simulating(one).texts()),
            "pic-2013: simulating replication 3/12"
        );
        assert_eq!(
            status("pic-2013", &Phase::Writing.texts()),
            "pic-2013: writing reports"
        );
        // A sweep's run among all its runs; the label is shortened, never the counters.
        let sweep = Phase::Simulating(place((7, 40), (5, 12)));
        assert_eq!(
            status("pic-2013 sweep of 40 runs", &sweep.texts()),
            "pic-2013 sw…: run 7/40, replication 5/12"
        );
    }

    #[test]
    fn every_status_fits_80_columns_with_a_bar() {
        let label = "a-scenario-with-a-very-long-name sensitivity (31 runs)";
        let widest = [
            Phase::Generating(place((1000, 1000), (1000, 1000))),
            Phase::Simulating(place((1000, 1000), (1000, 1000))),
            Phase::Simulating(place((1, 1), (12, 12))),
            Phase::Writing,
        ];
        for phase in widest {
            for label in [label, "", "x"] {
                let text = status(label, &phase.texts());
                assert!(text.chars().count() <= STATUS_WIDTH, "{text}");
                assert!(room_for_bar(&text) >= 10, "{text}");
            }
        }
        assert_eq!(
            status(
                "",
                &Phase::Simulating(place((1000, 1000), (1000, 1000))).texts()
            ),
            "run 1000/1000, replication 1000/1000"
        );
    }

    #[test]
    fn places_count_runs_among_all_and_replications_within_each() {
        let path = std::path::Path::new("scenarios/pic-2013.toml");
        let mut a = crate::scenario::load_file(path, &[]).unwrap();
        a.replications = 2;
        let b = a.clone();
        // A resumed sweep: run 1 done, run 2's two replications left.
        let got = places(&[a, b], &[(1, 0), (1, 1)]);
        assert_eq!(got, vec![place((2, 2), (1, 2)), place((2, 2), (2, 2))]);
    }
}
