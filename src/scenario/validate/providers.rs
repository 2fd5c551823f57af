//! `[providers]`: windows, `reaches` items (network, window, deployments served), licences and
//! prices.

use super::super::key::KeyPath;
use super::super::model::{DeploymentId, Licence, MAX_PROVIDERS, Provider, ProviderId, Reach};
use super::super::network::{Modalities, NetworkId};
use super::super::raw::{RawLicence, RawProvider, RawReach};
use super::check::{Validator, kp, modalities, number};
use crate::day::Window;
use indexmap::IndexMap;

/// Highest licence price per user-year: keeps every credit (price × users × years) finite.
const MAX_PRICE: f64 = 1e12;

/// The names a provider's `reaches` items are resolved against.
struct Names<'a> {
    /// Each network's id and index.
    networks: &'a [(String, NetworkId)],
    /// Each deployment kind's name and index.
    deployments: &'a [(String, DeploymentId)],
}

/// Checks `[providers]`, in file order, against the networks and deployment kinds.
pub(super) fn providers(
    v: &mut Validator,
    raw: &IndexMap<String, RawProvider>,
    network_names: &[(String, NetworkId)],
    deployments: &[String],
    deployment_names: &[(String, DeploymentId)],
) -> Vec<Provider> {
    if raw.len() > MAX_PROVIDERS {
        v.err(
            kp!("providers"),
            format!("at most {MAX_PROVIDERS} providers are supported"),
        );
    }
    // Every deployment kind, for an item that names none.
    let all_deployments = if deployments.len() >= 32 {
        u32::MAX
    } else {
        (1u32 << deployments.len()) - 1
    };
    let names = Names {
        networks: network_names,
        deployments: deployment_names,
    };
    let mut providers = Vec::new();
    for (id, p) in raw {
        let path = kp!("providers", id);
        v.identifier(path.clone(), id, "provider");
        let window = v.window(&path, p.from, p.until);
        let mut reaches = Vec::new();
        for (i, r) in p.reaches.iter().enumerate() {
            let rpath = path.join("reaches".into()).join(i.into());
            reaches.extend(reach(v, &rpath, r, window, all_deployments, &names));
        }
        let licence = licence(v, &path, p);
        let usl_price_per_user_year = usl_price(v, &path, p);
        providers.push(Provider {
            id: id.clone(),
            name: p.name.clone().unwrap_or_else(|| id.clone()),
            window,
            reaches,
            modalities: p.modalities.as_deref().map_or(Modalities::ALL, modalities),
            licence,
            provisioning_until: p.provisioning_until.map(|d| v.day(d)),
            usl_price_per_user_year,
        });
    }
    providers
}

/// One `reaches` item at `rpath`, within the provider's `window`: `None` when its network does
/// not resolve. `all_deployments` is the mask of an item that names no deployment kind.
fn reach(
    v: &mut Validator,
    rpath: &KeyPath,
    r: &RawReach,
    window: Window,
    all_deployments: u32,
    names: &Names,
) -> Option<Reach> {
    let network = v.lookup(
        rpath.join("network".into()),
        &r.network,
        "network",
        names.networks,
    );
    let rwindow = v.window(rpath, r.from, r.until).intersect(&window);
    let mut mask = 0u32;
    match &r.deployments {
        None => mask = all_deployments,
        Some(list) => {
            for (j, d) in list.iter().enumerate() {
                if let Some(di) = v.lookup(
                    rpath.join("deployments".into()).join(j.into()),
                    d,
                    "deployment",
                    names.deployments,
                ) {
                    mask |= 1 << di;
                }
            }
        }
    }
    Some(Reach {
        network: network?,
        window: rwindow,
        deployments: mask,
        requires_microsoft_account: r.requires_microsoft_account,
    })
}

/// The licence (`cal` unless given), refusing the keys only `pic_usl` takes on a `cal` one.
fn licence(v: &mut Validator, path: &KeyPath, p: &RawProvider) -> Licence {
    match p.licence.unwrap_or(RawLicence::Cal) {
        RawLicence::Cal => {
            for (key, given) in [
                ("sale_until", p.sale_until.is_some()),
                (
                    "usl_price_per_user_year",
                    p.usl_price_per_user_year.is_some(),
                ),
            ] {
                if given {
                    v.err(
                        path.join(key.into()),
                        format!("{key} applies only to licence = \"pic_usl\""),
                    );
                }
            }
            Licence::Cal
        }
        RawLicence::PicUsl => Licence::PicUsl {
            sale_until: p.sale_until.map(|d| d.0),
        },
    }
}

/// The licence price per user-year (0 unless given), at most [`MAX_PRICE`].
fn usl_price(v: &mut Validator, path: &KeyPath, p: &RawProvider) -> f64 {
    let price = p.usl_price_per_user_year.unwrap_or(0.0);
    let usl_price_per_user_year =
        v.non_negative(path.join("usl_price_per_user_year".into()), price, "price");
    if usl_price_per_user_year > MAX_PRICE {
        v.err(
            path.join("usl_price_per_user_year".into()),
            format!(
                "{} is more than any licence price; give at most {MAX_PRICE:e}",
                number(price)
            ),
        );
        return 0.0;
    }
    usl_price_per_user_year
}

/// Each provider's id and index, for names to be resolved against.
pub(super) fn provider_names(providers: &[Provider]) -> Vec<(String, ProviderId)> {
    providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i as ProviderId))
        .collect()
}
