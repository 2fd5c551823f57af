//! The types of one replication's world: organisations, persons, chunks of users and their
//! entries, and the population that holds them. Building them is `generate`'s job.

use super::graph;
use crate::day::{Agreement, Day};
use crate::scenario::{DeploymentId, NetworkId};
use std::ops::Range;

/// A Lync customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    /// Deployment timeline: `(first day, deployment)`, sorted; the first item starts at
    /// [`crate::day::ALWAYS`].
    pub deployments: Vec<(Day, DeploymentId)>,
    /// The agreement, renewed back to back.
    pub agreement: Agreement,
    /// Per provider, the day the organisation enabled it ([`crate::day::FOREVER`]: never).
    pub enable: Vec<Day>,
    /// The organisation's SIP domains, as indices into [`Population::domain_added`].
    pub domains: Range<u32>,
    /// The organisation's users, as user ids.
    pub users: Range<u32>,
}

impl Org {
    /// The deployment on `day`.
    pub(crate) fn deployment_on(&self, day: Day) -> DeploymentId {
        self.deployments
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(self.deployments[0].1, |(_, d)| *d)
    }

    /// The deployment the organisation starts with.
    pub(crate) fn initial_deployment(&self) -> DeploymentId {
        self.deployments[0].1
    }
}

/// A public-IM person: accounts as network bit sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Person {
    /// Networks the person holds an account on at the start (home included).
    pub accounts: u16,
    /// Networks whose account is Microsoft-account linked at the start.
    pub linked: u16,
    /// Home network.
    pub home: NetworkId,
    /// Activity class index.
    pub class: u8,
}

impl Person {
    /// Whether the person holds an account on `network` at the start.
    #[inline]
    pub(crate) fn has(&self, network: NetworkId) -> bool {
        self.accounts & (1 << network) != 0
    }

    /// Whether the person's `network` account is Microsoft-account linked at the start.
    #[inline]
    pub(crate) fn is_linked(&self, network: NetworkId) -> bool {
        self.linked & (1 << network) != 0
    }
}

/// Users and entries of a run of whole organisations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    /// The organisations in the chunk.
    pub orgs: Range<u32>,
    /// Their users (ids are global and contiguous).
    pub users: Range<u32>,
    /// Per user of the chunk, the global domain index.
    pub user_domain: Vec<u32>,
    /// CSR offsets into `entries`, one per user plus one.
    pub offsets: Vec<u32>,
    /// Per entry, the person it points at (its home account).
    pub entries: Vec<u32>,
}

impl Chunk {
    /// The persons on the contact list of the chunk's `i`-th user.
    #[inline]
    pub(crate) fn entries_of(&self, i: usize) -> &[u32] {
        &self.entries[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// One replication's world.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Population {
    /// Organisations, by id.
    pub orgs: Vec<Org>,
    /// Add day of every SIP domain, by global domain index ([`crate::day::ALWAYS`] when added before
    /// anything the scenario models).
    pub domain_added: Vec<Day>,
    /// Persons, by id; persons are laid out in blocks by home network, in network order.
    pub persons: Vec<Person>,
    /// Person id range of each home network's block.
    pub blocks: Vec<Range<u32>>,
    /// Users and entries, in chunks of whole organisations.
    pub chunks: Vec<Chunk>,
    /// The persons' contact graph, when the scenario has one.
    pub graph: Option<graph::Graph>,
    /// Names from imported contact lists (personal data: see `scenario::import::pseudonym`).
    pub imported: Option<std::sync::Arc<ImportedNames>>,
}

/// What an imported population's ids stand for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportedNames {
    /// Organisation names, by organisation id.
    pub(crate) orgs: Vec<String>,
    /// User ids as given, by user id.
    pub(crate) users: Vec<String>,
    /// Each person's contact address (`None` for persons the file does not name).
    pub(crate) addresses: Vec<Option<String>>,
}

impl Population {
    /// Number of Lync users.
    pub(crate) fn user_count(&self) -> u64 {
        self.orgs.last().map_or(0, |o| u64::from(o.users.end))
    }

    /// Number of entries at the start.
    pub fn entry_count(&self) -> u64 {
        self.chunks.iter().map(|c| c.entries.len() as u64).sum()
    }

    /// Bytes the population occupies (for the memory estimate and the manifest).
    pub(crate) fn heap_bytes(&self) -> u64 {
        let chunks: usize = self
            .chunks
            .iter()
            .map(|c| 4 * (c.user_domain.len() + c.offsets.len() + c.entries.len()))
            .sum();
        (chunks + self.persons.len() * std::mem::size_of::<Person>() + self.domain_added.len() * 4)
            as u64
    }
}
