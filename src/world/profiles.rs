//! Who can reach what on which day: the reachability rule of `docs/model.md`, evaluated per
//! organisation into piecewise-constant profiles.
//!
//! For one organisation, one provisioning class of SIP domain, one network and one
//! Microsoft-account flag, whether an (active) account is served and for which modalities changes
//! only on a few days: provider and `reaches` windows, enable days, licence ends, deployment
//! changes, network windows and capability changes. `OrgWorld` collects those days once and
//! evaluates the rule on each, giving a `Profile`: a short list of `(first day, state)`
//! segments. The engine then follows an entry through these segments instead of through days.
//! This module knows nothing of persons' migrations or of counting.

use crate::day::{ALWAYS, Calendar, Day, FOREVER, Window};
use crate::scenario::{Licence, Modalities, NetworkId, Provider, Scenario};
use crate::world::population::model::{Org, Population};

/// State bits of a profile segment.
pub(crate) mod state {
    /// Reachable modalities (`im`, `presence`, `audio`, `video`) when the account is active.
    pub(crate) const MODALITIES: u8 = 0b1111;
    /// Some provider serving the account carries `im` (clause 2 for `im`).
    pub(crate) const SERVED_IM: u8 = 1 << 4;
    /// The network is available.
    pub(crate) const AVAILABLE: u8 = 1 << 5;
}

/// One piece of a profile: the state from `from` until the next segment's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Segment {
    /// First day of the segment.
    pub(crate) from: Day,
    /// [`state`] bits.
    pub(crate) state: u8,
}

/// A piecewise-constant state over `0..=last day`: segments sorted by `from`, the first at day 0.
pub(crate) type Profile = [Segment];

/// The segment of `profile` covering `day` and the first day after it (`FOREVER` for the last).
#[inline]
pub(crate) fn segment_at(profile: &Profile, day: Day) -> (u8, Day) {
    // Profiles have a handful of segments; a linear scan beats a binary search here.
    let mut i = 0;
    while i + 1 < profile.len() && profile[i + 1].from <= day {
        i += 1;
    }
    let next = profile.get(i + 1).map_or(FOREVER, |s| s.from);
    (profile[i].state, next)
}

/// The days on which an organisation holds a provider's licence.
pub(crate) fn licence_window(s: &Scenario, cal: &Calendar, org: &Org, provider: usize) -> Window {
    let enabled = org.enable[provider];
    match s.providers[provider].licence {
        Licence::Cal => Window::ALL,
        Licence::PicUsl { sale_until: None } => Window::new(cal.day(org.agreement.start), FOREVER),
        Licence::PicUsl {
            sale_until: Some(sale_until),
        } => {
            let start = cal.day(org.agreement.start);
            let sale = cal.day(sale_until);
            if enabled > sale || start > sale {
                return Window::new(FOREVER, ALWAYS);
            }
            // Licensed from the agreement start through the end of the period covering the
            // last day of sale: every later period began after it. (The enable day is applied
            // separately, as for every provider.)
            let (_, last) = org.agreement.period_covering(sale_until);
            Window::new(start, cal.day(last))
        }
    }
}

/// Per-organisation view of the world: the days where anything can change, and each provider's
/// licence window.
pub(crate) struct OrgWorld<'a> {
    scenario: &'a Scenario,
    org: &'a Org,
    /// Licence window per provider.
    pub(crate) licence: Vec<Window>,
    /// Sorted, unique days in `1..=last + 1` where any rule input may change (day 0 implied).
    pub(crate) edges: Vec<Day>,
}

