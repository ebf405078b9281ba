-- Discovery: PostgreSQL schema for Orleans' ADO.NET grain storage provider (invariant "Npgsql").
--
-- Like clustering, the provider keeps no SQL of its own: at start it reads the rows
-- WriteToStorageKey, ReadFromStorageKey, ClearStorageKey and DeleteStorageKey from OrleansQuery,
-- then runs their text with the named parameters
--   @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
--   @GrainIdExtensionString, @ServiceId            (every query: which grain's state)
--   @GrainStateVersion                             (write, clear, delete: the caller's ETag, NULL
--                                                   when it never read a stored row)
--   @PayloadBinary                                 (write: the serialized state)
--
-- Optimistic concurrency: Version is the state's ETag. A write, clear or delete succeeds only if
-- the caller's version is still the stored one, and then returns the new version; when refused
-- it returns NULL or no row and the provider throws InconsistentStateException. The unique index
-- below makes the first write (no version yet) race-free: of two silos that both believe the
-- grain has no state, one inserts and the other is refused.
--
-- Idempotent: the silo applies it at start when Storage is PostgreSql; an operator can also run
-- it once by hand (psql -f). OrleansQuery is shared with postgresql-clustering.sql: the scripts
-- may run in either order. Tables are unqualified (default schema), as the provider expects.
-- Needs PostgreSQL 15 or later (NULLS NOT DISTINCT).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per grain state. The hashes only narrow the search; the full identity decides.
-- PayloadBinary is NULL after a clear: the row (and its version) stays, the state is gone.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

-- At most one row per grain and service (a NULL key extension counts as one value).
CREATE UNIQUE INDEX IF NOT EXISTS OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- The stored state and its version; no row when the grain never wrote (the provider then starts
-- from a new state with no ETag). A cleared state comes back as a NULL payload with its version.
('ReadFromStorageKey', $sql$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$sql$),

-- Always one row, NewGrainStateVersion: the new version, or NULL when refused.
-- With a version: replaces the payload only if the stored version is still that one (a concurrent
-- writer that got there first bumped it), and bumps it. Without one: inserts version 1 only if no
-- row exists (ON CONFLICT on the unique index; a concurrent first write waits and is refused).
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
    WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING Version),
inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version)
SELECT (SELECT Version FROM updated UNION ALL SELECT Version FROM inserted) AS NewGrainStateVersion;
$sql$),

-- Forgets the state but keeps the row, under the same version check; returns the new version,
-- no row when refused.
('ClearStorageKey', $sql$
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE Version = @GrainStateVersion
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING Version AS NewGrainStateVersion;
$sql$),

-- Clear with DeleteStateOnClear=true: removes the row under the version check. Returns the
-- deleted version + 1 (the provider reads "same version as mine" as a refusal), no row when refused.
('DeleteStorageKey', $sql$
DELETE FROM OrleansStorage
WHERE Version = @GrainStateVersion
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING Version + 1 AS NewGrainStateVersion;
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
