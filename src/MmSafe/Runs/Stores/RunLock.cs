using System.Text.Json;

namespace MmSafe.Runs.Stores;

/// <summary>
/// One process at a time works on a run directory: an exclusive lock on <c>run.lock</c> (released by the operating
/// system when the process ends, even by SIGKILL), with the holder's pid, host and start time beside it in
/// <c>run.lock.holder</c> so that a second process can say who holds it.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";

    private readonly FileStream _lock;
    private readonly string _holderFile;

    private RunLock(FileStream stream, string holderFile)
    {
        _lock = stream;
        _holderFile = holderFile;
    }

    /// <summary>Takes the lock, or throws <see cref="InputException"/> naming the process that holds it.</summary>
    public static RunLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var holderFile = path + ".holder";
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{directory}: cannot create or open the run store there ({e.Message}); choose a writable directory with --out.", e);
        }
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(holderFile, JsonSerializer.Serialize(new Holder(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow)));
            return new RunLock(stream, holderFile);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InputException($"{directory}: the run is in use by {Describe(holderFile)}; wait for it to finish, or stop it, then run the command again.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException($"{directory}: cannot lock the run directory ({e.Message}); choose a writable directory.", e);
        }
    }

    private static string Describe(string holderFile)
    {
        try
        {
            var holder = JsonSerializer.Deserialize<Holder>(File.ReadAllText(holderFile));
            if (holder is not null) return $"process {holder.Pid} on {holder.Host} (since {holder.Since:yyyy-MM-dd HH:mm:ss} UTC)";
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
        }
        return "another process";
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_holderFile);
        }
        catch (IOException)
        {
        }
        _lock.Dispose();
    }

    private sealed record Holder(int Pid, string Host, DateTimeOffset Since);
}
