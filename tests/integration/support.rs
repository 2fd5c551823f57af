//! Building tiny worlds by hand: a scenario from TOML for the rules (networks, providers,
//! migrations, behaviours) and a population laid out entity by entity, so that every expected
//! count can be worked out on paper.

use chrono::NaiveDate;
use picsim::day::{ALWAYS, Agreement, Day, FOREVER};
use picsim::engine::adding::Pools;
use picsim::engine::{self, Columns, ReplicationCounts};
use picsim::migration::{self, MigrationDays};
use picsim::scenario::{Scenario, load_str};
use picsim::world::population::{Chunk, Org, Person, Population};
use picsim::world::profiles::Profiles;

/// `[orgs]` and `[population]` tables that validate but are not used: tiny worlds are built by
/// hand.
pub const FILLER: &str = r#"
[orgs]
count = 1
users = 1
deployments = { server = 1.0, online = 0.0 }
agreement = { term_years = 1, start = { from = 2010-01-01, until = 2010-01-01 } }

[population]
contacts_per_user = 0
"#;

/// Writes `dir/s.toml`: `body` under `extends` of the shipped scenario `parent` (a path such as
/// `scenarios/my-org.toml`, relative to the repository), and returns its path.
pub fn extending(dir: &std::path::Path, parent: &str, body: &str) -> std::path::PathBuf {
    let parent = std::env::current_dir()
        .expect("a working folder")
        .join(parent);
    let path = dir.join("s.toml");
    std::fs::write(
        &path,
        format!("extends = {:?}\n{body}", parent.display().to_string()),
    )
    .expect("the test folder is writable");
    path
}

/// Parses a date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test dates are valid")
}

/// Loads a scenario from `rules` (everything but `[orgs]`, `[population]`) plus the filler, with
/// a network mix over the first network of the rules.
pub fn scenario(rules: &str, mix: &str) -> Scenario {
    let text = format!("{rules}\n{FILLER}\nnetwork_mix = {{ {mix} = 1.0 }}\n");
    match load_str(&text, "tiny.toml", &[], None) {
        Ok(s) => s,
        Err(e) => panic!("tiny scenario does not validate:\n{e}\n---\n{text}"),
    }
}

/// A world under construction.
pub struct World {
    /// The rules.
    pub s: Scenario,
    orgs: Vec<(Org, Vec<Day>)>,
    persons: Vec<Person>,
    users: Vec<(u32, u32, Vec<u32>)>,
    /// The persons' contact graph, if any.
    pub graph: Option<picsim::world::population::graph::Graph>,
    /// Whether the engine records each entry's impact (as for imported contact lists).
    pub track_impacts: bool,
}

impl World {
    /// A world with the rules of `s` and nobody in it.
    pub fn new(s: Scenario) -> Self {
        World {
            s,
            orgs: Vec::new(),
            persons: Vec::new(),
            users: Vec::new(),
            graph: None,
            track_impacts: false,
        }
    }

    /// The day of a date.
    pub fn day(&self, d: &str) -> Day {
        self.s.calendar().day(date(d))
    }

    fn opt_day(&self, d: Option<&str>) -> Day {
        d.map_or(ALWAYS, |d| self.day(d))
    }

    /// An organisation with an initial deployment, an agreement `(start, term)`, and enable days
    /// per provider (`None`: enabled before anything modelled; providers not listed: never).
    /// It gets one SIP domain added before anything modelled; more with [`World::domain`].
    pub fn org(
        &mut self,
        deployment: &str,
        agreement: (&str, u32),
        enable: &[(&str, Option<&str>)],
    ) -> u32 {
        let dep = self
            .s
            .deployments
            .iter()
            .position(|d| d == deployment)
            .expect("known deployment") as u8;
        let mut days = vec![FOREVER; self.s.providers.len()];
        for (p, d) in enable {
            let i = self.s.provider_index(p).expect("known provider") as usize;
            days[i] = self.opt_day(*d);
        }
        let org = Org {
            deployments: vec![(ALWAYS, dep)],
            agreement: Agreement {
                start: date(agreement.0),
                term_years: agreement.1,
            },
            enable: days,
            domains: 0..0,
            users: 0..0,
        };
        self.orgs.push((org, vec![ALWAYS]));
        (self.orgs.len() - 1) as u32
    }

    /// Changes organisation `o`'s deployment on `day`.
    pub fn change_deployment(&mut self, o: u32, day: &str, deployment: &str) {
        let dep = self
            .s
            .deployments
            .iter()
            .position(|d| d == deployment)
            .expect("known deployment") as u8;
        let d = self.day(day);
        self.orgs[o as usize].0.deployments.push((d, dep));
    }

    /// Adds a SIP domain to organisation `o` (added on `added`, or before anything modelled);
    /// returns its index within the organisation.
    pub fn domain(&mut self, o: u32, added: Option<&str>) -> u32 {
        let d = self.opt_day(added);
        self.orgs[o as usize].1.push(d);
        (self.orgs[o as usize].1.len() - 1) as u32
    }

    /// A person with a home network, extra accounts, linked accounts and an activity class.
    /// Persons must be created in network order of their home (the blocks of the population).
    pub fn person(&mut self, home: &str, extra: &[&str], linked: &[&str]) -> u32 {
        let net = |n: &str| self.s.network_index(n).expect("known network");
        let home = net(home);
        if let Some(last) = self.persons.last() {
            assert!(
                last.home <= home,
                "create persons in network order of their home"
            );
        }
        let accounts = extra.iter().fold(1u16 << home, |m, n| m | 1 << net(n));
        let linked = linked.iter().fold(0u16, |m, n| m | 1 << net(n));
        self.persons.push(Person {
            accounts,
            linked,
            home,
            class: 0,
        });
        (self.persons.len() - 1) as u32
    }

