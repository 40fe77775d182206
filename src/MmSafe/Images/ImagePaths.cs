namespace MmSafe.Images;

/// <summary>Keeps dataset image paths inside their data root.</summary>
public static class ImagePaths
{
    /// <summary>
    /// Resolves a dataset's relative image path, or returns why it is not acceptable: absolute
    /// paths, drive letters and <c>..</c> segments could make a dataset file read any file on
    /// the machine and send it to a remote model.
    /// </summary>
    public static string? Resolve(string root, string relative, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(relative))
            problem = "image path is empty";
        else if (Path.IsPathRooted(relative) || relative.StartsWith('/') || relative.StartsWith('\\') || relative.Contains(':'))
            problem = $"image path '{relative}' is absolute; expected a path relative to the data root";
        else if (relative.Split('/', '\\').Any(segment => segment == ".."))
            problem = $"image path '{relative}' contains '..'; expected a path inside the data root";
        if (problem is not null) return null;

        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!IsInside(Path.GetFullPath(root), full))
        {
            problem = $"image path '{relative}' leaves the data root";
            return null;
        }
        return full;
    }

    public static bool IsInside(string root, string path)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The path with every symlink along it resolved; parts that do not exist are kept as written.</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        return Resolve(root, full[root.Length..]);
    }

    // The data roots' own real paths, resolved once per process: each image's check and read resolves only its part below the root.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RealRoots = new(StringComparer.Ordinal);

    /// <summary>
    /// The real path of <paramref name="path"/>, a path under the data root <paramref name="root"/>: the root's real path
    /// (resolved once per process) with the symlinks of the rest resolved, as <see cref="RealPath"/> would give.
    /// </summary>
    public static string RealPathUnder(string root, string path)
    {
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(path);
        if (!IsInside(fullRoot, full)) return RealPath(full);
        var realRoot = RealRoot(fullRoot);
        return Resolve(realRoot, full[(Path.EndsInDirectorySeparator(fullRoot) ? fullRoot.Length : fullRoot.Length + 1)..]);
    }

    /// <summary>The real path of a data root, resolved once per process.</summary>
    public static string RealRoot(string root) => RealRoots.GetOrAdd(Path.GetFullPath(root), RealPath);

    private static string Resolve(string start, string rest)
    {
        var current = start;
        foreach (var part in rest.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            // One readlink: null when the part is not a link or does not exist (a dangling link is kept as written).
            var info = new FileInfo(current);
            if (info.LinkTarget is not null && Path.Exists(current))
                current = Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current);
        }
        return current;
    }
}
