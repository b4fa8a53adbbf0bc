-- Configuration documents, by kind and id, as JSON.
CREATE TABLE docs (
	kind       TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- The durable work queue. While an action is leased, not_before holds the
-- lease expiry, so one partial index finds both ready and abandoned work.
CREATE TABLE actions (
	id           INTEGER PRIMARY KEY,
	key          TEXT    NOT NULL UNIQUE,
	lane         TEXT    NOT NULL,
	run_id       TEXT    NOT NULL,
	object_id    TEXT    NOT NULL,
	step_id      TEXT    NOT NULL,
	payload      BLOB,
	state        TEXT    NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL,
	not_before   INTEGER NOT NULL,
	worker       TEXT    NOT NULL DEFAULT '',
	lease_until  INTEGER NOT NULL DEFAULT 0,
	in_doubt     INTEGER NOT NULL DEFAULT 0,
	result       BLOB,
	last_error   TEXT    NOT NULL DEFAULT '',
	dead_reason  TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX actions_due_lane ON actions (lane, not_before, id)
	WHERE state IN ('pending', 'claimed', 'sending');
CREATE INDEX actions_due ON actions (not_before, id)
	WHERE state IN ('pending', 'claimed', 'sending');
CREATE INDEX actions_state ON actions (state, lane);
CREATE INDEX actions_run ON actions (run_id, id);

-- Run records and their per-object, per-step entries.
CREATE TABLE runs (
	seq          INTEGER PRIMARY KEY,
	id           TEXT    NOT NULL UNIQUE,
	automation   TEXT    NOT NULL,
	kind         TEXT    NOT NULL,
	trigger_kind TEXT    NOT NULL,
	status       TEXT    NOT NULL,
	started_at   INTEGER NOT NULL,
	finished_at  INTEGER NOT NULL DEFAULT 0,
	counts       TEXT    NOT NULL DEFAULT '{}',
	error        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX runs_automation ON runs (automation, seq);

CREATE TABLE run_entries (
	seq       INTEGER PRIMARY KEY,
	run_id    TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	object_id TEXT    NOT NULL,
	object    TEXT    NOT NULL,
	step      TEXT    NOT NULL,
	outcome   TEXT    NOT NULL,
	request   BLOB,
	response  BLOB,
	error     TEXT    NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX run_entries_run ON run_entries (run_id, seq);

-- The audit log; the triggers make it append-only even for a stray UPDATE.
CREATE TABLE audit (
	seq     INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	action  TEXT    NOT NULL,
	target  TEXT    NOT NULL,
	before  BLOB,
	after   BLOB,
	outcome TEXT    NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_target ON audit (target, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
