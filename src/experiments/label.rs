//! What a sensitivity entry is called and how its values read, for people: the label a
//! `[sensitivity]` entry gives, or one derived from its key path with the scenario's display
//! names ([`entry_label`]); and a value shown as what differs from the base value, so that of
//! two distributions only the parameter that changes is shown ([`differing`], [`change`]).

use crate::scenario::{KeyPath, Scenario, Seg};

/// A label for the `[sensitivity]` key `key` of `s` when the entry gives none, from the key path
/// and the display names of the scenario's networks and providers:
/// `orgs.providers.msn.0.share` reads "Microsoft (Messenger, then Skype): share of organisations
/// enabling it, cohort 1".
pub(crate) fn entry_label(s: &Scenario, key: &str) -> String {
    let Ok(path) = KeyPath::parse(key) else {
        return key.to_string();
    };
    let segs = &path.0;
    let name_of = |section: &str, id: &str| -> Option<String> {
        s.effective
            .get(section)?
            .get(id)?
            .get("name")?
            .as_str()
            .map(str::to_string)
    };
    let network = |id: &str| name_of("networks", id).unwrap_or_else(|| id.to_string());
    let provider = |id: &str| name_of("providers", id).unwrap_or_else(|| id.to_string());
    let text = |seg: &Seg| match seg {
        Seg::Key(k) => k.clone(),
        Seg::Index(i) => i.to_string(),
    };
    let strs: Vec<String> = segs.iter().map(text).collect();
    let strs: Vec<&str> = strs.iter().map(String::as_str).collect();
    // The shapes that read better said whole.
    match strs.as_slice() {
        ["orgs", "providers", id, cohort, field] => {
            let cohort = cohort.parse::<usize>().map_or(0, |c| c + 1);
            let what = if *field == "share" {
                "share of organisations enabling it".to_string()
            } else {
                words(field)
            };
            return format!("{}: {what}, cohort {cohort}", provider(id));
        }
        ["providers", id, "reaches", i, field] => {
            let reach =
                reach_network(s, id, i).map_or(String::new(), |n| format!(" {}", network(&n)));
            return format!(
                "{}: reach of{reach} (item {}), {}",
                provider(id),
                plus_one(i),
                words(field)
            );
        }
        ["providers", id, rest @ ..] => {
            return format!("{}: {}", provider(id), words(&rest.join(" ")));
        }
        ["networks", id, rest @ ..] => {
            return format!("{}: {}", network(id), words(&rest.join(" ")));
        }
        _ => {}
    }
    // Otherwise: the section, each level (a list item by its class, label or networks), then
    // the field; network ids read as their names.
    let mut parts: Vec<String> = Vec::new();
    let mut at: Option<&toml::Value> = None;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next = match (at, seg) {
            (None, Seg::Key(k)) => s.effective.get(k),
            (Some(toml::Value::Table(t)), Seg::Key(k)) => t.get(k),
            (Some(toml::Value::Array(a)), Seg::Index(n)) => a.get(*n),
            _ => None,
        };
        let part = match seg {
            Seg::Key(k) if i == 0 => match k.as_str() {
                "orgs" => "Organisations".to_string(),
                "population" => "Population".to_string(),
                "behaviours" => "Behaviours".to_string(),
                "migrations" => "Migrations".to_string(),
                other => words(other),
            },
            Seg::Key(k) if name_of("networks", k).is_some() => network(k),
            Seg::Key(k) => words(k),
            Seg::Index(n) => item_name(s, next).unwrap_or_else(|| format!("item {}", n + 1)),
        };
        if last && !parts.is_empty() {
            return format!("{}: {part}", parts.join(", "));
        }
        // A list item's name stands with its list ("activity rare").
        match (seg, parts.last_mut()) {
            (Seg::Index(_), Some(list)) => *list = format!("{list} {part}"),
            _ => parts.push(part),
        }
        at = next;
    }
    parts.join(", ")
}

