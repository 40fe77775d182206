using System.Formats.Tar;
using System.IO.Compression;

namespace MmSafe.Datasets.Fetch;

/// <summary>Unpacks .zip, .tar and .tar.gz archives, refusing entries that would land outside the target (zip-slip).</summary>
public static class ArchiveExtractor
{
    /// <param name="stripTo">Entries under a folder of this name (e.g. "images") keep their path below it; other entries keep their file name only.</param>
    /// <returns>The number of files written.</returns>
    public static int Extract(string archive, string target, string? stripTo = null)
    {
        Directory.CreateDirectory(target);
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        int written = 0;
        void Write(string entryName, Action<string> save)
        {
            var name = entryName.Replace('\\', '/');
            if (stripTo is not null)
            {
                int at = ("/" + name).IndexOf("/" + stripTo + "/", StringComparison.Ordinal);
                name = at >= 0 ? name[(at + stripTo.Length + 1)..] : Path.GetFileName(name);
            }
            if (name.Length == 0 || name.EndsWith('/') || Path.GetFileName(name).StartsWith("._", StringComparison.Ordinal) || name.Contains("__MACOSX", StringComparison.Ordinal)) return;
            var path = Path.GetFullPath(Path.Combine(target, name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
                throw new InputException($"{archive}: entry '{entryName}' would be written outside {target}; the archive is unsafe and was not unpacked further.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            save(path);
            written++;
        }
        try
        {
            if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                using var zip = ZipFile.OpenRead(archive);
                foreach (var entry in zip.Entries) Write(entry.FullName, path => entry.ExtractToFile(path, overwrite: true));
            }
            else
            {
                using var file = File.OpenRead(archive);
                using Stream stream = archive.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || archive.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
                    ? new GZipStream(file, CompressionMode.Decompress) : file;
                using var tar = new TarReader(stream);
                while (tar.GetNextEntry() is { } entry)
                    if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                        Write(entry.Name, path => entry.ExtractToFile(path, overwrite: true));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new InputException($"{archive}: not a readable .zip, .tar or .tar.gz archive ({e.Message}).", e);
        }
        return written;
    }
}
