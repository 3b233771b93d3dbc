//! CPU-heavy or blocking work (unpacking and parsing an import, checking
//! and encrypting thousands of rows, reading a file, rendering a PDF) runs
//! on tokio's blocking pool through [`run`], never on the async workers
//! that answer requests, so a large or hostile file cannot stall the
//! server for anyone else.

/// Runs `work` on the blocking pool and returns what it returns. A panic
/// inside `work` is resumed here, as if `work` had run inline.
pub async fn run<T, F>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(err) => match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only a runtime shutting down cancels blocking work; nothing
            // waits for this answer any more.
            Err(err) => panic!("blocking work was cancelled: {err}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_another_thread_than_the_runtime() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let here = std::thread::current().id();
        let there = rt.block_on(run(|| std::thread::current().id()));
        assert_ne!(here, there);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(run(|| panic!("boom")))
        }));
        assert!(caught.is_err());
    }
}
