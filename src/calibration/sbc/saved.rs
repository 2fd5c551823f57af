//! A check's finished repeats, kept in the unfinished folder (`<out>.partial/`, whose record says
//! which check it is) after each repeat, so that `--resume` goes on from the next one; the repeat
//! in progress keeps its calibration's own checkpoint beside it (`repeat-<n>/`). The file is
//! written whole and renamed into place; read back, it is refused unless every row is one a check
//! of these keys could have written (keys, ranks, repeats in order), with the file and the row.

use super::Ranked;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The finished repeats' file in the kept folder.
const FILE: &str = "check.json";
/// Largest file read back: a million repeats of ten keys is well under it.
const MAX_BYTES: u64 = 1 << 30;

/// The folder of repeat `repeat`'s calibration checkpoint inside `kept`.
pub(crate) fn repeat_dir(kept: &Path, repeat: usize) -> PathBuf {
    kept.join(format!("repeat-{repeat}"))
}

/// Saves `ranked` (every finished repeat) into `kept` and drops the checkpoint of the repeat
/// just finished.
pub(crate) fn save(kept: &Path, ranked: &[Ranked]) -> Result<()> {
    std::fs::create_dir_all(kept)
        .with_context(|| format!("could not create the checkpoint '{}'", kept.display()))?;
    let path = kept.join(FILE);
    crate::report::staging::write_atomically(&path, &serde_json::to_string(ranked)?)?;
    if let Some(last) = ranked.last() {
        let dir = repeat_dir(kept, last.repeat);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("could not remove '{}'", dir.display()))?;
        }
    }
    Ok(())
}

/// The finished repeats saved in `kept` (none when there is no file), checked against a check
/// of `keys` fitted keys.
pub(crate) fn load(kept: &Path, keys: usize) -> Result<Vec<Ranked>> {
    let path = kept.join(FILE);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("could not read '{}'", path.display())),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_BYTES {
        bail!(
            "'{}' is {size} bytes, more than a check writes",
            path.display()
        );
    }
    let ranked: Vec<Ranked> =
        serde_json::from_reader(std::io::BufReader::new(file)).with_context(|| {
            format!(
                "'{}' is not a check's record of its repeats",
                path.display()
            )
        })?;
    check(&ranked, keys).map_err(|e| anyhow::anyhow!("'{}': {e}", path.display()))?;
    Ok(ranked)
}

/// Why `ranked` is not what a check of `keys` keys writes, if it is not: rows by repeat then
/// key, every repeat whole, each truth in the unit interval and each rank within its draws.
fn check(ranked: &[Ranked], keys: usize) -> Result<(), String> {
    if keys == 0 || ranked.len() % keys != 0 {
        return Err(format!(
            "{} rows do not make whole repeats of {keys} keys",
            ranked.len()
        ));
    }
    for (i, r) in ranked.iter().enumerate() {
        let (repeat, key) = (i / keys, i % keys);
        if r.repeat != repeat || r.key != key {
            return Err(format!(
                "row {} is repeat {} key {}, where repeat {repeat} key {key} belongs",
                i + 1,
                r.repeat,
                r.key
            ));
        }
        if !(0.0..=1.0).contains(&r.truth) || r.draws == 0 || r.rank > r.draws {
            return Err(format!(
                "row {} holds a truth outside 0 to 1 or a rank outside its draws",
                i + 1
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(repeat: usize, key: usize) -> Ranked {
        Ranked {
            repeat,
            key,
            truth: 0.25,
            rank: 3,
            draws: 10,
            in_50: true,
            in_90: false,
        }
    }

    #[test]
    fn finished_repeats_round_trip_and_a_bad_record_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept");
        assert!(load(&kept, 2).unwrap().is_empty());
        let rows = vec![row(0, 0), row(0, 1), row(1, 0), row(1, 1)];
        std::fs::create_dir_all(repeat_dir(&kept, 1)).unwrap();
        save(&kept, &rows).unwrap();
        assert!(!repeat_dir(&kept, 1).exists());
        assert_eq!(load(&kept, 2).unwrap(), rows);
        // Another number of keys, a missing row, a rank past its draws, rows out of order, and
        // bytes that are not JSON: each refused with the file named.
        let cases: Vec<(Vec<Ranked>, &str)> = vec![
            (rows[..3].to_vec(), "do not make whole repeats"),
            (
                vec![
                    row(0, 0),
                    Ranked {
                        rank: 11,
                        ..row(0, 1)
                    },
                ],
                "rank outside its draws",
            ),
            (vec![row(0, 1), row(0, 0)], "row 1 is repeat 0 key 1"),
        ];
        for (bad, expected) in cases {
            save(&kept, &bad).unwrap();
            let e = load(&kept, 2).unwrap_err().to_string();
            assert!(e.contains(expected) && e.contains("check.json"), "{e}");
        }
        assert!(load(&kept, 3).is_err());
        std::fs::write(kept.join(FILE), b"[{\"repeat\":").unwrap();
        let e = format!("{:#}", load(&kept, 2).unwrap_err());
        assert!(e.contains("is not a check's record"), "{e}");
    }
}
