//! Tests of the run charts (kept beside them, in their own file for length).
use super::*;
use crate::report::figure::canvas::assert_png_size;
use crate::report::figure::style::{HEIGHT, WIDTH};
use crate::run::report::fixtures;

fn draw_all(result: &RunResult) {
    let dir = tempfile::tempdir().expect("temp dir");
    for chart in Chart::ALL {
        let path = dir.path().join(format!("{}.png", chart.stem()));
        draw(result, chart, &path).unwrap_or_else(|e| panic!("{chart:?}: {e:#}"));
        assert_png_size(&path);
    }
}

#[test]
fn draws_every_chart() {
    draw_all(fixtures::small());
}

#[test]
fn draws_one_replication() {
    draw_all(fixtures::single());
}

#[test]
fn draws_without_migrations() {
    let r = fixtures::no_migrations("no migrations here");
    assert!(r.scenario.migrations.is_empty());
    draw_all(&r);
}

#[test]
fn draws_a_single_reported_row_and_zero_series() {
    let mut r = fixtures::small().clone();
    let cols = r.columns.len();
    r.dates.truncate(1);
    r.report_days.truncate(1);
    r.summary.truncate(cols);
    for rep in &mut r.series {
        rep.truncate(cols);
    }
    for st in &mut r.summary {
        *st = crate::run::summary::Stat::of(&mut [0.0]);
    }
    draw_all(&r);
}

#[test]
fn unwritable_path_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing").join("users.png");
    let err = draw(fixtures::small(), Chart::Users, &path).expect_err("no such directory");
    assert!(format!("{err:#}").contains("users.png"), "{err:#}");
}

/// Two identical series become one legend entry naming both; a series meeting another on a
/// few days is dashed and keeps its band; one meeting it on most days loses its band.
#[test]
fn coinciding_lines_stay_identifiable() {
    let d = |means: &[f64]| Data {
        mean: means
            .iter()
            .enumerate()
            .map(|(x, m)| (x as i32, *m))
            .collect(),
        p05: means.iter().map(|m| m - 1.0).collect(),
        p95: means.iter().map(|m| m + 1.0).collect(),
    };
    let black = RGBColor(0, 0, 0);
    let spec = Spec {
        title: String::new(),
        unit: "entries",
        series: vec![
            Series::main("reachable for IM", "a", black),
            Series::main("reachable for presence", "b", black),
            Series::main("reachable for audio", "c", black),
            Series::main("reachable for video", "d", black),
        ],
        empty_note: None,
    };
    let im: Vec<f64> = (0..20).map(|i| 100.0 + f64::from(i)).collect();
    let mut audio: Vec<f64> = (0..20).map(|i| 50.0 + f64::from(i)).collect();
    audio[19] = im[19];
    let mut video = audio.clone();
    for v in &mut video[..15] {
        *v -= 10.0;
    }
    let (spec, data) = coincide(spec, vec![d(&im), d(&im), d(&audio), d(&video)]);
    let labels: Vec<&str> = spec.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "reachable for IM = presence",
            "reachable for audio",
            "reachable for video"
        ]
    );
    assert_eq!(data.len(), 3);
    // Audio meets IM on 1 day of 20: dashed, band kept. Video meets audio on 5 of 20.
    assert!(!spec.series[0].dashed && spec.series[0].band);
    assert!(spec.series[1].dashed && spec.series[1].band);
    assert!(spec.series[2].dashed && !spec.series[2].band);
}

#[test]
fn network_colours_follow_network_order() {
    let s = &fixtures::small().scenario;
    let spec = spec(Chart::ReachableByNetwork, s);
    for (i, se) in spec.series.iter().enumerate() {
        assert_eq!(se.colour, palette(i));
        assert_eq!(se.column, format!("reachable_{}", s.networks[i].id));
    }
}

#[test]
fn each_network_is_drawn_in_its_colour() {
    let r = fixtures::small();
    let pixels = render_rgb(r, Chart::ReachableByNetwork).expect("chart renders");
    assert_eq!(pixels.len(), (WIDTH * HEIGHT * 3) as usize);
    let count = |c: RGBColor| {
        pixels
            .chunks_exact(3)
            .filter(|p| p == &[c.0, c.1, c.2])
            .count()
    };
    for i in 0..r.scenario.networks.len() {
        // The line and the legend swatch, at least; a colour used by nothing else.
        assert!(
            count(palette(i)) > 200,
            "network {i} colour barely drawn: {}",
            count(palette(i))
        );
    }
    assert_eq!(
        count(palette(r.scenario.networks.len())),
        0,
        "an unused network colour appears"
    );
}
