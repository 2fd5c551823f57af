//! Pearson's chi-square test, for the tests of the generators' laws (compiled for tests only).

/// The chi-square statistic of `observed` counts against `expected` ones.
pub(super) fn statistic(observed: &[u64], expected: &[f64]) -> f64 {
    assert_eq!(observed.len(), expected.len());
    observed
        .iter()
        .zip(expected)
        .map(|(&o, &e)| (o as f64 - e).powi(2) / e)
        .sum()
}

/// The chi-square value that `dof` degrees of freedom exceed with probability 0.001, by the
/// Wilson–Hilferty approximation (above the tables' values by less than 2 % from 3 degrees of
/// freedom up, and 1 % from 10: 16.27 for 3, 29.59 for 10, 149.45 for 100).
pub(super) fn critical(dof: usize) -> f64 {
    let k = dof as f64;
    let z = 3.090_232; // the standard normal's 0.999 quantile
    let c = 2.0 / (9.0 * k);
    k * (1.0 - c + z * c.sqrt()).powi(3)
}

/// Asserts that `observed` fits `expected` at the 0.1 % level (categories with an expected count
/// below 5 should be pooled by the caller).
pub(super) fn assert_fits(what: &str, observed: &[u64], expected: &[f64]) {
    let chi = statistic(observed, expected);
    let limit = critical(observed.len() - 1);
    assert!(
        chi < limit,
        "{what}: chi-square {chi:.1} over {} categories (0.1 % limit {limit:.1}); observed {observed:?}, expected {expected:.1?}",
        observed.len()
    );
}

#[test]
fn critical_values_match_the_tables() {
    for (dof, table, within) in [(3, 16.266, 0.02), (10, 29.588, 0.01), (100, 149.449, 0.005)] {
        let c = critical(dof);
        assert!(
            (c - table).abs() / table < within,
            "{dof}: {c} against {table}"
        );
    }
}
