//! The bounds a server export is read within, so that a crafted or damaged file is refused with a
//! message instead of exhausting memory or time: how far the ZIP's `DocItemSet.xml` may inflate,
//! how long one piece of its XML may be, and how much memory the lists read from it may hold.
//! Each is a `[population.import]` key (and a `picsim import` option) with a default that real
//! exports stay well inside; a refusal names the limit and how to raise it.
//!
//! Not responsible for checking the bounds: the readers do, while they read (`stream`, `lync`,
//! `export`).

/// How large an export may be, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Most bytes the ZIP's `DocItemSet.xml` may inflate to.
    pub(crate) inflated: u64,
    /// Longest one piece of the XML may be (a tag with its attributes, a text, a comment, a
    /// CDATA section, a declaration), in bytes of UTF-8.
    pub(crate) piece: u64,
    /// Most memory the users, contacts and refused contacts read from an export may hold
    /// (an estimate that errs high).
    pub(crate) memory: u64,
}

impl Default for Limits {
    /// 4 GiB inflated (a pool of some 300,000 users), 1 MiB a piece (a real export's longest is a
    /// tag of a few hundred bytes) and 1 GiB of lists (about 15 million public-IM entries).
    fn default() -> Self {
        Limits {
            inflated: 4 << 30,
            piece: 1 << 20,
            memory: 1 << 30,
        }
    }
}

/// One of the [`Limits`], for the message of a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    Inflated,
    Piece,
    Memory,
}

impl Limit {
    /// Every limit, in the order the docs list them.
    pub(crate) const ALL: [Limit; 3] = [Limit::Inflated, Limit::Piece, Limit::Memory];

    /// The `[population.import]` key that sets it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Limit::Inflated => "max_inflated_size",
            Limit::Piece => "max_piece_size",
            Limit::Memory => "max_list_memory",
        }
    }

    /// Its value in `limits`.
    pub(crate) fn of(self, limits: &Limits) -> u64 {
        match self {
            Limit::Inflated => limits.inflated,
            Limit::Piece => limits.piece,
            Limit::Memory => limits.memory,
        }
    }

    /// Sets its value in `limits`.
    pub(crate) fn set(self, limits: &mut Limits, bytes: u64) {
        match self {
            Limit::Inflated => limits.inflated = bytes,
            Limit::Piece => limits.piece = bytes,
            Limit::Memory => limits.memory = bytes,
        }
    }

    /// What exceeding it means, how large the limit is, and how to raise it.
    pub(crate) fn exceeded(self, limits: &Limits) -> String {
        let what = match self {
            Limit::Inflated => "the archive's DocItemSet.xml inflates to more than",
            Limit::Piece => "one tag, text or comment of the XML is longer than",
            Limit::Memory => "the contact lists read so far would hold more memory than",
        };
        format!(
            "{what} {} (the limit `population.import.{key}`, or `--{flag}` of picsim import; \
             raise it if the file is a genuine export)",
            show_size(self.of(limits)),
            key = self.key(),
            flag = self.key().replace('_', "-"),
        )
    }
}

/// The memory the lists read so far hold, estimated, against [`Limits::memory`]: shared by the
/// reader of the XML (the open user's list) and the fold that keeps users and contacts.
#[derive(Debug)]
pub(crate) struct Budget {
    used: std::cell::Cell<u64>,
    limit: u64,
}

/// The budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded;

impl Budget {
    pub(crate) fn new(limit: u64) -> Self {
        Budget {
            used: std::cell::Cell::new(0),
            limit,
        }
    }

    /// Charges `bytes`, or refuses when that would pass the limit.
    pub(crate) fn charge(&self, bytes: u64) -> Result<(), Exceeded> {
        let used = self.used.get().saturating_add(bytes);
        if used > self.limit {
            return Err(Exceeded);
        }
        self.used.set(used);
        Ok(())
    }

    /// Gives back `bytes` charged before (what was freed, or handed on to be charged again).
    pub(crate) fn release(&self, bytes: u64) {
        self.used.set(self.used.get().saturating_sub(bytes));
    }
}

/// What each thing kept costs the budget, in bytes, besides the length of its text: upper
/// estimates of the struct, the slack of its growing vector or hash table, and the allocator's
/// overhead (16 bytes) for each string it owns. Measured against the peak memory of exports made
/// of nothing else (`tests/integration/import.rs`, the bombs).
pub(crate) mod cost {
    /// A contact of the open user's list (an index-map entry and its address).
    pub(crate) const ENTRY: u64 = 112;
    /// A bad contact of the open user's list.
    pub(crate) const BAD: u64 = 96;
    /// A public-IM entry kept (a `ContactRow` and its address).
    pub(crate) const ROW: u64 = 112;
    /// A user kept (an `ImportedUser` with its three strings, and its index entry with a copy of
    /// the address); plus twice the address and the domain and organisation names.
    pub(crate) const USER: u64 = 320;
    /// A refused row (a `RejectedRow`, its reason and two fields); plus their lengths.
    pub(crate) const REJECTED: u64 = 288;
    /// A domain that no network claims, counted per organisation; plus its length.
    pub(crate) const DOMAIN: u64 = 112;
}

/// `text` as a number of bytes: a whole number, or a number with K, M, G or T (powers of 1024;
/// `KB`, `KiB` and lower case read the same).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("`{text}` is not a size; write bytes, or a number with K, M, G or T");
    let (digits, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], t[i..].to_ascii_uppercase()),
        None => (t, String::new()),
    };
    let factor: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(bad()),
    };
    let value: f64 = digits.trim().parse().map_err(|_| bad())?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    // Saturates: a size past 2^64 bytes is no limit at all.
    Ok((value * factor as f64) as u64)
}

/// A size as people write it: `1 MiB`, `4 GiB`, else bytes.
pub(crate) fn show_size(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_show_in_powers_of_1024() {
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size(" 1.5 MiB"), Ok(3 << 19));
        assert_eq!(parse_size("512kb"), Ok(512 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "-1M", "nanG", "3X", "M"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(show_size(1 << 20), "1 MiB");
        assert_eq!(show_size(4 << 30), "4 GiB");
        assert_eq!(show_size(1536), "1536 bytes");
    }

    #[test]
    fn a_refusal_names_the_limit_and_how_to_raise_it() {
        let m = Limit::Piece.exceeded(&Limits::default());
        assert!(
            m.contains("longer than 1 MiB")
                && m.contains("`population.import.max_piece_size`")
                && m.contains("`--max-piece-size`"),
            "{m}"
        );
        let mut l = Limits::default();
        for (i, limit) in Limit::ALL.into_iter().enumerate() {
            limit.set(&mut l, i as u64 + 1);
            assert_eq!(limit.of(&l), i as u64 + 1);
        }
    }
}
