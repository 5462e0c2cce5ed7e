//! Persistent worker threads that the dense kernels split large batches
//! over.
//!
//! A kernel splits its work into parts that write disjoint outputs and
//! never share a sum: rows of a layer's output, or columns of a weight.
//! Each value is therefore computed by one thread in the same order as
//! without threads, and the results have the same bits whatever the
//! thread count.
//!
//! The workers are started on the first parallel call and then wait for
//! work, spinning briefly before they park, so that handing a part to one
//! costs a few microseconds and allocates nothing.

use std::cell::UnsafeCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, Thread};

/// The environment variable that sets the default thread count.
pub const THREADS_VAR: &str = "MLP_THREADS";

/// The thread count set by [`set_threads`], or 0 for the default.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);

/// How many times a waiting thread polls before it parks: about 10 to 50
/// microseconds on current x86 cores, longer than the gap between two
/// parallel phases of one training step.
const SPIN_LIMIT: u32 = 20_000;

/// Sets the number of threads the kernels may use, the calling thread
/// included: 1 turns threading off, 0 restores the default of
/// [`threads`]. The results do not depend on it.
pub fn set_threads(count: usize) {
    REQUESTED.store(count, Ordering::Relaxed);
}

/// Returns the number of threads the kernels may use: the count given to
/// [`set_threads`], else `$MLP_THREADS`, else the number of cores the
/// process may run on. Reading the environment allocates, once.
pub fn threads() -> usize {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => default_threads(),
        count => count,
    }
}

fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        let from_env = std::env::var(THREADS_VAR)
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|&count| count > 0);
        from_env.unwrap_or_else(|| thread::available_parallelism().map_or(1, usize::from))
    })
}

/// A borrowed job, its lifetime erased while the workers run it; the
/// caller of [`run`] waits for every worker before the borrow ends.
type Job = *const (dyn Fn(usize) + Sync + 'static);

/// The state the caller and the workers share.
struct Shared {
    /// Incremented for each job. A worker runs a job when it loads a new
    /// value.
    generation: AtomicU64,
    /// The current job and its number of parts, written by the caller
    /// before it bumps `generation`.
    job: UnsafeCell<(Job, usize)>,
    /// The caller to wake when the last worker finishes.
    caller: UnsafeCell<Option<Thread>>,
    /// Workers that have not finished the current job.
    pending: AtomicUsize,
    /// Whether a part of the current job panicked in a worker.
    panicked: AtomicBool,
}

// SAFETY: `job` and `caller` are written only by the caller holding the
// pool's lock, while no worker reads them (every worker has finished the
// previous job), and published by the release bump of `generation`.
unsafe impl Sync for Shared {}
// SAFETY: as above; the raw job pointer is only dereferenced under that
// protocol.
unsafe impl Send for Shared {}

struct Worker {
    thread: Thread,
}

struct Pool {
    shared: Arc<Shared>,
    workers: Vec<Worker>,
}

fn pool() -> &'static Mutex<Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let noop: &'static (dyn Fn(usize) + Sync) = &|_| {};
        Mutex::new(Pool {
            shared: Arc::new(Shared {
                generation: AtomicU64::new(0),
                job: UnsafeCell::new((noop as Job, 0)),
                caller: UnsafeCell::new(None),
                pending: AtomicUsize::new(0),
                panicked: AtomicBool::new(false),
            }),
            workers: Vec::new(),
        })
    })
}

impl Pool {
    /// Starts workers until there are `count`. Allocates, and only here.
    fn grow(&mut self, count: usize) {
        while self.workers.len() < count {
            let index = self.workers.len() + 1;
            let shared = Arc::clone(&self.shared);
            let seen = shared.generation.load(Ordering::Acquire);
            let handle = thread::Builder::new()
                .name(format!("mlp-kernel-{index}"))
                .spawn(move || work(&shared, index, seen))
                .expect("failed to start a kernel worker thread");
            self.workers.push(Worker {
                thread: handle.thread().clone(),
            });
        }
    }
}

