//! What a command reads, so that nothing it writes replaces it: every output (the folder of
//! `--out` or `--export`, the file of `picsim import --to`) is checked against the command's
//! inputs (scenario files, contact list, edge list, world folder, observations, compared run
//! folders) before anything is written, by [`Staging`](super::Staging) for folders and by the
//! import command for its file. A target that is an input (however it is spelt: `sub/../x`,
//! `$PWD/x`, a symbolic or hard link to it), or a folder holding one, is refused, with `--force`
//! or without: `--force` replaces what picsim wrote, never what it reads.
//!
//! Not responsible for what the inputs are: each command lists its own (a scenario lists what it
//! read, `Scenario::inputs`).

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// A command's inputs, each with what it is (`the world folder`, `a scenario file`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Inputs(Vec<(PathBuf, &'static str)>);

impl Inputs {
    /// Adds `path`, which is `what`.
    pub(crate) fn add(&mut self, path: impl Into<PathBuf>, what: &'static str) {
        self.0.push((path.into(), what));
    }

    /// Adds every input of a list (`Scenario::inputs`).
    pub(crate) fn extend(&mut self, list: impl IntoIterator<Item = (PathBuf, &'static str)>) {
        self.0.extend(list);
    }

    /// Refuses `target` (`shown` as the user named it, e.g. `output folder 'out' (--out)`) when
    /// it is one of the inputs, a folder that holds one, or inside an input folder (writing it
    /// would change that folder), whether it exists yet or not; `another` says what to do
    /// instead.
    pub(crate) fn check(&self, target: &Path, shown: &str, another: &str) -> Result<()> {
        let Ok(meta) = std::fs::metadata(target) else {
            return self.check_new(target, shown, another);
        };
        let canonical = std::fs::canonicalize(target).ok();
        for (input, what) in &self.0 {
            let Ok(input_meta) = std::fs::metadata(input) else {
                continue;
            };
            let input_canonical = std::fs::canonicalize(input).ok();
            let same = same_file(&meta, &input_meta)
                || (canonical.is_some() && canonical == input_canonical);
            if same {
                bail!(
                    "{shown} is {what} ('{}'): an output never replaces what its command reads, with --force or without; {another}",
                    input.display()
                );
            }
            let (holds, within) = match (&canonical, &input_canonical) {
                (Some(t), Some(i)) => (
                    meta.is_dir() && i.starts_with(t),
                    input_meta.is_dir() && t.starts_with(i),
                ),
                _ => (false, false),
            };
            if holds || within {
                bail!(
                    "{shown} {} {what} ('{}'): an output never replaces what its command reads, with --force or without; {another}",
                    if holds { "holds" } else { "is inside" },
                    input.display()
                );
            }
        }
        Ok(())
    }
}

impl Inputs {
    /// [`Inputs::check`] for a target that does not exist yet: it holds nothing and replaces
    /// nothing, but creating it inside an input folder would still change that folder. Where it
    /// would be is its nearest existing ancestor, canonical (links followed), and the rest of
    /// its path.
    fn check_new(&self, target: &Path, shown: &str, another: &str) -> Result<()> {
        let Some(place) = place_of_new(target) else {
            return Ok(());
        };
        for (input, what) in &self.0 {
            let is_dir = std::fs::metadata(input).is_ok_and(|m| m.is_dir());
            let canonical = std::fs::canonicalize(input).ok();
            if is_dir && canonical.is_some_and(|i| place.starts_with(i)) {
                bail!(
                    "{shown} would be inside {what} ('{}'): an output never changes what its command reads, with --force or without; {another}",
                    input.display()
                );
            }
        }
        Ok(())
    }
}

/// Where `target`, which does not exist, would be created: its nearest existing ancestor
/// (canonical) with the rest of its path joined (`.` dropped, `..` taking a component off).
/// `None` when no ancestor can be resolved.
fn place_of_new(target: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(target).ok()?;
    let base = absolute
        .ancestors()
        .find(|a| std::fs::metadata(a).is_ok())?;
    let mut place = std::fs::canonicalize(base).ok()?;
    for part in absolute.strip_prefix(base).ok()?.components() {
        match part {
            std::path::Component::ParentDir => {
                place.pop();
            }
            std::path::Component::Normal(name) => place.push(name),
            _ => {}
        }
    }
    Some(place)
}

/// Whether two files' metadata are of one file: the same device and inode (hard links, and any
/// spelling of the path, included).
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Without inodes, only canonical paths tell (the caller compares them).
#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_however_spelt_or_linked_is_refused_and_what_holds_one_too() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::create_dir_all(d.join("world/inner")).unwrap();
        std::fs::write(d.join("in.csv"), "x").unwrap();
        std::fs::write(d.join("world/inner/users.csv"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("in.csv"), d.join("link.csv")).unwrap();
        std::fs::hard_link(d.join("in.csv"), d.join("hard.csv")).unwrap();
        let mut inputs = Inputs::default();
        inputs.add(d.join("in.csv"), "the contact list");
        inputs.add(d.join("world/inner"), "the world folder");
        let refused = |t: &Path| inputs.check(t, "'t'", "choose another").is_err();
        for same in [
            "in.csv",
            "sub/../in.csv",
            "link.csv",
            "hard.csv",
            "world/inner",
            "world",
            "world/inner/users.csv",
        ] {
            assert!(refused(&d.join(same)), "{same}");
        }
        // Not there yet, but it would be created inside the world folder (however spelt, and
        // through a link to it).
        std::os::unix::fs::symlink(d.join("world"), d.join("world-link")).unwrap();
        for inside in [
            "world/inner/new",
            "world/inner/new/deeper",
            "sub/../world/inner/new",
            "world-link/inner/new",
            "world/inner/x/../new",
        ] {
            assert!(refused(&d.join(inside)), "{inside}");
        }
        for other in [
            "sub",
            "new.csv",
            "sub/new",
            "world/new",
            "world/inner/../../new",
        ] {
            assert!(!refused(&d.join(other)), "{other}");
        }
        let e = inputs
            .check(&d.join("sub/../in.csv"), "'x' (--to)", "write it elsewhere")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("'x' (--to) is the contact list (")
                && e.ends_with("with --force or without; write it elsewhere"),
            "{e}"
        );
    }
}
