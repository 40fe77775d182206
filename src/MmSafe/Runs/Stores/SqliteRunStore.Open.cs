using Microsoft.Data.Sqlite;

namespace MmSafe.Runs.Stores;

/// <summary>How a run store is opened: for writing (created or migrated), existing, or read-only.</summary>
public sealed partial class SqliteRunStore
{
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>Opens a run directory that must already hold a run.</summary>
    public static SqliteRunStore OpenExisting(string directory)
    {
        if (!Exists(directory)) throw new InputException($"{directory}: not a run directory (no {FileName}); create one with mmsafe run --out.");
        var store = Open(directory);
        if (store.ReadSpec() is not null) return store;
        store.Dispose();
        throw new InputException($"{directory}: the run has no spec; start it again with mmsafe run --out.");
    }

    /// <summary>
    /// Opens an existing run for reading only (score, report, compare, export): nothing is written, so a run on a
    /// read-only disk, or one another process is writing, can be read.
    /// </summary>
    /// <param name="leaveNoTrace">Create no file either (mmsafe view): a run no process is writing (no -wal file) is read as an
    /// immutable file, since even a read-only connection to a WAL database makes a -shm file beside it.</param>
    public static SqliteRunStore OpenReadOnly(string directory, bool leaveNoTrace = false)
    {
        if (!Exists(directory)) throw new InputException($"{directory}: not a run directory (no {FileName}); create one with mmsafe run --out.");
        var path = Path.Combine(directory, FileName);
        SqliteConnection? db = null;
        try
        {
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = leaveNoTrace && !File.Exists(path + "-wal") ? new Uri(Path.GetFullPath(path)).AbsoluteUri + "?immutable=1" : path,
                Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            db.Open();
            Execute(db, "PRAGMA busy_timeout = 5000;");
            try
            {
                Scalar(db, "SELECT COUNT(*) FROM meta");
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 && !File.Exists(path + "-wal"))
            {
                // A WAL database in a directory we may not write (no -shm can be made): with no -wal file, every row
                // is in run.db itself, so it can be read as an immutable file.
                db.Dispose();
                db = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = new Uri(Path.GetFullPath(path)).AbsoluteUri + "?immutable=1", Mode = SqliteOpenMode.ReadOnly, Pooling = false,
                }.ToString());
                db.Open();
            }
            var schema = Scalar(db, "SELECT value FROM meta WHERE key = 'schema'") as string;
            if (!Readable(schema))
                throw new InputException($"{directory}: the run store has schema {schema ?? "none"}; this mmsafe reads schema {SchemaVersion}. Use the mmsafe version that made it, or start a new run.");
            var store = new SqliteRunStore(db, directory);
            if (store.ReadSpec() is null) throw new InputException($"{directory}: the run has no spec; start it again with mmsafe run --out.");
            return store;
        }
        catch (SqliteException e)
        {
            db?.Dispose();
            throw new InputException(e.SqliteErrorCode is 26 or 11
                ? $"{path}: not a readable run store ({e.Message.TrimEnd('.')}); it is damaged or not MmSafe's. Move it aside and start the run again with --out, or restore it from a copy."
                : $"{path}: cannot read the run store ({e.Message.TrimEnd('.')}).", e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    public static SqliteRunStore Open(string directory)
    {
        SqliteConnection? db = null;
        try
        {
            Directory.CreateDirectory(directory);
            db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, FileName), Pooling = false }.ToString());
            db.Open();
            CreateOrMigrate(db, directory);
            return new SqliteRunStore(db, directory);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
        {
            db?.Dispose();
            throw new InputException($"{Path.Combine(directory, FileName)}: not a readable run store ({e.Message.TrimEnd('.')}); it is damaged or not MmSafe's. " +
                "Move it aside and start the run again with --out, or restore it from a copy.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            db?.Dispose();
            throw new InputException($"{directory}: cannot create or open the run store there ({e.Message}); choose a writable directory with --out.", e);
        }
    }
}
