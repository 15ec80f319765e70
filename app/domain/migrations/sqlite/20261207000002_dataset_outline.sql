-- A dataset's price in outline (at most 2,000 closes, each stretch's lowest and highest
-- kept, and the first open), as JSON: what the datasets page charts and what a backtest's
-- equity chart draws its buy-and-hold line from. Computed while the file is imported;
-- datasets stored before this migration have none until they are uploaded again.
ALTER TABLE datasets ADD COLUMN price_outline TEXT;
