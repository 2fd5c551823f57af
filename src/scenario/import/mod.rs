//! Files a scenario can bring in: an organisation's own contact lists, and an edge list for the
//! persons' contact graph.
//!
//! Contact lists come as a CSV of `user,contact` rows ([`csv`](self)) or as the server's own
//! export: the ZIP that Lync / Skype for Business Server's `Export-CsUserData` writes, its bare
//! `DocItemSet.xml`, or a Lync 2010 `dbimpexp` file (out of the archive by `archive`, decoded from
//! its encoding by `decode`, positioned and bounded by `stream`, read as a stream of XML events by
//! `lync` with `attributes`, made into lists by `export`; `limits` holds the bounds a user can
//! raise). Either way they become one [`ContactList`] (`contacts`): users, their public-IM
//! entries, the rows refused and what was counted but not simulated.
//!
//! Both kinds of file are read when the scenario is loaded, so that a problem is reported before
//! any work starts. Rows that cannot be read or classified are kept with their position and
//! reason: a run refuses them unless `--skip-bad-rows`, which writes them (addresses
//! pseudonymised) to `rejected.csv`.
//!
//! Contact addresses are personal data: no message quotes a cell of an imported file that could be
//! one (anything with an @, or a control character); messages give the position, the column name
//! and the kind of problem. Users' own ids are the organisation's and stay as given in output
//! files, but no message prints one either.
//!
//! This file is only the façade; the files here name each other directly.

mod archive;
mod attributes;
mod cache;
mod contacts;
mod csv;
mod decode;
mod edges;
mod export;
mod limits;
mod lync;
mod open;
#[cfg(test)]
mod refusals;
mod stream;

pub(crate) use self::csv::NO_CONTACT;
pub(crate) use cache::{contact_list, edge_list};
pub(crate) use contacts::{ContactList, ImportedUser, Source, fresh_salt, pseudonym};
pub(crate) use edges::{BadLine, EdgeList, Endpoint, bad_lines_message};
pub(crate) use export::Orgs;
pub(crate) use limits::{Limit, Limits, parse_size};
pub(crate) use open::{Forced, Options};
