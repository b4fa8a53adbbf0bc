-- Documents move to a table with row ids and a unique index on (kind, id).
-- In a WITHOUT ROWID table the whole row is the b-tree's key, and SQLite
-- reads a key's overflow pages whole to compare it: every lookup whose
-- search passed an installed extension's archive (megabytes, stored as a
-- document) read all of it, so each read of the store cost milliseconds.
-- The index holds only kinds and ids; a document's body is read only when
-- that document is asked for. See decision 0263.
CREATE TABLE docs_by_row (
	kind       TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO docs_by_row (kind, id, body, updated_at) SELECT kind, id, body, updated_at FROM docs ORDER BY kind, id;
DROP TABLE docs;
ALTER TABLE docs_by_row RENAME TO docs;
CREATE UNIQUE INDEX docs_kind_id ON docs (kind, id);
