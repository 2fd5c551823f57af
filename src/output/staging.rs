//! Output folders: every command writes into a temporary folder beside its target
//! (`.NAME.partial-PID`) and renames it into place only when every file is written, so that an
//! interrupted or failing run never leaves a half-written report where a finished one is expected.
//!
//! Not responsible for what goes into the folder, only for the folder: it is refused when it holds
//! anything picsim did not write (`--force` replaces only empty folders and picsim's own, known by
//! the `MARKER` file each carries), temporary folders left by a killed run are removed by the
//! next run to the same target, the live ones by [`abandon_all`] when a signal stops the process,
//! and the report already in place survives a new one that cannot be moved in.

use super::inputs::Inputs;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The file every folder picsim writes carries: which command and version wrote it, and every
/// entry it wrote (so that a file added afterwards is recognised as someone else's).
pub(crate) const MARKER: &str = ".picsim";
/// In a temporary folder, until its commit: the host name of the machine whose process made it.
const HOST_FILE: &str = ".picsim-host";
/// In a resumable folder, until its commit: what experiment it holds.
pub(crate) const RECORD: &str = "experiment.json";
/// In a resumable folder, until its commit: the finished runs' summaries.
pub(crate) const KEPT: &str = ".finished";

/// Writes `text` to `path` under a temporary name first, so that `path` is whole or absent.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, text).with_context(|| format!("could not write '{}'", path.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("could not write '{}'", path.display()))
}

/// The temporary folders of this process not yet committed, with their targets. The signal
/// handler removes them; [`Staging::commit`] holds the lock while it renames, so that a signal
/// never finds a folder half moved.
static LIVE: Mutex<Vec<(PathBuf, PathBuf, bool)>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<(PathBuf, PathBuf, bool)>> {
    // A thread that panicked holding the lock left the list whole: pushes and removes only.
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes every temporary folder of this process but the resumable ones (`Staging::resumable`)
/// and returns their targets, each with the resumable folder kept (for a process stopped by a
/// signal). Keeps the lock, so that no commit starts afterwards.
pub fn abandon_all() -> Vec<(PathBuf, Option<PathBuf>)> {
    let mut list = live();
    let targets = list
        .drain(..)
        .map(|(temp, target, kept)| {
            if kept {
                (target, Some(temp))
            } else {
                remove_while_written(&temp);
                (target, None)
            }
        })
        .collect();
    std::mem::forget(list);
    targets
}

/// Removes `dir` while other threads may still be creating files in it: a file created between
/// listing and removal makes `remove_dir_all` fail, so it is tried again. Once `dir` itself is
/// gone nothing can be created in it.
fn remove_while_written(dir: &Path) {
    for _ in 0..20 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
    }
}

/// A temporary output folder that becomes the target folder on `Staging::commit` and is removed
/// if dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    /// The subcommand writing, recorded in the marker.
    command: &'static str,
    force: bool,
    committed: bool,
    /// Kept when interrupted or failing, for `--resume` ([`Staging::resumable`]).
    resumable: bool,
}

/// How the user named an output folder, so that a refusal names it the same way (the option
/// they gave, or the key and its place in the scenario) and says how to choose another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    /// A command-line option as given: `--out`, `--export`, `--set output.dir=DIR`.
    Option(String),
    /// The scenario's `output.dir`, written at this place (`file:line:column`).
    Key(String),
    /// The command's default folder.
    Default,
}

impl Named {
    /// `'DIR' (--out)`, `'DIR' (output.dir at FILE:LINE:COL)`, `'DIR' (the default)`.
    fn folder(&self, target: &Path) -> String {
        let how = match self {
            Named::Option(o) => o.clone(),
            Named::Key(at) => format!("output.dir at {at}"),
            Named::Default => "the default".to_string(),
        };
        format!("'{}' ({how})", target.display())
    }

    /// How to choose another folder.
    fn another(&self) -> String {
        match self {
            Named::Option(o) if o.starts_with("--set") => {
                "give output.dir another folder, or choose one with --out".to_string()
            }
            Named::Option(o) => format!("give {o} another folder"),
            Named::Key(_) => "set output.dir to another folder, or choose one with --out".into(),
            Named::Default => "choose another with --out".into(),
        }
    }
}

