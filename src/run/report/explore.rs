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
//! run's summaries, rounded for size (means to 0.1, percentiles to whole counts). One set of
//! chart rules: the axes' ticks and labels (`figure::ticks`, at every spacing the script may
//! need for the reader's width), the series' colours, widths and dashes, the bands' opacity and
//! the key-date badges are computed here, by the code that draws the PNGs, and embedded; the
//! script only lays them out.

use crate::report::figure::markers::BADGE_ROWS;
use crate::report::figure::ticks::{months_spanned, time_range, time_tick_choices};
use crate::report::number::thousands;
use crate::run::report::chart::{BAND_OPACITY, DASH, Outline, outline};
use crate::run::summary::RunResult;
use crate::scenario::Chart;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
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
.explore-plot .dot { stroke: #fff; }
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

/// The explorer's lines are this share of the PNG's widths (its plot is about half the PNG's
/// width, and lines at half their width read too thin on screen) …
const LINE_SCALE: f64 = 0.75;
/// … but no thinner than this, pixels.
const MIN_LINE: f64 = 1.2;
/// Its dashes and gaps are this share of the PNG's ([`DASH`]), keeping their proportion.
const DASH_SCALE: f64 = 0.5;
/// A chart of one reported day draws each series as a dot this wide, pixels.
const POINT_WIDTH: f64 = 10.0;
/// The room a month label (`2013-07`) of the explorer's time axis needs, gap included, pixels.
const MONTH_LABEL_ROOM: f64 = 72.0;
/// The room a year label (`2013`) needs, pixels.
const YEAR_LABEL_ROOM: f64 = 48.0;
/// Key-date badges: their radius, the height of a row of them, and the least distance between
/// two badges' centres in one row, pixels. Their number of rows is the PNG's ([`BADGE_ROWS`]).
const BADGE: (f64, f64, f64) = (9.0, 20.0, 20.0);

/// The embedded data: reported dates and their x, replications, per metric column the charts draw
/// the mean (and with more than one replication p05 and p95) per reported day, the charts
/// (series, their look and the y axis), the x axis's ticks, and the key dates numbered as the
/// charts' markers. Everything the script needs to draw is here, computed by the rules that draw
/// the PNGs: the script itself holds no tick rule, colour, dash or marker size.
fn data(result: &RunResult, charts: &[Chart]) -> Result<Value> {
    let banded = result.series.len() > 1;
    let single = result.dates.len() == 1;
    let mut columns = Map::new();
    let mut chart_values = Vec::new();
    for &chart in charts {
        let o = outline(chart, result)?;
        for se in &o.series {
            if !columns.contains_key(&se.column) {
                columns.insert(se.column.clone(), column(result, &se.column, banded)?);
            }
        }
        chart_values.push(chart_value(chart, &o, single));
    }
    let (x, origin, range) = x_axis(&result.dates)?;
    let key_dates: Vec<Value> = result
        .scenario
        .key_dates()
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let day = (k.date - origin).num_days();
            let inside = (i64::from(range.0)..=i64::from(range.1)).contains(&day);
            json!({"n": i + 1, "date": k.date.to_string(), "label": k.label,
                   "x": inside.then_some(day)})
        })
        .collect();
    Ok(json!({
        "dates": result.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "replications": result.series.len(),
        "columns": columns,
        "charts": chart_values,
        "x": x,
        "keyDates": key_dates,
        "bandOpacity": BAND_OPACITY,
        "badge": {"radius": BADGE.0, "rowHeight": BADGE.1, "spacing": BADGE.2, "rows": BADGE_ROWS},
    }))
}

/// The numbers of metric `name` per reported day: its mean, and with replications (`banded`) its
/// p05 and p95.
fn column(result: &RunResult, name: &str, banded: bool) -> Result<Value> {
    let col = result
        .column(name)
        .ok_or_else(|| anyhow!("the run has no metric column `{name}`"))?;
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
    Ok(Value::Object(c))
}

/// One chart: its figure's id, title, unit, series with their look (colour, width, dash, band) in
/// legend order, their drawing order, and its y axis's ticks and labels (as the PNG's). `single`:
/// the run reports one day, so each series is a dot.
fn chart_value(chart: Chart, o: &Outline, single: bool) -> Value {
    let series: Vec<Value> = o
        .series
        .iter()
        .map(|se| {
            let c = se.colour;
            let width = if single {
                POINT_WIDTH
            } else {
                (se.width * LINE_SCALE).max(MIN_LINE)
            };
            let dash = se.dashed.then(|| {
                [
                    f64::from(DASH.0) * DASH_SCALE,
                    f64::from(DASH.1) * DASH_SCALE,
                ]
            });
            json!({
                "label": se.label,
                "column": se.column,
                "colour": format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
                "width": width,
                "dashed": se.dashed,
                "dash": dash,
                "band": se.shaded,
                "reference": se.reference,
            })
        })
        .collect();
    json!({
        "id": format!("chart-{}", chart.stem()),
        "title": o.title,
        "unit": o.unit,
        "series": series,
        "layers": o.layers,
        "y": {
            "ticks": o.y_axis.ticks,
            "labels": o.y_axis.ticks.iter().map(|t| thousands(*t)).collect::<Vec<_>>(),
        },
        "empty": o.empty_note,
    })
}

