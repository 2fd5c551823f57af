//! The world folder's schema, defined once: each file's name and its columns, in the order
//! `picsim population --export` writes them (`super::export`), with which of them a reader
//! needs (`orgs`, `users`, `persons` open their files by these and find each column by its
//! place here). `docs/world.md` documents them for people.

/// A column of a world file.
pub(crate) struct Col {
    /// Its header name.
    pub(crate) name: &'static str,
    /// Whether a world that has the file must have the column (the others pin something when
    /// present and let it be drawn when absent).
    pub(crate) required: bool,
}

/// A column every world file of its kind has.
const fn required(name: &'static str) -> Col {
    Col {
        name,
        required: true,
    }
}

/// A column that pins something when present.
const fn optional(name: &'static str) -> Col {
    Col {
        name,
        required: false,
    }
}

/// A CSV file of a world folder.
pub(crate) struct File {
    /// Its name in the folder.
    pub(crate) name: &'static str,
    /// Its columns, in the order written.
    pub(crate) columns: &'static [Col],
}

impl File {
    /// Its header as written (for `orgs.csv`, without the per-provider columns: [`enabled`]).
    pub(crate) fn header(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|c| c.name)
    }
}

/// The replication and seed a world comes from.
pub(crate) const ABOUT: &str = "world.toml";

/// Organisations: deployment history, agreement, sizes; then one [`enabled`] column per
/// provider.
pub(crate) const ORGS: File = File {
    name: "orgs.csv",
    columns: &[
        required("org"),
        optional("name"),
        optional("deployment"),
        optional("deployment_changes"),
        optional("agreement_start"),
        optional("agreement_term_years"),
        optional("users"),
        optional("domains"),
    ],
};

/// `orgs.csv`'s column of the day an organisation enables `provider`.
pub(crate) fn enabled(provider: &str) -> String {
    format!("enabled_{provider}")
}

/// Federation domains, each with its organisation and the day it was added.
pub(crate) const DOMAINS: File = File {
    name: "domains.csv",
    columns: &[required("domain"), required("org"), required("added")],
};

/// Lync users.
pub(crate) const USERS: File = File {
    name: "users.csv",
    columns: &[
        required("user"),
        optional("name"),
        required("org"),
        optional("domain"),
        // Written for readers (the add day of the user's domain); `domains.csv` pins it.
        optional("domain_added"),
    ],
};

/// Persons (the contacts) and their accounts.
pub(crate) const PERSONS: File = File {
    name: "persons.csv",
    columns: &[
        required("person"),
        // Imported addresses (or their pseudonyms): a world of an import is not replayed.
        optional("contact"),
        required("home"),
        optional("accounts"),
        optional("microsoft_linked"),
        optional("activity"),
    ],
};

/// Contact lists' entries.
pub(crate) const ENTRIES: File = File {
    name: "entries.csv",
    columns: &[
        required("user"),
        required("person"),
        optional("network"),
        optional("added"),
    ],
};

/// Each person's day per migration.
pub(crate) const MIGRATIONS: File = File {
    name: "migrations.csv",
    columns: &[required("person"), required("migration"), required("day")],
};

/// The persons' contact graph, an undirected edge per row.
pub(crate) const GRAPH: File = File {
    name: "graph.csv",
    columns: &[required("a"), required("b")],
};

/// Every file a world may hold, in the order they are read.
pub(crate) const FILES: [&str; 8] = [
    ABOUT,
    ORGS.name,
    DOMAINS.name,
    USERS.name,
    PERSONS.name,
    ENTRIES.name,
    MIGRATIONS.name,
    GRAPH.name,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file and column of the schema is documented for people in `docs/world.md`: an
    /// optional column as a row of its file's table, a required one named in the text; and no
    /// file is named twice.
    #[test]
    fn every_file_and_column_is_documented_once() {
        let doc = include_str!("../../../docs/world.md");
        let files = [
            &ORGS,
            &DOMAINS,
            &USERS,
            &PERSONS,
            &ENTRIES,
            &MIGRATIONS,
            &GRAPH,
        ];
        for file in files {
            assert!(doc.contains(&format!("`{}`", file.name)), "{}", file.name);
            for column in file.columns {
                let shown = if column.required {
                    format!("`{}`", column.name)
                } else {
                    format!("| `{}` |", column.name)
                };
                assert!(doc.contains(&shown), "{}: {}", file.name, column.name);
            }
        }
        assert!(doc.contains("| `enabled_<provider>` |"));
        let mut names = FILES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FILES.len());
    }
}