/// `a file` or `a symbolic link`: what is at a path that is not a folder.
fn what_is(meta: &std::fs::Metadata) -> &'static str {
    if meta.file_type().is_symlink() {
        "a symbolic link"
    } else {
        "a file"
    }
}

/// Whether the output folder `target` could be created: its nearest existing ancestor must be a
/// folder this process may write in, as the operating system says (a read-only file system
/// included). Used by `validate`, which must not create anything (and names the key itself).
pub fn check_creatable(target: &Path) -> Result<()> {
    creatable(&format!("'{}'", target.display()), target)
}

/// [`check_creatable`], the folder shown as `shown`.
fn creatable(shown: &str, target: &Path) -> Result<()> {
    let mut at = target;
    loop {
        if at.exists() {
            let meta = std::fs::metadata(at)
                .with_context(|| format!("cannot inspect '{}'", at.display()))?;
            if !meta.is_dir() {
                bail!(
                    "could not create output folder {shown}: '{}' is {}, not a folder",
                    at.display(),
                    what_is(&meta)
                );
            }
            return crate::sys::check_writable(at).with_context(|| {
                format!(
                    "could not create output folder {shown}: '{}' is not writable",
                    at.display()
                )
            });
        }
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => return Ok(()),
        }
    }
}

/// The folder holding `target` (`.` for a bare name).
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The paths of every entry under `dir`, relative to it, with `/` between parts; symbolic links
/// are entries, not followed.
fn entries(dir: &Path) -> Result<BTreeSet<String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> Result<()> {
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot read '{}'", dir.display()))?
        {
            let entry = entry.with_context(|| format!("cannot read '{}'", dir.display()))?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                walk(&entry.path(), &format!("{name}/"), out)?;
            }
            out.insert(name);
        }
        Ok(())
    }
    let mut out = BTreeSet::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

/// The entries picsim wrote into the folder `dir`, from its marker; for a run folder written
/// before folders carried one, the files a run writes, when its `manifest.json` is picsim's.
/// `None`: nothing in `dir` says picsim wrote it.
fn own_entries(dir: &Path) -> Option<BTreeSet<String>> {
    let json = |file: &str| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).ok()?).ok()
    };
    if let Some(marker) = json(MARKER).filter(|m| m["written_by"] == "picsim") {
        let listed = marker["entries"].as_array()?;
        let mut own: BTreeSet<String> = listed
            .iter()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect();
        own.insert(MARKER.to_string());
        return Some(own);
    }
    let manifest = json("manifest.json")?;
    (manifest["picsim_version"].is_string() && manifest["output_schema_version"].is_string()).then(
        || {
            let charts = crate::scenario::Chart::ALL.map(|c| format!("{}.png", c.stem()));
            super::files::LINKED_FILES
                .iter()
                .chain(&["report.html", "user_impact.csv", "rejected.csv"])
                .map(|f| f.to_string())
                .chain(charts)
                .collect()
        },
    )
}

/// Refuses to replace `target` unless it is missing, an empty folder, or a folder picsim wrote
/// holding nothing else; the refusal says what was found. Touches nothing.
fn check_replaceable(target: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.with_context(|| format!("cannot inspect '{}'", target.display()))?,
    };
    if !meta.is_dir() {
        bail!(
            "'{}' is {}, not a folder picsim wrote; not replacing it (choose another folder with --out)",
            target.display(),
            what_is(&meta)
        );
    }
    let found = entries(target)?;
    let own = own_entries(target).unwrap_or_default();
    let foreign: Vec<&String> = found.iter().filter(|e| !own.contains(*e)).collect();
    // A foreign folder's contents are not listed one by one: its name says enough.
    let shown: Vec<String> = foreign
        .iter()
        .filter(|e| !foreign.iter().any(|f| e.starts_with(&format!("{f}/"))))
        .map(|e| format!("'{e}'"))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    let more = match shown.len() {
        1..=3 => String::new(),
        4 => " and 1 other entry".to_string(),
        n => format!(" and {} other entries", n - 3),
    };
    // Without a marker, even picsim's own files cannot be told from others'.
    let unmarked = if own.is_empty() {
        format!(" (no {MARKER} file marks it as picsim's)")
    } else {
        String::new()
    };
    bail!(
        "output folder '{}' holds {}{more} that picsim did not write{unmarked}; not replacing it \
         (move {} away, or choose another folder with --out)",
        target.display(),
        shown[..shown.len().min(3)].join(", "),
        if shown.len() == 1 { "it" } else { "them" }
    )
}

