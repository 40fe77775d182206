using System.Text.Json;
using Microsoft.Data.Sqlite;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>
/// A run's source of truth: <c>run.db</c> (SQLite, WAL) in the run directory, holding the
/// manifest, every target answer and every judge reply with timestamps, latency and tokens.
/// Each result is committed as it arrives, so a run killed at any moment loses only the
/// requests that were in flight. Writes are serialised; reads see committed rows.
/// </summary>
public sealed class RunStore : IDisposable
{
    public const string FileName = "run.db";

    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private RunStore(SqliteConnection db, string directory)
    {
        _db = db;
        Directory = directory;
    }

    public string Directory { get; }

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>Opens a run directory that must already exist, with its manifest.</summary>
    public static (RunStore Store, RunManifest Manifest) OpenExisting(string directory)
    {
        if (!Exists(directory)) throw new InputException($"{directory}: not a run directory (no {FileName}); create one with mmsafe run --out.");
        var store = Open(directory);
        if (store.ReadManifest() is { } manifest) return (store, manifest);
        store.Dispose();
        throw new InputException($"{directory}: the run has no manifest; start it again with mmsafe run --out.");
    }

    public static RunStore Open(string directory)
    {
        SqliteConnection db;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, FileName), Pooling = false }.ToString());
            db.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new InputException($"{directory}: cannot create or open the run store there ({e.Message}); choose a writable directory with --out.", e);
        }
        Execute(db, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS samples (
                item_id INTEGER NOT NULL, sample INTEGER NOT NULL, request_key TEXT NOT NULL, kind TEXT, text TEXT, refusal TEXT,
                finish_reason TEXT, error TEXT, input_tokens INTEGER, output_tokens INTEGER, latency_ms REAL NOT NULL, at TEXT NOT NULL,
                PRIMARY KEY (item_id, sample));
            CREATE TABLE IF NOT EXISTS verdicts (
                judge TEXT NOT NULL, item_id INTEGER NOT NULL, sample INTEGER NOT NULL, aspect TEXT NOT NULL, request_key TEXT NOT NULL,
                kind TEXT, raw TEXT, error TEXT, input_tokens INTEGER, output_tokens INTEGER, latency_ms REAL NOT NULL, at TEXT NOT NULL,
                PRIMARY KEY (judge, item_id, sample, aspect));
            """);
        return new RunStore(db, directory);
    }

    public RunManifest? ReadManifest()
    {
        using var command = Command("SELECT value FROM manifest WHERE key = 'manifest'");
        return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<RunManifest>(json) : null;
    }

    public void WriteManifest(RunManifest manifest)
    {
        using var command = Command("INSERT OR REPLACE INTO manifest (key, value) VALUES ('manifest', $v)", ("$v", JsonSerializer.Serialize(manifest)));
        command.ExecuteNonQuery();
    }

    public Task SaveAsync(StoredSample s, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT OR REPLACE INTO samples VALUES ($item, $sample, $key, $kind, $text, $refusal, $finish, $error, $in, $out, $latency, $at)",
        cancellationToken, ("$item", s.ItemId), ("$sample", s.Sample), ("$key", s.RequestKey), ("$kind", s.Kind?.ToString()), ("$text", s.Text),
        ("$refusal", s.Refusal), ("$finish", s.FinishReason), ("$error", s.Error), ("$in", s.InputTokens), ("$out", s.OutputTokens),
        ("$latency", s.LatencyMs), ("$at", s.At.ToString("O")));

    public Task SaveAsync(StoredVerdict v, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT OR REPLACE INTO verdicts VALUES ($judge, $item, $sample, $aspect, $key, $kind, $raw, $error, $in, $out, $latency, $at)",
        cancellationToken, ("$judge", v.Judge), ("$item", v.ItemId), ("$sample", v.Sample), ("$aspect", v.Aspect), ("$key", v.RequestKey),
        ("$kind", v.Kind?.ToString()), ("$raw", v.Raw), ("$error", v.Error), ("$in", v.InputTokens), ("$out", v.OutputTokens),
        ("$latency", v.LatencyMs), ("$at", v.At.ToString("O")));

    // One committed statement per result: a kill loses only what was not yet written.
    private async Task WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(sql, parameters);
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyList<StoredSample> Samples()
    {
        using var command = Command("SELECT * FROM samples ORDER BY item_id, sample");
        using var r = command.ExecuteReader();
        var list = new List<StoredSample>();
        while (r.Read())
            list.Add(new StoredSample(r.GetInt32(0), r.GetInt32(1), r.GetString(2), Kind(r, 3), Str(r, 4), Str(r, 5), Str(r, 6), Str(r, 7),
                Long(r, 8), Long(r, 9), r.GetDouble(10), DateTimeOffset.Parse(r.GetString(11), System.Globalization.CultureInfo.InvariantCulture)));
        return list;
    }

    public IReadOnlyList<StoredVerdict> Verdicts(string? judge = null)
    {
        using var command = judge is null
            ? Command("SELECT * FROM verdicts ORDER BY judge, item_id, sample, aspect")
            : Command("SELECT * FROM verdicts WHERE judge = $j ORDER BY item_id, sample, aspect", ("$j", judge));
        using var r = command.ExecuteReader();
        var list = new List<StoredVerdict>();
        while (r.Read())
            list.Add(new StoredVerdict(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetString(4), Kind(r, 5), Str(r, 6), Str(r, 7),
                Long(r, 8), Long(r, 9), r.GetDouble(10), DateTimeOffset.Parse(r.GetString(11), System.Globalization.CultureInfo.InvariantCulture)));
        return list;
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static CompletionKind? Kind(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Enum.Parse<CompletionKind>(r.GetString(i));

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _db.Dispose();
        _gate.Dispose();
    }
}
