using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Answers already paid for, in a SQLite file shared by all runs (default ~/.cache/mmsafe/responses.db).
/// The key is the endpoint, the model, the messages (images by SHA-256), the parameters and the
/// sample index, so a second run, another run directory or a re-judge asks nothing twice.
/// </summary>
public sealed class ResponseCache : IDisposable
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that tells samples of one request apart; never sent.</summary>
    public const string SampleKey = "mmsafe.sample";

    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ResponseCache(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        using var command = _db.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, at TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("MMSAFE_CACHE") is { Length: > 0 } path ? path
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mmsafe", "responses.db");

    public static string Key(string endpoint, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var text = new StringBuilder(endpoint).Append('\u241E');
        foreach (var message in messages)
        {
            text.Append(message.Role.Value).Append('\u241F');
            foreach (var content in message.Contents)
                text.Append(content switch
                {
                    TextContent t => "t:" + t.Text,
                    DataContent d => $"i:{d.MediaType}:{Convert.ToHexStringLower(SHA256.HashData(d.Data.Span))}",
                    _ => content.GetType().Name,
                }).Append('\u241F');
        }
        if (options is not null)
        {
            text.Append(FormattableString.Invariant($"T={options.Temperature};P={options.TopP};M={options.MaxOutputTokens};S={options.Seed};"));
            foreach (var (key, value) in (options.AdditionalProperties ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)) text.Append($"{key}={value};");
            if (options.ResponseFormat is ChatResponseFormatJson json) text.Append("F=").Append(json.Schema?.GetRawText() ?? "json");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public async Task<ChatResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _db.CreateCommand();
            command.CommandText = "SELECT response FROM responses WHERE key = $k";
            command.Parameters.AddWithValue("$k", key);
            return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<ChatResponse>(json, AIJsonUtilities.DefaultOptions) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task PutAsync(string key, ChatResponse response, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _db.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO responses VALUES ($k, $r, $at)";
            command.Parameters.AddWithValue("$k", key);
            command.Parameters.AddWithValue("$r", JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions));
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

/// <summary>Serves a request from the <see cref="ResponseCache"/> when it has been answered before; stores new answers.</summary>
public sealed class CachingChatClient(IChatClient inner, ResponseCache cache, string endpoint) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var key = ResponseCache.Key(endpoint, list, options);
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        if (IsPlainAnswer(response)) await cache.PutAsync(key, response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    // Refusals, filtered and policy-blocked answers are not kept: asking again is how they are retried.
    private static bool IsPlainAnswer(ChatResponse response) =>
        Completion.FromResponse(response, TimeSpan.Zero).All(c => c.Kind is CompletionKind.Completed or CompletionKind.Truncated);
}
