namespace MmSafe.Runs.Stores;

/// <summary>Where a run lives: a directory (SQLite, the default) or a PostgreSQL location (<c>postgresql://…/DATABASE/RUN</c>).</summary>
public static class RunStores
{
    public static bool IsServer(string location) => PostgresLocation.Is(location);

    public static bool Exists(string location)
    {
        if (!IsServer(location)) return SqliteRunStore.Exists(location);
        using var store = PostgresRunStore.Open(location);
        return store.HasRun;
    }

    /// <summary>Opens an existing run to read it (score, report, compare, export); nothing is written.</summary>
    public static IRunStore OpenRead(string location) => IsServer(location) ? OpenExistingServer(location) : SqliteRunStore.OpenReadOnly(location);

    /// <summary>Opens an existing run to continue it.</summary>
    public static IRunStore OpenExisting(string location) => IsServer(location) ? OpenExistingServer(location) : SqliteRunStore.OpenExisting(location);

    private static PostgresRunStore OpenExistingServer(string location)
    {
        var store = PostgresRunStore.Open(location);
        if (store.HasRun) return store;
        store.Dispose();
        throw new InputException($"{PostgresLocation.Parse(location).Text}: the database holds no run of that name; start one with mmsafe run --out {location}.");
    }
}
