-- 0008: why a run failed, in the warehouse beside its state.

ALTER TABLE runs ADD COLUMN error VARCHAR;

COMMENT ON COLUMN runs.error IS 'why the run did not complete: the exception (type: message), "interrupted (SIGINT)", "timed out after N s"; NULL when it completed';
