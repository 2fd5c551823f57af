//! Text that fits: word wrap and ellipsis, measured with the chart's own fonts.

use super::style::plot_err;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Greedy word wrap of `text` so that each line fits `first_width` (first line) or `width`
/// pixels.
pub(crate) fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    first_width: i32,
    width: i32,
) -> anyhow::Result<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let limit = if lines.is_empty() { first_width } else { width };
        let (w, _) = area
            .estimate_text_size(&candidate, style)
            .map_err(plot_err("measuring text"))?;
        if w as i32 > limit && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// `text`, cut at the end with "…" so that it fits `width` drawing pixels.
pub(crate) fn ellipsize<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> anyhow::Result<String> {
    let fits = |t: &str| -> anyhow::Result<bool> {
        let (w, _) = area
            .estimate_text_size(t, style)
            .map_err(plot_err("measuring text"))?;
        Ok(w as i32 <= width)
    };
    if fits(text)? {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis (binary search; width grows with length).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if fits(&candidate)? {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…")
}
