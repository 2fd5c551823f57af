//! `report.html` in a real browser: headless Chromium driven over W3C WebDriver (JSON over HTTP,
//! spoken here on a plain TCP socket) by chromedriver, both from Debian's packages
//! (`chromium`, `chromium-driver`). The page loads with no console error, every chart is drawn
//! again as an SVG, hovering a day shows that day's values as `summary.csv` has them, the legend
//! switches series, the key-dates table highlights its markers, and nothing is wider than the
//! window at 1,024 and 1,600 pixels, for a run's page and for a sweep's and a sensitivity
//! analysis's.
//!
//! Without `/usr/bin/chromedriver` the tests print why and pass, unless
//! `PICSIM_BROWSER_TESTS=required` (as `.ci/run` sets), when they fail.

use crate::cli::{picsim, run_small};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key WebDriver names an element reference by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The marker colour of a highlighted key date (the explorer's style sheet).
const HIGHLIGHT: &str = "rgb(200, 30, 30)";

/// chromedriver on a free port of its own, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver, started; `None` (having said so) when the browser is not installed, unless
/// `PICSIM_BROWSER_TESTS=required`.
fn driver() -> Option<Driver> {
    let missing: Vec<&str> = [CHROMEDRIVER, CHROMIUM]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "{} not installed (Debian packages chromium, chromium-driver)",
            missing.join(" and ")
        );
        if std::env::var("PICSIM_BROWSER_TESTS").as_deref() == Ok("required") {
            panic!("PICSIM_BROWSER_TESTS=required but {why}");
        }
        println!("skipping the browser test: {why}");
        return None;
    }
    // A port nobody holds now; chromedriver takes it a moment later.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let d = Driver { child, port };
    let since = Instant::now();
    loop {
        let ready =
            http(port, "GET", "/status", None).map(|(_, v)| v["value"]["ready"] == json!(true));
        if ready.unwrap_or(false) {
            return Some(d);
        }
        assert!(
            since.elapsed() < Duration::from_secs(20),
            "chromedriver is not ready on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One HTTP/1.1 request with a JSON body; the status and the JSON answer.
fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut bytes = Vec::new();
    match length {
        Some(n) => {
            bytes.resize(n, 0);
            reader.read_exact(&mut bytes)?;
        }
        None => {
            reader.read_to_end(&mut bytes)?;
        }
    }
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, value))
}

/// A browser window, closed when dropped.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = http(
            self.driver.port,
            "DELETE",
            &format!("/session/{}", self.id),
            None,
        );
    }
}

impl Driver {
    /// A headless window `width` pixels wide that keeps the console's messages.
    fn session(&self, width: u32) -> Session<'_> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         format!("--window-size={width},900")],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let (status, v) =
            http(self.port, "POST", "/session", Some(&caps)).expect("chromedriver answers");
        assert_eq!(status, 200, "no session: {v}");
        let id = v["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Session { driver: self, id }
    }
}

impl Session<'_> {
    /// A WebDriver command; its `value`, after checking it succeeded.
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.id);
        let (status, v) =
            http(self.driver.port, method, &path, body.as_ref()).expect("chromedriver answers");
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn open(&self, page: &Path) {
        let url = format!(
            "file://{}",
            page.canonicalize().expect("the page exists").display()
        );
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page; what it returns.
    fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    fn resize(&self, width: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": 900})),
        );
        assert_eq!(self.js("return window.innerWidth", json!([])), json!(width));
    }

    /// Moves the mouse to `(x, y)` in the window (CSS pixels), as a reader would.
    fn move_to(&self, x: f64, y: f64) {
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse",
            "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "duration": 0, "origin": "viewport",
                         "x": x.round() as i64, "y": y.round() as i64}]}]});
        self.cmd("POST", "/actions", Some(actions));
    }

    /// Clicks the element `css` names, as a reader would.
    fn click(&self, css: &str) {
        let e = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = e[ELEMENT].as_str().expect("an element").to_string();
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// The console's errors since the last call.
    fn severe(&self) -> Vec<String> {
        let log = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})));
        log.as_array()
            .expect("a log")
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].to_string())
            .collect()
    }

    /// Nothing on the page is wider than the window, at `width`.
    fn assert_fits(&self, width: u32, what: &str) {
        let (page, window) = self.widths();
        assert!(
            page <= window,
            "{what} at {width} px: the page is {page} px wide in a {window} px window"
        );
    }

    fn widths(&self) -> (i64, i64) {
        let w = self.js(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            json!([]),
        );
        (
            w[0].as_i64().expect("a width"),
            w[1].as_i64().expect("a width"),
        )
    }
}