/// `"3"` → `"4"`.
fn plus_one(i: &str) -> String {
    i.parse::<usize>()
        .map_or_else(|_| i.to_string(), |n| (n + 1).to_string())
}

/// The network of item `i` of provider `id`'s `reaches`.
fn reach_network(s: &Scenario, id: &str, i: &str) -> Option<String> {
    let i: usize = i.parse().ok()?;
    let item = s
        .effective
        .get("providers")?
        .get(id)?
        .get("reaches")?
        .get(i)?;
    item.get("network")?.as_str().map(str::to_string)
}

/// A list item by what names it: its `class` or `label`, its networks (`home`, `extra`; `from`,
/// `to`) or its provider and network.
fn item_name(s: &Scenario, item: Option<&toml::Value>) -> Option<String> {
    let item = item?.as_table()?;
    let get = |k: &str| item.get(k).and_then(toml::Value::as_str);
    let net = |id: &str| {
        s.effective
            .get("networks")
            .and_then(|n| n.get(id))
            .and_then(|n| n.get("name"))
            .and_then(toml::Value::as_str)
            .unwrap_or(id)
            .to_string()
    };
    if let Some(c) = get("class").or_else(|| get("label")) {
        return Some(c.to_string());
    }
    if let (Some(h), Some(e)) = (get("home"), get("extra")) {
        return Some(format!("({} users also on {})", net(h), net(e)));
    }
    if let (Some(f), Some(t)) = (get("from"), get("to")) {
        return Some(format!("{} → {}", net(f), net(t)));
    }
    if let (Some(p), Some(n)) = (get("provider"), get("network")) {
        let provider = s
            .effective
            .get("providers")
            .and_then(|x| x.get(p))
            .and_then(|x| x.get("name"))
            .and_then(toml::Value::as_str)
            .unwrap_or(p);
        return Some(format!("({provider} → {})", net(n)));
    }
    None
}

/// A key's words: `mean_days_between_sign_ins` reads "mean days between sign-ins".
fn words(key: &str) -> String {
    let fixed = [
        ("until", "last day"),
        ("from", "first day"),
        ("provisioning_until", "last day of provisioning"),
        ("usl_price_per_user_year", "USL price per user-year"),
        ("rate_per_user_year", "rate per user-year"),
        ("mean_days_between_sign_ins", "mean days between sign-ins"),
        ("term_years", "term (years)"),
        ("max", "maximum"),
        ("min", "minimum"),
    ];
    fixed
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.replace('_', " "), |(_, w)| w.to_string())
}

