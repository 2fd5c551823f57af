//! Tests of the comparison charts (kept beside them, in their own file for length).
use super::*;
use crate::experiments::fixtures;
use crate::report::figure::canvas::assert_png_size;

/// The chart of `metric`'s levels.
fn level(metric: &'static str) -> CompareChart {
    CompareChart {
        metric,
        difference: false,
    }
}

/// The chart of `metric`'s differences from the first run.
fn difference(metric: &'static str) -> CompareChart {
    CompareChart {
        metric,
        difference: true,
    }
}

fn chart_png(cmp: &Comparison, chart: CompareChart) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(chart.file_name());
    draw(cmp, chart, &path).unwrap_or_else(|e| panic!("{chart:?}: {e:#}"));
    assert_png_size(&path);
    std::fs::read(&path).expect("chart reads")
}

fn compare_png(cmp: &Comparison, metric: &'static str) -> Vec<u8> {
    chart_png(cmp, level(metric))
}

/// The RGB pixels of a chart, decoded with the renderer's own pipeline (no PNG decoder).
fn chart_pixels(cmp: &Comparison, chart: CompareChart) -> Vec<u8> {
    let (origin, lines) = run_lines(cmp, chart.metric).expect("lines");
    let lines = if chart.difference {
        differences(lines)
    } else {
        lines
    };
    supersampled(|root| render_compare(cmp, chart, origin, &lines, root)).expect("renders")
}

fn compare_pixels(cmp: &Comparison, metric: &'static str) -> Vec<u8> {
    chart_pixels(cmp, level(metric))
}

/// The mean pixel row of colour `c` in the plot (left of the legend panel).
fn mean_row(pixels: &[u8], c: RGBColor) -> f64 {
    let width = crate::report::figure::style::WIDTH as usize;
    let rows: Vec<usize> = pixels
        .chunks_exact(3)
        .enumerate()
        .filter(|(i, p)| i % width < 1100 && p == &[c.0, c.1, c.2])
        .map(|(i, _)| i / width)
        .collect();
    assert!(rows.len() > 100, "colour barely drawn");
    rows.iter().sum::<usize>() as f64 / rows.len() as f64
}

fn count(pixels: &[u8], c: RGBColor) -> usize {
    pixels
        .chunks_exact(3)
        .filter(|p| p == &[c.0, c.1, c.2])
        .count()
}

#[test]
fn compares_one_run() {
    let cmp = fixtures::sweep(1, 40);
    for m in crate::experiments::compare::result::CHART_METRICS {
        compare_png(&cmp, m);
    }
    // One run has nothing to differ from.
    assert!(cmp.charts().iter().all(|c| !c.difference));
}

/// The column of `reachable_im` in a run's summary rows.
fn im_column(r: &RunSummary) -> usize {
    r.columns
        .iter()
        .position(|c| c == "reachable_im")
        .expect("reachable_im")
}

#[test]
fn differences_are_each_day_less_the_first_run() {
    // Run 0: 100, 200, 300; run 1: 110, 190, 330 (hand-made), on the same three days.
    let mut cmp = fixtures::sweep(2, 3);
    for (r, values) in cmp
        .runs
        .iter_mut()
        .zip([[100.0, 200.0, 300.0], [110.0, 190.0, 330.0]])
    {
        let col = im_column(r);
        for (row, v) in values.iter().enumerate() {
            r.summary[row * r.columns.len() + col] = crate::run::summary::Stat::of(&mut [*v]);
        }
    }
    let (_, lines) = run_lines(&cmp, "reachable_im").expect("lines");
    let diff = differences(lines);
    let means = |l: &RunLine| l.mean.iter().map(|p| p.1).collect::<Vec<_>>();
    assert_eq!(means(&diff[0]), [0.0, 0.0, 0.0]);
    assert_eq!(means(&diff[1]), [10.0, -10.0, 30.0]);
    // No bands: both ends are the mean.
    assert_eq!(diff[1].p05, means(&diff[1]));
    assert_eq!(diff[1].p95, means(&diff[1]));
    assert_eq!(
        cmp.charts(),
        crate::experiments::compare::result::CHART_METRICS
            .iter()
            .flat_map(|m| [level(m), difference(m)])
            .collect::<Vec<_>>()
    );
}

