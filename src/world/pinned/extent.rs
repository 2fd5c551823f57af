//! How large a world folder makes a replication, known before any of it is held in memory: each
//! file's lines (an upper bound on its rows) and the sizes `orgs.csv` pins (users and domains per
//! organisation), so that the memory guard refuses a world that would not fit (a one-row
//! `orgs.csv` pinning a hundred million users) before anything is allocated for it.

use super::folder::{FILES, Folder, count_lines};
use crate::records::Records;
use std::path::Path;

/// How large a world folder's pins are.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Extent {
    /// The folder, as messages name it.
    pub(crate) dir: String,
    /// Per file of [`FILES`], whether the folder has it.
    pub(crate) present: [bool; FILES.len()],
    /// Per file, its lines, header included (0 when absent).
    pub(crate) lines: [u64; FILES.len()],
    /// Per file, its size in bytes.
    pub(crate) bytes: [u64; FILES.len()],
    /// Organisations `orgs.csv` lists, when present.
    pub(crate) orgs: Option<u64>,
    /// Organisations whose `users` cell pins their size, and those sizes' sum.
    pub(crate) pinned_users: (u64, u64),
    /// Organisations whose `domains` cell pins their number of SIP domains, and their sum.
    pub(crate) pinned_domains: (u64, u64),
    /// The line of `orgs.csv` pinning the most users, and their number.
    pub(crate) most_users: Option<(u64, u64)>,
}

/// Bytes each row of a file takes once read (a world's pins, held for the whole run), in
/// [`FILES`] order: `orgs.csv` an organisation's pins (its deployment changes are counted with
/// the file's bytes), `domains.csv` an add day, `users.csv` a line and a domain, `persons.csv` a
/// line, two network sets and a class, `entries.csv` an entry and half an entry more while it is
/// sorted, `migrations.csv` and `graph.csv` a row (and for the graph an edge while it is built).
const ROW_BYTES: [f64; FILES.len()] = [0.0, 160.0, 4.0, 8.0, 9.0, 24.0, 24.0, 20.0];

impl Extent {
    /// Measures the files of `folder`: lines and bytes, and the sizes `orgs.csv` pins. A file
    /// that cannot be read is left for the reader of the world to refuse at its place.
    pub(crate) fn of(folder: &Folder) -> Extent {
        let mut extent = Extent {
            dir: folder.dir.display().to_string(),
            ..Extent::default()
        };
        for (i, name) in FILES.iter().enumerate() {
            if !folder.has(name) {
                continue;
            }
            let path = folder.path(name);
            extent.present[i] = true;
            extent.lines[i] = count_lines(&path).unwrap_or(0);
            extent.bytes[i] = std::fs::metadata(&path).map_or(0, |m| m.len());
        }
        if folder.has("orgs.csv") {
            extent.scan_orgs(&folder.path("orgs.csv"));
        }
        extent
    }

    /// The rows of file `name` at most (its lines but the header).
    pub(crate) fn rows(&self, name: &str) -> Option<u64> {
        let i = FILES.iter().position(|f| *f == name)?;
        self.present[i].then(|| self.lines[i].saturating_sub(1))
    }

    /// Bytes the world's pins take in memory once read, at most.
    pub(crate) fn pinned_bytes(&self) -> f64 {
        let rows: f64 = (0..FILES.len())
            .map(|i| self.lines[i].saturating_sub(1) as f64 * ROW_BYTES[i])
            .sum();
        // Per organisation, `domains.csv`'s and `users.csv`'s per-organisation tallies; the
        // deployment changes of `orgs.csv`, at most its bytes.
        let orgs = self.orgs.unwrap_or(0) as f64 * 28.0;
        rows + orgs + self.bytes[1] as f64
    }

    /// Reads `orgs.csv`'s `users` and `domains` cells (those that are whole numbers; the reader
    /// of the world refuses the others at their place), one row at a time.
    fn scan_orgs(&mut self, path: &Path) {
        let Ok(mut records) = Records::open(path) else {
            return;
        };
        let mut header = csv::ByteRecord::new();
        let Ok(Some(_)) = records.next(&mut header) else {
            return;
        };
        let find = |name: &[u8]| header.iter().position(|h| h.trim_ascii() == name);
        let (users, domains) = (find(b"users"), find(b"domains"));
        let number = |r: &csv::ByteRecord, c: Option<usize>| -> Option<u64> {
            let text = std::str::from_utf8(r.get(c?)?.trim_ascii()).ok()?;
            text.parse::<u32>().ok().map(u64::from)
        };
        let mut record = csv::ByteRecord::new();
        let mut orgs = 0;
        while let Ok(Some(line)) = records.next(&mut record) {
            if record.iter().all(|c| c.trim_ascii().is_empty()) {
                continue;
            }
            orgs += 1;
            if let Some(n) = number(&record, users) {
                self.pinned_users.0 += 1;
                self.pinned_users.1 += n;
                if self.most_users.is_none_or(|(_, most)| n > most) {
                    self.most_users = Some((line, n));
                }
            }
            if let Some(n) = number(&record, domains) {
                self.pinned_domains.0 += 1;
                self.pinned_domains.1 += n;
            }
        }
        self.orgs = Some(orgs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extent_counts_rows_and_what_orgs_pin() {
        let dir = tempfile::tempdir().unwrap();
        let w = dir.path();
        std::fs::write(
            w.join("orgs.csv"),
            "org, users ,domains\n0,5,1\n\n1,100000000,2\n2,x,\n",
        )
        .unwrap();
        std::fs::write(w.join("entries.csv"), "user,person\n0,0\n0,1\n0,2").unwrap();
        let e = Extent::of(&Folder::open(w).unwrap());
        assert_eq!(e.orgs, Some(3));
        assert_eq!(e.pinned_users, (2, 100_000_005));
        assert_eq!(e.pinned_domains, (2, 3));
        assert_eq!(e.most_users, Some((4, 100_000_000)));
        assert_eq!(e.rows("entries.csv"), Some(3));
        assert_eq!(e.rows("users.csv"), None);
        // 4 rows of orgs.csv (the blank one too: lines bound rows), 3 entries.
        let bytes = 4.0 * 160.0 + 3.0 * 24.0 + 3.0 * 28.0 + e.bytes[1] as f64;
        assert_eq!(e.pinned_bytes(), bytes);
    }
}
