//! Sweeps: the grid of every combination of a sweep's axes (`[sweep]` keys and `--vary`
//! options), and the variant rules sweeps and sensitivity analyses share. Every variant is the
//! scenario loaded with its overrides, so it goes through the same validation as `--set`, and it
//! keeps the scenario's seed: variants differ only by what was changed (common random numbers),
//! and any variant can be reproduced with `picsim run … --set key=value`.
//!
//! What a sweep's results become: a `super::compare::result::Comparison`. A sensitivity
//! analysis's variants are made in `super::sensitivity::variants` with the rules here.

use super::label::value_text;
use crate::experiments::compare::result::{Comparison, RunSummary};
use crate::output::files::run_id;
use crate::scenario::validate::count;
use crate::scenario::{KeyPath, MAX_ERRORS, Origin, Seg, parse_value};
use crate::scenario::{Override, Scenario, ScenarioError, ScenarioErrors, load_file};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// One dimension of a sweep: a key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The key, as written.
    pub(crate) key: String,
    /// Its values.
    pub(crate) values: Vec<toml::Value>,
    /// Whether the values are the scenario file's `[sweep]` entry (errors then point at it)
    /// rather than a `--vary` option.
    pub(crate) from_file: bool,
}

/// Parses `--vary key.path=v1,v2,…`: the values as a TOML list (so dates, strings, inline tables
/// and lists work), else as comma-separated TOML values, else as plain text.
pub(crate) fn parse_vary(text: &str) -> Result<Axis, String> {
    let (key, values) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not key.path=v1,v2,…"))?;
    KeyPath::parse(key.trim())?;
    let values = values.trim();
    if values.is_empty() {
        return Err(format!("`{text}` gives no values"));
    }
    let list = match parse_value(&format!("[{values}]")) {
        toml::Value::Array(a) => a,
        _ => values.split(',').map(|v| parse_value(v.trim())).collect(),
    };
    Ok(Axis {
        key: key.trim().to_string(),
        values: list,
        from_file: false,
    })
}

/// Every combination of the axes' values, the first axis varying slowest.
pub(crate) fn grid(axes: &[Axis]) -> Vec<Vec<toml::Value>> {
    grid_indices(axes)
        .into_iter()
        .map(|p| {
            p.iter()
                .zip(axes)
                .map(|(&i, a)| a.values[i].clone())
                .collect()
        })
        .collect()
}

/// [`grid`] as indices into each axis's values.
fn grid_indices(axes: &[Axis]) -> Vec<Vec<usize>> {
    let mut points: Vec<Vec<usize>> = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..axis.values.len()).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    points
}

/// The axes of a sweep: the scenario's `[sweep]` keys in file order, then `--vary` options (a
/// `--vary` of a key the file sweeps replaces the file's values).
pub fn axes(s: &Scenario, vary: &[Axis]) -> Vec<Axis> {
    let mut axes: Vec<Axis> = s
        .sweep
        .iter()
        .map(|(k, v)| Axis {
            key: k.clone(),
            values: v.clone(),
            from_file: true,
        })
        .collect();
    for v in vary {
        match axes.iter_mut().find(|a| a.key == v.key) {
            Some(a) => *a = v.clone(),
            None => axes.push(v.clone()),
        }
    }
    axes
}

/// One value a variant gives a key: where it goes, where it was written (a file entry, for
/// messages) and how to name it.
pub(crate) struct Setting<'a> {
    pub(crate) key: &'a str,
    pub(crate) value: &'a toml::Value,
    pub(crate) source: Option<&'a Origin>,
    pub(crate) origin: String,
}

/// The scenario with the base overrides, then the variant's settings.
fn variant(
    path: &Path,
    base: &[Override],
    settings: &[Setting],
) -> Result<Scenario, ScenarioErrors> {
    let mut overrides = base.to_vec();
    for s in settings {
        // The keys were checked by `check_keys`.
        let Ok(key) = KeyPath::parse(s.key) else {
            continue;
        };
        let o = Override::new(key, s.value.clone(), s.origin.clone());
        overrides.push(match s.source {
            Some(at) => o.located_at(at.clone()),
            None => o,
        });
    }
    load_file(path, &overrides)
}

