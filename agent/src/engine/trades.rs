//! Round trips: each one bought at a bar's open and sold at a later bar's open, or at the
//! last close when the run ends holding. Kept as a list (capped at
//! [`MAX_TRADES_PER_RESULT`]) and as running figures over every trade, capped or not.

use edge_protocol::backtest::{MAX_TRADES_PER_RESULT, Trade};

/// The position being held: when and at what price (costs included) it was bought.
#[derive(Clone, Copy, Debug)]
struct Entry {
    time: i64,
    price: f64,
}

/// The figures of the round trips, ready for [`super::Metrics`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct TradeFigures {
    pub(super) trades: u32,
    pub(super) win_rate: f64,
    pub(super) best: Option<f64>,
    pub(super) worst: Option<f64>,
    pub(super) geometric_mean: Option<f64>,
    pub(super) arithmetic_mean: Option<f64>,
    pub(super) max_duration: Option<i64>,
    pub(super) average_duration: Option<i64>,
    pub(super) profit_factor: Option<f64>,
}

/// Every round trip of one run, updated once per fill.
#[derive(Debug, Default)]
pub(super) struct RoundTrips {
    list: Vec<Trade>,
    truncated: bool,
    open: Option<Entry>,
    count: u32,
    wins: u32,
    /// Running (Welford) means: of the returns, and of their logarithms for the geometric
    /// mean. Sums would lose the small trades' digits next to a large one.
    mean_return: f64,
    mean_log_growth: f64,
    /// A trade that lost everything makes the compounded growth zero, whatever the others.
    wiped_out: bool,
    best: f64,
    worst: f64,
    gross_gain: f64,
    gross_loss: f64,
    max_duration: i64,
    /// Exact: durations are whole seconds, and `i128` cannot overflow on any real run.
    total_duration: i128,
}

impl RoundTrips {
    /// Buys at `price` (costs included) in the bar at `time`.
    #[inline]
    pub(super) fn open(&mut self, time: i64, price: f64) {
        self.open = Some(Entry { time, price });
    }

    /// Sells what is held at `price` (costs included) in the bar at `time`; does nothing
    /// when nothing is held.
    #[inline]
    pub(super) fn close(&mut self, time: i64, price: f64) {
        let Some(entry) = self.open.take() else {
            return;
        };
        let trade = Trade {
            entry_time: entry.time,
            exit_time: time,
            entry_price: entry.price,
            exit_price: price,
            trade_return: price / entry.price - 1.0,
        };
        self.record(&trade);
        if self.list.len() < MAX_TRADES_PER_RESULT {
            self.list.push(trade);
        } else {
            self.truncated = true;
        }
    }

    fn record(&mut self, trade: &Trade) {
        let value = trade.trade_return;
        self.count = self.count.saturating_add(1);
        let count = f64::from(self.count);
        self.mean_return += (value - self.mean_return) / count;
        let growth = 1.0 + value;
        if growth > 0.0 {
            self.mean_log_growth += (value.ln_1p() - self.mean_log_growth) / count;
        } else {
            self.wiped_out = true;
        }
        if self.count == 1 {
            self.best = value;
            self.worst = value;
        } else {
            self.best = self.best.max(value);
            self.worst = self.worst.min(value);
        }
        if value > 0.0 {
            self.wins += 1;
            self.gross_gain += value;
        } else if value < 0.0 {
            self.gross_loss -= value;
        }
        let duration = trade.exit_time - trade.entry_time;
        self.max_duration = if self.count == 1 {
            duration
        } else {
            self.max_duration.max(duration)
        };
        self.total_duration += i128::from(duration);
    }

    /// The figures over every round trip, the capped ones included.
    pub(super) fn figures(&self) -> TradeFigures {
        if self.count == 0 {
            return TradeFigures::default();
        }
        let count = f64::from(self.count);
        let geometric_mean = if self.wiped_out {
            -1.0
        } else {
            self.mean_log_growth.exp_m1()
        };
        let average_duration =
            i64::try_from(div_round(self.total_duration, i128::from(self.count)))
                .unwrap_or(i64::MAX);
        TradeFigures {
            trades: self.count,
            win_rate: f64::from(self.wins) / count,
            best: Some(self.best),
            worst: Some(self.worst),
            geometric_mean: Some(geometric_mean),
            arithmetic_mean: Some(self.mean_return),
            max_duration: Some(self.max_duration),
            average_duration: Some(average_duration),
            profit_factor: (self.gross_loss > 0.0).then(|| self.gross_gain / self.gross_loss),
        }
    }

    /// The first [`MAX_TRADES_PER_RESULT`] round trips, and whether there were more.
    pub(super) fn into_list(self) -> (Vec<Trade>, bool) {
        (self.list, self.truncated)
    }
}

/// `numerator / denominator` rounded to the nearest whole number, halves away from zero.
fn div_round(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if 2 * remainder.abs() >= denominator.abs() {
        quotient + numerator.signum() * denominator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_to_the_nearest_second() {
        assert_eq!(div_round(7, 2), 4);
        assert_eq!(div_round(5, 3), 2);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-7, 2), -4);
    }

    #[test]
    fn the_list_stops_at_the_cap_and_the_figures_count_every_trade() {
        let mut trips = RoundTrips::default();
        let extra = 5;
        for index in 0..(MAX_TRADES_PER_RESULT + extra) {
            let time = i64::try_from(index).unwrap_or(i64::MAX) * 10;
            trips.open(time, 100.0);
            trips.close(time + 5, if index % 2 == 0 { 110.0 } else { 95.0 });
        }
        let figures = trips.figures();
        assert_eq!(
            figures.trades,
            u32::try_from(MAX_TRADES_PER_RESULT + extra).unwrap_or(u32::MAX)
        );
        let (list, truncated) = trips.into_list();
        assert_eq!(list.len(), MAX_TRADES_PER_RESULT);
        assert!(truncated);
        assert_eq!(figures.max_duration, Some(5));
    }

    #[test]
    fn a_close_without_a_position_is_no_trade() {
        let mut trips = RoundTrips::default();
        trips.close(10, 100.0);
        assert_eq!(trips.figures(), TradeFigures::default());
        assert_eq!(trips.into_list(), (Vec::new(), false));
    }
}
