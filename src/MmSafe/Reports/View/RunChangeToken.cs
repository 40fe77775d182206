using MmSafe.Runs.Stores;

namespace MmSafe.Reports.View;

/// <summary>
/// What tells a viewer cheaply that a run changed: for SQLite the length and last write time of run.db and its WAL
/// (a few stat calls, no query; every commit touches one of them), for PostgreSQL the counts of its rows.
/// </summary>
public static class RunChangeToken
{
    public static string Of(string location)
    {
        if (RunStores.IsServer(location)) return PostgresRunList.Token(location);
        var db = new FileInfo(Path.Combine(location, SqliteRunStore.FileName));
        var wal = new FileInfo(db.FullName + "-wal");
        return $"{Stat(db)}|{Stat(wal)}";
    }

    private static string Stat(FileInfo file)
    {
        file.Refresh();
        return file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "-";
    }
}
