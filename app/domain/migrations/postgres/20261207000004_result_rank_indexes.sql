-- Results rank by any metric in the database, a page at a time, without reading every
-- result of the task. Each metric has an index over the task's results in its order, with
-- the config as the tie-break and the trade count carried along, so a ranked page (also
-- one filtered by a minimum of trades) is read from the index alone, in either direction:
-- a page of a 10,000-config task reads its 25 entries, not 10,000 rows. Runs without a
-- value (NULL) are read as a range of their own, after the valued ones.
-- The single ranking index this replaces served only the default sort.

DROP INDEX task_results_by_return;
CREATE INDEX task_results_rank_total_return ON task_results (task_id, total_return, config_id, trades);
CREATE INDEX task_results_rank_annualised_return ON task_results (task_id, annualised_return, config_id, trades);
CREATE INDEX task_results_rank_volatility ON task_results (task_id, volatility, config_id, trades);
CREATE INDEX task_results_rank_sharpe ON task_results (task_id, sharpe, config_id, trades);
CREATE INDEX task_results_rank_sortino ON task_results (task_id, sortino, config_id, trades);
CREATE INDEX task_results_rank_calmar ON task_results (task_id, calmar, config_id, trades);
CREATE INDEX task_results_rank_max_drawdown ON task_results (task_id, max_drawdown, config_id, trades);
CREATE INDEX task_results_rank_max_drawdown_duration ON task_results (task_id, max_drawdown_duration, config_id, trades);
CREATE INDEX task_results_rank_average_drawdown ON task_results (task_id, average_drawdown, config_id, trades);
CREATE INDEX task_results_rank_trades ON task_results (task_id, trades, config_id);
CREATE INDEX task_results_rank_win_rate ON task_results (task_id, win_rate, config_id, trades);
CREATE INDEX task_results_rank_exposure ON task_results (task_id, exposure, config_id, trades);
CREATE INDEX task_results_rank_best_trade ON task_results (task_id, best_trade, config_id, trades);
CREATE INDEX task_results_rank_worst_trade ON task_results (task_id, worst_trade, config_id, trades);
CREATE INDEX task_results_rank_average_trade ON task_results (task_id, average_trade, config_id, trades);
CREATE INDEX task_results_rank_max_trade_duration ON task_results (task_id, max_trade_duration, config_id, trades);
CREATE INDEX task_results_rank_average_trade_duration ON task_results (task_id, average_trade_duration, config_id, trades);
CREATE INDEX task_results_rank_profit_factor ON task_results (task_id, profit_factor, config_id, trades);
CREATE INDEX task_results_rank_expectancy ON task_results (task_id, expectancy, config_id, trades);
