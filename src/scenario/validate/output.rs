//! `[output]`: the output folder, the charts to draw, the user's key dates and the words the
//! reports use for the scenario's users and money. Nothing here can
//! be wrong once deserialised; whether the folder can be created is checked when it is.

use super::super::model::{Chart, KeyDate, OutputSpec, Words};
use super::super::raw::{RawChart, RawOutput};

/// `[output]`, with the folder defaulting to `output/<name>`.
pub(super) fn output(out: &RawOutput, name: &str) -> OutputSpec {
    let dir = out.dir.clone().map_or_else(
        || std::path::Path::new("output").join(name),
        std::path::PathBuf::from,
    );
    let charts = out.charts.as_ref().map_or_else(
        || Chart::ALL.to_vec(),
        |list| {
            list.iter()
                .map(|c| match c {
                    RawChart::ReachableByNetwork => Chart::ReachableByNetwork,
                    RawChart::ReachableByModality => Chart::ReachableByModality,
                    RawChart::Migration => Chart::Migration,
                    RawChart::Users => Chart::Users,
                    RawChart::Losses => Chart::Losses,
                })
                .collect()
        },
    );
    let key_dates = out
        .key_dates
        .iter()
        .map(|k| KeyDate {
            date: k.date.0,
            label: k.label.clone(),
        })
        .collect();

    let user = out.user.clone().unwrap_or_else(|| Words::default().user);
    let words = Words {
        users: out.users.clone().unwrap_or_else(|| format!("{user}s")),
        user,
        currency: out.currency.clone(),
    };
    OutputSpec {
        dir,
        charts,
        key_dates,
        dir_origin: Default::default(),
        words,
    }
}
