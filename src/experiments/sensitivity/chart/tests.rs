//! Tests of the tornado charts (kept beside them, in their own file for length).
use super::*;
use crate::experiments::fixtures;
use crate::report::figure::canvas::assert_png_size;

fn count(pixels: &[u8], c: RGBColor) -> usize {
    pixels
        .chunks_exact(3)
        .filter(|p| p == &[c.0, c.1, c.2])
        .count()
}

fn tornado(sens: &Sensitivity) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (figure, _) in sens.figures() {
        let path = dir
            .path()
            .join(crate::experiments::sensitivity::result::figure_file(
                &figure,
            ));
        draw(sens, &figure, &path).unwrap_or_else(|e| panic!("{figure}: {e:#}"));
        assert_png_size(&path);
    }
}

#[test]
fn tornado_without_parameters() {
    tornado(&fixtures::sensitivity(0));
}

#[test]
fn tornado_with_thirty_and_forty_parameters() {
    tornado(&fixtures::sensitivity(30));
    tornado(&fixtures::sensitivity(40));
}

#[test]
fn tornado_with_a_figure_missing_from_some_runs() {
    let mut sens = fixtures::sensitivity(4);
    sens.parameters[2].high.headlines.clear();
    assert_eq!(sens.bars("users_isolated@end").len(), 3);
    assert_eq!(sens.missing("users_isolated@end").len(), 1);
    tornado(&sens);
    sens.parameters
        .iter_mut()
        .for_each(|p| p.low.headlines.clear());
    tornado(&sens);
}

#[test]
fn tornado_of_a_figure_the_base_lacks_is_an_error() {
    let sens = fixtures::sensitivity(2);
    let dir = tempfile::tempdir().expect("temp dir");
    let err = draw(&sens, "nope", &dir.path().join("t.png")).expect_err("no figure");
    assert!(format!("{err:#}").contains("nope"));
}

#[test]
fn tornado_bars_are_drawn_in_both_colours() {
    let sens = fixtures::sensitivity(5);
    let base = sens
        .base
        .headline("users_isolated@end")
        .expect("figure")
        .clone();
    let pixels = supersampled(|root| render_tornado(&sens, &base, root)).expect("renders");
    assert!(count(&pixels, LOW) > 2000, "low bars");
    assert!(count(&pixels, HIGH) > 2000, "high bars");
}

#[test]
fn end_labels_go_outwards() {
    let bar = |at_low, at_high| Bar {
        key: "k".into(),
        label: "K".into(),
        low_text: "lo".into(),
        high_text: "hi".into(),
        at_low,
        at_high,
    };
    let sides = |b: &Bar| -> Vec<(String, bool, f64)> {
        end_labels(b, 10.0)
            .into_iter()
            .map(|l| (l.text, l.side == Side::Right, l.at))
            .collect()
    };
    assert_eq!(
        sides(&bar(8.0, 12.0)),
        [("lo".into(), false, 8.0), ("hi".into(), true, 12.0)]
    );
    // Both above the base: the nearer one's label moves beside the base line, on the left.
    assert_eq!(
        sides(&bar(11.0, 14.0)),
        [("lo".into(), false, 10.0), ("hi".into(), true, 14.0)]
    );
    assert_eq!(sides(&bar(10.0, 10.0)).len(), 1);
    assert_eq!(
        sides(&bar(10.0, 7.0)),
        [
            ("lo (= base)".into(), true, 10.0),
            ("hi".into(), false, 7.0)
        ]
    );
}

#[test]
fn tick_texts_follow_the_unit() {
    assert_eq!(tick_text(0.42, Unit::Share, 0.05), "42 %");
    assert_eq!(tick_text(0.425, Unit::Share, 0.005), "42.5 %");
    assert_eq!(tick_text(12500.0, Unit::Count, 2500.0), "12,500");
    assert_eq!(tick_text(0.5, Unit::Count, 0.5), "0.5");
    assert_eq!(tick_text(-1234.5, Unit::Money, 500.0), "-1,234.50");
}
