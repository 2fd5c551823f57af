//! `[behaviours]`: contact adding (a provider's users adding contacts on a network it reaches)
//! and recovery of lost contacts.

use super::super::model::{Behaviours, ContactAdding, Provider, ProviderId, Recovery};
use super::super::network::NetworkId;
use super::super::raw::RawBehaviours;
use super::check::{Validator, kp};

/// Checks `[behaviours]` against the providers and networks.
pub(super) fn behaviours(
    v: &mut Validator,
    raw: &RawBehaviours,
    providers: &[Provider],
    provider_names: &[(String, ProviderId)],
    network_names: &[(String, NetworkId)],
) -> Behaviours {
    let recovery = raw.recovery.as_ref().map(|r| Recovery {
        probability: v.share(kp!("behaviours", "recovery", "probability"), r.probability),
        mean_days: v.non_negative(
            kp!("behaviours", "recovery", "mean_days"),
            r.mean_days,
            "mean delay in days",
        ),
    });
    let mut contact_adding = Vec::new();
    for (i, c) in raw.contact_adding.iter().enumerate() {
        let path = kp!("behaviours", "contact_adding", i);
        let provider = v.lookup(
            path.join("provider".into()),
            &c.provider,
            "provider",
            provider_names,
        );
        let network = v.lookup(
            path.join("network".into()),
            &c.network,
            "network",
            network_names,
        );
        let rate = v.non_negative(
            path.join("rate_per_user_year".into()),
            c.rate_per_user_year,
            "rate per user per year",
        );
        let window = v.window(&path, c.from, c.until);
        if let (Some(pr), Some(n)) = (provider, network) {
            if !providers[pr as usize]
                .reaches
                .iter()
                .any(|r| r.network == n)
            {
                v.err(
                    path.join("network".into()),
                    format!(
                        "provider `{}` has no `reaches` item for network `{}`",
                        c.provider, c.network
                    ),
                );
            }
            contact_adding.push(ContactAdding {
                provider: pr,
                network: n,
                rate_per_user_year: rate,
                window,
            });
        }
    }

    Behaviours {
        contact_adding,
        recovery,
    }
}
