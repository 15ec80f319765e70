-- Results are read back: ranked by any metric, in the database, a page at a time. Each
-- metric gets a column of its own (named as in the protocol's `Metrics`), filled from the
-- JSON the result arrived with; the JSON stays the record of what the agent reported.
-- Metrics a run has no value for (a profit factor without a losing trade) are NULL, and
-- so are the figures that results stored before this migration never carried.
-- Each result also keeps its round trips (at most 10,000, `trades_truncated` when there
-- were more).

ALTER TABLE task_results ADD COLUMN total_return REAL;
ALTER TABLE task_results ADD COLUMN annualised_return REAL;
ALTER TABLE task_results ADD COLUMN volatility REAL;
ALTER TABLE task_results ADD COLUMN sharpe REAL;
ALTER TABLE task_results ADD COLUMN sortino REAL;
ALTER TABLE task_results ADD COLUMN calmar REAL;
ALTER TABLE task_results ADD COLUMN max_drawdown REAL;
ALTER TABLE task_results ADD COLUMN max_drawdown_duration REAL;
ALTER TABLE task_results ADD COLUMN average_drawdown REAL;
ALTER TABLE task_results ADD COLUMN trades REAL;
ALTER TABLE task_results ADD COLUMN win_rate REAL;
ALTER TABLE task_results ADD COLUMN exposure REAL;
ALTER TABLE task_results ADD COLUMN best_trade REAL;
ALTER TABLE task_results ADD COLUMN worst_trade REAL;
ALTER TABLE task_results ADD COLUMN average_trade REAL;
ALTER TABLE task_results ADD COLUMN max_trade_duration REAL;
ALTER TABLE task_results ADD COLUMN average_trade_duration REAL;
ALTER TABLE task_results ADD COLUMN profit_factor REAL;
ALTER TABLE task_results ADD COLUMN expectancy REAL;
ALTER TABLE task_results ADD COLUMN trade_list TEXT NOT NULL DEFAULT '[]';
ALTER TABLE task_results ADD COLUMN trades_truncated BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE task_results SET
    total_return = json_extract(metrics, '$.total_return'),
    annualised_return = json_extract(metrics, '$.annualised_return'),
    sharpe = json_extract(metrics, '$.sharpe'),
    sortino = json_extract(metrics, '$.sortino'),
    max_drawdown = json_extract(metrics, '$.max_drawdown'),
    win_rate = json_extract(metrics, '$.win_rate'),
    trades = json_extract(metrics, '$.trades'),
    exposure = json_extract(metrics, '$.exposure');

-- The default ranking; other sorts read the task's rows by the primary key's prefix.
CREATE INDEX task_results_by_return ON task_results (task_id, total_return);
