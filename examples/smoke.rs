use picsim::scenario::{Override, load_file};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let overrides: Vec<Override> = args[1..]
        .iter()
        .map(|a| Override::parse(a).unwrap())
        .collect();
    let s = match load_file(std::path::Path::new(&args[0]), &overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    let t = std::time::Instant::now();
    let r = picsim::replicate::run(&s, rayon::current_num_threads(), &|_, _, _| {});
    eprintln!("{:?} {:?} {:?}", t.elapsed(), r.sizes, r.stats);
    eprintln!("{:?}", r.timings);
    for (i, d) in r.dates.iter().enumerate().step_by(30) {
        let row: Vec<String> = r
            .columns
            .iter()
            .enumerate()
            .map(|(c, n)| format!("{}={:.0}", n, r.stat(i, c).mean))
            .collect();
        println!("{d} {}", row.join(" "));
    }
    for h in picsim::report::headlines(&r) {
        println!("{}: {}", h.label, h.display());
    }
}
