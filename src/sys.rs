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

/// Makes the allocator give large blocks back to the system when they are freed.
///
/// Each replication allocates its world (tens to thousands of megabytes in a few dozen large
/// vectors) and frees it. glibc's allocator raises its mmap threshold as large blocks are freed,
/// after which such vectors come from its heaps and their memory stays with the process: peak
/// memory then grows with the number of replications rather than with the world. Fixing the
/// threshold at 256 KiB keeps every large vector mmapped and returned on free, at the cost of a
/// page fault per page on first touch, negligible next to filling the vector.
pub fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called once at start-up, before any
    // thread is spawned.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// A hint to load the cache line holding `x` (no effect where the target has no such hint).
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads nothing, cannot fault, and `x` is a valid
    // reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (x as *const T).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
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
