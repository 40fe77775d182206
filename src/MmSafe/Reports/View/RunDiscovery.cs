using MmSafe.Runs.Stores;

namespace MmSafe.Reports.View;

/// <summary>
/// The runs a viewer root holds: a run directory itself, the cells of an evaluation file that have started, or every
/// run directory under a folder (searched to <see cref="MaxDepth"/> levels; a run directory is not searched further).
/// </summary>
public static class RunDiscovery
{
    public const int MaxDepth = 6;

    /// <summary>How many directories one search looks at before it stops, so a root of a whole disk cannot stall the viewer.</summary>
    public const int MaxDirectories = 20_000;

    public static bool IsEvaluationFile(string path) =>
        (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) && File.Exists(path);

    /// <summary>The run locations under <paramref name="root"/>, in a stable order.</summary>
    /// <param name="cells">The started cells of an evaluation file (the evaluation layer knows them; reports do not).</param>
    /// <exception cref="InputException">The root does not exist.</exception>
    public static IReadOnlyList<string> Find(string root, Func<string, IReadOnlyList<string>>? cells = null)
    {
        if (IsEvaluationFile(root) && cells is not null) return [.. cells(root).Where(RunStores.Exists)];
        if (File.Exists(root))
            throw new InputException($"{root}: a file, not a folder of runs; give a folder of runs, a run directory or an evaluation file (.yaml).");
        if (!Directory.Exists(root))
            throw new InputException($"{root}: no such folder; give a folder of runs, a run directory or an evaluation file (default: the current folder).");
        var found = new List<string>();
        int seen = 0;
        void Walk(string dir, int depth)
        {
            if (++seen > MaxDirectories) return;
            if (SqliteRunStore.Exists(dir))
            {
                found.Add(dir);
                return;
            }
            if (depth >= MaxDepth) return;
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            foreach (var child in children)
            {
                var name = Path.GetFileName(child);
                if (name.StartsWith('.') || name is "node_modules" or "bin" or "obj") continue;
                if (new DirectoryInfo(child).LinkTarget is not null) continue; // no loops through links
                Walk(child, depth + 1);
            }
        }
        Walk(Path.GetFullPath(root), 0);
        return found;
    }
}
