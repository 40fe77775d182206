using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MmSafe.Benchmarks;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Scoring;

namespace MmSafe.Runs.Stores;

/// <summary>
/// The embedded run store: <c>run.db</c> (SQLite, WAL) in the run directory. One committed statement per result,
/// so a run killed at any moment loses only the requests that were in flight. Writes are serialised.
/// </summary>
public sealed partial class SqliteRunStore : IRunStore
{
    public const string FileName = "run.db";

    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteRunStore(SqliteConnection db, string directory)
    {
        _db = db;
        Location = directory;
    }

    public string Location { get; }

    public RunSpec? ReadSpec()
    {
        if (Scalar(_db, "SELECT value FROM meta WHERE key = 'spec'") is not string json) return null;
        // Read at every turn of a session (the run's spec, its prices, its cache): parsed again only when it changed.
        if (_lastSpec is { } last && last.Json == json) return last.Spec;
        try
        {
            var spec = JsonSerializer.Deserialize<RunSpec>(json);
            _lastSpec = spec is null ? null : new ParsedSpec(json, spec);
            return spec;
        }
        catch (JsonException e)
        {
            throw new InputException($"{Path.Combine(Location, FileName)}: the run spec cannot be read ({e.Message}); the store is damaged. Start the run again with a new --out.", e);
        }
    }

    private sealed record ParsedSpec(string Json, RunSpec Spec);

    private volatile ParsedSpec? _lastSpec;

    public void WriteSpec(RunSpec spec)
    {
        var made = SpecJson.Get(spec);
        Run("INSERT OR REPLACE INTO meta VALUES ('spec', $v)", ("$v", made.Json));
        _lastSpec = new ParsedSpec(made.Json, made.Read);
    }

    public void SaveSamples(IReadOnlyList<Sample> samples)
    {
        // Written into an empty table (a new run, the only caller), the samples are the table: kept, not read back.
        bool fresh = _samples is null && Query("SELECT 1 FROM samples LIMIT 1", _ => 1).Count == 0;
        _samples = null;
        Run("BEGIN");
        // One prepared statement for every row: a full VLSBench is 2,241 rows, written before the first request.
        using var insert = Command("INSERT OR REPLACE INTO samples VALUES ($id, $ord, $cat, $sub, $images, $fields)",
            ("$id", ""), ("$ord", 0), ("$cat", ""), ("$sub", null), ("$images", ""), ("$fields", ""));
        insert.Prepare();
        int ord = 0;
        foreach (var s in samples)
        {
            insert.Parameters["$id"].Value = s.Id;
            insert.Parameters["$ord"].Value = ord++;
            insert.Parameters["$cat"].Value = s.Category;
            insert.Parameters["$sub"].Value = (object?)s.SubCategory ?? DBNull.Value;
            insert.Parameters["$images"].Value = JsonSerializer.Serialize(s.Images);
            insert.Parameters["$fields"].Value = JsonSerializer.Serialize(s.Fields);
            insert.ExecuteNonQuery();
        }
        Run("COMMIT");
        if (fresh) _samples = [.. samples];
        if (fresh)
            lock (_scoresGate) _scores ??= [];
    }

    // A run's samples are written once, when it starts: read (or written) once per store, not at every pipeline start and read.
    private volatile IReadOnlyList<Sample>? _samples;