#[test]
fn differences_part_runs_that_the_levels_chart_draws_together() {
    // Three runs falling from 900,000 to 300,000 entries; from day 10 on the second is 1,000
    // and the third 1,900 above the first. On the levels chart (an axis that must hold the
    // whole fall) their lines lie within a few pixels; on the differences chart far apart.
    let mut cmp = fixtures::sweep(3, 20);
    for (k, r) in cmp.runs.iter_mut().enumerate() {
        let (columns, col) = (r.columns.len(), im_column(r));
        for row in 0..20 {
            let base = 900_000.0 - 30_000.0 * row as f64;
            let extra = if row >= 10 {
                [0.0, 1_000.0, 1_900.0][k]
            } else {
                0.0
            };
            r.summary[row * columns + col] = crate::run::summary::Stat::of(&mut [base + extra]);
        }
        r.replications = 1;
    }
    // Per pixel column of the plot, the middle row of the first and the third run's line;
    // their distance, averaged over the columns where both show (nested widths keep both
    // visible where they coincide).
    let gap = |pixels: &[u8]| {
        let width = crate::report::figure::style::WIDTH as usize;
        let middle = |x: usize, c: RGBColor| {
            let rows: Vec<usize> = (0..pixels.len() / 3 / width)
                .filter(|y| {
                    let p = &pixels[3 * (y * width + x)..3 * (y * width + x) + 3];
                    p == [c.0, c.1, c.2]
                })
                .collect();
            (!rows.is_empty()).then(|| rows.iter().sum::<usize>() as f64 / rows.len() as f64)
        };
        let gaps: Vec<f64> = (0..1100)
            .filter_map(|x| {
                let (a, b) = (middle(x, run_colour(0, 3))?, middle(x, run_colour(2, 3))?);
                Some((a - b).abs())
            })
            .collect();
        assert!(gaps.len() > 300, "lines barely drawn");
        gaps.iter().sum::<f64>() / gaps.len() as f64
    };
    let levels = gap(&compare_pixels(&cmp, "reachable_im"));
    let diffs = gap(&chart_pixels(&cmp, difference("reachable_im")));
    assert!(levels < 5.0, "levels {levels} rows apart");
    assert!(diffs > 150.0, "differences only {diffs} rows apart");
    chart_png(&cmp, difference("reachable_im"));
}

#[test]
fn compares_a_few_runs_each_in_its_colour() {
    let cmp = fixtures::sweep(5, 40);
    compare_png(&cmp, "reachable_im");
    let pixels = compare_pixels(&cmp, "reachable_im");
    for i in 0..5 {
        assert!(
            count(&pixels, run_colour(i, 5)) > 300,
            "run {i}'s colour barely drawn"
        );
    }
    assert_eq!(count(&pixels, run_colour(5, 6)), 0, "an unused colour");
}

#[test]
fn compares_sixty_runs_along_a_ramp() {
    let cmp = fixtures::sweep(60, 40);
    compare_png(&cmp, "users_isolated");
    assert_ne!(run_colour(0, 60), run_colour(59, 60));
    assert_eq!(run_colour(0, 60), ramp(0.0));
    let pixels = compare_pixels(&cmp, "users_isolated");
    // The ramp in the legend and the emphasised lines, at least.
    assert!(count(&pixels, run_colour(0, 60)) > 100);
    assert!(count(&pixels, run_colour(59, 60)) > 100);
}

#[test]
fn runs_a_percentage_point_apart_are_lines_apart() {
    // Three runs flat at 75.0 %, 76.0 % and 76.9 % of 100,000 entries, one replication each
    // (no bands): each run's line is drawn in its own rows of pixels, far apart.
    let mut cmp = fixtures::sweep(3, 20);
    for (r, v) in cmp.runs.iter_mut().zip([75_000.0, 76_000.0, 76_900.0]) {
        for s in &mut r.summary {
            *s = crate::run::summary::Stat::of(&mut [v]);
        }
        r.replications = 1;
    }
    let pixels = compare_pixels(&cmp, "reachable_im");
    let rows: Vec<f64> = (0..3)
        .map(|i| mean_row(&pixels, run_colour(i, 3)))
        .collect();
    // 1 percentage point is at least 100 pixels on a 900-pixel chart (from 0 it was 6).
    assert!(rows[0] - rows[1] > 100.0, "{rows:?}");
    assert!(rows[1] - rows[2] > 80.0, "{rows:?}");
}

#[test]
fn compares_one_date_and_all_zeros() {
    let mut cmp = fixtures::sweep(3, 1);
    for r in &mut cmp.runs {
        for s in &mut r.summary {
            *s = crate::run::summary::Stat::of(&mut [0.0]);
        }
        r.replications = 1;
    }
    compare_png(&cmp, "reachable_im");
}

#[test]
fn missing_metric_is_an_error_naming_it_and_the_run() {
    let mut cmp = fixtures::sweep(3, 5);
    cmp.runs[1].columns[1] = "something_else".into();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("compare_reachable_im.png");
    let err = draw(&cmp, level("reachable_im"), &path).expect_err("metric missing");
    let text = format!("{err:#}");
    assert!(
        text.contains("run-002") && text.contains("reachable_im"),
        "{text}"
    );
    assert!(!path.exists());
    let empty = Comparison {
        runs: Vec::new(),
        ..fixtures::sweep(0, 1)
    };
    assert!(draw(&empty, level("reachable_im"), &path).is_err());
    assert!(draw(&empty, difference("reachable_im"), &path).is_err());
}