impl<'a> OrgWorld<'a> {
    /// Collects the days where the rule's inputs can change for `org`.
    pub(crate) fn new(s: &'a Scenario, org: &'a Org) -> Self {
        let cal = s.calendar();
        let licence: Vec<Window> = (0..s.providers.len())
            .map(|p| licence_window(s, &cal, org, p))
            .collect();
        let last = s.last_day();
        let mut edges: Vec<Day> = Vec::with_capacity(32);
        for n in &s.networks {
            edges.extend(n.window.edges());
            edges.extend(n.capabilities.iter().map(|(d, _)| *d));
        }
        for (i, p) in s.providers.iter().enumerate() {
            for r in &p.reaches {
                edges.extend(r.window.edges());
            }
            edges.push(org.enable[i]);
            edges.extend(licence[i].edges());
        }
        edges.extend(org.deployments.iter().map(|(d, _)| *d));
        edges.retain(|&d| d > 0 && d <= last + 1);
        edges.sort_unstable();
        edges.dedup();
        OrgWorld {
            scenario: s,
            org,
            licence,
            edges,
        }
    }

    /// The reaches item through which provider `p` serves the organisation for `network` on
    /// `day`, with the account's link status `linked` (`None` when it does not). With several
    /// matching items, one whose Microsoft-account requirement is met wins.
    fn serving_item(&self, p: usize, network: NetworkId, day: Day, linked: Option<bool>) -> bool {
        let provider = &self.scenario.providers[p];
        if self.org.enable[p] > day || !self.licence[p].contains(day) {
            return false;
        }
        let deployment = self.org.deployment_on(day);
        provider.reaches.iter().any(|r| {
            r.network == network
                && r.window.contains(day)
                && r.deployments & (1 << deployment) != 0
                && linked.is_none_or(|l| l || !r.requires_microsoft_account)
        })
    }

    /// Whether provider `p` serves the organisation for `network` on `day` (organisation level:
    /// no provisioning or Microsoft-account check).
    pub(crate) fn serves(&self, p: usize, network: NetworkId, day: Day) -> bool {
        self.serving_item(p, network, day, None)
    }

    /// Whether provider `p` serves the organisation for `network` on `day` for an account whose
    /// Microsoft-account link status is `linked`.
    pub(crate) fn serves_as(&self, p: usize, network: NetworkId, day: Day, linked: bool) -> bool {
        self.serving_item(p, network, day, Some(linked))
    }

    /// Whether provider `p` serves the organisation for at least one network on `day`.
    pub(crate) fn serves_any(&self, p: usize, day: Day) -> bool {
        (0..self.scenario.networks.len()).any(|n| self.serves(p, n as NetworkId, day))
    }

    /// [`state`] bits on `day` for an active account on `network` with link status `linked`, for a
    /// user whose domain is provisioned on the providers in `provisioned` (bit set).
    pub(crate) fn state_on(
        &self,
        network: NetworkId,
        linked: bool,
        provisioned: u32,
        day: Day,
    ) -> u8 {
        let net = &self.scenario.networks[network as usize];
        if !net.window.contains(day) {
            return 0;
        }
        let caps = net.capabilities_on(day);
        let mut reach = Modalities::NONE;
        let mut served_im = false;
        for (p, provider) in self.scenario.providers.iter().enumerate() {
            if provisioned & (1 << p) == 0 || !self.serving_item(p, network, day, Some(linked)) {
                continue;
            }
            served_im |= provider.modalities.contains(Modalities::IM);
            reach = Modalities(reach.0 | provider.modalities.and(caps).0);
        }
        reach.0 | if served_im { state::SERVED_IM } else { 0 } | state::AVAILABLE
    }

    /// The profile for (`network`, `linked`, `provisioned`) over `0..=last`, appended to `out`.
    pub(crate) fn profile_into(
        &self,
        network: NetworkId,
        linked: bool,
        provisioned: u32,
        out: &mut Vec<Segment>,
    ) {
        let mut prev = self.state_on(network, linked, provisioned, 0);
        out.push(Segment {
            from: 0,
            state: prev,
        });
        for &d in &self.edges {
            let st = self.state_on(network, linked, provisioned, d);
            if st != prev {
                out.push(Segment { from: d, state: st });
                prev = st;
            }
        }
    }