/// Removes the temporary folders beside `target` (`.NAME.partial-PID`, `.NAME.old-PID`) whose
/// process has ended, saying so on stderr. A report that was moved aside when the process died
/// (the target is missing) is moved back instead.
fn clear_stale(parent: &Path, name: &str) {
    let Ok(list) = std::fs::read_dir(parent) else {
        return;
    };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    for entry in list.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let (aside, pid) = match (file.strip_prefix(&partial), file.strip_prefix(&old)) {
            (Some(pid), _) => (false, pid),
            (_, Some(pid)) => (true, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if crate::sys::process_alive(pid) && pid != std::process::id() {
            continue;
        }
        let path = entry.path();
        // On a file system shared by several machines the process may be another machine's,
        // where this one cannot see it: a temporary folder says which machine made it.
        if !aside
            && std::fs::read_to_string(path.join(HOST_FILE))
                .is_ok_and(|h| h.trim() != crate::sys::host_name())
        {
            continue;
        }
        let target = parent.join(name);
        if aside && std::fs::symlink_metadata(&target).is_err() {
            if std::fs::rename(&path, &target).is_ok() {
                eprintln!(
                    "note: moved the report '{}' back from '{}', where picsim process {pid} had put it aside before it stopped",
                    target.display(),
                    path.display()
                );
            }
        } else if std::fs::remove_dir_all(&path).is_ok() {
            eprintln!(
                "note: removed '{}', left by picsim process {pid}, which is no longer running",
                path.display()
            );
        }
    }
}

/// Checks that `target` (named by the user as `named`) may be written (absent, or replaceable
/// with `force`, and never one of the command's `inputs` nor holding one), after removing the
/// stale temporary folders beside it; returns its name and the folder holding it.
fn check_target(
    target: &Path,
    named: &Named,
    force: bool,
    inputs: &Inputs,
) -> Result<(String, PathBuf)> {
    let shown = named.folder(target);
    inputs.check(target, &format!("output folder {shown}"), &named.another())?;
    let name = target
        .file_name()
        .with_context(|| format!("output path {shown} has no folder name"))?
        .to_string_lossy()
        .to_string();
    let parent = parent_of(target);
    clear_stale(&parent, &name);
    if let Ok(meta) = std::fs::symlink_metadata(target) {
        // A file is never replaced, with --force or without: say so rather than "exists".
        if meta.is_file() {
            bail!(
                "output folder {shown} is a file, not a folder; {}",
                named.another()
            );
        }
        if !force {
            bail!(
                "output folder {shown} already exists; use --force to replace it, or {}",
                named.another()
            );
        }
        check_replaceable(target)?;
    }
    creatable(&shown, target)?;
    Ok((name, parent))
}

impl Staging {
    /// Checks the target and creates the temporary folder for `command` (`run`, `sweep`, …). An
    /// existing target is refused unless `force`, and even then unless it is empty or a folder
    /// picsim wrote; a target that is one of the command's `inputs`, or holds one, is refused
    /// whatever `force` says. It is left untouched until [`Staging::commit`]. Stale temporary
    /// folders of ended processes for the same target are removed first.
    pub(crate) fn new(
        target: &Path,
        force: bool,
        command: &'static str,
        inputs: &Inputs,
    ) -> Result<Staging> {
        Self::named(
            target,
            &Named::Option("--out".into()),
            force,
            command,
            inputs,
        )
    }

    /// [`Staging::new`] for a folder the user named as `named` (which refusals repeat).
    pub(crate) fn named(
        target: &Path,
        named: &Named,
        force: bool,
        command: &'static str,
        inputs: &Inputs,
    ) -> Result<Staging> {
        let (name, parent) = check_target(target, named, force, inputs)?;
        let shown = named.folder(target);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("could not create output folder {shown}"))?;
        let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp)
                .with_context(|| format!("could not clear '{}'", temp.display()))?;
        }
        let mut list = live();
        std::fs::create_dir(&temp).with_context(|| {
            format!(
                "could not create output folder {shown} (its temporary folder '{}' failed)",
                temp.display()
            )
        })?;
        list.push((temp.clone(), target.to_path_buf(), false));
        drop(list);
        // Dropped (and the folder removed) if what follows fails.
        let staging = Staging {
            target: target.to_path_buf(),
            temp,
            command,
            force,
            committed: false,
            resumable: false,
        };
        let host = staging.temp.join(HOST_FILE);
        std::fs::write(&host, crate::sys::host_name() + "\n").with_context(|| {
            format!(
                "could not create output folder {shown} (could not write '{}')",
                host.display()
            )
        })?;
        Ok(staging)
    }

    /// Checks the target as [`Staging::new`] does and opens the resumable folder
    /// `<target>.partial` for `command`, an experiment of many runs that is kept when
    /// interrupted or failing, holding the runs it finished and [`RECORD`] (`record`: what the
    /// experiment is). With `resume`, an unfinished folder of the same record is continued, one
    /// of another record refused (nothing removed); without, an unfinished folder is refused
    /// unless `force`, which starts afresh.
    pub(crate) fn resumable(
        (target, named): (&Path, &Named),
        (force, inputs): (bool, &Inputs),
        command: &'static str,
        record: &serde_json::Value,
        resume: bool,
    ) -> Result<Staging> {
        let (name, parent) = check_target(target, named, force, inputs)?;
        let temp = parent.join(format!("{name}.partial"));
        // `--force` removes an unfinished folder: never one that holds what the command reads.
        inputs.check(
            &temp,
            &format!("the unfinished folder '{}'", temp.display()),
            &named.another(),
        )?;
        let record_path = temp.join(RECORD);
        if std::fs::symlink_metadata(&temp).is_ok() {
            let kept: Option<serde_json::Value> = std::fs::read_to_string(&record_path)
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok());
            let Some(kept) = kept else {
                bail!(
                    "'{}' is in the way of the unfinished {command}'s folder and is not one (no readable {RECORD}); move it away, or choose another folder with --out",
                    temp.display()
                );
            };
            if resume && kept != *record {
                // Every key either record has (a sweep's record names its runs, a calibration's
                // its fitted keys and observations).
                let mut keys: Vec<&str> = Vec::new();
                for r in [&kept, record] {
                    for k in r.as_object().into_iter().flat_map(|o| o.keys()) {
                        if !keys.contains(&k.as_str()) {
                            keys.push(k);
                        }
                    }
                }
                let differs = keys
                    .into_iter()
                    .filter(|k| kept.get(k) != record.get(k))
                    .collect::<Vec<_>>()
                    .join(", ");
                bail!(
                    "{}: the unfinished experiment there is another one (it differs in: {differs}); not resuming it and not touching it: run the same command as before with --resume, start afresh with --force and without --resume, or choose another folder with --out",
                    record_path.display()
                );
            }
            if !resume {
                if !force {
                    bail!(
                        "'{}' holds an unfinished {command}; continue it with --resume (same scenario, overrides and values), or start afresh with --force",
                        temp.display()
                    );
                }
                std::fs::remove_dir_all(&temp)
                    .with_context(|| format!("could not remove '{}'", temp.display()))?;
            }
        }
        if !temp.exists() {
            std::fs::create_dir_all(&temp).with_context(|| {
                format!(
                    "could not create output folder {} (its unfinished folder '{}' failed)",
                    named.folder(target),
                    temp.display()
                )
            })?;
            write_atomically(
                &record_path,
                &(serde_json::to_string_pretty(record)? + "\n"),
            )?;
        }
        std::fs::create_dir_all(temp.join(KEPT))
            .with_context(|| format!("could not create '{}'", temp.join(KEPT).display()))?;
        live().push((temp.clone(), target.to_path_buf(), true));
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            command,
            force,
            committed: false,
            resumable: true,
        })
    }

    /// Where files are written until the commit (the tests look inside).
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.temp
    }

    /// Runs `write` on the temporary folder; an error names the files as the user will see them,
    /// in the target folder, not in the temporary one, and names the target folder when it names
    /// no file at all.
    pub(crate) fn fill<T>(&self, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
        write(&self.temp).map_err(|e| {
            let (temp, target) = (self.temp.display(), self.target.display());
            let text = format!("{e:#}");
            if text.contains(&temp.to_string()) {
                anyhow!("{}", text.replace(&temp.to_string(), &target.to_string()))
            } else {
                anyhow!("could not write into '{target}': {text}")
            }
        })
    }

    /// Writes the marker listing everything in the temporary folder.
    fn mark(&self) -> Result<()> {
        let marker = serde_json::json!({
            "written_by": "picsim",
            "version": env!("CARGO_PKG_VERSION"),
            "command": self.command,
            "entries": entries(&self.temp)?,
        });
        let text = serde_json::to_string_pretty(&marker)?;
        std::fs::write(self.temp.join(MARKER), text + "\n")
            .with_context(|| format!("could not write '{}'", self.temp.join(MARKER).display()))
    }

    /// Moves the finished folder into place, replacing an existing one when forced (and still
    /// replaceable: it may have changed during the run).
    pub(crate) fn commit(mut self) -> Result<PathBuf> {
        self.fill(|dir| {
            if self.resumable {
                std::fs::remove_file(dir.join(RECORD)).with_context(|| {
                    format!("could not remove '{}'", dir.join(RECORD).display())
                })?;
                let kept = dir.join(KEPT);
                if kept.exists() {
                    std::fs::remove_dir_all(&kept)
                        .with_context(|| format!("could not remove '{}'", kept.display()))?;
                }
            } else {
                std::fs::remove_file(dir.join(HOST_FILE)).with_context(|| {
                    format!("could not remove '{}'", dir.join(HOST_FILE).display())
                })?;
            }
            self.mark()
        })?;
        let mut list = live();
        let aside = match std::fs::symlink_metadata(&self.target) {
            Ok(_) if !self.force => bail!(
                "output folder '{}' appeared while the run was going; not replacing it",
                self.target.display()
            ),
            Ok(_) => {
                check_replaceable(&self.target)?;
                let name = self.target.file_name().unwrap_or_default();
                let aside = parent_of(&self.target).join(format!(
                    ".{}.old-{}",
                    name.to_string_lossy(),
                    std::process::id()
                ));
                replace(&self.temp, &self.target, &aside)?;
                Some(aside)
            }
            Err(_) => {
                std::fs::rename(&self.temp, &self.target).with_context(|| {
                    format!(
                        "could not move the new report to '{}'",
                        self.target.display()
                    )
                })?;
                None
            }
        };
        self.committed = true;
        list.retain(|(temp, ..)| *temp != self.temp);
        drop(list);
        if let Some(aside) = aside {
            // The new report is in place. The old one is checked again before it goes: a file
            // saved into it between the check and the move (by a program whose working folder
            // it was) is kept, with the folder, and named. If what is left cannot be removed
            // now, the next run to this folder removes it.
            if let Err(e) = check_replaceable(&aside) {
                eprintln!(
                    "warning: the old report, kept as '{}', {:#}",
                    aside.display(),
                    e
                );
            } else if let Err(e) = std::fs::remove_dir_all(&aside) {
                eprintln!(
                    "warning: could not remove the old report '{}': {e}",
                    aside.display()
                );
            }
        }
        Ok(self.target.clone())
    }
}

