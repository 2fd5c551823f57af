//! `[population.import]`: the contact-list file, its format and how an export's users make
//! organisations. The file is read here, so that validate refuses what a run would.

use super::super::import::{
    self, ContactList, Forced, Limit, Limits, Options, Orgs, Source, parse_size,
};
use super::super::network::Network;
use super::super::raw::RawImport;
use super::check::{Validator, kp};
use std::sync::Arc;

/// Checks the import's keys and reads its file (`None` when either fails; the problems are in
/// `v`).
pub(super) fn import(
    v: &mut Validator,
    i: &RawImport,
    networks: &[Network],
) -> Option<Arc<ContactList>> {
    let options = options(v, i)?;
    let path = std::path::PathBuf::from(&i.contacts);
    let list = match import::contact_list(&path, networks, &options) {
        Ok(list) => list,
        Err(e) => {
            v.err(kp!("population", "import", "contacts"), e);
            return None;
        }
    };
    if list.source == Source::Csv && (i.org.is_some() || !i.orgs.is_empty()) {
        let key = if i.org.is_some() { "org" } else { "orgs" };
        v.err(
            kp!("population", "import", key),
            format!(
                "'{}' is a CSV, whose rows name their organisation (column `org`); `{key}` is for a server's contact export",
                path.display()
            ),
        );
        return None;
    }
    if list.rows.is_empty() {
        // Nothing to simulate: say why, with the rows refused at their places, and where the
        // first user is when there are users.
        let what = match list.users.first() {
            None => format!(
                "'{}' has no usable row ({} refused)",
                path.display(),
                list.rejected.len()
            ),
            Some(first) => format!(
                "'{}' holds {} users (the first at line {}) but not one public-IM contact, so nothing would be simulated ({} refused)",
                path.display(),
                list.users.len(),
                first.line,
                list.rejected.len()
            ),
        };
        let refused: Vec<String> = list
            .rejected
            .iter()
            .take(10)
            .map(|r| match r.line {
                0 => r.reason.clone(),
                _ => format!("{}: {}", list.locate(r), r.reason),
            })
            .collect();
        let more = match list.rejected.len() {
            0..=10 => String::new(),
            n => format!(" (and {} more)", n - 10),
        };
        v.err(
            kp!("population", "import", "contacts"),
            if refused.is_empty() {
                what
            } else {
                format!("{what}: {}{more}", refused.join("; "))
            },
        );
        return None;
    }
    Some(list)
}

/// The reading options the keys give.
fn options(v: &mut Validator, i: &RawImport) -> Option<Options> {
    let format = match i.format.as_deref() {
        None | Some("auto") => None,
        Some(f) => match Forced::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(f))
        {
            Some((_, forced)) => Some(*forced),
            None => {
                let names: Vec<&str> = Forced::NAMES.iter().map(|(n, _)| *n).collect();
                v.err(
                    kp!("population", "import", "format"),
                    format!(
                        "unknown format `{f}`; accepted: auto (the default: found from the file), {}",
                        names.join(", ")
                    ),
                );
                return None;
            }
        },
    };
    let mut ok = true;
    if format == Some(Forced::Csv) && (i.org.is_some() || !i.orgs.is_empty()) {
        v.err(
            kp!("population", "import", "format"),
            "a CSV names each row's organisation (column `org`); `org` and `orgs` are for a server's contact export",
        );
        ok = false;
    }
    if i.org.is_some() && !i.orgs.is_empty() {
        v.err(
            kp!("population", "import", "org"),
            "give `org` (the export's one organisation) or `orgs` (SIP domain → organisation), not both",
        );
        ok = false;
    }
    if i.org.as_deref().is_some_and(|o| o.trim().is_empty()) {
        v.err(kp!("population", "import", "org"), "an empty name");
        ok = false;
    }
    let mut by_domain = Vec::new();
    for (domain, org) in &i.orgs {
        let d = domain.trim().trim_start_matches('@').to_lowercase();
        let path = kp!("population", "import", "orgs", domain.as_str());
        if d.is_empty() || d.contains('@') || d.contains(char::is_whitespace) {
            v.err(
                path,
                "not a SIP domain (write the domain alone, e.g. \"contoso.com\")",
            );
            ok = false;
        } else if org.trim().is_empty() {
            v.err(path, "an empty organisation name");
            ok = false;
        } else if by_domain.iter().any(|(o, _)| *o == d) {
            v.err(path, format!("domain `{d}` is mapped twice"));
            ok = false;
        } else {
            by_domain.push((d, org.trim().to_string()));
        }
    }
    let limits = limits(v, i);
    (ok && limits.is_some()).then(|| Options {
        format,
        orgs: Orgs {
            name: i.org.as_ref().map(|o| o.trim().to_string()),
            by_domain,
        },
        limits: limits.unwrap_or_default(),
    })
}

/// The bounds an export is read within: the defaults, and each key given (a whole number of
/// bytes above 0, or a size such as `"8G"`).
fn limits(v: &mut Validator, i: &RawImport) -> Option<Limits> {
    let mut limits = Limits::default();
    let mut ok = true;
    for limit in Limit::ALL {
        let given = match limit {
            Limit::Inflated => &i.max_inflated_size,
            Limit::Piece => &i.max_piece_size,
            Limit::Memory => &i.max_list_memory,
        };
        let bytes = match given {
            None => continue,
            Some(toml::Value::Integer(n)) => u64::try_from(*n).map_err(|_| String::new()),
            Some(toml::Value::String(s)) => parse_size(s),
            Some(_) => Err(String::new()),
        };
        match bytes {
            Ok(b) if b > 0 => limit.set(&mut limits, b),
            _ => {
                v.err(
                    kp!("population", "import", limit.key()),
                    "a size above 0: a whole number of bytes, or a string such as \"8G\" (K, M, G and T are powers of 1024)",
                );
                ok = false;
            }
        }
    }
    ok.then_some(limits)
}
