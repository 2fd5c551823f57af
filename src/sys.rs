//! What the operating system can tell about memory: this process's peak resident set and the
//! memory available for a new run. Linux only (`/proc`); elsewhere both are unknown.

/// Reads a `kB` field of a `/proc` file as bytes.
fn proc_kb(file: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Peak resident set size of this process so far, in bytes (`VmHWM`).
pub fn peak_rss_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmHWM:")
}

/// Memory available to a new allocation without swapping, in bytes (`MemAvailable`).
pub fn available_memory_bytes() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemAvailable:")
}

#[cfg(test)]
mod tests {
    #[test]
    fn linux_reports_memory() {
        if cfg!(target_os = "linux") {
            assert!(super::peak_rss_bytes().is_some_and(|b| b > 1 << 20));
            assert!(super::available_memory_bytes().is_some_and(|b| b > 1 << 20));
        }
    }
}
