//! What the operating system can tell and do that the standard library does not offer: this
//! process's peak resident set and the memory available for a new run (Linux only, `/proc`;
//! elsewhere both are unknown), whether a folder may be written and a process is alive, this
//! machine's name, the terminal's width, a hook for the signals that ask the process to stop, a
//! prefetch hint and the vector instructions available for the hot loops, the allocator setting
//! that returns large freed blocks to the system, zeroed buffers backed by huge pages where the
//! kernel allows, and a view of a `u32` buffer as atomics (for filling it from several threads).

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
pub(crate) fn peak_rss_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmHWM:")
}

/// Memory available to a new allocation without swapping, in bytes (`MemAvailable`).
pub(crate) fn available_memory_bytes() -> Option<u64> {
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

/// Whether this process may create files in the folder `dir`, as the operating system decides
/// (access(2) with `W_OK`): besides permission bits, a read-only file system says no, and root's
/// exemption from permission bits says yes.
pub(crate) fn check_writable(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
        if unsafe { libc::access(path.as_ptr(), libc::W_OK) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        if std::fs::metadata(dir)?.permissions().readonly() {
            return Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        }
        Ok(())
    }
}

/// This machine's host name (empty where it cannot be read): process ids are only meaningful on
/// the machine that gave them.
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Whether process `pid` is running (or is a zombie not yet reaped). Unknown (`true`) where the
/// question cannot be asked, so that nothing is taken for abandoned by mistake.
pub(crate) fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return true;
        }
        // EPERM: it exists but belongs to someone else.
        std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Calls `stop` with the signal's number, on a thread of its own, when SIGINT or SIGTERM
/// arrives; `stop` is expected to end the process. Without it both signals end the process at
/// once, leaving its temporary folders behind. (Through signal-hook rather than a raw handler:
/// the handler only writes to a pipe, and `stop` runs as ordinary code.)
pub fn on_stop_signal(stop: impl FnOnce(i32) + Send + 'static) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    stop(signal);
                }
            })?;
    }
    #[cfg(not(unix))]
    let _ = stop;
    Ok(())
}

/// A hint to load the cache line holding `x` (no effect where the target has no such hint).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
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

/// The widest vector instructions of this processor that hot loops are compiled for, besides
/// the plain target's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vectors {
    /// AVX-512 (F, BW, DQ, VL): sixteen `u32` lanes, with 32-bit multiplies.
    Avx512,
    /// AVX2: eight `u32` lanes.
    Avx2,
    /// Only what the build targets (SSE2 on x86-64).
    Plain,
}

/// What [`Vectors`] this processor has (the detection is cached by the standard library).
pub(crate) fn vectors() -> Vectors {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            return Vectors::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return Vectors::Avx2;
        }
    }
    Vectors::Plain
}

/// The width of the terminal, in columns: `COLUMNS` when set to a number, else the width of the
/// terminal standard output writes to, else 80 (not a terminal: a pipe or a file).
pub(crate) fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    #[cfg(unix)]
    {
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes a `winsize` into the struct passed, which outlives the call;
        // on a descriptor that is not a terminal it fails and leaves it untouched.
        let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
        if ok && size.ws_col > 0 {
            return usize::from(size.ws_col);
        }
    }
    80
}

/// Buffers smaller than this are left to the kernel's default pages.
const HUGE_FROM: usize = 16 << 20;
/// The huge page size of x86-64 and arm64 Linux (2 MiB).
const HUGE_PAGE: usize = 2 << 20;

/// A buffer of `len` zeros whose pages Linux is asked to back with transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`; most distributions enable them only where asked). The contact
/// graph's lists and the contagion search's times are gigabytes, read at random: on 4 KiB pages
/// nearly every such read misses the TLB and every first write faults, on 2 MiB pages a few
/// hundred entries cover the array. Only a hint: where it is refused or unknown the buffer is
/// the same, and so is every value computed from it.
pub(crate) fn huge_zeroed<T: Copy + Default>(len: usize) -> Vec<T> {
    // `vec![0; n]` of a primitive is a zeroed allocation, untouched until written, so the advice
    // comes before the first page is faulted in.
    let buf = vec![T::default(); len];
    advise_huge(&buf);
    buf
}

/// Asks for huge pages on the whole 2 MiB pages inside `buf`, if it is large enough to matter.
#[cfg(target_os = "linux")]
fn advise_huge<T>(buf: &[T]) {
    let bytes = std::mem::size_of_val(buf);
    if bytes < HUGE_FROM {
        return;
    }
    let start = (buf.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
    let end = (buf.as_ptr() as usize + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: madvise with MADV_HUGEPAGE changes no content and no mapping, only how the
        // kernel backs the pages; the range is page-aligned and inside `buf`'s allocation. A
        // refusal (an old kernel, THP disabled) is ignored: the advice is only a speed hint.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

/// Elsewhere there is no such advice to give.
#[cfg(not(target_os = "linux"))]
fn advise_huge<T>(_: &[T]) {}

/// `buf` seen as atomics, so that threads can each write their own cells of one buffer without
/// a second buffer of atomics (and a copy back) the size of a whole graph.
pub(crate) fn as_atomic(buf: &mut [u32]) -> &[std::sync::atomic::AtomicU32] {
    // SAFETY: `AtomicU32` has the same size, alignment and bit validity as `u32`; the exclusive
    // borrow of `buf` guarantees no other access for the lifetime of the returned view.
    unsafe { &*(std::ptr::from_mut::<[u32]>(buf) as *const [std::sync::atomic::AtomicU32]) }
}

/// [`as_atomic`] for `u16` cells (tags written beside a buffer filled from several threads).
pub(crate) fn as_atomic_u16(buf: &mut [u16]) -> &[std::sync::atomic::AtomicU16] {
    // SAFETY: `AtomicU16` has the same size, alignment and bit validity as `u16`; the exclusive
    // borrow of `buf` guarantees no other access for the lifetime of the returned view.
    unsafe { &*(std::ptr::from_mut::<[u16]>(buf) as *const [std::sync::atomic::AtomicU16]) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn huge_buffers_are_zeroed_and_whole() {
        // Above and below the size that gets the advice, and not a multiple of a huge page.
        for len in [1000, (super::HUGE_FROM / 4) * 3 + 12_345] {
            let mut buf = super::huge_zeroed::<u32>(len);
            assert_eq!(buf.len(), len);
            assert!(buf.iter().all(|&x| x == 0));
            buf[len - 1] = 7;
            assert_eq!(buf.iter().map(|&x| u64::from(x)).sum::<u64>(), 7);
        }
    }

    #[test]
    fn linux_reports_memory() {
        if cfg!(target_os = "linux") {
            assert!(super::peak_rss_bytes().is_some_and(|b| b > 1 << 20));
            assert!(super::available_memory_bytes().is_some_and(|b| b > 1 << 20));
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_process_is_alive_until_it_ends() {
        assert!(super::process_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        assert!(!super::process_alive(child.id()));
    }
}
