//! Tests of the comparison charts (kept beside them, in their own file for length).
use super::*;
use crate::report::figure::canvas::assert_png_size;
use crate::report::fixtures;

fn compare_png(cmp: &Comparison, metric: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("compare_{metric}.png"));
    draw(cmp, metric, &path).unwrap_or_else(|e| panic!("{metric}: {e:#}"));
    assert_png_size(&path);
    std::fs::read(&path).expect("chart reads")
}

/// The RGB pixels of a chart, decoded with the renderer's own pipeline (no PNG decoder).
fn compare_pixels(cmp: &Comparison, metric: &str) -> Vec<u8> {
    let (origin, lines) = run_lines(cmp, metric).expect("lines");
    supersampled(|root| render_compare(cmp, metric, origin, &lines, root)).expect("renders")
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
    for m in crate::report::comparison::CHART_METRICS {
        compare_png(&cmp, m);
    }
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
    let width = crate::report::figure::style::WIDTH as usize;
    // The mean row of each run's line in the plot (left of the legend panel).
    let rows: Vec<f64> = (0..3)
        .map(|i| {
            let c = run_colour(i, 3);
            let at = pixels.chunks_exact(3).enumerate();
            let rows: Vec<usize> = at
                .filter(|(i, p)| i % width < 1100 && p == &[c.0, c.1, c.2])
                .map(|(i, _)| i / width)
                .collect();
            assert!(rows.len() > 100, "colour barely drawn");
            rows.iter().sum::<usize>() as f64 / rows.len() as f64
        })
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
    let err = draw(&cmp, "reachable_im", &path).expect_err("metric missing");
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
    assert!(draw(&empty, "reachable_im", &path).is_err());
}
