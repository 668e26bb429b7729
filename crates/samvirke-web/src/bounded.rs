//! Expensive work with a named cost limit: at most so many at once, off the async threads, and
//! (for work whose result depends only on its key) kept in a small cache.
//!
//! Every kind of heavy work a request can trigger (searching names, a registry as known at a past
//! time, a typeset PDF, a worked-out scenario, a password check) goes through a [`Limit`], so that
//! a flood of it queues behind its own permits instead of taking every core from the cheap
//! requests. On top of each kind's own limit, all heavy work together takes at most
//! [`heavy_max`] cores (all but one), so that `who` and the pages always have a core: they stay
//! fast while the expensive requests wait their turn. A request that waits longer than the
//! server's request timeout is answered 408 and its work is not started.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

use crate::WebError;

/// How many pieces of heavy work of any kind run at once: the cores of this machine but one,
/// and at least one.
pub(crate) fn heavy_max() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// The permits shared by every kind of heavy work.
fn heavy() -> &'static tokio::sync::Semaphore {
    static HEAVY: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    HEAVY.get_or_init(|| tokio::sync::Semaphore::new(heavy_max()))
}

/// At most `concurrent` pieces of one kind of work at a time, each on a blocking thread.
pub(crate) struct Limit {
    /// What is limited, for the log and internal errors.
    name: &'static str,
    permits: tokio::sync::Semaphore,
}

impl Limit {
    /// A limit of `concurrent` at once (at least one).
    pub(crate) fn new(name: &'static str, concurrent: usize) -> Limit {
        Limit {
            name,
            permits: tokio::sync::Semaphore::new(concurrent.max(1)),
        }
    }

    /// Runs `work` on a blocking thread once a permit of this kind and a shared one are free.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let _permits = self.acquire().await?;
        self.on_blocking_thread(work).await
    }

    /// Waits for a permit of this kind, then for one of the permits all heavy work shares.
    async fn acquire(
        &self,
    ) -> Result<
        (
            tokio::sync::SemaphorePermit<'_>,
            tokio::sync::SemaphorePermit<'static>,
        ),
        WebError,
    > {
        let failed =
            |e: tokio::sync::AcquireError| WebError::Internal(format!("{}: {e}", self.name));
        let own = self.permits.acquire().await.map_err(failed)?;
        let shared = heavy().acquire().await.map_err(failed)?;
        Ok((own, shared))
    }

    /// Runs `work` on a blocking thread (the caller holds the permits).
    async fn on_blocking_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| WebError::Internal(format!("{}: {e}", self.name)))?
    }
}

/// Results of work that depends only on its key, at most `capacity` of them (the least recently
/// used goes first), worked out under a [`Limit`].
pub(crate) struct Cache<K, V> {
    limit: Limit,
    capacity: usize,
    entries: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    /// Each value with the tick it was last used at.
    map: HashMap<K, (u64, V)>,
    tick: u64,
}

impl<K: Eq + Hash + Clone, V: Clone + Send + 'static> Cache<K, V> {
    /// A cache of `capacity` results, worked out `concurrent` at a time.
    pub(crate) fn new(name: &'static str, capacity: usize, concurrent: usize) -> Cache<K, V> {
        Cache {
            limit: Limit::new(name, concurrent),
            capacity: capacity.max(1),
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                tick: 0,
            }),
        }
    }

    /// The result for `key`: from the cache, or worked out by `work` (then kept).
    pub(crate) async fn get_or_work(
        &self,
        key: K,
        work: impl FnOnce() -> Result<V, WebError> + Send + 'static,
    ) -> Result<V, WebError> {
        if let Some(found) = self.get(&key)? {
            return Ok(found);
        }
        let _permits = self.limit.acquire().await?;
        // Another request may have worked it out while this one waited.
        if let Some(found) = self.get(&key)? {
            return Ok(found);
        }
        let value = self.limit.on_blocking_thread(work).await?;
        let mut entries = self.lock()?;
        if entries.map.len() >= self.capacity
            && let Some(oldest) = entries
                .map
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone())
        {
            entries.map.remove(&oldest);
        }
        entries.tick += 1;
        let tick = entries.tick;
        entries.map.insert(key, (tick, value.clone()));
        Ok(value)
    }

    /// Drops every entry `keep` says no to (e.g. those of an older journal head).
    pub(crate) fn retain(&self, keep: impl Fn(&K) -> bool) -> Result<(), WebError> {
        self.lock()?.map.retain(|k, _| keep(k));
        Ok(())
    }

    fn get(&self, key: &K) -> Result<Option<V>, WebError> {
        let mut entries = self.lock()?;
        entries.tick += 1;
        let tick = entries.tick;
        Ok(entries.map.get_mut(key).map(|(used, value)| {
            *used = tick;
            value.clone()
        }))
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Entries<K, V>>, WebError> {
        self.entries
            .lock()
            .map_err(|_| WebError::Internal(format!("{} cache lock poisoned", self.limit.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_the_limit_runs_at_once_and_the_least_recently_used_goes_first() {
        let cache: Arc<Cache<u32, u32>> = Arc::new(Cache::new("test", 10, 1));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for key in 0..6u32 {
            let (cache, running, most) = (cache.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_work(key, move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(key * 10)
                    })
                    .await
            }));
        }
        for (key, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap().unwrap(), key as u32 * 10);
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "one at a time");

        let cache: Cache<u32, u32> = Cache::new("test", 2, 1);
        for key in 0..6u32 {
            cache.get_or_work(key, move || Ok(key * 10)).await.unwrap();
        }
        assert_eq!(cache.lock().unwrap().map.len(), 2, "capacity 2");
        // 4 and 5 are kept; use 4, add 6: 5 goes.
        let again = cache.get_or_work(4, || Ok(0)).await.unwrap();
        assert_eq!(again, 40, "from the cache");
        cache.get_or_work(6, || Ok(60)).await.unwrap();
        let kept: std::collections::BTreeSet<u32> =
            cache.lock().unwrap().map.keys().copied().collect();
        assert_eq!(kept, [4, 6].into());
    }
}
