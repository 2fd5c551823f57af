//! A check's finished repeats, kept in the unfinished folder (`<out>.partial/`, whose record says
//! which check it is) after each repeat, so that `--resume` goes on from the next one; the repeat
//! in progress keeps its calibration's own checkpoint beside it (`repeat-<n>/`). The file is
//! written whole and renamed into place, sealed (its first line holds the SHA-256 of the rest:
//! `crate::output::sealed`); read back, it is refused, with the file, the place and the reason,
//! when its digest does not match, when it is not a regular file or larger than a check writes,
//! and unless every row is one a check of these keys could have written (keys, ranks, repeats in
//! order), since a digest is no secret.

use super::Ranked;
use crate::output::sealed::{seal, unseal};
use anyhow::{Context, Result, anyhow};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The finished repeats' file in the kept folder.
const FILE: &str = "check.json";
/// Largest file read back: 64 MiB holds some 600,000 rows (60,000 repeats of ten keys), far more
/// than a check runs, and reads in bounded memory.
const MAX_BYTES: u64 = 64 << 20;

/// The folder of repeat `repeat`'s calibration checkpoint inside `kept`.
pub(crate) fn repeat_dir(kept: &Path, repeat: usize) -> PathBuf {
    kept.join(format!("repeat-{repeat}"))
}

/// The file as a whole: its digest and the rows.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    #[serde(rename = "sha256")]
    _sha256: String,
    repeats: Vec<Ranked>,
}

/// Saves `ranked` (every finished repeat) into `kept` and drops the checkpoint of the repeat
/// just finished.
pub(crate) fn save(kept: &Path, ranked: &[Ranked]) -> Result<()> {
    std::fs::create_dir_all(kept)
        .with_context(|| format!("could not create the checkpoint '{}'", kept.display()))?;
    let path = kept.join(FILE);
    let mut members = b"\"repeats\":".to_vec();
    members.extend(serde_json::to_vec(ranked)?);
    members.push(b'}');
    // serde_json writes UTF-8, and the seal adds ASCII.
    let text = String::from_utf8_lossy(&seal(&members)).into_owned();
    crate::output::staging::write_atomically(&path, &text)?;
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
    let name = path.display().to_string();
    let refuse = |problem: String| {
        anyhow!("{name}{problem}; not resuming it: start afresh with --force (without --resume)")
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("could not read '{name}'")),
    };
    if !meta.is_file() {
        return Err(refuse(
            ": not a regular file (picsim writes this file itself)".into(),
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("could not read '{name}'"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(refuse(format!(
            ": larger than a check writes ({MAX_BYTES} bytes)"
        )));
    }
    unseal(&bytes).map_err(|e| refuse(format!(":1: sha256: {e}")))?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let sealed: Sealed = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (line, column) = (e.inner().line(), e.inner().column());
        refuse(format!(
            ":{line}:{column}: {}: not a check's record of its repeats",
            e.path()
        ))
    })?;
    check(&sealed.repeats, keys).map_err(|e| refuse(format!(":2: {e}")))?;
    Ok(sealed.repeats)
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
        if !(0.0..=1.0).contains(&r.truth)
            || r.draws == 0
            || r.rank > r.draws
            || r.draws != ranked[0].draws
        {
            return Err(format!(
                "row {} holds a truth outside 0 to 1, a rank outside its draws or another number \
                 of draws than the first row's",
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
            (
                vec![
                    row(0, 0),
                    Ranked {
                        draws: 12,
                        ..row(0, 1)
                    },
                ],
                "another number of draws",
            ),
            (vec![row(0, 1), row(0, 0)], "row 1 is repeat 0 key 1"),
        ];
        for (bad, expected) in cases {
            save(&kept, &bad).unwrap();
            let e = load(&kept, 2).unwrap_err().to_string();
            assert!(e.contains(expected) && e.contains("check.json"), "{e}");
        }
        assert!(load(&kept, 3).is_err());
        // Unsealed, damaged, or sealed anew around what is not a list of repeats: refused at
        // the digest's line, or at the place.
        std::fs::write(kept.join(FILE), b"[{\"repeat\":").unwrap();
        let e = format!("{:#}", load(&kept, 2).unwrap_err());
        assert!(e.contains("check.json:1: sha256"), "{e}");
        save(&kept, &rows).unwrap();
        let mut bytes = std::fs::read(kept.join(FILE)).unwrap();
        let at = bytes.len() - 20;
        bytes[at] ^= 1;
        std::fs::write(kept.join(FILE), &bytes).unwrap();
        let e = format!("{:#}", load(&kept, 2).unwrap_err());
        assert!(e.contains("does not match"), "{e}");
        let members = br#""repeats":[{"repeat":0,"key":"a"}]}"#;
        std::fs::write(kept.join(FILE), seal(members)).unwrap();
        let e = format!("{:#}", load(&kept, 2).unwrap_err());
        assert!(
            e.contains("check.json:2:") && e.contains("repeats[0].key"),
            "{e}"
        );
        assert!(!e.contains("\"a\""), "no cell quoted: {e}");
        // A directory in the file's place.
        std::fs::remove_file(kept.join(FILE)).unwrap();
        std::fs::create_dir(kept.join(FILE)).unwrap();
        let e = format!("{:#}", load(&kept, 2).unwrap_err());
        assert!(e.contains("not a regular file"), "{e}");
    }
}
