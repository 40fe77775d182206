using System.Security.Cryptography;
using MmSafe.Images;

namespace MmSafe.Interchange;

/// <summary>The SHA-256 of each image file, read once per file; null for an image no longer at its place (or outside its data root).</summary>
internal sealed class ImageHashes
{
    private readonly Dictionary<string, string?> _known = new(StringComparer.Ordinal);

    /// <summary>The image's path from the data root, with forward slashes (the dataset file may name it from a folder below).</summary>
    public static string RelativePath(ImageRef image) => Path.GetRelativePath(image.Root, image.FullPath).Replace('\\', '/');

    public string? Of(ImageRef image)
    {
        if (_known.TryGetValue(image.FullPath, out var hash)) return hash;
        try
        {
            image.EnsureInsideRoot();
            using var file = File.OpenRead(image.FullPath);
            hash = Convert.ToHexStringLower(SHA256.HashData(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputException)
        {
            hash = null;
        }
        return _known[image.FullPath] = hash;
    }
}
