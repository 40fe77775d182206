using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Answers already paid for, in a SQLite file shared by all runs (default ~/.cache/mmsafe/responses.db), keyed by
/// the request identity the run store also uses (<see cref="Runs.RequestIdentity"/>): model and endpoint, messages
/// with image hashes, the parameters sent, the sample number and the aspect. Two samples of one item therefore never
/// share an entry. Only real answers are kept: refusals, filtered, empty and malformed replies are asked again.
/// </summary>
public sealed class ResponseCache : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ResponseCache(string path)
    {
        if (Directory.Exists(path))
            throw new InputException($"{path}: is a directory; the response cache is a SQLite file: pass --cache {Path.Combine(path, "responses.db")}, or --cache off.");
        for (var above = Path.GetDirectoryName(Path.GetFullPath(path)); above is not null; above = Path.GetDirectoryName(above))
            if (File.Exists(above))
                throw new InputException($"{path}: {above} is a file, so no cache can be made below it; pass --cache FILE with a path in a directory, or --cache off.");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _db.Open();
            using var command = _db.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS answers (identity TEXT PRIMARY KEY, completion TEXT NOT NULL, at TEXT NOT NULL);
                """;
            command.ExecuteNonQuery();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new InputException($"{path}: cannot open the response cache ({e.Message}); pass --cache FILE with a writable path, or --cache off.", e);
        }
    }

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("MMSAFE_CACHE") is { Length: > 0 } path ? path
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mmsafe", "responses.db");

    public async Task<Completion?> GetAsync(string identity, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _db.CreateCommand();
            command.CommandText = "SELECT completion FROM answers WHERE identity = $k";
            command.Parameters.AddWithValue("$k", identity);
            return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<Completion>(json) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task PutAsync(string identity, Completion completion, CancellationToken cancellationToken = default)
    {
        if (completion.Kind is not (CompletionKind.Completed or CompletionKind.Truncated)) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _db.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO answers VALUES ($k, $c, $at)";
            command.Parameters.AddWithValue("$k", identity);
            command.Parameters.AddWithValue("$c", JsonSerializer.Serialize(completion));
            command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        _gate.Dispose();
    }
}