    /// A Lync user of organisation `o` on its domain `domain` whose list holds `persons`.
    pub fn user(&mut self, o: u32, domain: u32, persons: &[u32]) {
        self.users.push((o, domain, persons.to_vec()));
    }

    /// The finished population.
    pub fn build(&self) -> Population {
        let mut orgs = Vec::new();
        let mut domain_added = Vec::new();
        let mut chunk = Chunk {
            orgs: 0..self.orgs.len() as u32,
            offsets: vec![0],
            ..Chunk::default()
        };
        let mut next_user = 0u32;
        for (o, (org, domains)) in self.orgs.iter().enumerate() {
            let first_domain = domain_added.len() as u32;
            domain_added.extend_from_slice(domains);
            let users: Vec<_> = self.users.iter().filter(|u| u.0 == o as u32).collect();
            for (_, d, persons) in &users {
                chunk.user_domain.push(first_domain + d);
                chunk.entries.extend_from_slice(persons);
                chunk.offsets.push(chunk.entries.len() as u32);
            }
            let mut org = org.clone();
            org.domains = first_domain..domain_added.len() as u32;
            org.users = next_user..next_user + users.len() as u32;
            next_user += users.len() as u32;
            orgs.push(org);
        }
        chunk.users = 0..next_user;
        let blocks = (0..self.s.networks.len() as u8)
            .map(|n| {
                let start = self
                    .persons
                    .iter()
                    .position(|p| p.home >= n)
                    .unwrap_or(self.persons.len()) as u32;
                let end = self
                    .persons
                    .iter()
                    .position(|p| p.home > n)
                    .unwrap_or(self.persons.len()) as u32;
                start..end
            })
            .collect();
        Population {
            orgs,
            domain_added,
            persons: self.persons.clone(),
            blocks,
            chunks: vec![chunk],
            graph: self.graph.clone(),
            imported: self
                .track_impacts
                .then(|| std::sync::Arc::new(picsim::world::population::ImportedNames::default())),
        }
    }

    /// Runs the engine on the world, with migration days from the scenario's triggers or given.
    pub fn run(&self, days: Option<MigrationDays>) -> Counts {
        let pop = self.build();
        let days = days.unwrap_or_else(|| migration::compute(&self.s, &pop, 0));
        let profiles = Profiles::build(&self.s, &pop);
        let stored = migration::Stored {
            days: &days,
            migrations: &self.s.migrations,
        };
        let everyone = 0..pop.persons.len() as u32;
        let pools = Pools::build(&self.s, &stored, everyone.clone());
        let ctx = engine::Context::new(&self.s, &pop, &stored, everyone, &profiles, &pools, 0);
        Counts {
            counts: engine::run(&ctx, &|| {}),
            columns: Columns::new(&self.s),
            s: self.s.clone(),
        }
    }
}

/// The engine's counts with helpers to check them against hand-computed series.
pub struct Counts {
    /// Raw counts.
    pub counts: ReplicationCounts,
    /// Column names.
    pub columns: Columns,
    s: Scenario,
}

impl Counts {
    /// Every day's value of a column.
    pub fn series(&self, name: &str) -> Vec<i64> {
        let col = self
            .columns
            .index(name)
            .unwrap_or_else(|| panic!("no column {name}; columns: {:?}", self.columns.names));
        (0..self.counts.days)
            .map(|d| self.counts.get(col, d as Day))
            .collect()
    }

    /// Checks a column against a piecewise-constant expectation: `(first date, value)` pairs in
    /// date order, the first at the scenario start; each value holds until the next date.
    pub fn expect(&self, name: &str, pieces: &[(&str, i64)]) {
        let cal = self.s.calendar();
        assert_eq!(
            date(pieces[0].0),
            self.s.start,
            "{name}: expectations start at the scenario start"
        );
        let mut expected = vec![0i64; self.counts.days];
        for (i, (from, value)) in pieces.iter().enumerate() {
            let from = cal.day(date(from)) as usize;
            let to = pieces
                .get(i + 1)
                .map_or(self.counts.days, |(d, _)| cal.day(date(d)) as usize);
            for e in &mut expected[from..to] {
                *e = *value;
            }
        }
        let actual = self.series(name);
        if actual != expected {
            let diff: Vec<String> = actual
                .iter()
                .zip(&expected)
                .enumerate()
                .filter(|(_, (a, e))| a != e)
                .take(5)
                .map(|(d, (a, e))| format!("{}: got {a}, expected {e}", cal.date(d as Day)))
                .collect();
            panic!(
                "{name} differs from the hand-computed series:\n  {}",
                diff.join("\n  ")
            );
        }
    }

    /// Checks that a column is `value` on every day.
    pub fn constant(&self, name: &str, value: i64) {
        let start = self.s.start.to_string();
        self.expect(name, &[(&start, value)]);
    }
}

/// What a finished command printed on stderr.
pub fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

/// What a finished command printed on stdout.
pub fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).to_string()
}

/// Every file directly in `dir`, as text (PNG bytes included, lossily).
pub fn all_text(dir: &std::path::Path) -> String {
    std::fs::read_dir(dir)
        .expect("an output folder")
        .map(|e| {
            let path = e.expect("a folder entry").path();
            String::from_utf8_lossy(&std::fs::read(path).expect("a readable file")).to_string()
        })
        .collect()
}
