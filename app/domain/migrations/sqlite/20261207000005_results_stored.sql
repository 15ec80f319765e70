-- How many results a task has stored, kept with the task as they arrive, rather than
-- counted from `task_results` each time a task is read: every list of tasks (the fleet
-- page, the dashboard, the backtests) read it for each task, and a 10,000-config task took
-- milliseconds to count.
ALTER TABLE tasks ADD COLUMN results_stored BIGINT NOT NULL DEFAULT 0;
UPDATE tasks SET results_stored = (SELECT COUNT(*) FROM task_results r WHERE r.task_id = tasks.id);
