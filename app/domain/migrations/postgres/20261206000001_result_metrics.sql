-- Results are read back: ranked by any metric, in the database, a page at a time. Each
-- metric gets a column of its own (named as in the protocol's `Metrics`), filled from the
-- JSON the result arrived with; the JSON stays the record of what the agent reported.
-- Metrics a run has no value for (a profit factor without a losing trade) are NULL, and
-- so are the figures that results stored before this migration never carried.
-- Each result also keeps its round trips (at most 10,000, `trades_truncated` when there
-- were more).

ALTER TABLE task_results ADD COLUMN total_return DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN annualised_return DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN volatility DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN sharpe DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN sortino DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN calmar DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN max_drawdown DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN max_drawdown_duration DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN average_drawdown DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN trades DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN win_rate DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN exposure DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN best_trade DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN worst_trade DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN average_trade DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN max_trade_duration DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN average_trade_duration DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN profit_factor DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN expectancy DOUBLE PRECISION;
ALTER TABLE task_results ADD COLUMN trade_list TEXT NOT NULL DEFAULT '[]';
ALTER TABLE task_results ADD COLUMN trades_truncated BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE task_results SET
    total_return = (metrics::jsonb ->> 'total_return')::DOUBLE PRECISION,
    annualised_return = (metrics::jsonb ->> 'annualised_return')::DOUBLE PRECISION,
    sharpe = (metrics::jsonb ->> 'sharpe')::DOUBLE PRECISION,
    sortino = (metrics::jsonb ->> 'sortino')::DOUBLE PRECISION,
    max_drawdown = (metrics::jsonb ->> 'max_drawdown')::DOUBLE PRECISION,
    win_rate = (metrics::jsonb ->> 'win_rate')::DOUBLE PRECISION,
    trades = (metrics::jsonb ->> 'trades')::DOUBLE PRECISION,
    exposure = (metrics::jsonb ->> 'exposure')::DOUBLE PRECISION;

-- The default ranking; other sorts read the task's rows by the primary key's prefix.
CREATE INDEX task_results_by_return ON task_results (task_id, total_return);
