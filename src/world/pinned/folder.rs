//! A world folder's files before any of them is read: which are there (only the names a world
//! has, and hidden files, which tools and picsim's own marker leave; a misspelt `org.csv` would
//! otherwise be drawn silently as if absent), that each is a regular file (a link is followed;
//! one that leads nowhere, or to a folder, a device or a pipe, is refused), and, for the memory
//! guard, how large each is: its lines (an upper bound on its rows) and the sizes `orgs.csv`
//! pins, known before anything of the world is held in memory.
//!
//! Every CSV file of a world is read through `crate::records::Records`: each record with its
//! true line, and none longer than a cap.

use super::error::{Problems, WorldError, WorldErrors};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every file a world may hold (`docs/world.md`), in the order they are read.
pub(crate) const FILES: [&str; 8] = [
    "world.toml",
    "orgs.csv",
    "domains.csv",
    "users.csv",
    "persons.csv",
    "entries.csv",
    "migrations.csv",
    "graph.csv",
];

/// The largest `world.toml` read (it holds three keys; a scenario's name may be long).
pub(crate) const MAX_ABOUT_BYTES: u64 = 1 << 20;

/// A world folder whose every entry is a file a world may hold, each a regular file.
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    /// The folder.
    pub(crate) dir: PathBuf,
    /// Per name of [`FILES`], whether the folder has it.
    present: [bool; FILES.len()],
}

impl Folder {
    /// Lists `dir`: every entry not hidden must be one of [`FILES`] and a regular file that can be
    /// opened; each problem names the entry.
    pub(crate) fn open(dir: &Path) -> Result<Folder, WorldErrors> {
        let mut problems = Problems::default();
        let mut present = [false; FILES.len()];
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                let file = dir.display().to_string();
                problems.push(WorldError::whole_file(
                    file,
                    format!("the world folder could not be read: {}", io_text(&e)),
                ));
                return problems.or(Folder::empty(dir));
            }
        };
        let mut names: Vec<std::ffi::OsString> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => names.push(e.file_name()),
                Err(e) => problems.push(WorldError::whole_file(
                    dir.display().to_string(),
                    format!("the world folder could not be listed: {}", io_text(&e)),
                )),
            }
        }
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let text = name.to_string_lossy();
            if text.starts_with('.') {
                continue;
            }
            match FILES.iter().position(|f| *f == text) {
                Some(i) => match check_file(&path) {
                    Ok(()) => present[i] = true,
                    Err(problem) => {
                        problems.push(WorldError::whole_file(path.display().to_string(), problem))
                    }
                },
                None => problems.push(WorldError::whole_file(
                    path.display().to_string(),
                    unknown_name(&text),
                )),
            }
        }
        problems.or(Folder {
            dir: dir.to_path_buf(),
            present,
        })
    }

    fn empty(dir: &Path) -> Folder {
        Folder {
            dir: dir.to_path_buf(),
            present: [false; FILES.len()],
        }
    }

    /// Whether the folder has the file `name` (one of [`FILES`]).
    pub(crate) fn has(&self, name: &str) -> bool {
        FILES
            .iter()
            .position(|f| *f == name)
            .is_some_and(|i| self.present[i])
    }

    /// The path of the file `name`.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Why `name` is not a file of a world, and what it may have meant.
fn unknown_name(name: &str) -> String {
    let near = crate::scenario::key::nearest(name, FILES.iter().copied())
        .map_or(String::new(), |n| format!("did you mean {n}? "));
    format!(
        "not a file of a world; {near}a world has {} (and hidden files, which are ignored): rename it, or move it out of the folder",
        FILES.join(", ")
    )
}

/// Whether `path` (a link is followed) is a regular file that can be opened.
fn check_file(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Err(e) if std::fs::symlink_metadata(path).is_ok() => Err(format!(
            "a link that leads to no file picsim can read ({})",
            io_text(&e)
        )),
        Err(e) => Err(format!("could not be read: {}", io_text(&e))),
        Ok(m) if !m.is_file() => Err(
            "not a regular file (a folder, a device or a pipe): a world file is a CSV or TOML file"
                .into(),
        ),
        Ok(_) => std::fs::File::open(path)
            .map(drop)
            .map_err(|e| format!("could not be opened: {}", io_text(&e))),
    }
}

/// An I/O error for people: its kind, without the OS's error number.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The number of lines of `path` (a last line without a newline counts), read in blocks: an
/// upper bound on its CSV rows (a quoted cell may span lines) known without holding the file.
pub(crate) fn count_lines(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 256 << 10];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_with_a_worlds_names_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let w = dir.path();
        std::fs::write(w.join("orgs.csv"), "org\n0\n").unwrap();
        std::fs::write(w.join(".picsim"), "{}").unwrap();
        let folder = Folder::open(w).unwrap();
        assert!(folder.has("orgs.csv") && !folder.has("users.csv"));
        std::fs::write(w.join("org.csv"), "org\n0\n").unwrap();
        std::fs::create_dir(w.join("users.csv")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(w.join("nowhere"), w.join("graph.csv")).unwrap();
        let text = Folder::open(w).unwrap_err().to_string();
        assert!(
            text.contains("graph.csv: a link that leads to no file"),
            "{text}"
        );
        assert!(
            text.contains("org.csv: not a file of a world; did you mean orgs.csv?"),
            "{text}"
        );
        assert!(text.contains("users.csv: not a regular file"), "{text}");
    }

    #[test]
    fn lines_are_counted_with_or_without_a_last_newline() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        for (text, lines) in [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("\n\n", 2)] {
            std::fs::write(&p, text).unwrap();
            assert_eq!(count_lines(&p).unwrap(), lines, "{text:?}");
        }
    }
}