    /// The intervals (`[from, until]`, inside `0..=last`) on which `pred(day)` holds.
    pub(crate) fn intervals(&self, pred: impl Fn(Day) -> bool) -> Vec<Window> {
        let last = self.scenario.last_day();
        let mut out: Vec<Window> = Vec::new();
        let mut open: Option<Day> = pred(0).then_some(0);
        for &d in &self.edges {
            let now = d <= last && pred(d);
            match (open, now) {
                (Some(from), false) => {
                    out.push(Window::new(from, d - 1));
                    open = None;
                }
                (None, true) => open = Some(d),
                _ => {}
            }
        }
        if let Some(from) = open {
            out.push(Window::new(from, last));
        }
        out
    }
}

/// Providers on which a SIP domain added on `added` is provisioned, for an organisation with the
/// given enable days (bit set over providers).
pub(crate) fn provisioned_mask(providers: &[Provider], enable: &[Day], added: Day) -> u32 {
    providers.iter().enumerate().fold(0, |mask, (p, provider)| {
        let ok = match provider.provisioning_until {
            None => true,
            Some(limit) => added.max(enable[p]) <= limit,
        };
        if ok { mask | (1 << p) } else { mask }
    })
}

/// Every organisation's profiles, stored in one arena.
#[derive(Debug, Clone, Default)]
pub struct Profiles {
    /// All segments, profile after profile.
    pub(crate) segments: Vec<Segment>,
    /// Start of each profile in `segments` (plus one final end).
    pub(crate) offsets: Vec<u32>,
    /// Per global domain index, the first profile id of its table: profile of (network, linked)
    /// is `table[domain] + 2·network + linked`.
    pub(crate) table: Vec<u32>,
}

impl Profiles {
    /// Builds every domain's profiles. Domains of one organisation with the same provisioning
    /// share one table.
    pub fn build(s: &Scenario, pop: &Population) -> Profiles {
        use rayon::prelude::*;
        let nets = s.networks.len();
        let per_org: Vec<(Vec<Segment>, Vec<u32>, Vec<u32>)> = pop
            .orgs
            .par_iter()
            .map(|org| {
                let world = OrgWorld::new(s, org);
                let mut segments = Vec::new();
                let mut lens = Vec::new();
                let mut masks: Vec<u32> = Vec::new();
                let mut table = Vec::new();
                for d in org.domains.clone() {
                    let mask =
                        provisioned_mask(&s.providers, &org.enable, pop.domain_added[d as usize]);
                    let class = match masks.iter().position(|&m| m == mask) {
                        Some(c) => c,
                        None => {
                            masks.push(mask);
                            for n in 0..nets {
                                for linked in [false, true] {
                                    let before = segments.len();
                                    world.profile_into(n as NetworkId, linked, mask, &mut segments);
                                    lens.push((segments.len() - before) as u32);
                                }
                            }
                            masks.len() - 1
                        }
                    };
                    table.push((class * nets * 2) as u32);
                }
                (segments, lens, table)
            })
            .collect();
        let mut out = Profiles::default();
        out.offsets.push(0);
        for (segments, lens, table) in per_org {
            let first_profile = (out.offsets.len() - 1) as u32;
            out.table.extend(table.iter().map(|t| t + first_profile));
            for len in lens {
                out.offsets
                    .push(out.offsets.last().copied().unwrap_or(0) + len);
            }
            out.segments.extend(segments);
        }
        out
    }

    /// The profile of (`domain`, `network`, `linked`).
    #[inline]
    pub(crate) fn get(&self, domain: u32, network: NetworkId, linked: bool) -> &Profile {
        let id = self.table[domain as usize] as usize + 2 * network as usize + linked as usize;
        &self.segments[self.offsets[id] as usize..self.offsets[id + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_lookup() {
        let p = [
            Segment { from: 0, state: 1 },
            Segment { from: 10, state: 2 },
            Segment { from: 20, state: 3 },
        ];
        assert_eq!(segment_at(&p, 0), (1, 10));
        assert_eq!(segment_at(&p, 9), (1, 10));
        assert_eq!(segment_at(&p, 10), (2, 20));
        assert_eq!(segment_at(&p, 25), (3, FOREVER));
    }
}
