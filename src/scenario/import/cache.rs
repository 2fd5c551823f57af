//! Each imported file parsed once per process: sweep and sensitivity variants, and `validate`'s
//! checks of them, load the scenario again and share the first parse ([`contact_list`],
//! [`edge_list`]).

use super::contacts::ContactList;
use super::edges::{BadLine, EdgeList, read_edge_list};
use super::open::{Options, read_contacts};
use crate::scenario::network::Network;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// What identifies a file's content for the cache: its canonical path, length and modification
/// time, and for a contact list what else decides its reading (the networks' ids and domains,
/// which classify its rows, and the import's options), written out.
type CacheKey = (PathBuf, u64, Option<std::time::SystemTime>, String);

/// Parsed files of this process, held weakly: a parse lives as long as a scenario holds it, so
/// variants loaded while the base scenario is alive share it, and nothing outlives its last user.
struct Cache<T>(Mutex<Vec<(CacheKey, Weak<T>)>>);

impl<T> Cache<T> {
    const fn new() -> Self {
        Cache(Mutex::new(Vec::new()))
    }

    /// The parse of `path` under `extra`, from the cache or from `read` (whose errors are not
    /// kept: they are reported and the command stops).
    fn get<E>(
        &self,
        path: &Path,
        extra: String,
        read: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        // A file that cannot be inspected is read uncached, so that `read` reports the problem.
        let key = std::fs::canonicalize(path).and_then(|p| {
            let m = std::fs::metadata(&p)?;
            Ok((p, m.len(), m.modified().ok(), extra))
        });
        let Ok(key) = key else {
            return read().map(Arc::new);
        };
        // A poisoned lock only means another thread panicked while holding it; the entries are
        // still whole (each push is one step).
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(_, w)| w.strong_count() > 0);
        if let Some(hit) = entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, w)| w.upgrade())
        {
            return Ok(hit);
        }
        let parsed = Arc::new(read()?);
        entries.push((key, Arc::downgrade(&parsed)));
        Ok(parsed)
    }
}

static CONTACT_LISTS: Cache<ContactList> = Cache::new();
static EDGE_LISTS: Cache<EdgeList> = Cache::new();

/// [`read_contacts`], parsed once per process for the same file, networks and options.
pub(crate) fn contact_list(
    path: &Path,
    networks: &[Network],
    options: &Options,
) -> Result<Arc<ContactList>, String> {
    let classifying: Vec<(&str, &[String])> = networks
        .iter()
        .map(|n| (n.id.as_str(), n.domains.as_slice()))
        .collect();
    let extra = format!("{classifying:?} {options:?}");
    CONTACT_LISTS.get(path, extra, || read_contacts(path, networks, options))
}

/// [`read_edge_list`], parsed once per process for the same file.
pub(crate) fn edge_list(path: &Path) -> Result<Arc<EdgeList>, Vec<BadLine>> {
    EDGE_LISTS.get(path, String::new(), || read_edge_list(path))
}
