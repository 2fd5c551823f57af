//! `picsim population SCENARIO --export DIR`: one replication's world as plain CSV files, so that
//! any other tool can be run on exactly the world picsim simulates, and `picsim run --world DIR`
//! can replay it (`docs/world.md` documents every file and column).
//!
//! Files: `world.toml` (the replication and seed it comes from), `orgs.csv` (with each
//! organisation's deployment history, agreement and enable days), `domains.csv`, `users.csv`,
//! `persons.csv`, `entries.csv` (the contact lists on the first day), `migrations.csv` (each
//! person's day per migration) and `graph.csv` (the persons' contact graph, `a,b` per undirected
//! edge; only the header when the scenario has no graph). Names and columns come from the
//! world's schema (`crate::world::pinned::schema`), which the reader uses too. Days are ISO dates, `always` (before
//! the start) or `never`. Imported contact addresses are pseudonymised unless revealed.

use crate::day::{ALWAYS, Day, FOREVER};
use crate::migration::{MigrationDays, OUTSIDE};
use crate::report::csv::{Addresses, writer};
use crate::scenario::Scenario;
use crate::world::pinned::schema;
use crate::world::population::Population;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// A CSV file being written, quoted by the csv crate's rules as every file picsim writes; every
/// error names the file.
struct Table {
    path: PathBuf,
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
}

impl Table {
    fn create(path: &Path) -> Result<Table> {
        Ok(Table {
            path: path.to_path_buf(),
            w: writer(path)?,
        })
    }

    fn row<I, F>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        self.w
            .write_record(fields)
            .with_context(|| format!("could not write '{}'", self.path.display()))
    }

    fn finish(mut self) -> Result<()> {
        self.w
            .flush()
            .with_context(|| format!("could not write '{}'", self.path.display()))
    }
}

fn network_list(s: &Scenario, mask: u16) -> String {
    s.networks
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| n.id.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// What is exported: replication `replication`'s world and its persons' migration days.
pub(crate) struct Export<'a> {
    /// The world.
    pub(crate) population: &'a Population,
    /// Every person's migration days.
    pub(crate) days: &'a MigrationDays,
    /// The replication it is.
    pub(crate) replication: u32,
}

/// Writes the files of `world` into `dir`.
pub(crate) fn write(s: &Scenario, world: &Export, addresses: Addresses, dir: &Path) -> Result<()> {
    let files = Files {
        s,
        world,
        pop: world.population,
        addresses,
        dir,
    };
    files.about()?;
    files.orgs()?;
    files.domains()?;
    files.users_and_entries()?;
    files.persons()?;
    files.migrations()?;
    files.graph()
}

/// What each file's writer needs: the scenario, the world, how addresses are shown, the folder.
struct Files<'a> {
    s: &'a Scenario,
    world: &'a Export<'a>,
    pop: &'a Population,
    addresses: Addresses<'a>,
    dir: &'a Path,
}