/// The loop of worker `index`: waits for each new job and runs its part
/// `index`, if the job has that many parts.
fn work(shared: &Shared, index: usize, mut seen: u64) {
    loop {
        let mut spins = 0;
        loop {
            let generation = shared.generation.load(Ordering::Acquire);
            if generation != seen {
                seen = generation;
                break;
            }
            if spins < SPIN_LIMIT {
                spins += 1;
                std::hint::spin_loop();
            } else {
                thread::park();
            }
        }
        // SAFETY: the caller wrote the job before the release bump that
        // the acquire load above saw, and keeps it alive until `pending`
        // reaches 0.
        let (job, parts) = unsafe { *shared.job.get() };
        if index < parts {
            // SAFETY: as above.
            let job = unsafe { &*job };
            if catch_unwind(AssertUnwindSafe(|| job(index))).is_err() {
                shared.panicked.store(true, Ordering::Relaxed);
            }
        }
        // SAFETY: the caller set `caller` before publishing the job and
        // does not change it until `pending` reaches 0.
        let caller = unsafe { (*shared.caller.get()).clone() };
        if shared.pending.fetch_sub(1, Ordering::AcqRel) == 1
            && let Some(caller) = caller
        {
            caller.unpark();
        }
    }
}

/// Runs `job(part)` for every part in `0..parts`, part 0 on the calling
/// thread and the others on workers, and returns when all have finished.
///
/// Runs every part on the calling thread when `parts` is 1 or another
/// thread is using the workers. Starting the workers allocates; after
/// that a call allocates nothing.
///
/// # Panics
///
/// Panics, after every part has finished, when a part panicked.
pub fn run(parts: usize, job: &(dyn Fn(usize) + Sync)) {
    if parts <= 1 {
        (0..parts).for_each(job);
        return;
    }
    let Ok(mut pool) = pool().try_lock() else {
        (0..parts).for_each(job);
        return;
    };
    pool.grow(parts - 1);
    let shared = Arc::clone(&pool.shared);
    // SAFETY: the lifetime is erased only until this function returns,
    // and it returns after every worker has finished with the job.
    let erased: Job = unsafe { std::mem::transmute::<*const (dyn Fn(usize) + Sync), Job>(job) };
    // SAFETY: every worker finished the previous job (this thread waited
    // for them), so none reads these cells now.
    unsafe {
        *shared.job.get() = (erased, parts);
        *shared.caller.get() = Some(thread::current());
    }
    shared.panicked.store(false, Ordering::Relaxed);
    shared.pending.store(pool.workers.len(), Ordering::Relaxed);
    shared.generation.fetch_add(1, Ordering::Release);
    for worker in &pool.workers {
        worker.thread.unpark();
    }
    let own = catch_unwind(AssertUnwindSafe(|| job(0)));
    let mut spins = 0;
    while shared.pending.load(Ordering::Acquire) != 0 {
        if spins < SPIN_LIMIT {
            spins += 1;
            std::hint::spin_loop();
        } else {
            thread::park();
        }
    }
    drop(pool);
    if let Err(payload) = own {
        resume_unwind(payload);
    }
    if shared.panicked.load(Ordering::Relaxed) {
        panic!("a kernel worker thread panicked");
    }
}

/// Returns the range of items `0..len` that part `part` of `parts` takes:
/// consecutive ranges whose lengths differ by at most 1, the longer
/// first.
pub fn part_range(len: usize, parts: usize, part: usize) -> std::ops::Range<usize> {
    let base = len / parts;
    let extra = len % parts;
    let start = part * base + part.min(extra);
    let end = start + base + usize::from(part < extra);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_ranges_cover_in_order() {
        for len in [0, 1, 5, 128, 13989] {
            for parts in 1..5 {
                let ranges: Vec<_> = (0..parts).map(|p| part_range(len, parts, p)).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[parts - 1].end, len);
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                    assert!(pair[0].len() >= pair[1].len());
                }
            }
        }
    }

    #[test]
    fn run_calls_every_part_once() {
        let counts: Vec<AtomicUsize> = (0..4).map(|_| AtomicUsize::new(0)).collect();
        for _ in 0..100 {
            run(4, &|part| {
                counts[part].fetch_add(1, Ordering::Relaxed);
            });
        }
        for count in &counts {
            assert_eq!(count.load(Ordering::Relaxed), 100);
        }
    }

    #[test]
    fn worker_panic_reaches_caller() {
        let outcome = catch_unwind(|| {
            run(2, &|part| {
                assert!(part != 1, "part 1 fails");
            })
        });
        assert!(outcome.is_err());
        let ran = AtomicUsize::new(0);
        run(2, &|_| {
            ran.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(ran.load(Ordering::Relaxed), 2, "the pool still works");
    }
}
