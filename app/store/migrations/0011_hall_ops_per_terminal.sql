-- An operation is held once per terminal that sent it: a terminal sending
-- another's operation (refused) must not make the true sender's copy look
-- held already, which would lose it.
CREATE TABLE hall_ops_new (
    op_id    TEXT NOT NULL,
    terminal TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    entity   TEXT NOT NULL,
    rejected TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL,
    PRIMARY KEY (terminal, op_id)
) STRICT;

INSERT INTO hall_ops_new SELECT op_id, terminal, seq, kind, entity, rejected, at FROM hall_ops;
DROP TABLE hall_ops;
ALTER TABLE hall_ops_new RENAME TO hall_ops;
CREATE INDEX hall_ops_by_terminal ON hall_ops (terminal, seq);
