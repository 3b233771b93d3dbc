//! Scans that decrypt many rows (a search of the whole journal), spread
//! over the machine's cores on the blocking pool: the first matches in
//! order, stopping once enough are certain.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Rows per unit of work: small enough to stop soon after enough matches,
/// large enough that handing out units costs nothing.
const CHUNK: usize = 128;

/// One chunk's results once it is done: its matches, or its first error.
type Slot<T, E> = Mutex<Option<Result<Vec<T>, E>>>;

/// The first `limit` results of `f` over `rows`, in the rows' order,
/// skipping rows for which it gives `None`; the first error in that order
/// ends the scan. Runs on every core of the machine (on the calling thread
/// alone for a few rows); call it from the blocking pool.
pub(crate) fn first_matching<R, T, E, F>(rows: &[R], limit: usize, f: F) -> Result<Vec<T>, E>
where
    R: Sync,
    T: Send,
    E: Send,
    F: Fn(&R) -> Result<Option<T>, E> + Sync,
{
    let chunks = rows.len().div_ceil(CHUNK);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunks);
    if threads <= 1 {
        let mut out = Vec::new();
        for row in rows {
            if out.len() >= limit {
                break;
            }
            out.extend(f(row)?);
        }
        return Ok(out);
    }
    let slots: Vec<Slot<T, E>> = (0..chunks).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let work = || {
        while !stop.load(Ordering::Relaxed) {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                break;
            }
            let out: Result<Vec<T>, E> = rows[c * CHUNK..]
                .iter()
                .take(CHUNK)
                .filter_map(|row| f(row).transpose())
                .collect();
            let failed = out.is_err();
            *lock(&slots[c]) = Some(out);
            if failed || enough(&slots, limit) {
                stop.store(true, Ordering::Relaxed);
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    // A chunk handed out is always finished, so the finished ones form a
    // prefix followed only by chunks nobody took.
    let mut out = Vec::new();
    for slot in slots {
        if out.len() >= limit {
            break;
        }
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(found)) => out.extend(found),
            Some(Err(err)) => return Err(err),
            None => break,
        }
    }
    out.truncate(limit);
    Ok(out)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the finished chunks at the start hold `limit` results.
fn enough<T, E>(slots: &[Slot<T, E>], limit: usize) -> bool {
    let mut n = 0;
    for slot in slots {
        match &*lock(slot) {
            Some(Ok(found)) => {
                n += found.len();
                if n >= limit {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matches_come_in_order_whatever_the_cores() {
        let rows: Vec<u32> = (0..10_000).collect();
        let even = |r: &u32| Ok::<_, String>(r.is_multiple_of(2).then_some(*r));
        let all = first_matching(&rows, usize::MAX, even).unwrap();
        assert_eq!(all, (0..10_000).step_by(2).collect::<Vec<_>>());
        let few = first_matching(&rows, 3, even).unwrap();
        assert_eq!(few, vec![0, 2, 4]);
        assert!(
            first_matching(&rows, 5, |_| Ok::<Option<u32>, String>(None))
                .unwrap()
                .is_empty()
        );
        assert!(first_matching(&[] as &[u32], 5, even).unwrap().is_empty());
    }

    #[test]
    fn the_first_error_in_order_ends_the_scan_unless_enough_came_before() {
        let rows: Vec<u32> = (0..5_000).collect();
        let failing = |r: &u32| match r {
            4_000 => Err(format!("row {r}")),
            3_000 => Err(format!("row {r}")),
            _ => Ok(Some(*r)),
        };
        assert_eq!(
            first_matching(&rows, usize::MAX, failing).unwrap_err(),
            "row 3000"
        );
        assert_eq!(first_matching(&rows, 10, failing).unwrap().len(), 10);
    }
}
