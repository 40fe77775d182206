using Npgsql;
using Polly;
using Polly.Retry;

namespace MmSafe.Runs.Stores;

/// <summary>The statements' plumbing: pooled connections, every statement bound to the run, transient failures retried.</summary>
public sealed partial class PostgresRunStore
{
    // A dropped connection or a server restart is retried; what cannot be done after that stops the run cleanly.
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
        MaxRetryAttempts = 5,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(200),
    }).Build();

    private Task WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) => GuardAsync(async token =>
    {
        await using var connection = await _db.OpenConnectionAsync(token).ConfigureAwait(false);
        await ExecuteAsync(connection, sql, token, parameters).ConfigureAwait(false);
        return 0;
    }, cancellationToken);

    private void Write(string sql, params (string Name, object? Value)[] parameters) => Guard(() => WriteOnce(sql, parameters));

    // Not retried: the lease timer and Dispose must not wait out a dead server.
    private int WriteOnce(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = _db.OpenConnection();
        using var command = Command(new NpgsqlCommand(sql, connection), parameters);
        return command.ExecuteNonQuery();
    }

    private List<T> QueryOnce<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var connection = _db.OpenConnection();
        using var command = Command(new NpgsqlCommand(sql, connection), parameters);
        using var r = command.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    private T Guard<T>(Func<T> work)
    {
        try
        {
            return Retry.Execute(work);
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(e);
        }
    }

    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.ExecuteAsync(async token => await work(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(e);
        }
    }

    // Once the store has failed, the pipeline starts nothing new (IsUnavailable): an answer that cannot be stored is paid for twice.
    private StoreUnavailableException Unavailable(NpgsqlException e)
    {
        _unavailable = true;
        return Failure(e);
    }

    private StoreUnavailableException Failure(NpgsqlException e) => new(
        $"{Location}: the PostgreSQL store failed ({Message(e)}); every result stored so far is kept, and the same command continues the run once the server answers again.", e);

    private async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(new NpgsqlCommand(sql, connection), parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        Guard(() => QueryOnce(sql, read, parameters));

    private async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(new NpgsqlCommand(sql, connection), parameters);
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(read(r));
        return list;
    }

    // Every statement is about this store's run; @run is always bound.
    private T Command<T>(T command, params (string Name, object? Value)[] parameters) where T : class
    {
        var list = command switch { NpgsqlCommand c => c.Parameters, NpgsqlBatchCommand b => b.Parameters, _ => throw new ArgumentException(null, nameof(command)) };
        list.AddWithValue("run", _where.Run);
        foreach (var (name, value) in parameters)
            list.Add(value is null ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text | (name == "ids" ? NpgsqlTypes.NpgsqlDbType.Array : 0)) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        return command;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
