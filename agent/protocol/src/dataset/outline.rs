//! A dataset's price at a glance: its closes reduced, while the file streams past, to at
//! most [`MAX_OUTLINE_POINTS`] points in constant memory. Each stretch of bars keeps its
//! lowest and its highest close, so no spike or crash disappears from the chart; and the
//! first open is kept, where a buy-and-hold position enters (as the backtest's
//! buy-and-hold return does).

use serde::{Deserialize, Serialize};

/// The most points an outline holds.
pub const MAX_OUTLINE_POINTS: usize = 2_000;

/// Stretches are merged pairwise when there are this many, so at most this many points
/// come from stretches, plus the first and the last bar.
const MAX_STRETCHES: usize = (MAX_OUTLINE_POINTS - 2) / 2;

/// A dataset's closes, reduced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceOutline {
    /// The first candle's open.
    pub first_open: f64,
    /// `(time, close)` in time order, the first and the last candle included.
    pub closes: Vec<(i64, f64)>,
}

/// The lowest and the highest close of a stretch of bars.
#[derive(Clone, Copy, Debug)]
struct Stretch {
    low: (i64, f64),
    high: (i64, f64),
}

impl Stretch {
    fn of(point: (i64, f64)) -> Self {
        Self {
            low: point,
            high: point,
        }
    }

    fn add(&mut self, point: (i64, f64)) {
        if point.1 < self.low.1 {
            self.low = point;
        }
        if point.1 > self.high.1 {
            self.high = point;
        }
    }

    fn merge(self, later: Self) -> Self {
        let mut merged = self;
        merged.add(later.low);
        merged.add(later.high);
        merged
    }
}

/// Builds a [`PriceOutline`] one candle at a time.
#[derive(Debug)]
pub struct OutlineBuilder {
    first_open: Option<f64>,
    first: Option<(i64, f64)>,
    last: Option<(i64, f64)>,
    stretches: Vec<Stretch>,
    current: Option<Stretch>,
    in_current: usize,
    /// Bars per stretch; doubles at every merge.
    width: usize,
}

impl Default for OutlineBuilder {
    fn default() -> Self {
        Self {
            first_open: None,
            first: None,
            last: None,
            stretches: Vec::with_capacity(MAX_STRETCHES),
            current: None,
            in_current: 0,
            width: 1,
        }
    }
}

impl OutlineBuilder {
    /// Takes the next candle (in time order).
    pub fn push(&mut self, time: i64, open: f64, close: f64) {
        let point = (time, close);
        self.first_open.get_or_insert(open);
        self.first.get_or_insert(point);
        self.last = Some(point);
        match &mut self.current {
            Some(stretch) => stretch.add(point),
            None => self.current = Some(Stretch::of(point)),
        }
        self.in_current += 1;
        if self.in_current < self.width {
            return;
        }
        self.stretches.extend(self.current.take());
        self.in_current = 0;
        if self.stretches.len() == MAX_STRETCHES {
            self.stretches = self
                .stretches
                .chunks(2)
                .filter_map(|pair| pair.iter().copied().reduce(Stretch::merge))
                .collect();
            self.width *= 2;
        }
    }

    /// The outline, or `None` before any candle.
    pub fn finish(mut self) -> Option<PriceOutline> {
        let first_open = self.first_open?;
        self.stretches.extend(self.current.take());
        let mut closes: Vec<(i64, f64)> = Vec::with_capacity(self.stretches.len() * 2 + 2);
        let mut keep = |point: (i64, f64)| {
            if closes.last().is_none_or(|last| last.0 < point.0) {
                closes.push(point);
            }
        };
        keep(self.first?);
        for stretch in &self.stretches {
            let (earlier, later) = if stretch.low.0 <= stretch.high.0 {
                (stretch.low, stretch.high)
            } else {
                (stretch.high, stretch.low)
            };
            keep(earlier);
            keep(later);
        }
        keep(self.last?);
        Some(PriceOutline { first_open, closes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(closes: impl IntoIterator<Item = f64>) -> PriceOutline {
        let mut builder = OutlineBuilder::default();
        for (time, close) in (0_i64..).zip(closes) {
            builder.push(time, close - 0.5, close);
        }
        builder.finish().expect("candles")
    }

    #[test]
    fn a_short_series_is_kept_whole_with_its_first_open() {
        let kept = outline([1.0, 3.0, 2.0]);
        assert!((kept.first_open - 0.5).abs() < f64::EPSILON);
        assert_eq!(kept.closes, vec![(0, 1.0), (1, 3.0), (2, 2.0)]);
        assert!(OutlineBuilder::default().finish().is_none());
    }

    #[test]
    fn a_long_series_is_bounded_in_order_and_keeps_its_extremes_and_ends() {
        let bars = 525_600; // a year of minutes
        let close = |bar: usize| {
            let bar = bar as f64;
            100.0 + 10.0 * (bar / 5_000.0).sin()
        };
        let spike = 300_001;
        let crash = 411_111;
        let kept = outline((0..bars).map(|bar| match bar {
            b if b == spike => 500.0,
            b if b == crash => 1.0,
            b => close(b),
        }));
        assert!(
            kept.closes.len() <= MAX_OUTLINE_POINTS,
            "{}",
            kept.closes.len()
        );
        assert!(
            kept.closes.len() > MAX_OUTLINE_POINTS / 2,
            "{}",
            kept.closes.len()
        );
        assert!(kept.closes.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(kept.closes.first(), Some(&(0, close(0))));
        assert_eq!(kept.closes.last(), Some(&(525_599, close(525_599))));
        assert!(kept.closes.contains(&(300_001, 500.0)), "the spike");
        assert!(kept.closes.contains(&(411_111, 1.0)), "the crash");
    }
}
