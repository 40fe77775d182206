using MmSafe.Runs.Stores;
using Npgsql;

namespace MmSafe.Reports.View;

/// <summary>
/// The runs of a PostgreSQL database under a name prefix (<c>postgresql://USER@HOST:PORT/DATABASE[/PREFIX]</c>), and a
/// cheap token of each run's row counts. Every session is read-only (<c>default_transaction_read_only</c>): the viewer
/// never writes a run.
/// </summary>
public static class PostgresRunList
{
    /// <summary>The run locations whose name starts with the URL's prefix (all runs of the database without one).</summary>
    public static IReadOnlyList<string> Find(string url)
    {
        var (location, prefix) = Parse(url);
        try
        {
            using var connection = Open(location);
            using var command = new NpgsqlCommand("SELECT run FROM mmsafe_runs WHERE starts_with(run, @prefix) ORDER BY run COLLATE \"C\"", connection);
            command.Parameters.AddWithValue("prefix", prefix);
            var runs = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read()) runs.Add(LocationOf(location, reader.GetString(0)));
            return runs;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // a database no run was ever stored in
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InputException($"{url}: cannot read the database ({e.Message.TrimEnd('.')}); check the host, port, database and PGPASSWORD.", e);
        }
    }

    /// <summary>Changes whenever a result or event of the run is stored.</summary>
    public static string Token(string runLocation)
    {
        var location = PostgresLocation.Parse(runLocation);
        using var connection = Open(location);
        using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM mmsafe_answers WHERE run = @run) || ':' || (SELECT count(*) FROM mmsafe_verdicts WHERE run = @run) || ':' || " +
            "(SELECT count(*) FROM mmsafe_scores WHERE run = @run) || ':' || (SELECT coalesce(max(seq), 0) FROM mmsafe_events WHERE run = @run)", connection);
        command.Parameters.AddWithValue("run", location.Run);
        return command.ExecuteScalar() as string ?? "";
    }

    private static (PostgresLocation Location, string Prefix) Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new InputException($"{url}: not a PostgreSQL location; expected postgresql://USER@HOST:PORT/DATABASE[/RUN-PREFIX].");
        var segments = uri.AbsolutePath.Trim('/').Split('/', 2);
        if (segments[0].Length == 0) throw new InputException($"{url}: no database; expected postgresql://USER@HOST:PORT/DATABASE[/RUN-PREFIX].");
        var prefix = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : "";
        var withRun = new UriBuilder(uri) { Path = "/" + segments[0] + "/_" }.Uri.ToString();
        return (PostgresLocation.Parse(withRun), prefix);
    }

    private static string LocationOf(PostgresLocation database, string run) =>
        database.Text[..database.Text.LastIndexOf('/')] + "/" + run;

    private static NpgsqlConnection Open(PostgresLocation location)
    {
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString) { Options = "-c default_transaction_read_only=on", Timeout = 5 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }
}