/// Every variant's scenario, or every problem found in any of them (each listed once, at most
/// [`MAX_ERRORS`]).
pub(crate) fn variants<'a>(
    path: &Path,
    base: &[Override],
    all: impl Iterator<Item = Vec<Setting<'a>>>,
) -> Result<Vec<Scenario>> {
    let mut scenarios = Vec::new();
    let mut problems: Vec<ScenarioError> = Vec::new();
    for settings in all {
        match variant(path, base, &settings) {
            Ok(s) => scenarios.push(s),
            Err(e) => {
                for p in e.0 {
                    // Once per message: variants share most of their keys.
                    let text = p.to_string();
                    if !problems.iter().any(|q| q.to_string() == text)
                        && problems.len() < MAX_ERRORS
                    {
                        problems.push(p);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(ScenarioErrors(problems).into())
    }
}

/// A label listing the values of a point (`recovery.probability=0.5, seed=3`).
pub(crate) fn point_label(keys: &[String], values: &[toml::Value]) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.rsplit('.')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("."),
                value_text(v)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `runs.csv`: run id and every swept value.
pub(crate) fn write_runs_csv(
    keys: &[String],
    points: &[Vec<toml::Value>],
    path: &Path,
) -> Result<()> {
    let mut w = csv::Writer::from_path(path)
        .with_context(|| format!("could not create '{}'", path.display()))?;
    let mut header = vec!["run".to_string()];
    header.extend(keys.iter().cloned());
    w.write_record(&header)?;
    for (i, p) in points.iter().enumerate() {
        let mut rec = vec![run_id(i)];
        rec.extend(p.iter().map(value_text));
        w.write_record(&rec)?;
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// The scenarios of a sweep over `axes` of the file at `path` (with the command line's `base`
/// overrides), after checking that every key exists: one per point of the grid, each set as by
/// `--set` and validated, in grid order. Returns the points too.
pub fn sweep_scenarios(
    path: &Path,
    base: &[Override],
    s: &Scenario,
    axes: &[Axis],
) -> Result<(Vec<Vec<toml::Value>>, Vec<Scenario>)> {
    let keys: Vec<(&str, Option<&Origin>)> = axes
        .iter()
        .map(|a| (a.key.as_str(), file_origin(s, "sweep", a, None)))
        .collect();
    check_keys(s, "sweep", &keys)?;
    let points = grid_indices(axes);
    let settings = points.iter().enumerate().map(|(run, p)| {
        p.iter()
            .zip(axes)
            .map(|(&i, a)| Setting {
                key: &a.key,
                value: &a.values[i],
                source: file_origin(s, "sweep", a, Some(i)),
                origin: format!(
                    "[sweep] {}: {}={}",
                    run_id(run),
                    a.key,
                    value_text(&a.values[i])
                ),
            })
            .collect()
    });
    let scenarios = variants(path, base, settings)?;
    Ok((grid(axes), scenarios))
}

/// Where an axis's entry (or its `index`-th value) is written, if it comes from the file.
fn file_origin<'s>(
    s: &'s Scenario,
    section: &str,
    axis: &Axis,
    index: Option<usize>,
) -> Option<&'s Origin> {
    axis.from_file
        .then(|| s.origins.get(section, &axis.key, index))
        .flatten()
}

/// Checks that every swept or sensitivity key exists in the scenario's effective document (a
/// typo in a key path would otherwise create a new, ignored key and be refused later with a less
/// direct message). Each problem is reported at the entry that names the key (or the `--vary`
/// option, for keys given there); all of them at once.
pub(crate) fn check_keys(
    s: &Scenario,
    section: &str,
    keys: &[(&str, Option<&Origin>)],
) -> Result<()> {
    let problems: Vec<String> = keys
        .iter()
        .filter_map(|(k, at)| {
            let problem = missing_key(&s.effective, k)?;
            Some(match at {
                Some(at) => format!("{at}: {section}.{k}: {problem}"),
                None => format!("--vary {k}: {problem}"),
            })
        })
        .take(MAX_ERRORS)
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// Why `key` names nothing in `table`, or `None` when it names a value.
fn missing_key(table: &toml::Table, key: &str) -> Option<String> {
    let path = match KeyPath::parse(key) {
        Ok(p) => p,
        Err(e) => return Some(e),
    };
    let mut at = table.get(match path.0.first() {
        Some(Seg::Key(k)) => k.as_str(),
        _ => return Some("a key path starts with a table name, not an index".into()),
    });
    // The first segment that names nothing.
    let mut walked = path.0[0].clone();
    for seg in &path.0[1..] {
        if at.is_none() {
            break;
        }
        walked = seg.clone();
        at = match (at, seg) {
            (Some(toml::Value::Table(t)), Seg::Key(k)) => t.get(k),
            (Some(toml::Value::Array(a)), Seg::Index(i)) => a.get(*i),
            _ => None,
        };
    }
    at.is_none().then(|| {
        let name = match walked {
            Seg::Key(k) => format!("no `{k}` there"),
            Seg::Index(i) => format!("no item {i} there"),
        };
        format!("is not a key of the scenario ({name}); sweep and sensitivity keys must exist in the file")
    })
}

/// The comparison of a sweep's runs of `scenario` over `keys`.
pub(crate) fn sweep_comparison(
    scenario: &Scenario,
    keys: &[String],
    runs: Vec<RunSummary>,
) -> Comparison {
    Comparison {
        title: format!(
            "{}: sweep of {}",
            scenario.name,
            count(runs.len() as u64, "run", "runs")
        ),
        description: format!("{} Swept: {}.", scenario.description, keys.join(", ")),
        keys: keys.to_vec(),
        runs,
        key_dates: scenario.key_dates(),
        words: scenario.output.words.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_values_parse_as_toml() {
        let a = parse_vary("behaviours.recovery.probability=0,0.5,1").unwrap();
        assert_eq!(
            a.values,
            vec![
                toml::Value::Integer(0),
                toml::Value::Float(0.5),
                toml::Value::Integer(1)
            ]
        );
        let a = parse_vary("providers.aol.until=2014-06-29,2014-06-30").unwrap();
        assert!(matches!(a.values[1], toml::Value::Datetime(_)));
        let a =
            parse_vary("orgs.deployments={ server = 1.0 },{ server = 0.5, online = 0.5 }").unwrap();
        assert_eq!(a.values.len(), 2);
        let a = parse_vary("scenario.description=one,two").unwrap();
        assert_eq!(
            a.values,
            vec![
                toml::Value::String("one".into()),
                toml::Value::String("two".into())
            ]
        );
        assert!(parse_vary("novalues=").is_err());
    }

    #[test]
    fn a_missing_key_names_the_first_part_that_is_not_there() {
        let t: toml::Table = toml::from_str("[orgs]\ncount = 1\nlist = [1]\n").unwrap();
        assert_eq!(missing_key(&t, "orgs.count"), None);
        assert!(
            missing_key(&t, "orgz.count")
                .unwrap()
                .contains("no `orgz` there")
        );
        assert!(
            missing_key(&t, "orgs.cuont")
                .unwrap()
                .contains("no `cuont` there")
        );
        assert!(
            missing_key(&t, "orgs.list.3")
                .unwrap()
                .contains("no item 3 there")
        );
        assert!(
            missing_key(&t, "orgs.count.x")
                .unwrap()
                .contains("no `x` there")
        );
    }

    #[test]
    fn grid_is_every_combination_first_axis_slowest() {
        let axes = vec![
            Axis {
                key: "a".into(),
                values: vec![1.into(), 2.into()],
                from_file: true,
            },
            Axis {
                key: "b".into(),
                values: vec![10.into(), 20.into(), 30.into()],
                from_file: false,
            },
        ];
        let g = grid(&axes);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![toml::Value::from(1), toml::Value::from(10)]);
        assert_eq!(g[2], vec![toml::Value::from(1), toml::Value::from(30)]);
        assert_eq!(g[3], vec![toml::Value::from(2), toml::Value::from(10)]);
        assert_eq!(grid(&[]), vec![Vec::<toml::Value>::new()]);
    }
}
