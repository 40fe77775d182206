using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MmSafe.Runs;

/// <summary>The store's tables, and the migration that brings a store made by an older mmsafe up to them.</summary>
public sealed partial class SqliteRunStore
{
    // 3: answers keep a reasoning model's reasoning apart (reasoning, reasoning_tokens).
    private const int SchemaVersion = 3;

    // Schema 2 lacks only the reasoning columns, so it is read as it is and migrated when opened for writing.
    private static bool Readable(string? schema) => schema is "2" || schema == SchemaVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Loads SQLite (its native library and the provider's first-use set-up) on a throw-away in-memory database, so that a
    /// command can do it on another core while it parses its flags and checks the dataset, before it opens its store.
    /// </summary>
    public static void WarmUp()
    {
        try
        {
            using var db = new SqliteConnection("Data Source=:memory:");
            db.Open();
            Execute(db, "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('warm');");
        }
        catch (Exception e) when (e is SqliteException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            // Opening the run store reports it, with the store's path.
        }
    }

    // The tables in one transaction: one commit, not one per table, before a new run's first request.
    private static void CreateOrMigrate(SqliteConnection db, string directory)
    {
        Execute(db, $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = 5000;
            BEGIN;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT OR IGNORE INTO meta VALUES ('schema', '{SchemaVersion}');
            CREATE TABLE IF NOT EXISTS samples (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, category TEXT NOT NULL, sub_category TEXT,
                images TEXT NOT NULL, fields TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS answers (
                sample_id TEXT NOT NULL, sample INTEGER NOT NULL, identity TEXT NOT NULL, kind TEXT, text TEXT, refusal TEXT,
                finish_reason TEXT, error TEXT, input_tokens INTEGER, output_tokens INTEGER, latency_ms REAL NOT NULL, cached INTEGER NOT NULL, at TEXT NOT NULL,
                reasoning TEXT, reasoning_tokens INTEGER,
                PRIMARY KEY (sample_id, sample));
            CREATE TABLE IF NOT EXISTS verdicts (
                judge TEXT NOT NULL, sample_id TEXT NOT NULL, sample INTEGER NOT NULL, aspect TEXT NOT NULL, identity TEXT NOT NULL,
                kind TEXT, raw TEXT, error TEXT, input_tokens INTEGER, output_tokens INTEGER, latency_ms REAL NOT NULL, cached INTEGER NOT NULL, at TEXT NOT NULL,
                PRIMARY KEY (judge, sample_id, sample, aspect));
            CREATE TABLE IF NOT EXISTS scores (judge TEXT NOT NULL, sample_id TEXT NOT NULL, score TEXT NOT NULL, PRIMARY KEY (judge, sample_id));
            CREATE TABLE IF NOT EXISTS events (at TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL, detail TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS captions (sample_id TEXT PRIMARY KEY, identity TEXT NOT NULL, caption TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, body TEXT NOT NULL);
            COMMIT;
            """);
        if (Scalar(db, "SELECT value FROM meta WHERE key = 'schema'") is "2")
            // One transaction: a store killed mid-migration stays a whole schema-2 store, migrated again next time.
            Execute(db, $"""
                BEGIN IMMEDIATE;
                ALTER TABLE answers ADD COLUMN reasoning TEXT;
                ALTER TABLE answers ADD COLUMN reasoning_tokens INTEGER;
                UPDATE meta SET value = '{SchemaVersion}' WHERE key = 'schema';
                COMMIT;
                """);
        if (Scalar(db, "SELECT value FROM meta WHERE key = 'schema'") is string v && v != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InputException($"{directory}: the run store has schema {v}; this mmsafe reads schema {SchemaVersion}. Use the mmsafe version that made it, or start a new run.");
    }
}
