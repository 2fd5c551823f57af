//! The run report's explorer: the data of every chart embedded in the page as JSON
//! (`<script type="application/json" id="picsim-data">`), a small inline script
//! (`explore.js`) that draws each chart again as an interactive SVG from it, and the style sheet
//! of what the script draws (an inline `<style>`, beside the scripts).
//!
//! Progressive enhancement: the page is complete without the script (each `<figure>` keeps its
//! PNG, which printing also uses); with it, each chart gains a hover rule and tooltip (date, and
//! per shown series the mean and p05–p95), legend buttons that switch series off and on, and
//! key-date markers numbered as the key-dates table, whose rows highlight their marker in every
//! chart. Nothing is fetched: no URL, no `eval`, so it works from `file://`.
//!
//! The series of each chart are those of its PNG (`super::chart::outline`); the numbers are the
//! run's summaries, rounded for size (means to 0.1, percentiles to whole counts).

use crate::run::report::chart::outline;
use crate::run::summary::RunResult;
use crate::scenario::Chart;
use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// The script that draws the charts (no network, no `eval`; see the file's header).
const SCRIPT: &str = include_str!("explore.js");

/// The style of what the script draws, on top of the frame's sheet (it uses its variables).
const STYLE: &str = r#"
figure.explore-on > img { display: none; }
.explore-title { margin: 0 0 .3rem; font-weight: 600; }
.explore-title .unit { color: var(--muted); font-weight: 400; }
.explore-legend { display: flex; flex-wrap: wrap; gap: .3rem .5rem; margin: 0 0 .5rem; }
.explore-key { display: inline-flex; align-items: center; gap: .45rem; max-width: 100%; padding: .15rem .55rem;
  font: inherit; font-size: .85rem; text-align: left; color: var(--text); background: #fff;
  border: 1px solid var(--rule); border-radius: .3rem; cursor: pointer; }
