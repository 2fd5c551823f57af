//! Networks and their modalities: the validated types that an imported contact list is
//! classified against, kept apart from [`super::model::Scenario`] so that
//! [`super::import`] (which the scenario holds) does not name the scenario back.

use crate::day::{Day, Window};

/// Index of a network in `Scenario::networks` (the scenario's network order).
pub(crate) type NetworkId = u8;
/// Most networks a scenario may define (accounts are kept as a 16-bit set per person).
pub(crate) const MAX_NETWORKS: usize = 16;

/// A set of modalities, as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Modalities(pub u8);

impl Modalities {
    /// Instant messaging.
    pub(crate) const IM: Modalities = Modalities(1);
    /// Presence.
    pub(crate) const PRESENCE: Modalities = Modalities(2);
    /// Audio calls.
    pub(crate) const AUDIO: Modalities = Modalities(4);
    /// Video calls.
    pub(crate) const VIDEO: Modalities = Modalities(8);
    /// No modality.
    pub(crate) const NONE: Modalities = Modalities(0);
    /// Every modality.
    pub(crate) const ALL: Modalities = Modalities(15);
    /// Contract names, in bit order.
    pub(crate) const NAMES: [&'static str; 4] = ["im", "presence", "audio", "video"];

    /// Whether every modality of `other` is in `self`.
    #[inline]
    pub(crate) fn contains(self, other: Modalities) -> bool {
        self.0 & other.0 == other.0
    }

    /// The modalities in both sets.
    #[inline]
    pub(crate) fn and(self, other: Modalities) -> Modalities {
        Modalities(self.0 & other.0)
    }

    /// Names of the modalities in the set, in contract order.
    pub(crate) fn names(self) -> Vec<&'static str> {
        (0..4)
            .filter(|b| self.0 & (1 << b) != 0)
            .map(|b| Self::NAMES[b])
            .collect()
    }
}

/// A public IM network.
#[derive(Debug, Clone)]
pub struct Network {
    /// Contract id (`wlm`, `skype`, …).
    pub id: String,
    /// Display name.
    pub(crate) name: String,
    /// Address suffixes (lower case) that classify an imported contact onto this network.
    pub domains: Vec<String>,
    /// Days on which accounts on the network work.
    pub window: Window,
    /// Capability schedule: `(from, modalities)` sorted by `from`; before the first, none.
    pub(crate) capabilities: Vec<(Day, Modalities)>,
}

impl Network {
    /// The network's modalities on `day` (none when the network is unavailable).
    pub(crate) fn capabilities_on(&self, day: Day) -> Modalities {
        if !self.window.contains(day) {
            return Modalities::NONE;
        }
        self.capabilities
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(Modalities::NONE, |(_, m)| *m)
    }
}