impl Files<'_> {
    /// A day as the world's files write it: an ISO date, `always` (before anything the scenario
    /// models) or `never`.
    fn day(&self, d: Day) -> String {
        match d {
            ALWAYS => "always".to_string(),
            FOREVER => "never".to_string(),
            d => self.s.calendar().date(d).to_string(),
        }
    }

    /// `file`, created with its header.
    fn create(&self, file: &schema::File) -> Result<Table> {
        let mut w = Table::create(&self.dir.join(file.name))?;
        w.row(file.header())?;
        Ok(w)
    }

    fn about(&self) -> Result<()> {
        let about = format!(
            "# The world of one replication, written by `picsim population --export` (docs/world.md).\n# `picsim run SCENARIO --world DIR` replays it; its first replication draws what the world\n# leaves out as this replication did.\nreplication = {}\nseed = {}\nscenario = {}\n",
            self.world.replication,
            self.s.seed,
            toml::Value::String(self.s.name.clone())
        );
        let path = self.dir.join(schema::ABOUT);
        std::fs::write(&path, about)
            .with_context(|| format!("could not write '{}'", path.display()))
    }

    fn orgs(&self) -> Result<()> {
        let (s, names) = (self.s, self.pop.imported.as_deref());
        let mut w = Table::create(&self.dir.join(schema::ORGS.name))?;
        let mut header: Vec<String> = schema::ORGS.header().map(String::from).collect();
        header.extend(s.providers.iter().map(|p| schema::enabled(&p.id)));
        w.row(&header)?;
        for (o, org) in self.pop.orgs.iter().enumerate() {
            let changes: Vec<String> = org.deployments[1..]
                .iter()
                .map(|(d, dep)| format!("{}:{}", self.day(*d), s.deployments[*dep as usize]))
                .collect();
            let mut row = vec![
                o.to_string(),
                names.map_or(String::new(), |n| n.orgs[o].clone()),
                s.deployments[org.initial_deployment() as usize].clone(),
                changes.join(";"),
                org.agreement.start.to_string(),
                org.agreement.term_years.to_string(),
                org.users.len().to_string(),
                org.domains.len().to_string(),
            ];
            row.extend(org.enable.iter().map(|&d| self.day(d)));
            w.row(&row)?;
        }
        w.finish()
    }

    fn domains(&self) -> Result<()> {
        let mut w = self.create(&schema::DOMAINS)?;
        for (o, org) in self.pop.orgs.iter().enumerate() {
            for d in org.domains.clone() {
                w.row([
                    d.to_string(),
                    o.to_string(),
                    self.day(self.pop.domain_added[d as usize]),
                ])?;
            }
        }
        w.finish()
    }

    /// `users.csv` and `entries.csv`, in one pass over the users.
    fn users_and_entries(&self) -> Result<()> {
        let (s, pop, names) = (self.s, self.pop, self.pop.imported.as_deref());
        let mut w = self.create(&schema::USERS)?;
        let mut entries = self.create(&schema::ENTRIES)?;
        let start = s.start.to_string();
        for chunk in &pop.chunks {
            for o in chunk.orgs.clone() {
                let org = &pop.orgs[o as usize];
                for u in org.users.clone() {
                    let i = (u - chunk.users.start) as usize;
                    let domain = chunk.user_domain[i];
                    let name = names.map_or("", |n| n.users[u as usize].as_str());
                    w.row([
                        u.to_string().as_str(),
                        name,
                        &o.to_string(),
                        &domain.to_string(),
                        &self.day(pop.domain_added[domain as usize]),
                    ])?;
                    for &p in chunk.entries_of(i) {
                        let net = &s.networks[pop.persons[p as usize].home as usize].id;
                        entries.row([&u.to_string(), &p.to_string(), net, &start])?;
                    }
                }
            }
        }
        w.finish()?;
        entries.finish()
    }

    fn persons(&self) -> Result<()> {
        let (s, names) = (self.s, self.pop.imported.as_deref());
        let mut w = self.create(&schema::PERSONS)?;
        for (p, person) in self.pop.persons.iter().enumerate() {
            let contact = names
                .and_then(|n| n.addresses.get(p).cloned().flatten())
                .map_or(String::new(), |a| self.addresses.show(&a));
            w.row([
                p.to_string().as_str(),
                &contact,
                &s.networks[person.home as usize].id,
                &network_list(s, person.accounts),
                &network_list(s, person.linked),
                &s.population.activity[person.class as usize].name,
            ])?;
        }
        w.finish()
    }

    fn migrations(&self) -> Result<()> {
        let mut w = self.create(&schema::MIGRATIONS)?;
        for (p, days) in self.world.days.rows().enumerate() {
            for (m, &d) in days.iter().enumerate() {
                if d != OUTSIDE {
                    let label = &self.s.migrations[m].label;
                    w.row([p.to_string().as_str(), label, &self.day(d)])?;
                }
            }
        }
        w.finish()
    }

    fn graph(&self) -> Result<()> {
        let mut w = self.create(&schema::GRAPH)?;
        if let Some(g) = &self.pop.graph {
            for (a, b) in g.edge_list() {
                w.row([a.to_string(), b.to_string()])?;
            }
        }
        w.finish()
    }
}
