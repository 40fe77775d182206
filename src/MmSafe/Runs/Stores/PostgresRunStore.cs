using System.Text.Json;
using MmSafe.Benchmarks;
using MmSafe.Scoring;
using Npgsql;

namespace MmSafe.Runs.Stores;

/// <summary>
/// A run store in PostgreSQL, shared by several harness processes on one or many machines (a Kubernetes Indexed Job,
/// a Slurm array). Each result is one committed statement, as in SQLite. Workers claim samples with leases
/// (<c>FOR UPDATE SKIP LOCKED</c>), renewed while they work; a worker that dies leaves its leases to run out, and
/// another takes its samples, asking only for what is not stored. Many runs share one database, told apart by name.
/// </summary>
public sealed partial class PostgresRunStore : IRunStore
{
    private const int SchemaVersion = 1;

    /// <summary>Connections per worker: writes are short, and a server's max_connections (100 by default) is shared by every worker.</summary>
    public const int PoolSize = 8;

    private readonly NpgsqlDataSource _db;
    private readonly PostgresLocation _where;
    private readonly Timer _heartbeat;
    private bool _leasesMade;

    /// <summary>This process among the workers: host, process id and a random part (a restarted pod is a new worker).</summary>
    public string Worker { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private PostgresRunStore(NpgsqlDataSource db, PostgresLocation where)
    {
        _db = db;
        _where = where;
        _leases = new LeaseFence(where.Lease);
        _heartbeat = new Timer(_ => Renew(), null, where.Lease / 3, where.Lease / 3);
    }

    public string Location => _where.Text;

    public bool IsShared => true;

    private volatile bool _unavailable;

    /// <inheritdoc/>
    public bool IsUnavailable => _unavailable;

    private readonly LeaseFence _leases;

    /// <inheritdoc/>
    public bool Holds(string sampleId) => _leases.Holds(sampleId);

    /// <summary>Connects, creating the tables if the database has none, and checks the schema version.</summary>
    public static PostgresRunStore Open(string location)
    {
        var where = PostgresLocation.Parse(location);
        var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(where.ConnectionString) { MaxPoolSize = PoolSize }.ConnectionString);
        try
        {
            using var connection = db.OpenConnection();
            using var transaction = connection.BeginTransaction();
            // Two workers starting at once must not both create the tables.
            Execute(connection, "SELECT pg_advisory_xact_lock(7263514)");
            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS mmsafe_meta (key text PRIMARY KEY, value text NOT NULL);
                INSERT INTO mmsafe_meta VALUES ('schema', '{SchemaVersion}') ON CONFLICT DO NOTHING;
                CREATE TABLE IF NOT EXISTS mmsafe_runs (run text PRIMARY KEY, spec text NOT NULL);
                CREATE TABLE IF NOT EXISTS mmsafe_samples (run text NOT NULL, ord int NOT NULL, id text NOT NULL, body text NOT NULL, PRIMARY KEY (run, id));
                CREATE TABLE IF NOT EXISTS mmsafe_answers (run text NOT NULL, sample_id text NOT NULL, sample int NOT NULL, body text NOT NULL, PRIMARY KEY (run, sample_id, sample));
                CREATE TABLE IF NOT EXISTS mmsafe_verdicts (run text NOT NULL, judge text NOT NULL, sample_id text NOT NULL, sample int NOT NULL, aspect text NOT NULL,
                    body text NOT NULL, PRIMARY KEY (run, judge, sample_id, sample, aspect));
                CREATE TABLE IF NOT EXISTS mmsafe_scores (run text NOT NULL, judge text NOT NULL, sample_id text NOT NULL, body text NOT NULL, PRIMARY KEY (run, judge, sample_id));
                CREATE TABLE IF NOT EXISTS mmsafe_events (seq bigserial PRIMARY KEY, run text NOT NULL, body text NOT NULL);
                CREATE TABLE IF NOT EXISTS mmsafe_captions (run text NOT NULL, sample_id text NOT NULL, identity text NOT NULL, caption text NOT NULL, PRIMARY KEY (run, sample_id));
                CREATE TABLE IF NOT EXISTS mmsafe_batches (run text NOT NULL, id text NOT NULL, seq bigserial, body text NOT NULL, PRIMARY KEY (run, id));
                CREATE TABLE IF NOT EXISTS mmsafe_leases (run text NOT NULL, sample_id text NOT NULL, holder text, expires_at timestamptz, worked_by text, PRIMARY KEY (run, sample_id));
                """);
            var schema = Scalar(connection, "SELECT value FROM mmsafe_meta WHERE key = 'schema'") as string;
            if (schema != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new InputException($"{where.Text}: the database holds MmSafe tables of schema {schema}; this mmsafe uses schema {SchemaVersion}. Use another database, or the mmsafe version that made them.");
            transaction.Commit();
            return new PostgresRunStore(db, where);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            db.Dispose();
            throw new InputException($"{where.Text}: cannot use the PostgreSQL database ({Message(e)}); check the host, port, database and user, that the server runs, " +
                "and that PGPASSWORD (or ~/.pgpass) holds the password.", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static string Message(Exception e) => e is PostgresException p ? $"{p.SqlState}: {p.MessageText}" : (e.InnerException ?? e).Message.TrimEnd('.');

    /// <summary>True when the database holds this run.</summary>
    public bool HasRun => ReadSpec() is not null;

    public RunSpec? ReadSpec()
    {
        var json = Query("SELECT spec FROM mmsafe_runs WHERE run = @run", r => r.GetString(0)).FirstOrDefault();
        return json is null ? null : JsonSerializer.Deserialize<RunSpec>(json);
    }

    public void WriteSpec(RunSpec spec) =>
        Write("INSERT INTO mmsafe_runs VALUES (@run, @spec) ON CONFLICT (run) DO UPDATE SET spec = EXCLUDED.spec", ("spec", SpecJson.Get(spec).Json));

    public void SaveSamples(IReadOnlyList<Sample> samples) => Guard(() =>
    {
        using var connection = _db.OpenConnection();
        using var batch = new NpgsqlBatch(connection);
        for (int i = 0; i < samples.Count; i++)
            batch.BatchCommands.Add(Command(new NpgsqlBatchCommand("INSERT INTO mmsafe_samples VALUES (@run, @ord, @id, @body) ON CONFLICT DO NOTHING"),
                ("ord", i), ("id", samples[i].Id), ("body", JsonSerializer.Serialize(samples[i]))));
        using var transaction = connection.BeginTransaction();
        batch.Transaction = transaction;
        batch.ExecuteNonQuery();
        transaction.Commit();
        return 0;
    });

    public IReadOnlyList<Sample> Samples() => Query("SELECT body FROM mmsafe_samples WHERE run = @run ORDER BY ord", r => JsonSerializer.Deserialize<Sample>(r.GetString(0))!);

    // A worker that lost a sample's lease stores nothing for it: another worker owns it now, and its verdicts refer to its own answers.
    public Task SaveAsync(StoredAnswer a, CancellationToken cancellationToken = default) => !Holds(a.SampleId) ? Task.CompletedTask : WriteAsync(
        "INSERT INTO mmsafe_answers VALUES (@run, @id, @sample, @body) ON CONFLICT (run, sample_id, sample) DO UPDATE SET body = EXCLUDED.body",
        cancellationToken, ("id", a.SampleId), ("sample", a.Sample), ("body", JsonSerializer.Serialize(a)));

    public Task SaveAsync(StoredVerdict v, CancellationToken cancellationToken = default) => !Holds(v.SampleId) ? Task.CompletedTask : WriteAsync(
        "INSERT INTO mmsafe_verdicts VALUES (@run, @judge, @id, @sample, @aspect, @body) ON CONFLICT (run, judge, sample_id, sample, aspect) DO UPDATE SET body = EXCLUDED.body",
        cancellationToken, ("judge", v.Judge), ("id", v.SampleId), ("sample", v.Sample), ("aspect", v.Aspect), ("body", JsonSerializer.Serialize(v)));

    public Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default) => !Holds(score.Id) ? Task.CompletedTask : WriteAsync(
        "INSERT INTO mmsafe_scores VALUES (@run, @judge, @id, @body) ON CONFLICT (run, judge, sample_id) DO UPDATE SET body = EXCLUDED.body",
        cancellationToken, ("judge", judge), ("id", score.Id), ("body", JsonSerializer.Serialize(score)));

    public Task SaveAsync(RunEvent e, CancellationToken cancellationToken = default) =>
        WriteAsync("INSERT INTO mmsafe_events (run, body) VALUES (@run, @body)", cancellationToken, ("body", JsonSerializer.Serialize(e)));

    public IReadOnlyList<StoredAnswer> Answers() => Answers(null);

    public IReadOnlyList<StoredVerdict> Verdicts(string? judge = null) => Query(
        "SELECT body FROM mmsafe_verdicts WHERE run = @run AND (@judge::text IS NULL OR judge = @judge) ORDER BY judge COLLATE \"C\", sample_id COLLATE \"C\", sample, aspect COLLATE \"C\"",
        r => JsonSerializer.Deserialize<StoredVerdict>(r.GetString(0))!, ("judge", judge));

    public IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores() =>
        Query("SELECT s.judge, s.body FROM mmsafe_scores s LEFT JOIN mmsafe_samples m ON m.run = s.run AND m.id = s.sample_id WHERE s.run = @run ORDER BY m.ord",
                r => (Judge: r.GetString(0), Score: JsonSerializer.Deserialize<ItemScore>(r.GetString(1))!))
            .GroupBy(x => x.Judge).ToDictionary(g => g.Key, g => (IReadOnlyList<ItemScore>)[.. g.Select(x => x.Score)]);

    public IReadOnlyList<RunEvent> Events() => Query("SELECT body FROM mmsafe_events WHERE run = @run ORDER BY seq", r => JsonSerializer.Deserialize<RunEvent>(r.GetString(0))!);

    public Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT INTO mmsafe_captions VALUES (@run, @id, @identity, @caption) ON CONFLICT (run, sample_id) DO NOTHING",
        cancellationToken, ("id", sampleId), ("identity", identity), ("caption", caption));

    public IReadOnlyDictionary<string, string> Captions() =>
        Query("SELECT sample_id, caption FROM mmsafe_captions WHERE run = @run", r => (r.GetString(0), r.GetString(1))).ToDictionary(p => p.Item1, p => p.Item2);

    public Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default) => WriteAsync(
        "INSERT INTO mmsafe_batches (run, id, body) VALUES (@run, @id, @body) ON CONFLICT (run, id) DO UPDATE SET body = EXCLUDED.body",
        cancellationToken, ("id", batch.Id), ("body", JsonSerializer.Serialize(batch)));

    public IReadOnlyList<StoredBatch> Batches() =>
        Query("SELECT body FROM mmsafe_batches WHERE run = @run ORDER BY seq", r => JsonSerializer.Deserialize<StoredBatch>(r.GetString(0))!);

    public Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default) =>
        GuardAsync(token => ClaimOnceAsync(pending, max, token), cancellationToken);

    private async Task<IReadOnlyList<string>> ClaimOnceAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!_leasesMade)
        {
            await ExecuteAsync(connection, "INSERT INTO mmsafe_leases (run, sample_id) SELECT @run, unnest(@ids) ON CONFLICT DO NOTHING", cancellationToken, ("ids", pending.ToArray()));
            _leasesMade = true;
        }
        // Free, expired (its worker died) or already ours; rows another worker is claiming this instant are skipped, not waited for.
        // Samples no worker has claimed come first: one another worker released is most likely finished, and is only read
        // again (to see what is left of it) once nothing untouched remains.
        long sent = System.Diagnostics.Stopwatch.GetTimestamp();
        var claimed = await QueryAsync(connection, """
            WITH free AS (
                SELECT l.sample_id FROM mmsafe_leases l JOIN unnest(@ids) WITH ORDINALITY AS p(id, pos) ON p.id = l.sample_id
                WHERE l.run = @run AND (l.holder IS NULL OR l.holder = @me OR l.expires_at < now())
                ORDER BY l.worked_by IS NOT NULL, p.pos LIMIT @max FOR UPDATE OF l SKIP LOCKED)
            UPDATE mmsafe_leases l SET holder = @me, expires_at = now() + @lease, worked_by = @me
            FROM free WHERE l.run = @run AND l.sample_id = free.sample_id RETURNING l.sample_id
            """, r => r.GetString(0), cancellationToken, ("ids", pending.ToArray()), ("max", max), ("me", Worker), ("lease", _where.Lease)).ConfigureAwait(false);
        foreach (var id in claimed) _leases.Held(id, sent);
        return claimed;
    }

    public Task ReleaseAsync(string sampleId, CancellationToken cancellationToken = default) => _leases.Released(sampleId) ?? WriteAsync(
        "UPDATE mmsafe_leases SET holder = NULL, expires_at = NULL WHERE run = @run AND sample_id = @id AND holder = @me", cancellationToken, ("id", sampleId), ("me", Worker));

    public SampleRecords ReadSamples(IReadOnlyCollection<string> ids)
    {
        var array = ids.ToArray();
        var verdicts = Query("SELECT body FROM mmsafe_verdicts WHERE run = @run AND sample_id = ANY(@ids)", r => JsonSerializer.Deserialize<StoredVerdict>(r.GetString(0))!, ("ids", array));
        var scored = Query("SELECT judge, sample_id FROM mmsafe_scores WHERE run = @run AND sample_id = ANY(@ids)", r => (r.GetString(0), r.GetString(1)), ("ids", array));
        return new SampleRecords(Answers(array), verdicts, scored);
    }

    private List<StoredAnswer> Answers(string[]? ids) => Query(
        "SELECT body FROM mmsafe_answers WHERE run = @run AND (@ids::text[] IS NULL OR sample_id = ANY(@ids)) ORDER BY sample_id COLLATE \"C\", sample",
        r => JsonSerializer.Deserialize<StoredAnswer>(r.GetString(0))!, ("ids", ids));

    // While this process works, its leases stay alive; when it dies, they run out and another worker takes over.
    private void Renew()
    {
        try
        {
            long sent = System.Diagnostics.Stopwatch.GetTimestamp();
            var still = QueryOnce("UPDATE mmsafe_leases SET expires_at = now() + @lease WHERE run = @run AND holder = @me RETURNING sample_id",
                r => r.GetString(0), ("lease", _where.Lease), ("me", Worker));
            _leases.Renewed(still, sent);
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // A missed renewal only risks another worker taking a sample early; its results are read before it asks.
        }
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        try
        {
            WriteOnce("UPDATE mmsafe_leases SET holder = NULL, expires_at = NULL WHERE run = @run AND holder = @me", ("me", Worker));
        }
        catch (NpgsqlException)
        {
            // The server is gone; the leases run out by themselves.
        }
        _db.Dispose();
    }
}