    public IReadOnlyList<Sample> Samples() => _samples ??= Query("SELECT id, category, sub_category, images, fields FROM samples ORDER BY ord", r =>
        new Sample(r.GetString(0), r.GetString(1), Str(r, 2), JsonSerializer.Deserialize<List<ImageRef>>(r.GetString(3))!,
            JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))!));

    public Task SaveAsync(StoredAnswer a, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT OR REPLACE INTO answers VALUES ($id, $sample, $key, $kind, $text, $refusal, $finish, $error, $in, $out, $latency, $cached, $at, $reasoning, $rtokens)",
        cancellationToken, ("$id", a.SampleId), ("$sample", a.Sample), ("$key", a.Identity), ("$kind", a.Kind?.ToString()), ("$text", a.Text),
        ("$refusal", a.Refusal), ("$finish", a.FinishReason), ("$error", a.Error), ("$in", a.InputTokens), ("$out", a.OutputTokens),
        ("$latency", a.LatencyMs), ("$cached", a.Cached ? 1 : 0), ("$at", a.At.ToString("O")), ("$reasoning", a.Reasoning), ("$rtokens", a.ReasoningTokens));

    public Task SaveAsync(StoredVerdict v, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT OR REPLACE INTO verdicts VALUES ($judge, $id, $sample, $aspect, $key, $kind, $raw, $error, $in, $out, $latency, $cached, $at)",
        cancellationToken, ("$judge", v.Judge), ("$id", v.SampleId), ("$sample", v.Sample), ("$aspect", v.Aspect), ("$key", v.Identity),
        ("$kind", v.Kind?.ToString()), ("$raw", v.Raw), ("$error", v.Error), ("$in", v.InputTokens), ("$out", v.OutputTokens),
        ("$latency", v.LatencyMs), ("$cached", v.Cached ? 1 : 0), ("$at", v.At.ToString("O")));

    public async Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default)
    {
        await WriteAsync("INSERT OR REPLACE INTO scores VALUES ($judge, $id, $score)", cancellationToken,
            ("$judge", judge), ("$id", score.Id), ("$score", JsonSerializer.Serialize(score))).ConfigureAwait(false);
        lock (_scoresGate)
            if (_scores is not null) _scores[(judge, score.Id)] = score;
    }

    public Task SaveAsync(RunEvent e, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT INTO events VALUES ($at, $kind, $model, $detail)", cancellationToken, ("$at", e.At.ToString("O")), ("$kind", e.Kind), ("$model", e.Model), ("$detail", e.Detail));

    // A schema-2 store opened read-only has no reasoning columns: its answers have none.
    public IReadOnlyList<StoredAnswer> Answers() => Query("SELECT * FROM answers ORDER BY sample_id, sample", r =>
        new StoredAnswer(r.GetString(0), r.GetInt32(1), r.GetString(2), Kind(r, 3), Str(r, 4), Str(r, 5), Str(r, 6), Str(r, 7),
            Long(r, 8), Long(r, 9), r.GetDouble(10), r.GetInt32(11) != 0, Date(r, 12),
            r.FieldCount > 13 ? Str(r, 13) : null, r.FieldCount > 14 ? Long(r, 14) : null));

    public IReadOnlyList<StoredVerdict> Verdicts(string? judge = null) => Query(
        judge is null ? "SELECT * FROM verdicts ORDER BY judge, sample_id, sample, aspect" : "SELECT * FROM verdicts WHERE judge = $j ORDER BY sample_id, sample, aspect",
        r => new StoredVerdict(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), Kind(r, 5), Str(r, 6), Str(r, 7),
            Long(r, 8), Long(r, 9), r.GetDouble(10), r.GetInt32(11) != 0, Date(r, 12)), ("$j", judge));

    // Every score the store holds, by judge and item: read once (a new run's: none), then kept as they are saved, so a
    // session's end and its score command do not parse a full run's 2,241 scores again. This process is the store's only writer.
    private readonly Lock _scoresGate = new();
    private Dictionary<(string Judge, string Id), ItemScore>? _scores;

    public IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores()
    {
        var order = Samples().Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i);
        List<(string Judge, ItemScore Score)> all;
        lock (_scoresGate)
        {
            _scores ??= Query("SELECT judge, score FROM scores", r => (Judge: r.GetString(0), Score: JsonSerializer.Deserialize<ItemScore>(r.GetString(1))!))
                .ToDictionary(x => (x.Judge, x.Score.Id), x => x.Score);
            all = [.. _scores.Select(p => (p.Key.Judge, p.Value))];
        }
        return all.GroupBy(x => x.Judge)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ItemScore>)[.. g.Select(x => x.Score).OrderBy(s => order.GetValueOrDefault(s.Id, int.MaxValue))]);
    }

    public IReadOnlyList<RunEvent> Events() => Query("SELECT * FROM events ORDER BY at", r => new RunEvent(Date(r, 0), r.GetString(1), r.GetString(2), r.GetString(3)));

    public Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT OR REPLACE INTO captions VALUES ($id, $key, $caption)", cancellationToken, ("$id", sampleId), ("$key", identity), ("$caption", caption));

    public IReadOnlyDictionary<string, string> Captions() =>
        Optional(() => Query("SELECT sample_id, caption FROM captions", r => (r.GetString(0), r.GetString(1))).ToDictionary(p => p.Item1, p => p.Item2), []);

    public Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT INTO batches VALUES ($id, (SELECT COUNT(*) FROM batches), $body) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        cancellationToken, ("$id", batch.Id), ("$body", JsonSerializer.Serialize(batch)));

    public IReadOnlyList<StoredBatch> Batches() =>
        Optional<IReadOnlyList<StoredBatch>>(() => Query("SELECT body FROM batches ORDER BY ord", r => JsonSerializer.Deserialize<StoredBatch>(r.GetString(0))!), []);

    // A table a read-only store made by an older mmsafe lacks (captions, batches) reads as empty.
    private static T Optional<T>(Func<T> read, T empty)
    {
        try
        {
            return read();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return empty;
        }
    }

    public Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. pending.Take(max)]);

    private async Task WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Run(sql, parameters);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Run(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var r = command.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static DateTimeOffset Date(SqliteDataReader r, int i) => DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture);

    private static CompletionKind? Kind(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Enum.Parse<CompletionKind>(r.GetString(i));

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
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
