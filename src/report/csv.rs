//! The CSV writer every file picsim writes through the csv crate uses, the fixed decimals of its
//! floats (so that files are byte-identical across runs, platforms and thread counts), and how
//! imported addresses appear in outputs. What a file's rows are is its writer's business.

use anyhow::{Context, Result};
use std::path::Path;

/// A CSV writer on a new file at `path`, buffered, quoting by the csv crate's rules (a field
/// holding a comma, a quote or a line break); every CSV picsim writes through the crate uses it.
pub(crate) fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("could not create '{}'", path.display()))?;
    Ok(csv::WriterBuilder::new().from_writer(std::io::BufWriter::with_capacity(1 << 20, file)))
}

pub(crate) fn f6(x: f64) -> String {
    format!("{x:.6}")
}

pub(crate) fn opt_f6(x: Option<f64>) -> String {
    x.map(f6).unwrap_or_default()
}

/// How imported addresses appear in outputs.
#[derive(Clone, Copy)]
pub(crate) enum Addresses<'a> {
    /// As pseudonyms keyed by this run's secret salt.
    Pseudonyms(&'a [u8; 32]),
    /// In clear (`--reveal-addresses`).
    Revealed,
}

impl Addresses<'_> {
    /// How `address` is written.
    pub(crate) fn show(&self, address: &str) -> String {
        match self {
            Addresses::Pseudonyms(salt) => crate::scenario::import::pseudonym(salt, address),
            Addresses::Revealed => address.to_string(),
        }
    }
}
