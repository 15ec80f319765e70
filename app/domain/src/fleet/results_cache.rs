//! What the results pages would otherwise rebuild on every request: a task's configs,
//! decoded from their JSON, and the heatmap of one metric over every stored result.
//!
//! Neither needs to be told when to forget. A task's configs never change once it is
//! created, and a stored result is never replaced or removed (a second post of a config is
//! a duplicate, ignored), so the set of a task's results is fixed by how many there are: a
//! heatmap is remembered under its task, its metric and the result count it was built from,
//! and a count that grew is a key never seen before. That holds on every replica without a
//! message between them.

use std::sync::Arc;

use app_model::heatmap::MetricHeatmap;
use app_model::results::ResultMetric;
use edge_protocol::strategy::StrategyConfig;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// Configs held at most, across tasks: about 40 MB, ten of the largest grids a task may
/// have or thousands of ordinary ones.
const MAX_CACHED_CONFIGS: u64 = 1_000_000;
/// Heatmaps held at most; each is at most 25 × 25 cells.
const MAX_CACHED_HEATMAPS: usize = 512;
/// Tasks whose configs are expected to be held at once, for the cache's initial size.
const EXPECTED_TASKS: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct HeatmapKey {
    task_id: String,
    metric: ResultMetric,
    results: u64,
}

/// A task's configs weigh what they hold, so one huge grid cannot crowd out the rest
/// unnoticed and many small ones fill the cache to its real size.
#[derive(Clone, Copy, Debug)]
struct ConfigCount;

impl Weighter<String, Arc<[StrategyConfig]>> for ConfigCount {
    fn weight(&self, _task_id: &String, configs: &Arc<[StrategyConfig]>) -> u64 {
        u64::try_from(configs.len()).unwrap_or(u64::MAX).max(1)
    }
}

pub struct ResultsCache {
    configs: Cache<String, Arc<[StrategyConfig]>, ConfigCount>,
    heatmaps: Cache<HeatmapKey, Arc<Option<MetricHeatmap>>>,
}

impl std::fmt::Debug for ResultsCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ResultsCache")
            .field("tasks", &self.configs.len())
            .field("heatmaps", &self.heatmaps.len())
            .finish()
    }
}

impl Default for ResultsCache {
    fn default() -> Self {
        Self {
            configs: Cache::with_weighter(EXPECTED_TASKS, MAX_CACHED_CONFIGS, ConfigCount),
            heatmaps: Cache::new(MAX_CACHED_HEATMAPS),
        }
    }
}

impl ResultsCache {
    /// The task's configs, decoded once by `load` and then shared; concurrent first
    /// readers wait for the one decoding instead of each decoding them.
    pub async fn configs<E>(
        &self,
        task_id: &str,
        load: impl Future<Output = Result<Vec<StrategyConfig>, E>>,
    ) -> Result<Arc<[StrategyConfig]>, E> {
        self.configs
            .get_or_insert_async(task_id, async { load.await.map(Arc::from) })
            .await
    }

    /// The heatmap of `metric` over the task's results while it has `results` of them,
    /// built once by `build`.
    pub async fn heatmap<E>(
        &self,
        task_id: &str,
        metric: ResultMetric,
        results: u64,
        build: impl Future<Output = Result<Option<MetricHeatmap>, E>>,
    ) -> Result<Arc<Option<MetricHeatmap>>, E> {
        let key = HeatmapKey {
            task_id: task_id.to_owned(),
            metric,
            results,
        };
        self.heatmaps
            .get_or_insert_async(&key, async { build.await.map(Arc::new) })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sma(fast: usize, slow: usize) -> StrategyConfig {
        StrategyConfig::SmaCrossover { fast, slow }
    }

    #[tokio::test]
    async fn configs_are_decoded_once_per_task() {
        let cache = ResultsCache::default();
        let first: Result<_, ()> = cache.configs("a", async { Ok(vec![sma(5, 30)]) }).await;
        let again: Result<_, ()> = cache
            .configs("a", async { panic!("the configs were decoded again") })
            .await;
        assert_eq!(first, again);
        let other: Result<_, ()> = cache.configs("b", async { Ok(vec![sma(7, 40)]) }).await;
        assert_eq!(other.as_deref(), Ok(&[sma(7, 40)][..]));
    }

    #[tokio::test]
    async fn a_heatmap_is_rebuilt_when_more_results_arrived_or_another_metric_is_asked() {
        let cache = ResultsCache::default();
        let builds = std::sync::atomic::AtomicU32::new(0);
        let build = || async {
            builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ()>(None)
        };
        for (metric, results) in [
            (ResultMetric::Sharpe, 10),
            (ResultMetric::Sharpe, 10),
            (ResultMetric::Sharpe, 11),
            (ResultMetric::TotalReturn, 11),
            (ResultMetric::Sharpe, 11),
        ] {
            cache
                .heatmap("a", metric, results, build())
                .await
                .expect("built");
        }
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failed_load_is_not_remembered() {
        let cache = ResultsCache::default();
        let failed = cache.configs("a", async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        let loaded: Result<_, &str> = cache.configs("a", async { Ok(vec![sma(5, 30)]) }).await;
        assert_eq!(loaded.map(|configs| configs.len()), Ok(1));
    }
}
