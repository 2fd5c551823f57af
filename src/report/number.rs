//! Numbers for people: thousands separators, as every chart, page and table writes them.

/// A number rounded to an integer with thousands separators: `1,234,567`.
pub(crate) fn thousands(v: f64) -> String {
    group_thousands(&format!("{v:.0}"))
}

/// Digits (optionally signed) with a comma every three digits from the right.
pub(crate) fn group_thousands(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if sign.is_empty() || digits.chars().all(|c| c == '0') {
        out
    } else {
        format!("{sign}{out}")
    }
}

/// `value` with `decimals` decimals and thousands separators.
pub(crate) fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", group_thousands(int)),
        None => group_thousands(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(grouped(-1234.5, 2), "-1,234.50");
        assert_eq!(group_thousands("-000"), "000");
    }
}