/// A value as TOML text, for labels and `runs.csv` (a string without its quotes).
pub(crate) fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value at `key` in the document `table`, if any.
pub(crate) fn value_at<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let path = KeyPath::parse(key).ok()?;
    let mut segs = path.0.iter();
    let mut at = match segs.next()? {
        Seg::Key(k) => table.get(k)?,
        Seg::Index(_) => return None,
    };
    for seg in segs {
        at = match (at, seg) {
            (toml::Value::Table(t), Seg::Key(k)) => t.get(k)?,
            (toml::Value::Array(a), Seg::Index(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// `value` as people read it next to the base value `base`: for two tables (distributions,
/// mixes), only the fields that differ from the base's (`mean 6, dispersion 0.7, max 600`), or
/// "= base" when none does; otherwise the value itself.
pub(crate) fn differing(base: Option<&toml::Value>, value: &toml::Value) -> String {
    match (base.and_then(toml::Value::as_table), value.as_table()) {
        (Some(b), Some(v)) => {
            let fields: Vec<String> = v
                .iter()
                .filter(|(k, x)| b.get(*k) != Some(x))
                .map(|(k, x)| format!("{k} {}", value_text(x)))
                .collect();
            if fields.is_empty() {
                "= base".into()
            } else {
                fields.join(", ")
            }
        }
        (None, Some(v)) => v
            .iter()
            .map(|(k, x)| format!("{k} {}", value_text(x)))
            .collect::<Vec<_>>()
            .join(", "),
        _ => value_text(value),
    }
}

/// The move from `low` to `high` in one line: `0.5 → 0.9`, or for tables the fields that either
/// end changes from the base, each `field low → high` (`mean 6 → 32, dispersion 0.7 → 10`).
pub(crate) fn change(base: Option<&toml::Value>, low: &toml::Value, high: &toml::Value) -> String {
    let (Some(l), Some(h)) = (low.as_table(), high.as_table()) else {
        return format!("{} → {}", value_text(low), value_text(high));
    };
    let b = base.and_then(toml::Value::as_table);
    let mut keys: Vec<&String> = l.keys().collect();
    keys.extend(h.keys().filter(|k| !l.contains_key(*k)));
    let shown = |v: Option<&toml::Value>| v.map_or("—".to_string(), value_text);
    let fields: Vec<String> = keys
        .into_iter()
        .filter(|k| {
            let base = b.and_then(|b| b.get(*k));
            l.get(*k) != h.get(*k) || (b.is_some() && l.get(*k) != base)
        })
        .map(|k| format!("{k} {} → {}", shown(l.get(k)), shown(h.get(k))))
        .collect();
    if fields.is_empty() {
        "no field differs".into()
    } else {
        fields.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_value;

    fn pic() -> Scenario {
        crate::scenario::load_file(std::path::Path::new("scenarios/pic-2013.toml"), &[])
            .expect("pic-2013 loads")
    }

    #[test]
    fn labels_from_key_paths_use_display_names() {
        let s = pic();
        assert_eq!(
            entry_label(&s, "orgs.providers.msn.0.share"),
            "Microsoft (Messenger, then Skype): share of organisations enabling it, cohort 1"
        );
        assert_eq!(entry_label(&s, "providers.aol.until"), "AOL PIC: last day");
        assert_eq!(
            entry_label(&s, "providers.msn.reaches.2.from"),
            "Microsoft (Messenger, then Skype): reach of Skype (item 3), first day"
        );
        assert_eq!(
            entry_label(&s, "population.activity.3.mean_days_between_sign_ins"),
            "Population, activity rare: mean days between sign-ins"
        );
        assert_eq!(
            entry_label(&s, "population.persons_per_user.skype"),
            "Population, persons per user: Skype"
        );
        assert_eq!(
            entry_label(&s, "population.multi_homing.1.share"),
            "Population, multi homing (AOL Instant Messenger users also on Windows Live Messenger): share"
        );
        assert_eq!(
            entry_label(&s, "orgs.deployments"),
            "Organisations: deployments"
        );
    }

    #[test]
    fn tables_show_only_what_differs() {
        let base = parse_value(
            r#"{ dist = "negative_binomial", mean = 32, dispersion = 0.25, max = 400 }"#,
        );
        let low =
            parse_value(r#"{ dist = "negative_binomial", mean = 6, dispersion = 0.7, max = 600 }"#);
        let high =
            parse_value(r#"{ dist = "negative_binomial", mean = 32, dispersion = 10, max = 400 }"#);
        assert_eq!(
            differing(Some(&base), &low),
            "mean 6, dispersion 0.7, max 600"
        );
        assert_eq!(differing(Some(&base), &high), "dispersion 10");
        assert_eq!(differing(Some(&base), &base), "= base");
        assert_eq!(
            change(Some(&base), &low, &high),
            "mean 6 → 32, dispersion 0.7 → 10, max 600 → 400"
        );
        let d = parse_value("2014-06-29");
        assert_eq!(differing(None, &d), "2014-06-29");
        assert_eq!(
            change(None, &parse_value("0.5"), &parse_value("0.9")),
            "0.5 → 0.9"
        );
    }

    #[test]
    fn values_by_key_path() {
        let s = pic();
        assert_eq!(
            value_at(
                &s.effective,
                "population.activity.3.mean_days_between_sign_ins"
            ),
            Some(&toml::Value::Float(180.0))
        );
        assert_eq!(value_at(&s.effective, "population.nothing"), None);
    }
}
