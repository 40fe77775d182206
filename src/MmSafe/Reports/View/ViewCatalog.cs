using System.Security.Cryptography;
using System.Text;
using MmSafe.Runs.Stores;

namespace MmSafe.Reports.View;

/// <summary>One run the viewer serves: an opaque id for URLs (never a path), where it lives, and how to show that.</summary>
public sealed record ViewRun(string Id, string Location, string Shown);

/// <summary>
/// The runs under a viewer's root, each read and scored once and kept until its change token moves. A version number
/// grows with every change seen, so a client asks "what changed since version N" and refetches only that.
/// </summary>
public sealed class ViewCatalog
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(400), ScanEvery = TimeSpan.FromSeconds(3);

    private sealed class Entry(ViewRun run)
    {
        public ViewRun Run { get; } = run;
        public string Token { get; set; } = "";
        public long ChangedAt { get; set; }
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public (string Token, RunReportData? Data, string? Error)? Loaded { get; set; }
    }

    private readonly string _root;
    private readonly Func<string, IReadOnlyList<string>> _find;
    private readonly Lock _lock = new();
    private Dictionary<string, Entry> _entries = [];
    private long _version, _listChangedAt;
    private DateTime _lastCheck = DateTime.MinValue, _lastScan = DateTime.MinValue;

    /// <exception cref="InputException">The root is not a folder, run or evaluation file, or the database cannot be read.</exception>
    /// <param name="cells">The run directories of an evaluation file's cells, when the root is one.</param>
    public ViewCatalog(string root, Func<string, IReadOnlyList<string>>? cells = null)
    {
        _root = root;
        _find = RunStores.IsServer(root) ? PostgresRunList.Find : r => RunDiscovery.Find(r, cells);
        Refresh(force: true);
    }

    public long Version { get { lock (_lock) return _version; } }

    public IReadOnlyList<ViewRun> Runs { get { lock (_lock) return [.. _entries.Values.Select(e => e.Run)]; } }

    public ViewRun? Find(string id) { lock (_lock) return _entries.GetValueOrDefault(id)?.Run; }

    /// <summary>Looks for new runs and changed ones (at most every 400 ms; the folder itself every 3 s); returns the version.</summary>
    public long Refresh(bool force = false)
    {
        var now = DateTime.UtcNow;
        Dictionary<string, Entry> entries;
        bool scan;
        lock (_lock)
        {
            if (!force && now - _lastCheck < CheckEvery) return _version;
            _lastCheck = now;
            scan = force || now - _lastScan >= ScanEvery;
            if (scan) _lastScan = now;
            entries = _entries;
        }
        if (scan)
        {
            var found = _find(_root);
            var next = found.Select(l => entries.Values.FirstOrDefault(e => e.Run.Location == l) ?? new Entry(new ViewRun(IdOf(l), l, Shown(l))))
                .DistinctBy(e => e.Run.Id).ToDictionary(e => e.Run.Id);
            bool listChanged = !next.Keys.ToHashSet().SetEquals(entries.Keys);
            entries = next;
            lock (_lock)
            {
                _entries = next;
                if (listChanged) _listChangedAt = ++_version;
            }
        }
        var tokens = entries.Values.Select(e => (Entry: e, Token: TokenOf(e.Run.Location))).ToList();
        lock (_lock)
        {
            var changed = tokens.Where(t => t.Token != t.Entry.Token).ToList();
            if (changed.Count > 0) _version++;
            foreach (var (entry, token) in changed)
            {
                entry.Token = token;
                entry.ChangedAt = _version;
            }
            return _version;
        }
    }

    /// <summary>Runs whose data changed after <paramref name="since"/>, and whether runs came or went.</summary>
    public (long Version, IReadOnlyList<string> Changed, bool ListChanged) ChangesSince(long since)
    {
        lock (_lock)
            return (_version, [.. _entries.Values.Where(e => e.ChangedAt > since).Select(e => e.Run.Id)], _listChangedAt > since);
    }

    /// <summary>The run read and scored as it is now (from the cache while its token has not moved); an error text when it cannot be read yet.</summary>
    public async Task<(RunReportData? Data, string? Error)> DataAsync(string id, CancellationToken cancellationToken = default)
    {
        Refresh();
        Entry? entry;
        lock (_lock) entry = _entries.GetValueOrDefault(id);
        if (entry is null) return (null, "no such run");
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string token;
            lock (_lock) token = entry.Token;
            if (entry.Loaded is { } loaded && loaded.Token == token) return (loaded.Data, loaded.Error);
            (RunReportData? Data, string? Error) result;
            try
            {
                result = (await Task.Run(() => Load(entry.Run.Location), cancellationToken).ConfigureAwait(false), null);
            }
            catch (InputException e)
            {
                result = (null, e.Message);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or Npgsql.NpgsqlException)
            {
                // Read while a writer checkpointed, or the server went away: shown as not readable, read again on the next change.
                result = (null, $"{entry.Run.Shown}: cannot be read right now ({e.Message.TrimEnd('.')}).");
            }
            entry.Loaded = (token, result.Data, result.Error);
            return result;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static RunReportData Load(string location)
    {
        using var store = RunStores.IsServer(location) ? RunStores.OpenRead(location) : SqliteRunStore.OpenReadOnly(location, leaveNoTrace: true);
        return RunReportData.From(store.Read());
    }

    private static string TokenOf(string location)
    {
        try
        {
            return RunChangeToken.Of(location);
        }
        catch (Exception e) when (e is InputException or IOException or Npgsql.NpgsqlException)
        {
            return "unreadable";
        }
    }

    private string Shown(string location)
    {
        if (RunStores.IsServer(location) || RunStores.IsServer(_root)) return location;
        var baseDir = RunDiscovery.IsEvaluationFile(_root) ? Path.GetDirectoryName(Path.GetFullPath(_root))! : Path.GetFullPath(_root);
        var relative = Path.GetRelativePath(baseDir, Path.GetFullPath(location));
        return relative == "." ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(location))) : relative;
    }

    private static string IdOf(string location) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RunStores.IsServer(location) ? location : Path.GetFullPath(location))))[..12];
}