/// `summary.csv`: per metric, its (date, mean, p05, p95) rows in date order.
fn summary(dir: &Path) -> std::collections::HashMap<String, Vec<(NaiveDate, f64, f64, f64)>> {
    let text = std::fs::read_to_string(dir.join("summary.csv")).expect("summary.csv");
    let mut out: std::collections::HashMap<String, Vec<_>> = std::collections::HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let num = |i: usize| f[i].parse::<f64>().expect("a number");
        out.entry(f[1].to_string()).or_default().push((
            NaiveDate::parse_from_str(f[0], "%Y-%m-%d").expect("a date"),
            num(2),
            num(4),
            num(6),
        ));
    }
    out
}

/// `v` rounded to `decimals`, with a comma every three digits (as the report writes numbers);
/// written here, not taken from picsim, so the test checks the page against the CSV.
fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v);
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*c);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

#[test]
fn grouped_writes_numbers_as_the_report_does() {
    assert_eq!(grouped(7626328.666667, 1), "7,626,328.7");
    assert_eq!(grouped(999.04, 1), "999.0");
    assert_eq!(grouped(107989.2, 0), "107,989");
}

/// A run's report: drawn, hovered, switched, highlighted, at two widths.
#[test]
fn run_report_explores_in_a_browser() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    // Weekly rows: a week is several pixels wide, so a pointer lands on the day it aims at.
    run_small(
        &out,
        100,
        &["--replications", "3", "--set", "scenario.step_days=7"],
    )
    .success();
    let page = out.join("report.html");
    let stats = summary(&out);
    let dates: Vec<NaiveDate> = stats["entries"].iter().map(|r| r.0).collect();
    let pngs = std::fs::read_dir(&out)
        .expect("the run folder")
        .filter(|e| {
            e.as_ref()
                .expect("an entry")
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(pngs, 5, "the run draws five charts");

    let s = driver.session(1024);
    s.open(&page);
    assert_eq!(s.severe(), Vec::<String>::new(), "console errors on load");

    // Every chart: an SVG instead of the PNG, one line per legend entry, a point per reported day.
    let charts = s.js(
        "return Array.from(document.querySelectorAll('#charts figure')).map(f => ({
           id: f.id,
           img: getComputedStyle(f.querySelector('img')).display,
           svg: !!f.querySelector('svg'),
           keys: f.querySelectorAll('.explore-key').length,
           lines: Array.from(f.querySelectorAll('path.line')).map(p => p.getAttribute('d')),
           markers: f.querySelectorAll('.marker').length }))",
        json!([]),
    );
    let charts = charts.as_array().expect("figures");
    assert_eq!(charts.len(), pngs);
    let key_rows = s.js(
        "return document.querySelectorAll('tr[data-key-date]').length",
        json!([]),
    );
    let key_rows = key_rows.as_u64().expect("a count");
    assert!(key_rows >= 2, "the default scenario has key dates");
    for c in charts {
        assert_eq!(c["svg"], json!(true), "{c}");
        assert_eq!(c["img"], json!("none"), "the PNG still shows: {}", c["id"]);
        let lines = c["lines"].as_array().expect("lines");
        assert!(!lines.is_empty(), "{}: no line", c["id"]);
        assert_eq!(
            lines.len() as u64,
            c["keys"].as_u64().expect("keys"),
            "{}",
            c["id"]
        );
        for d in lines {
            let d = d.as_str().expect("a path");
            assert_eq!(
                d.matches('L').count() + 1,
                dates.len(),
                "{}: points of a line",
                c["id"]
            );
        }
        // The key dates are all inside the period, so every chart marks each of them.
        assert_eq!(c["markers"].as_u64(), Some(key_rows), "{}", c["id"]);
    }

    // Hover: a day about two-thirds through, on the network with the most reachable entries then.
    let row = dates.len() * 2 / 3;
    let day = dates[row];
    let (column, values) = stats
        .iter()
        .filter(|(k, _)| k.starts_with("reachable_"))
        .filter(|(k, _)| {
            s.js(
                "return !!document.querySelector('#chart-reachable_by_network .explore-key[data-column=\"' + arguments[0] + '\"]')",
                json!([k]),
            ) == json!(true)
        })
        .max_by(|a, b| a.1[row].1.total_cmp(&b.1[row].1))
        .expect("a network series");
    let (_, mean, p05, p95) = values[row];
    assert!(mean > 0.0);
    let frac = (day - dates[0]).num_days() as f64
        / (*dates.last().expect("dates") - dates[0]).num_days() as f64;
    let hover = |chart: &str, frac: f64| {
        let b = s.js(
            "const svg = document.querySelector('#' + arguments[0] + ' svg');
             svg.scrollIntoView({block: 'center'});
             const r = svg.getBoundingClientRect();
             const w = svg.viewBox.baseVal.width;
             return [r.left, r.top, r.width, r.height, w,
                     Number(svg.dataset.plotLeft), Number(svg.dataset.plotRight)]",
            json!([chart]),
        );
        let n: Vec<f64> = b
            .as_array()
            .expect("a box")
            .iter()
            .map(|v| v.as_f64().expect("a number"))
            .collect();
        let scale = n[2] / n[4];
        s.move_to(
            n[0] + (n[5] + frac * (n[6] - n[5])) * scale,
            n[1] + n[3] / 2.0,
        );
    };
    let tip = |chart: &str| {
        s.js(
            "const t = document.querySelector('#' + arguments[0] + ' .explore-tip');
             return {hidden: t.hidden, date: t.querySelector('.tip-date').textContent,
                     rows: Array.from(t.querySelectorAll('.tip-row')).map(r => ({column: r.dataset.column,
                       value: r.querySelector('.tip-value').textContent, band: r.querySelector('.tip-band').textContent}))}",
            json!([chart]),
        )
    };
    hover("chart-reachable_by_network", frac);
    let t = tip("chart-reachable_by_network");
    assert_eq!(t["hidden"], json!(false), "{t}");
    assert_eq!(t["date"], json!(day.to_string()), "{t}");
    let shown = t["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["column"] == json!(column))
        .cloned();
    let shown = shown.unwrap_or_else(|| panic!("no row for {column}: {t}"));
    assert_eq!(shown["value"], json!(grouped(mean, 1)), "{t}");
    assert_eq!(
        shown["band"],
        json!(format!("p05–p95 {}–{}", grouped(p05, 0), grouped(p95, 0))),
        "{t}"
    );
    // The last day, tooltip at the right edge: still inside the page.
    hover("chart-reachable_by_network", 1.0);
    assert_eq!(
        tip("chart-reachable_by_network")["date"],
        json!(dates.last().expect("dates").to_string())
    );
    s.assert_fits(1024, "the run's page, hovered at the right edge");

    // The legend switches the series off and on.
    let key = format!("#chart-reachable_by_network .explore-key[data-column=\"{column}\"]");
    let line_display = || {
        s.js(
            "const i = document.querySelector(arguments[0]).dataset.series;
             const f = document.getElementById('chart-reachable_by_network');
             return [getComputedStyle(f.querySelector('path.line[data-series=\"' + i + '\"]')).display,
                     Array.from(f.querySelectorAll('path.line')).filter(p => getComputedStyle(p).display !== 'none').length,
                     document.querySelector(arguments[0]).getAttribute('aria-pressed')]",
            json!([key]),
        )
    };
    let before = line_display();
    assert_eq!(before[0], json!("inline"), "{before}");
    s.click(&key);
    let after = line_display();
    assert_eq!(after[0], json!("none"), "the line still shows: {after}");
    assert_eq!(
        after[1].as_u64(),
        before[1].as_u64().map(|n| n - 1),
        "{after}"
    );
    assert_eq!(after[2], json!("false"));
    hover("chart-reachable_by_network", frac);
    let t = tip("chart-reachable_by_network");
    assert!(
        !t["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["column"] == json!(column)),
        "{t}"
    );
    s.click(&key);
    assert_eq!(line_display(), before);

    // A key-date row highlights its marker, numbered as the row, in every chart, and no other.
    s.js(
        "document.querySelector('tr[data-key-date=\"2\"]').scrollIntoView({block: 'center'})",
        json!([]),
    );
    let r = s.js(
        "const r = document.querySelector('tr[data-key-date=\"2\"]').getBoundingClientRect();
         return [r.left + r.width / 2, r.top + r.height / 2]",
        json!([]),
    );
    s.move_to(r[0].as_f64().expect("x"), r[1].as_f64().expect("y"));
    let strokes = s.js(
        "return Array.from(document.querySelectorAll('#charts figure')).map(f =>
           Array.from(f.querySelectorAll('.marker')).map(g => [g.querySelector('text').textContent,
             getComputedStyle(g.querySelector('line')).stroke]))",
        json!([]),
    );
    for chart in strokes.as_array().expect("charts") {
        for m in chart.as_array().expect("markers") {
            let lit = m[1] == json!(HIGHLIGHT);
            assert_eq!(lit, m[0] == json!("2"), "marker {m} in {strokes}");
        }
    }

    for width in [1024, 1600] {
        s.resize(width);
        s.assert_fits(width, "the run's page");
        let drawn = s.js(
            "return Array.from(document.querySelectorAll('#charts svg')).map(s => s.viewBox.baseVal.width)",
            json!([]),
        );
        assert_eq!(
            drawn.as_array().expect("svgs").len(),
            pngs,
            "redrawn at {width}"
        );
    }
    assert_eq!(
        s.severe(),
        Vec::<String>::new(),
        "console errors while exploring"
    );
}

