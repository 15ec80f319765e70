//! A metric over a task's parameter grid, as the results page draws it: the two
//! parameters with the most distinct values become the axes, and each cell holds the best
//! result among the configs that fall in it. Built on the server from every stored result,
//! so the page carries at most [`MAX_SIDE`] × [`MAX_SIDE`] cells, not the whole grid.

use serde::{Deserialize, Serialize};

use crate::results::{ResultMetric, StrategyConfig, parameters};

/// The most columns (and rows) a heatmap has. A parameter with more values is cut into
/// this many bands of neighbouring values: a 100 × 100 grid reads as 25 × 25 cells of
/// sixteen configs each, instead of 10,000 cells too small to see.
pub const MAX_SIDE: usize = 25;

/// One axis: its parameter, and each column's label (a value, or a band `5–8`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    pub name: String,
    pub labels: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricHeatmap {
    pub x: Axis,
    pub y: Axis,
    /// Row by row: `cells[row * x.labels.len() + column]`; `None` where no result is
    /// stored yet.
    pub cells: Vec<Option<f64>>,
    /// Whether a cell holds the best of several configs: a third parameter, or bands.
    pub folded: bool,
}

/// A parameter's sorted distinct values, cut into at most [`MAX_SIDE`] bands.
struct Bands {
    values: Vec<f64>,
    per_band: usize,
}

impl Bands {
    fn new(mut values: Vec<f64>) -> Self {
        values.sort_by(f64::total_cmp);
        let per_band = values.len().div_ceil(MAX_SIDE).max(1);
        Self { values, per_band }
    }

    fn len(&self) -> usize {
        self.values.len().div_ceil(self.per_band)
    }

    fn band_of(&self, value: f64) -> Option<usize> {
        self.values
            .binary_search_by(|probe| probe.total_cmp(&value))
            .ok()
            .map(|index| index / self.per_band)
    }

    fn axis(&self, name: &str) -> Axis {
        let labels = self
            .values
            .chunks(self.per_band)
            .map(|band| match band {
                [only] => only.to_string(),
                [first, .., last] => format!("{first}–{last}"),
                [] => String::new(),
            })
            .collect();
        Axis {
            name: name.to_owned(),
            labels,
        }
    }
}

impl MetricHeatmap {
    /// The heatmap of `metric` over `grid` (every config with its value, if it has one);
    /// none when fewer than two parameters vary.
    pub fn of(grid: &[(StrategyConfig, Option<f64>)], metric: ResultMetric) -> Option<Self> {
        let first = grid.first()?;
        let names: Vec<&'static str> = parameters(&first.0)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let mut distinct: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        for (config, _) in grid {
            for (index, (_, value)) in parameters(config).into_iter().enumerate() {
                if let Some(values) = distinct.get_mut(index) {
                    values.push(value);
                }
            }
        }
        for values in &mut distinct {
            values.sort_by(f64::total_cmp);
            values.dedup();
        }
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|index| std::cmp::Reverse(distinct[*index].len()));
        let (x, y) = (*order.first()?, *order.get(1)?);
        if distinct[x].len() < 2 || distinct[y].len() < 2 {
            return None;
        }
        let third_varies = order.iter().skip(2).any(|index| distinct[*index].len() > 1);
        let xs = Bands::new(std::mem::take(&mut distinct[x]));
        let ys = Bands::new(std::mem::take(&mut distinct[y]));
        let columns = xs.len();
        let mut cells: Vec<Option<f64>> = vec![None; columns * ys.len()];
        for (config, value) in grid {
            let values = parameters(config);
            let column = xs.band_of(values[x].1)?;
            let row = ys.band_of(values[y].1)?;
            let cell = &mut cells[row * columns + column];
            *cell = match (*cell, *value) {
                (Some(old), Some(new)) => Some(if metric.higher_is_better() {
                    old.max(new)
                } else {
                    old.min(new)
                }),
                (old, new) => new.or(old),
            };
        }
        Some(Self {
            folded: third_varies || xs.per_band > 1 || ys.per_band > 1,
            x: xs.axis(names[x]),
            y: ys.axis(names[y]),
            cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sma(fast: u16, slow: u16) -> StrategyConfig {
        StrategyConfig::SmaCrossover {
            fast: usize::from(fast),
            slow: usize::from(slow),
        }
    }

    #[test]
    fn a_small_grid_has_a_cell_per_config() {
        let grid = [
            (sma(5, 30), Some(0.1)),
            (sma(10, 30), Some(0.2)),
            (sma(5, 40), Some(0.3)),
            (sma(10, 40), None),
        ];
        let map = MetricHeatmap::of(&grid, ResultMetric::TotalReturn).expect("two parameters vary");
        assert_eq!(map.x.labels, ["5", "10"]);
        assert_eq!(map.y.labels, ["30", "40"]);
        assert_eq!(map.cells, [Some(0.1), Some(0.2), Some(0.3), None]);
        assert!(!map.folded);
    }

    #[test]
    fn a_large_grid_is_cut_into_bands_holding_each_bands_best() {
        let mut grid = Vec::new();
        for fast in 1..=100 {
            for slow in 101..=200 {
                grid.push((
                    sma(fast, slow),
                    Some(f64::from(u32::from(fast) * 1_000 + u32::from(slow))),
                ));
            }
        }
        grid.push((sma(1, 101), None));
        let map = MetricHeatmap::of(&grid, ResultMetric::TotalReturn).expect("two parameters vary");
        assert_eq!(map.x.labels.len(), MAX_SIDE);
        assert_eq!(map.y.labels.len(), MAX_SIDE);
        assert_eq!(map.cells.len(), MAX_SIDE * MAX_SIDE);
        assert_eq!(map.x.labels[0], "1–4");
        assert_eq!(map.y.labels[24], "197–200");
        assert!(map.folded);
        // The first band of each: fast 1–4 and slow 101–104, best at fast 4, slow 104.
        assert_eq!(map.cells[0], Some(4_104.0));
        // Lower is better for a drawdown: the band's smallest.
        let map = MetricHeatmap::of(&grid, ResultMetric::MaxDrawdown).expect("two vary");
        assert_eq!(map.cells[0], Some(1_101.0));
    }

    #[test]
    fn one_varying_parameter_is_no_heatmap() {
        let grid = [(sma(5, 30), Some(0.1)), (sma(10, 30), Some(0.2))];
        assert!(MetricHeatmap::of(&grid, ResultMetric::TotalReturn).is_none());
    }
}
