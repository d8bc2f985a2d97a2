//! The `kometa-trakt` binary: everything is in the library's command line
//! (`commands/cli.rs`).

fn main() -> std::process::ExitCode {
    large_buffers_given_back();
    kometa_trakt::run()
}

/// glibc's malloc maps a large buffer on its own (given back to the system
/// when dropped) only until one is freed: then it raises that threshold
/// (up to 32 MiB) and serves large buffers from its heap, which keeps what
/// is freed. A restore holds three texts of a config and frees the tables
/// of its line counts: a 10 MB config then peaked at 48 MB resident for a
/// 35 MB heap. With the threshold fixed at 1 MiB, every buffer that large
/// is its own mapping, and the peak is the memory in use (issue 25,
/// docs/evidence.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn large_buffers_given_back() {
    // SAFETY: mallopt sets one of malloc's parameters; it is called before
    // any other thread exists, and a failure leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn large_buffers_given_back() {}
