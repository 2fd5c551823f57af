//! `picsim population SCENARIO --export DIR`: one replication's world as plain CSV files, so that
//! any other tool can be run on exactly the world picsim simulates.
//!
//! Files: `orgs.csv`, `users.csv`, `persons.csv`, `entries.csv` (the initial contact lists) and
//! `graph.csv` (the persons' contact graph, `a,b` per undirected edge; only the header when the
//! scenario has no graph). Imported contact addresses are pseudonymised unless revealed.

use crate::report::csv::Addresses;
use crate::scenario::Scenario;
use crate::world::population::Population;
use anyhow::{Context, Result};
use std::io::Write as _;
use std::path::Path;

/// A file being written; every error names it.
struct File {
    path: std::path::PathBuf,
    w: std::io::BufWriter<std::fs::File>,
}

impl File {
    /// What `writeln!` calls.
    fn write_fmt(&mut self, args: std::fmt::Arguments) -> Result<()> {
        self.w
            .write_fmt(args)
            .with_context(|| format!("could not write '{}'", self.path.display()))
    }

    fn flush(&mut self) -> Result<()> {
        self.w
            .flush()
            .with_context(|| format!("could not write '{}'", self.path.display()))
    }
}

fn create(path: &Path) -> Result<File> {
    let f = std::fs::File::create(path)
        .with_context(|| format!("could not create '{}'", path.display()))?;
    Ok(File {
        path: path.to_path_buf(),
        w: std::io::BufWriter::with_capacity(1 << 20, f),
    })
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

/// Writes the five files of `pop` into `dir`.
pub(crate) fn write(
    s: &Scenario,
    pop: &Population,
    addresses: Addresses,
    dir: &Path,
) -> Result<()> {
    let cal = s.calendar();
    let day = |d: crate::day::Day| match d {
        crate::day::ALWAYS => "always".to_string(),
        crate::day::FOREVER => String::new(),
        d => cal.date(d).to_string(),
    };
    let names = pop.imported.as_deref();

    let mut w = create(&dir.join("orgs.csv"))?;
    let providers: Vec<String> = s
        .providers
        .iter()
        .map(|p| format!("enabled_{}", p.id))
        .collect();
    writeln!(
        w,
        "org,name,deployment,deployment_changes,agreement_start,agreement_term_years,users,domains,{}",
        providers.join(",")
    )?;
    for (o, org) in pop.orgs.iter().enumerate() {
        let changes: Vec<String> = org.deployments[1..]
            .iter()
            .map(|(d, dep)| format!("{}:{}", day(*d), s.deployments[*dep as usize]))
            .collect();
        let name = names.map_or(String::new(), |n| csv_field(&n.orgs[o]));
        let enabled: Vec<String> = org.enable.iter().map(|&d| day(d)).collect();
        writeln!(
            w,
            "{o},{name},{},{},{},{},{},{},{}",
            s.deployments[org.initial_deployment() as usize],
            changes.join(";"),
            org.agreement.start,
            org.agreement.term_years,
            org.users.len(),
            org.domains.len(),
            enabled.join(",")
        )?;
    }
    w.flush()?;

    let mut w = create(&dir.join("users.csv"))?;
    writeln!(w, "user,name,org,domain,domain_added")?;
    let mut entries = create(&dir.join("entries.csv"))?;
    writeln!(entries, "user,person,network,added")?;
    for chunk in &pop.chunks {
        for o in chunk.orgs.clone() {
            let org = &pop.orgs[o as usize];
            for u in org.users.clone() {
                let i = (u - chunk.users.start) as usize;
                let domain = chunk.user_domain[i];
                let name = names.map_or(String::new(), |n| csv_field(&n.users[u as usize]));
                writeln!(
                    w,
                    "{u},{name},{o},{domain},{}",
                    day(pop.domain_added[domain as usize])
                )?;
                for &p in chunk.entries_of(i) {
                    let net = &s.networks[pop.persons[p as usize].home as usize].id;
                    writeln!(entries, "{u},{p},{net},{}", s.start)?;
                }
            }
        }
    }
    w.flush()?;
    entries.flush()?;

    let mut w = create(&dir.join("persons.csv"))?;
    writeln!(w, "person,contact,home,accounts,microsoft_linked,activity")?;
    for (p, person) in pop.persons.iter().enumerate() {
        let contact = names
            .and_then(|n| n.addresses.get(p).cloned().flatten())
            .map_or(String::new(), |a| csv_field(&addresses.show(&a)));
        writeln!(
            w,
            "{p},{contact},{},{},{},{}",
            s.networks[person.home as usize].id,
            network_list(s, person.accounts),
            network_list(s, person.linked),
            s.population.activity[person.class as usize].name
        )?;
    }
    w.flush()?;

    let mut w = create(&dir.join("graph.csv"))?;
    writeln!(w, "a,b")?;
    if let Some(g) = &pop.graph {
        for (a, b) in g.edge_list() {
            writeln!(w, "{a},{b}")?;
        }
    }
    w.flush()
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
