-- The engine asks after every settled action whether its run still has a
-- pending, claimed or sending action. With only (run_id, id) that question
-- walked the run's finished actions; this index answers it at once.
-- See decision 0177.
CREATE INDEX actions_run_state ON actions (run_id, state, id);
