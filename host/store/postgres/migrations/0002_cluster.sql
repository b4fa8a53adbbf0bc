-- Named leases: the work one host at a time does (decision 0233).
CREATE TABLE leases (
	name      TEXT   PRIMARY KEY,
	holder    TEXT   NOT NULL,
	until_ms  BIGINT NOT NULL,
	since_ms  BIGINT NOT NULL,
	takeovers BIGINT NOT NULL DEFAULT 0
);

-- The shared rate budget: each lane's next free send slot, in
-- microseconds since the Unix epoch (decision 0234).
CREATE TABLE rate_slots (
	lane    TEXT   PRIMARY KEY,
	next_us BIGINT NOT NULL
);