/// `pages` load with no console error and fit at both widths.
fn assert_pages_fit(driver: &Driver, pages: &[(&str, std::path::PathBuf)]) {
    for (what, page) in pages {
        for width in [1024, 1600] {
            let s = driver.session(width);
            s.open(page);
            assert_eq!(s.severe(), Vec::<String>::new(), "console errors on {what}");
            s.assert_fits(width, what);
        }
    }
}

/// A sweep's page, and the page of one of its runs (with the explorer), in a browser.
#[test]
fn sweep_reports_fit_in_a_browser() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let sweep = dir.path().join("sweep");
    picsim()
        .args(["sweep", "scenarios/pic-2013.toml"])
        .args(["--vary", "behaviours.recovery.probability=0,1"])
        .args(["--set", "orgs.count=60", "--replications", "2"])
        .args(["--quiet", "--out"])
        .arg(&sweep)
        .assert()
        .success();
    assert_pages_fit(
        &driver,
        &[
            ("the sweep's page", sweep.join("report.html")),
            (
                "a swept run's page",
                sweep.join("run-001").join("report.html"),
            ),
        ],
    );
}

/// A sensitivity analysis's page in a browser.
#[test]
fn sensitivity_report_fits_in_a_browser() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let sens = dir.path().join("sens");
    picsim()
        .args(["sensitivity", "scenarios/aim-direct.toml"])
        .args(["--set", "orgs.count=60", "--replications", "2"])
        .args(["--quiet", "--out"])
        .arg(&sens)
        .assert()
        .success();
    assert_pages_fit(
        &driver,
        &[("the sensitivity page", sens.join("report.html"))],
    );
}
