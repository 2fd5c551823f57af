//! `[networks]`: ids, windows, capability schedules and the domains that classify imported
//! contacts.

use super::super::network::{MAX_NETWORKS, Modalities, Network, NetworkId};
use super::super::raw::RawNetwork;
use super::check::{Validator, kp, modalities};
use crate::day::{ALWAYS, Day};
use indexmap::IndexMap;

/// Checks `[networks]`, in file order.
pub(super) fn networks(v: &mut Validator, raw: &IndexMap<String, RawNetwork>) -> Vec<Network> {
    if raw.is_empty() {
        v.err(
            kp!("networks"),
            "define at least one network, e.g. [networks.wlm]",
        );
    }
    if raw.len() > MAX_NETWORKS {
        v.err(
            kp!("networks"),
            format!(
                "{} networks defined; at most {MAX_NETWORKS} are supported",
                raw.len()
            ),
        );
    }
    let mut networks = Vec::new();
    let mut domain_owner: Vec<(String, String)> = Vec::new();
    for (id, n) in raw {
        let path = kp!("networks", id);
        v.identifier(path.clone(), id, "network");
        let window = v.window(&path, n.from, n.until);
        let mut capabilities: Vec<(Day, Modalities)> = Vec::new();
        for (i, c) in n.capabilities.iter().enumerate() {
            let from = match c.from {
                Some(d) => v.day(d),
                None if i == 0 => ALWAYS,
                None => {
                    v.err(
                        path.join("capabilities".into())
                            .join(i.into())
                            .join("from".into()),
                        "every capability item after the first needs `from`",
                    );
                    ALWAYS
                }
            };
            if let Some((prev, _)) = capabilities.last() {
                if from <= *prev {
                    v.err(
                        path.join("capabilities".into())
                            .join(i.into())
                            .join("from".into()),
                        "capability items must be in order of strictly increasing `from`",
                    );
                }
            }
            capabilities.push((from, modalities(&c.modalities)));
        }
        let mut domains = Vec::new();
        for (i, d) in n.domains.iter().enumerate() {
            let d = d.trim().trim_start_matches('@').to_lowercase();
            if let Some((_, other)) = domain_owner.iter().find(|(dd, _)| *dd == d) {
                v.err(
                    path.join("domains".into()).join(i.into()),
                    format!("domain `{d}` is already a domain of network `{other}`"),
                );
            }
            domain_owner.push((d.clone(), id.clone()));
            domains.push(d);
        }
        networks.push(Network {
            id: id.clone(),
            name: n.name.clone().unwrap_or_else(|| id.clone()),
            domains,
            window,
            capabilities,
        });
    }
    networks
}

/// Each network's id and index, for names to be resolved against.
pub(super) fn network_names(networks: &[Network]) -> Vec<(String, NetworkId)> {
    networks
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i as NetworkId))
        .collect()
}
