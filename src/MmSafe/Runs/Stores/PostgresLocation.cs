using Npgsql;

namespace MmSafe.Runs.Stores;

/// <summary>
/// A run in a PostgreSQL database: <c>postgresql://USER@HOST:PORT/DATABASE/RUN-NAME[?lease_seconds=60]</c>. The run name
/// may contain slashes. The password is never part of the URL (it would end up in specs, logs and shell history):
/// it comes from <c>PGPASSWORD</c> or the password file (<c>~/.pgpass</c>, <c>PGPASSFILE</c>).
/// </summary>
public sealed record PostgresLocation(string Text, string ConnectionString, string Run, TimeSpan Lease)
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(60);

    public static bool Is(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    public static PostgresLocation Parse(string location)
    {
        const string expected = "expected postgresql://USER@HOST:PORT/DATABASE/RUN-NAME";
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new InputException($"{location}: not a PostgreSQL run location; {expected}.");
        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        if (userInfo.Contains(':'))
            throw new InputException($"postgresql://…@{uri.Host}: the URL holds a password; remove it and set PGPASSWORD (or use ~/.pgpass), so that it is never stored or shown.");
        var segments = uri.AbsolutePath.Trim('/').Split('/', 2);
        if (segments.Length < 2 || segments[0].Length == 0 || segments[1].Length == 0)
            throw new InputException($"{location}: no database and run name; {expected} (the run name tells runs apart in one database).");
        var lease = DefaultLease;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair.Split('=', 2)[0], pair.Contains('=') ? Uri.UnescapeDataString(pair.Split('=', 2)[1]) : "");
            lease = key == "lease_seconds"
                ? double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 86400 ? TimeSpan.FromSeconds(s)
                    : throw new InputException($"{location}: lease_seconds is '{value}'; expected a number of seconds from 1 to 86400.")
                : throw new InputException($"{location}: unknown parameter '{key}'; expected lease_seconds.");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(segments[0]),
            ApplicationName = "mmsafe",
            Timeout = 15,
        };
        if (userInfo.Length > 0) builder.Username = userInfo;
        var shown = $"{uri.Scheme}://{(userInfo.Length > 0 ? userInfo + "@" : "")}{uri.Host}:{builder.Port}/{segments[0]}/{segments[1]}";
        return new PostgresLocation(shown, builder.ConnectionString, Uri.UnescapeDataString(segments[1]), lease);
    }
}