/// The x axis the charts share: its range and each reported day's x (days since the first
/// reported date), and its ticks at every spacing the PNGs' rule may take, densest first, each
/// with the plot width its labels need: the script takes the first that fits its width (a PNG
/// has one width; a page has the reader's). Also returns the first date and the range.
fn x_axis(dates: &[NaiveDate]) -> Result<(Value, NaiveDate, (i32, i32))> {
    let origin = *dates
        .first()
        .ok_or_else(|| anyhow!("the run has no reported days to chart"))?;
    let days: Vec<i32> = dates
        .iter()
        .map(|d| (*d - origin).num_days() as i32)
        .collect();
    let last = days.last().copied().unwrap_or(0);
    let range = time_range(last);
    let months = f64::from(months_spanned(origin, range.0, range.1));
    let ticks: Vec<Value> = time_tick_choices(origin, last)
        .into_iter()
        .map(|t| {
            let room = if t.every >= 12 {
                YEAR_LABEL_ROOM
            } else {
                MONTH_LABEL_ROOM
            };
            let min_width = if last > 0 {
                months / f64::from(t.every) * room
            } else {
                0.0
            };
            json!({"minWidth": min_width, "at": t.days, "labels": t.labels(origin)})
        })
        .collect();
    let x = json!({"range": [range.0, range.1], "days": days, "ticks": ticks});
    Ok((x, origin, range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figure::style::palette;
    use crate::report::figure::ticks::{month_ticks, x_ticks, y_ticks};
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

    /// The x ticks the script would draw at `width` pixels: the first set whose `minWidth` fits,
    /// else the last (as `xTicks` in the script).
    fn chosen(x: &Value, width: f64) -> Vec<String> {
        let sets = x["ticks"].as_array().expect("tick sets");
        let set = sets
            .iter()
            .find(|t| t["minWidth"].as_f64().expect("a width") <= width)
            .unwrap_or_else(|| sets.last().expect("a set"));
        set["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|l| l.as_str().expect("a label").to_string())
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// Every `step` days from `first` to `last`.
    fn days(first: NaiveDate, last: NaiveDate, step: i64) -> Vec<NaiveDate> {
        std::iter::successors(Some(first), |d| {
            Some(*d + chrono::TimeDelta::days(step)).filter(|n| *n <= last)
        })
        .collect()
    }

    #[test]
    fn embedded_x_ticks_are_those_of_the_png_rules() {
        for dates in [
            days(date(2012, 7, 1), date(2014, 12, 31), 7),
            days(date(2010, 1, 1), date(2019, 12, 31), 30),
            days(date(2013, 3, 10), date(2013, 5, 20), 1),
            vec![date(2013, 1, 10)],
        ] {
            let (x, origin, range) = x_axis(&dates).expect("an axis");
            let last = (*dates.last().expect("dates") - origin).num_days() as i32;
            assert_eq!(x["range"], json!([range.0, range.1]));
            assert_eq!(x["days"].as_array().expect("days").len(), dates.len());
            let sets = x["ticks"].as_array().expect("tick sets");
            for set in sets {
                let at: Vec<i32> = serde_json::from_value(set["at"].clone()).expect("days");
                let labels: Vec<String> =
                    serde_json::from_value(set["labels"].clone()).expect("labels");
                assert_eq!(at.len(), labels.len());
                if last > 0 {
                    // Each set is figure/ticks.rs's at some spacing of months.
                    let found = [1, 2, 3, 6, 12, 24, 60, 120, 240].into_iter().any(|k| {
                        let t = month_ticks(origin, range.0, range.1, k);
                        t.days == at && t.labels(origin) == labels
                    });
                    assert!(found, "{at:?} {labels:?}");
                }
            }
            // The PNG's own ticks are among them.
            let (png, format) = if last > 0 {
                x_ticks(origin, range.0, range.1)
            } else {
                (vec![0], "%Y-%m-%d")
            };
            assert!(
                sets.iter().any(|s| s["at"] == json!(png)),
                "{png:?} ({format}) not embedded: {x}"
            );
        }
    }

    #[test]
    fn the_script_takes_the_densest_ticks_that_fit() {
        // 2012-07 to 2014-12: 30 months. Month labels need 72 pixels, years 48.
        let (x, _, _) = x_axis(&days(date(2012, 7, 1), date(2014, 12, 31), 7)).expect("an axis");
        let quarters = [
            "2012-07", "2012-10", "2013-01", "2013-04", "2013-07", "2013-10", "2014-01", "2014-04",
            "2014-07", "2014-10",
        ];
        assert_eq!(chosen(&x, 1000.0), quarters);
        assert_eq!(
            chosen(&x, 500.0),
            ["2012-07", "2013-01", "2013-07", "2014-01", "2014-07"]
        );
        assert_eq!(chosen(&x, 300.0), ["2013", "2014"]);
        assert_eq!(chosen(&x, 2200.0).len(), 30);
        // One reported day: that day, whatever the width.
        let (x, _, range) = x_axis(&[date(2013, 1, 10)]).expect("an axis");
        assert_eq!(range, (-15, 15));
        assert_eq!(chosen(&x, 300.0), ["2013-01-10"]);
        assert_eq!(chosen(&x, 3000.0), ["2013-01-10"]);
    }

    #[test]
    fn embedded_y_ticks_are_those_of_the_png_rule() {
        let r = fixtures::small();
        let (_, d) = embedded(r);
        for chart in d["charts"].as_array().expect("charts") {
            // The highest mean or band edge drawn, from the run's own summaries.
            let mut max = 0.0f64;
            for se in chart["series"].as_array().expect("series") {
                let col = r
                    .column(se["column"].as_str().expect("a column"))
                    .expect("column");
                for row in 0..r.dates.len() {
                    let st = r.stat(row, col);
                    max = max.max(st.mean);
                    if se["band"] == json!(true) {
                        max = max.max(st.p95);
                    }
                }
            }
            let ticks: Vec<f64> =
                serde_json::from_value(chart["y"]["ticks"].clone()).expect("ticks");
            assert_eq!(ticks, y_ticks(max * 1.03), "{}", chart["id"]);
            let labels = chart["y"]["labels"].as_array().expect("labels");
            assert_eq!(labels.len(), ticks.len());
            for (t, l) in ticks.iter().zip(labels) {
                let l = l.as_str().expect("a label");
                assert_eq!(l.replace(',', "").parse::<f64>().ok(), Some(*t), "{l}");
            }
        }
        // By hand: 9,500 at most gives 0 to 10,000 in steps of 2,000.
        let o = Outline {
            title: String::new(),
            unit: "entries",
            series: Vec::new(),
            layers: Vec::new(),
            y_axis: crate::report::figure::axes::CountAxis::from_zero(9_500.0),
            empty_note: None,
        };
        assert_eq!(
            chart_value(Chart::Users, &o, false)["y"]["labels"],
            json!(["0", "2,000", "4,000", "6,000", "8,000", "10,000"])
        );
    }

    /// The script draws from the data alone: it holds no tick rule (round steps, logarithms,
    /// month arithmetic), no colour, no dash pattern and no band opacity of its own (most of the
    /// words below were in it once).
    #[test]
    fn the_script_holds_no_chart_rule_of_its_own() {
        for word in [
            "Math.log10",
            "Math.pow",
            "2.5",
            "Date.UTC",
            "getUTC",
            "0.18",
            "4.5",
            "rgb(",
            "hsl(",
            "palette",
        ] {
            assert!(!SCRIPT.contains(word), "the script holds {word}");
        }
        // No colour literal: `#` and three to eight hex digits.
        let bytes = SCRIPT.as_bytes();
        for (i, _) in SCRIPT.match_indices('#') {
            let hex = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let next = bytes.get(i + 1 + hex).copied().unwrap_or(b' ');
            assert!(
                !(3..=8).contains(&hex) || next.is_ascii_alphanumeric(),
                "a colour literal in the script: {}",
                &SCRIPT[i..i + 1 + hex]
            );
        }
        // What it draws with comes in the data.
        let (_, d) = embedded(fixtures::small());
        assert!(!d["x"]["ticks"].as_array().expect("x ticks").is_empty());
        assert_eq!(d["bandOpacity"], json!(BAND_OPACITY));
        assert_eq!(d["badge"]["rows"], json!(BADGE_ROWS));
        for chart in d["charts"].as_array().expect("charts") {
            assert!(chart["y"]["ticks"].as_array().expect("y ticks").len() >= 2);
            for se in chart["series"].as_array().expect("series") {
                assert!(se["colour"].as_str().is_some_and(|c| c.starts_with('#')));
                assert!(se["width"].as_f64().is_some_and(|w| w >= MIN_LINE));
                let dash = if se["dashed"] == json!(true) {
                    json!([7.0, 4.5])
                } else {
                    Value::Null
                };
                assert_eq!(se["dash"], dash, "{se}");
            }
        }
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