/// Moves `target` to `aside` and `new` to `target`; if the second move fails, the old report is
/// moved back, so that a failing new report never costs the old one.
fn replace(new: &Path, target: &Path, aside: &Path) -> Result<()> {
    std::fs::rename(target, aside)
        .with_context(|| format!("could not move the old '{}' aside", target.display()))?;
    std::fs::rename(new, target).map_err(|e| {
        let kept = match std::fs::rename(aside, target) {
            Ok(()) => "the old report is still in place".to_string(),
            Err(_) => format!("the old report is in '{}'", aside.display()),
        };
        anyhow!(e).context(format!(
            "could not move the new report to '{}'; {kept}",
            target.display()
        ))
    })
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut list = live();
            // A resumable folder keeps the runs finished so far.
            if !self.resumable {
                let _ = std::fs::remove_dir_all(&self.temp);
            }
            list.retain(|(temp, ..)| *temp != self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_folder_is_replaceable_until_a_foreign_file_is_added() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let staging = Staging::new(&target, false, "test", &Inputs::default()).unwrap();
        std::fs::create_dir(staging.path().join("run-001")).unwrap();
        std::fs::write(staging.path().join("run-001/series.csv"), "x").unwrap();
        staging.commit().unwrap();
        check_replaceable(&target).unwrap();
        std::fs::write(target.join("run-001/mine.txt"), "x").unwrap();
        let err = format!("{:#}", check_replaceable(&target).unwrap_err());
        assert!(
            err.contains("'run-001/mine.txt' that picsim did not write"),
            "{err}"
        );
        for i in 0..5 {
            std::fs::create_dir(target.join(format!("d{i}"))).unwrap();
            std::fs::write(target.join(format!("d{i}/f")), "x").unwrap();
        }
        let err = format!("{:#}", check_replaceable(&target).unwrap_err());
        assert!(
            err.contains("holds 'd0', 'd1', 'd2' and 3 other entries that picsim did not write"),
            "{err}"
        );
    }

    #[test]
    fn a_report_put_aside_by_a_killed_run_is_moved_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        ended.wait().unwrap();
        let aside = dir.path().join(format!(".out.old-{}", ended.id()));
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join("report.html"), "old").unwrap();
        let err = format!(
            "{:#}",
            Staging::new(&target, false, "test", &Inputs::default()).unwrap_err()
        );
        assert!(err.contains("already exists"), "{err}");
        assert!(!aside.exists());
        assert_eq!(
            std::fs::read_to_string(target.join("report.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn another_machines_temporary_folder_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        ended.wait().unwrap();
        let theirs = dir.path().join(format!(".out.partial-{}", ended.id()));
        std::fs::create_dir(&theirs).unwrap();
        std::fs::write(theirs.join(HOST_FILE), "another-machine\n").unwrap();
        let ours = dir
            .path()
            .join(format!(".out.partial-{}", ended.id() + 1_000_000));
        std::fs::create_dir(&ours).unwrap();
        std::fs::write(ours.join(HOST_FILE), crate::sys::host_name()).unwrap();
        clear_stale(dir.path(), "out");
        assert!(
            theirs.exists(),
            "a process of another machine cannot be seen from here"
        );
        assert!(!ours.exists());
        // The committed folder does not keep the host file.
        let target = dir.path().join("new");
        let staging = Staging::new(&target, false, "test", &Inputs::default()).unwrap();
        assert!(staging.path().join(HOST_FILE).exists());
        staging.commit().unwrap();
        assert!(!target.join(HOST_FILE).exists() && target.join(MARKER).exists());
    }

    #[test]
    fn a_failed_replacement_keeps_the_old_report() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("report.html"), "old").unwrap();
        let err = replace(
            &dir.path().join("vanished"),
            &target,
            &dir.path().join(".out.old-1"),
        )
        .unwrap_err();
        let err = format!("{err:#}");
        assert!(err.contains("the old report is still in place"), "{err}");
        assert_eq!(
            std::fs::read_to_string(target.join("report.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn fill_names_the_target_not_the_temporary_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let staging = Staging::new(&target, false, "test", &Inputs::default()).unwrap();
        let err = staging
            .fill(|d| {
                std::fs::read(d.join("missing.csv")).with_context(|| {
                    format!("could not read '{}'", d.join("missing.csv").display())
                })
            })
            .unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!(
                "could not read '{}': No such file or directory (os error 2)",
                target.join("missing.csv").display()
            )
        );
    }
}