.explore-key:hover { border-color: var(--muted); }
.explore-key[aria-pressed="false"] { color: var(--muted); text-decoration: line-through; }
.explore-key[aria-pressed="false"] .explore-sample { opacity: .3; }
.explore-key:focus-visible, .explore-plot svg:focus-visible, tr[data-key-date]:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 1px; }
.explore-sample { flex: none; width: 1.6rem; border-top: 3px solid; }
.explore-sample.dashed { border-top-style: dashed; }
.explore-plot { position: relative; }
.explore-plot svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); background: #fff; }
.explore-plot svg text { font-size: 12px; fill: var(--muted); }
.explore-plot .grid line { stroke: var(--rule); }
.explore-plot .axis { stroke: #9ca3af; }
.explore-plot .marker line { stroke: #6b7280; stroke-dasharray: 4 3; }
.explore-plot .marker circle { fill: var(--badge); }
.explore-plot .marker text { fill: #fff; font-size: 11px; font-weight: 700; text-anchor: middle; }
.explore-plot .marker.hl line { stroke: #c81e1e; stroke-width: 2.5; stroke-dasharray: none; }
.explore-plot .marker.hl circle { fill: #c81e1e; }
.explore-plot .rule { stroke: var(--text); stroke-width: 1; }
.explore-tip { position: absolute; top: 0; left: 0; max-width: calc(100% - 1rem); padding: .35rem .55rem; pointer-events: none;
  font-size: .8rem; line-height: 1.4; background: rgba(255,255,255,.96); border: 1px solid var(--muted);
  border-radius: .3rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.explore-tip[hidden] { display: none; }
.explore-tip .tip-date { font-weight: 700; }
.explore-tip .tip-rows { display: grid; grid-template-columns: auto minmax(6rem, 14rem) auto auto; gap: .1rem .45rem;
  align-items: baseline; }
.explore-tip .tip-row { display: contents; }
.explore-tip .tip-row .swatch { margin-right: 0; }
.explore-tip .tip-value { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; text-align: right; }
.explore-tip .tip-band { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
tr[data-key-date].hl td { background: #fdecea; }
@media print {
  figure.explore-on > img { display: block; }
  .explore { display: none; }
}
"#;

/// Writes the explorer of `charts` (those the page shows, each in a figure `chart-<stem>`) for
/// `result`: its style, its data and its script. Put it after the figures and the key-dates
/// table (the script runs where it stands and looks them up).
///
/// # Errors
/// A chart's metric column is missing from `result`.
pub(crate) fn write(out: &mut String, result: &RunResult, charts: &[Chart]) -> Result<()> {
    let data = data(result, charts)?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(
        out,
        "<script type=\"application/json\" id=\"picsim-data\">{}</script>",
        script_safe(&data.to_string())
    )?;
    writeln!(out, "<script id=\"picsim-explore\">\n{SCRIPT}</script>")?;
    Ok(())
}

/// JSON text that cannot end its `<script>` element or open a comment in it: `<`, `>` and `&`
/// as JSON escapes (valid only inside strings, the only place JSON text has them).
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A mean, rounded to 0.1 (a whole number written without a fraction).
fn mean(v: f64) -> Value {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        json!(r as i64)
    } else {
        json!(r)
    }
}

/// The embedded data: reported dates, replications, per metric column the charts draw the mean
/// (and with more than one replication p05 and p95) per reported day, the charts' series, and
/// the key dates numbered as the charts' markers.
fn data(result: &RunResult, charts: &[Chart]) -> Result<Value> {
    let s = &result.scenario;
    let banded = result.series.len() > 1;
    let mut columns = Map::new();
    let mut chart_values = Vec::new();
    for &chart in charts {
        let (title, unit, series, empty) = outline(chart, result)?;
        let mut series_values = Vec::new();
        for se in &series {
            if !columns.contains_key(&se.column) {
                let col = result
                    .column(&se.column)
                    .ok_or_else(|| anyhow!("the run has no metric column `{}`", se.column))?;
                let stats: Vec<_> = (0..result.dates.len())
                    .map(|row| result.stat(row, col))
                    .collect();
                let mut c = Map::new();
                c.insert(
                    "mean".into(),
                    stats.iter().map(|st| mean(st.mean)).collect(),
                );
                if banded {
                    let whole = |v: f64| json!(v.round() as i64);
                    c.insert("p05".into(), stats.iter().map(|st| whole(st.p05)).collect());
                    c.insert("p95".into(), stats.iter().map(|st| whole(st.p95)).collect());
                }
                columns.insert(se.column.clone(), Value::Object(c));
            }
            let c = se.colour;
            series_values.push(json!({
                "label": se.label,
                "column": se.column,
                "colour": format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
                "width": se.width,
                "dashed": se.dashed,
                "band": se.band,
                "reference": se.reference,
            }));
        }
        chart_values.push(json!({
            "id": format!("chart-{}", chart.stem()),
            "title": title,
            "unit": unit,
            "series": series_values,
            "empty": empty,
        }));
    }
    let key_dates: Vec<Value> = s
        .key_dates()
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"n": i + 1, "date": k.date.to_string(), "label": k.label}))
        .collect();
    Ok(json!({
        "dates": result.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "replications": result.series.len(),
        "columns": columns,
        "charts": chart_values,
        "keyDates": key_dates,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figure::style::palette;
    use crate::run::report::fixtures;

    /// The embedded data `write` puts in a page, parsed back.
    fn embedded(r: &RunResult) -> (String, Value) {
        let mut out = String::new();
        write(&mut out, r, &Chart::ALL).expect("explorer writes");
        let start = "<script type=\"application/json\" id=\"picsim-data\">";
        let from = out.find(start).expect("data element") + start.len();
        let to = from + out[from..].find("</script>").expect("data element ends");
        let json = serde_json::from_str(&out[from..to]).expect("the data is JSON");
        (out, json)
    }

    #[test]
    fn means_round_to_a_tenth_and_whole_ones_lose_the_fraction() {
        assert_eq!(mean(12.34).to_string(), "12.3");
        assert_eq!(mean(2.25).to_string(), "2.3");
        assert_eq!(mean(7626328.666667).to_string(), "7626328.7");
        assert_eq!(mean(12.0).to_string(), "12");
        assert_eq!(mean(0.04).to_string(), "0");
    }

    #[test]
    fn data_holds_each_days_rounded_summary() {
        let r = fixtures::small();
        let (_, d) = embedded(r);
        assert_eq!(d["replications"], json!(r.series.len()));
        assert_eq!(d["dates"].as_array().expect("dates").len(), r.dates.len());
        assert_eq!(d["dates"][0], json!(r.dates[0].to_string()));
        let col = r.column("users_lost_some").expect("column");
        let row = r.dates.len() - 1;
        let st = r.stat(row, col);
        let c = &d["columns"]["users_lost_some"];
        let m = c["mean"][row].as_f64().expect("a number");
        assert!((m - st.mean).abs() <= 0.05 + 1e-9, "{m} vs {}", st.mean);
        assert_eq!(c["p05"][row], json!(st.p05.round() as i64));
        assert_eq!(c["p95"][row], json!(st.p95.round() as i64));
        // One replication: no band to carry.
        let (_, one) = embedded(fixtures::single());
        assert!(one["columns"]["users_lost_some"].get("p05").is_none());
    }

    #[test]
    fn series_are_those_of_the_charts_and_key_dates_are_numbered() {
        let r = fixtures::small();
        let (_, d) = embedded(r);
        let charts = d["charts"].as_array().expect("charts");
        assert_eq!(charts.len(), Chart::ALL.len());
        let net = &charts[0];
        assert_eq!(net["id"], "chart-reachable_by_network");
        let series = net["series"].as_array().expect("series");
        assert_eq!(series.len(), r.scenario.networks.len());
        for (i, (se, n)) in series.iter().zip(&r.scenario.networks).enumerate() {
            let c = palette(i);
            assert_eq!(se["label"], json!(n.name));
            assert_eq!(se["column"], json!(format!("reachable_{}", n.id)));
            assert_eq!(
                se["colour"],
                json!(format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2))
            );
            // Dashed where it meets a line drawn before it on some day (both at 0 once their
            // federation ends, say), as the PNG draws it.
            let means = |se: &Value| {
                d["columns"][se["column"].as_str().expect("column")]["mean"]
                    .as_array()
                    .expect("means")
                    .clone()
            };
            let meets = series[..i].iter().any(|earlier| {
                means(earlier)
                    .iter()
                    .zip(means(se).iter())
                    .any(|(a, b)| a == b)
            });
            assert_eq!(se["dashed"], json!(meets), "{}", n.name);
        }
        // Stranded persons are the dashed companions of migrated ones.
        let migration = &charts[2]["series"];
        assert_eq!(migration[0]["dashed"], json!(false));
        assert_eq!(migration[1]["dashed"], json!(true));
        assert_eq!(migration[0]["colour"], migration[1]["colour"]);
        let keys = r.scenario.key_dates();
        assert!(!keys.is_empty());
        assert_eq!(
            d["keyDates"].as_array().expect("key dates").len(),
            keys.len()
        );
        assert_eq!(d["keyDates"][0]["n"], json!(1));
        assert_eq!(d["keyDates"][0]["date"], json!(keys[0].date.to_string()));
    }

    #[test]
    fn coinciding_series_are_merged_as_in_the_png() {
        // Whatever the scenario, no chart of the explorer draws two lines over each other with
        // the same numbers on every day: the reader could not tell them apart.
        let r = fixtures::small();
        let (_, d) = embedded(r);
        let mut merged = 0;
        for chart in d["charts"].as_array().expect("charts") {
            let lines: Vec<&Value> = chart["series"]
                .as_array()
                .expect("series")
                .iter()
                .filter(|se| se["reference"] == json!(false))
                .collect();
            for (i, a) in lines.iter().enumerate() {
                for b in &lines[i + 1..] {
                    let (ca, cb) = (
                        &d["columns"][a["column"].as_str().expect("column")],
                        &d["columns"][b["column"].as_str().expect("column")],
                    );
                    assert!(
                        ca != cb,
                        "{}: {} and {} coincide",
                        chart["id"],
                        a["label"],
                        b["label"]
                    );
                }
            }
            merged += lines
                .iter()
                .filter(|se| se["label"].as_str().is_some_and(|l| l.contains(" = ")))
                .count();
        }
        // In this world IM and presence are the same on every day (presence federates wherever
        // IM does), so the modality chart names them together.
        assert!(merged > 0, "no merged series");
    }

    #[test]
    fn scenario_text_cannot_end_the_data_element() {
        let mut r = fixtures::small().clone();
        let label = "</script><!-- & <b>";
        r.scenario.networks[0].name = label.into();
        let (out, d) = embedded(&r);
        assert!(!out.contains(label));
        assert_eq!(out.matches("</script>").count(), 2);
        assert_eq!(d["charts"][0]["series"][0]["label"], json!(label));
    }

    #[test]
    fn script_fetches_and_evaluates_nothing() {
        for word in [
            "http:",
            "https:",
            "eval(",
            "Function(",
            "fetch(",
            "XMLHttpRequest",
            "import(",
            "</script",
        ] {
            assert!(!SCRIPT.contains(word), "the script holds {word}");
        }
    }

    #[test]
    fn a_missing_column_is_an_error_naming_it() {
        let mut r = fixtures::small().clone();
        let i = r.column("users_isolated").expect("column");
        r.columns[i] = "renamed".into();
        let err = write(&mut String::new(), &r, &[Chart::Users]).expect_err("column missing");
        assert!(format!("{err:#}").contains("users_isolated"), "{err:#}");
    }
}
