//! Helpers shared by the integration test binaries (each includes this file
//! with `#[path = "../common/mod.rs"] mod common;`).

use std::time::{Duration, Instant};

/// Runs `f` on a thread with a 2 MiB stack (small enough to prove that no
/// recursion is unbounded) and fails the test if it panics, overflows its
/// stack, or takes longer than `limit`.
pub fn on_small_stack_within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let start = Instant::now();
    let out = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the case panicked or overflowed its stack");
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    out
}
