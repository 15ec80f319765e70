"""Figures of the SMA crossover from backtesting.py, to check the agent's engine against.

Run from this folder:

    pip install -r requirements.txt
    python reference.py

It writes `goog.csv` (backtesting.py's GOOG daily bars in the dataset format) and
`sma_crossover_reference.json` (what backtesting.py reports for a few windows). The engine's
test `the_sma_crossover_agrees_with_backtesting_py_on_goog` reads both.

The strategy follows the engine's rules, not backtesting.py's `SmaCross` example:

- the averages are plain means of the last `n` closes, summed the way the engine sums
  them (a running sum, adding the new close and then taking out the one leaving), so both
  sides compare bit-identical numbers;
- after each bar's close the strategy wants to hold when fast > slow, and not otherwise
  (a state, not a crossing: it also buys if the fast average is already above on the first
  bar both averages exist); a change is filled at the next bar's open;
- all in: every order spends the whole equity (backtesting.py buys whole units, so the
  starting cash is large enough that the cash left over is below 1e-12 of it);
- no decision is taken on the last bar, since no later bar could fill it, and a position
  still held then is sold at the last close (`finalize_trades`, see `run`).

Costs: backtesting.py charges `commission` on the traded value at entry and at exit, as
the engine charges its fee. Its `spread` is charged only at entry while the engine's
slippage is charged on both fills, so the runs here use no spread.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.test import GOOG

HERE = Path(__file__).resolve().parent
CSV = HERE / "goog.csv"
OUT = HERE / "sma_crossover_reference.json"

# Large enough that buying whole units leaves less than 1e-12 of the equity in cash.
CASH = 1e15

# (fast, slow, commission).
RUNS = [
    (10, 30, 0.002),
    (20, 50, 0.002),
    (5, 20, 0.0),
    (10, 30, 0.0),
]


def write_dataset() -> None:
    """GOOG as `time,open,high,low,close,volume`, time in Unix seconds (UTC midnight)."""
    seconds = GOOG.index.tz_localize("UTC").as_unit("s").asi8
    with CSV.open("w", newline="\n") as out:
        out.write("time,open,high,low,close,volume\n")
        for time, row in zip(seconds, GOOG.itertuples(index=False)):
            # repr gives the shortest text that reads back as the same double.
            values = ",".join(repr(float(v)) for v in (row.Open, row.High, row.Low, row.Close, row.Volume))
            out.write(f"{int(time)},{values}\n")


def read_dataset() -> pd.DataFrame:
    # Read as text and parsed by Python's float(), which rounds correctly, as Rust does.
    frame = pd.read_csv(CSV, dtype=str)
    index = pd.to_datetime(frame.pop("time").astype("int64"), unit="s")
    frame = frame.map(float).rename(columns=str.capitalize)
    frame.index = index
    return frame


def running_mean(closes: list[float], window: int) -> np.ndarray:
    """The engine's simple moving average, operation for operation."""
    means = np.full(len(closes), np.nan)
    total = 0.0
    for index, close in enumerate(closes):
        total += close
        if index >= window:
            total -= closes[index - window]
        if index + 1 >= window:
            means[index] = total / window
    return means


class SmaCrossover(Strategy):
    fast = 10
    slow = 30

    def init(self):
        closes = [float(c) for c in self.data.Close]
        self.bars = len(closes)
        # Plain arrays, not `self.I` indicators: backtesting.py would then wait one bar
        # past the slow average's first value before its first decision.
        self.fast_mean = running_mean(closes, self.fast)
        self.slow_mean = running_mean(closes, self.slow)

    def next(self):
        index = len(self.data) - 1
        if index == self.bars - 1:
            return
        wants_long = index + 1 >= self.slow and self.fast_mean[index] > self.slow_mean[index]
        if wants_long and not self.position:
            self.buy()
        elif not wants_long and self.position:
            self.position.close()


def number(value):
    """JSON has no NaN: a figure backtesting.py leaves undefined is null."""
    if isinstance(value, pd.Timedelta):
        return None if pd.isna(value) else int(value.total_seconds())
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


