-- The shared rate budget's permits: a lane's limit as rows, each granted
-- to one call at a time and resting one window after the call is over
-- (decision 0275). rate_slots keeps spacing the granted sends.
CREATE TABLE rate_permits (
	lane          TEXT    NOT NULL,
	slot          INTEGER NOT NULL,
	gen           BIGINT  NOT NULL DEFAULT 0,
	held_until_us BIGINT  NOT NULL DEFAULT 0,
	free_us       BIGINT  NOT NULL DEFAULT 0,
	PRIMARY KEY (lane, slot)
);
