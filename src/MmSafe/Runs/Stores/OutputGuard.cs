namespace MmSafe.Runs.Stores;

/// <summary>
/// An output file a command is told to write (a report, a certificate, a labelling sheet) must not be one of a run
/// directory's own files: writing a certificate over <c>run.db</c> would destroy every answer the run holds.
/// </summary>
public static class OutputGuard
{
    /// <exception cref="InputException">The path is a run store's file (run.db and its journal, the run's lock).</exception>
    public static void RefuseRunFile(string path, string flag)
    {
        var full = Path.GetFullPath(path);
        var name = Path.GetFileName(full);
        var folder = Path.GetDirectoryName(full);
        bool storeFile = name.StartsWith(SqliteRunStore.FileName, StringComparison.Ordinal) || name.StartsWith(RunLock.FileName, StringComparison.Ordinal);
        if (storeFile && folder is not null && SqliteRunStore.Exists(folder))
            throw new InputException($"{flag} {path}: that is the run store of {folder}, and writing there would destroy the run; name another file.");
    }
}
