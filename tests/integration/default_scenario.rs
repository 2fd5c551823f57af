//! The shipped default, run as issue #2's "done when" describes: 4 replications, checked on the
//! replication means in series.csv and on orgs.csv.

use crate::cli::run_small;
use std::collections::HashMap;

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &std::path::Path) -> Csv {
        let mut r = csv::Reader::from_path(path).unwrap();
        let header = r.headers().unwrap().iter().map(str::to_string).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        Csv { header, rows }
    }
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

#[test]
fn default_scenario_meets_the_historical_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pic-2013");
    run_small(&out, 2500, &["--replications", "4"]).success();
    let series = Csv::read(&out.join("series.csv"));
    // Replication means per date.
    let date = series.col("date");
    let mut sums: HashMap<String, Vec<f64>> = HashMap::new();
    for row in &series.rows {
        let entry = sums
            .entry(row[date].clone())
            .or_insert_with(|| vec![0.0; series.header.len()]);
        for (i, v) in row.iter().enumerate().skip(2) {
            entry[i] += v.parse::<f64>().unwrap() / 4.0;
        }
    }
    let mean = |d: &str, col: &str| sums[d][series.col(col)];
    for (d, v) in &sums {
        if d.as_str() >= "2014-07-01" {
            assert_eq!(v[series.col("reachable_yahoo")], 0.0, "{d}");
            assert_eq!(v[series.col("reachable_aim")], 0.0, "{d}");
        }
    }
    assert!(mean("2013-05-01", "reachable_video") < 0.5 * mean("2013-04-07", "reachable_video"));
    assert!(mean("2014-06-01", "reachable_skype") > mean("2013-05-28", "reachable_skype"));
    assert!(mean("2014-06-01", "orgs_yahoo") < mean("2012-09-01", "orgs_yahoo"));

    // Organisations that lost Yahoo! early: usl_until before 2014-06-30, and the agreement period
    // after it began after the last day of sale (2012-08-31).
    let orgs = Csv::read(&out.join("orgs.csv"));
    let (until, start, term) = (
        orgs.col("usl_until_yahoo"),
        orgs.col("agreement_start"),
        orgs.col("agreement_term_years"),
    );
    let mut early = 0;
    for row in &orgs.rows {
        if row[until].is_empty() || row[until].as_str() >= "2014-06-30" {
            continue;
        }
        early += 1;
        let until_date = chrono::NaiveDate::parse_from_str(&row[until], "%Y-%m-%d").unwrap();
        let agreement = picsim::day::Agreement {
            start: chrono::NaiveDate::parse_from_str(&row[start], "%Y-%m-%d").unwrap(),
            term_years: row[term].parse().unwrap(),
        };
        let next = until_date + chrono::Duration::days(1);
        let (began, _) = agreement.period_covering(next);
        assert_eq!(
            began, next,
            "usl_until is the last day of an agreement period"
        );
        assert!(began > chrono::NaiveDate::from_ymd_opt(2012, 8, 31).unwrap());
    }
    assert!(
        early > 0,
        "some organisations lose Yahoo! before 2014-06-30"
    );
}
