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
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
                current = Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current);
        }
        return current;
    }
}
