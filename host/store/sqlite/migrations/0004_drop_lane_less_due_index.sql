-- The engine claims and waits lane by lane, through actions_due_lane; no
-- caller asks for the next due action across lanes, yet every enqueue,
-- claim, mark and settlement kept this second index of the active actions
-- up to date (about 6% of the host's CPU per outbound call at one
-- integration). A claim or NextDue without a lane still works: it reads
-- the active actions through actions_due_lane. See decision 0254.
DROP INDEX IF EXISTS actions_due;
