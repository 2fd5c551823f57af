//! `[providers]`: windows, `reaches` items (network, window, deployments served), licences and
//! prices.

use super::super::model::{DeploymentId, Licence, MAX_PROVIDERS, Provider, ProviderId, Reach};
use super::super::network::{Modalities, NetworkId};
use super::super::raw::{RawLicence, RawProvider};
use super::check::{Validator, kp, modalities, number};
use indexmap::IndexMap;

/// Highest licence price per user-year: keeps every credit (price × users × years) finite.
const MAX_PRICE: f64 = 1e12;

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
    let mut providers = Vec::new();
    for (id, p) in raw {
        let path = kp!("providers", id);
        v.identifier(path.clone(), id, "provider");
        let window = v.window(&path, p.from, p.until);
        let mut reaches = Vec::new();
        for (i, r) in p.reaches.iter().enumerate() {
            let rpath = path.join("reaches".into()).join(i.into());
            let network = v.lookup(
                rpath.join("network".into()),
                &r.network,
                "network",
                network_names,
            );
            let rwindow = v.window(&rpath, r.from, r.until).intersect(&window);
            let mut mask = 0u32;
            match &r.deployments {
                None => {
                    mask = if deployments.len() >= 32 {
                        u32::MAX
                    } else {
                        (1u32 << deployments.len()) - 1
                    }
                }
                Some(list) => {
                    for (j, d) in list.iter().enumerate() {
                        if let Some(di) = v.lookup(
                            rpath.join("deployments".into()).join(j.into()),
                            d,
                            "deployment",
                            deployment_names,
                        ) {
                            mask |= 1 << di;
                        }
                    }
                }
            }
            if let Some(network) = network {
                reaches.push(Reach {
                    network,
                    window: rwindow,
                    deployments: mask,
                    requires_microsoft_account: r.requires_microsoft_account,
                });
            }
        }
        let licence = match p.licence.unwrap_or(RawLicence::Cal) {
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
        };
        let price = p.usl_price_per_user_year.unwrap_or(0.0);
        let mut usl_price_per_user_year =
            v.non_negative(path.join("usl_price_per_user_year".into()), price, "price");
        if usl_price_per_user_year > MAX_PRICE {
            v.err(
                path.join("usl_price_per_user_year".into()),
                format!(
                    "{} is more than any licence price; give at most {MAX_PRICE:e}",
                    number(price)
                ),
            );
            usl_price_per_user_year = 0.0;
        }
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

/// Each provider's id and index, for names to be resolved against.
pub(super) fn provider_names(providers: &[Provider]) -> Vec<(String, ProviderId)> {
    providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i as ProviderId))
        .collect()
}