FIGURES = [
    "Exposure Time [%]",
    "Equity Final [$]",
    "Return [%]",
    "Buy & Hold Return [%]",
    "Return (Ann.) [%]",
    "Volatility (Ann.) [%]",
    "CAGR [%]",
    "Sharpe Ratio",
    "Sortino Ratio",
    "Calmar Ratio",
    "Max. Drawdown [%]",
    "Avg. Drawdown [%]",
    "Max. Drawdown Duration",
    "Avg. Drawdown Duration",
    "# Trades",
    "Win Rate [%]",
    "Best Trade [%]",
    "Worst Trade [%]",
    "Avg. Trade [%]",
    "Max. Trade Duration",
    "Avg. Trade Duration",
    "Profit Factor",
    "Expectancy [%]",
]


def run(data: pd.DataFrame, fast: int, slow: int, commission: float) -> dict:
    # A trade still open at the end is sold at the last close by the engine, and by
    # backtesting.py (`finalize_trades`) at the last bar's open. Giving backtesting.py a
    # last bar that opens at its close makes both sell at the same price; the last open
    # matters for nothing else, since no order can be filled at it (checked below).
    finalized = data.copy()
    finalized.iloc[-1, finalized.columns.get_loc("Open")] = finalized["Close"].iloc[-1]
    backtest = Backtest(
        finalized,
        SmaCrossover,
        cash=CASH,
        commission=commission,
        spread=0.0,
        exclusive_orders=True,
        trade_on_close=False,
        finalize_trades=True,
    )
    stats = backtest.run(fast=fast, slow=slow)
    trades = stats["_trades"]
    last_bar = len(data) - 1
    if (trades["EntryBar"] == last_bar).any():
        raise SystemExit(f"{fast}/{slow} buys at the last open; pick another window")
    closed_at_end = trades[trades["ExitBar"] == last_bar]
    if len(closed_at_end) > 1 or (
        len(closed_at_end) and closed_at_end["ExitTime"].iloc[0] != data.index[-1]
    ):
        raise SystemExit(f"{fast}/{slow}: unexpected trades at the last bar")
    seconds = lambda column: [int(t.tz_localize("UTC").timestamp()) for t in trades[column]]  # noqa: E731
    return {
        "fast": fast,
        "slow": slow,
        "commission": commission,
        "cash": CASH,
        "stats": {name: number(stats[name]) for name in FIGURES} | {"# Trades": len(trades)},
        "trades": [
            {
                "entry_bar": int(entry_bar),
                "exit_bar": int(exit_bar),
                "entry_time": entry_time,
                "exit_time": exit_time,
                "size": int(size),
                "entry_price": float(entry_price),
                "exit_price": float(exit_price),
                "commission": float(fees),
                "pnl": float(pnl),
                "return_pct": float(ret),
            }
            for entry_bar, exit_bar, entry_time, exit_time, size, entry_price, exit_price, fees, pnl, ret in zip(
                trades["EntryBar"],
                trades["ExitBar"],
                seconds("EntryTime"),
                seconds("ExitTime"),
                trades["Size"],
                trades["EntryPrice"],
                trades["ExitPrice"],
                trades["Commission"],
                trades["PnL"],
                trades["ReturnPct"],
            )
        ],
    }


def main() -> None:
    import backtesting

    write_dataset()
    data = read_dataset()
    report = {
        "library": f"backtesting.py {backtesting.__version__}",
        "dataset": CSV.name,
        "bars": len(data),
        "runs": [run(data, fast, slow, commission) for fast, slow, commission in RUNS],
    }
    OUT.write_text(json.dumps(report, indent=1) + "\n")
    for entry in report["runs"]:
        figures = entry["stats"]
        print(
            f"{entry['fast']}/{entry['slow']} fee {entry['commission']}: return {figures['Return [%]']:.4f} %, "
            f"{figures['# Trades']} trades, win rate {figures['Win Rate [%]']:.2f} %"
        )


if __name__ == "__main__":
    main()
