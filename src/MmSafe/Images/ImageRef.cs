namespace MmSafe.Images;

/// <summary>
/// Where a dataset item's image lives. Loading a dataset creates these without touching the
/// files; bytes are read only when an image is about to be sent.
/// </summary>
/// <param name="Root">The data root the image must stay inside.</param>
/// <param name="RelativePath">The path as written in the dataset file.</param>
/// <param name="FullPath">The absolute path of the image file.</param>
public sealed record ImageRef(string Root, string RelativePath, string FullPath)
{
    /// <summary>Reads the image and its header. Throws <see cref="InputException"/> when the
    /// file is missing, leaves the data root through a symlink, or is not a supported image.</summary>
    public async Task<ImageData> ReadAsync(CancellationToken cancellationToken = default)
    {
        EnsureInsideRoot();
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{FullPath}: image file not found (listed as '{RelativePath}').", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException($"{FullPath}: image file cannot be read ({e.Message}).", e);
        }
        var format = ImageHeader.TryRead(bytes)
            ?? throw new InputException($"{FullPath}: not a PNG, JPEG, GIF or WebP image (header bytes not recognised).");
        return new ImageData(bytes, format);
    }

    /// <summary>Reads only the header; for checks over a whole dataset.</summary>
    public ImageFormat? ReadFormat()
    {
        EnsureInsideRoot();
        using var stream = File.OpenRead(FullPath);
        var prefix = new byte[Math.Min(stream.Length, ImageHeader.TypicalPrefixLength)];
        stream.ReadExactly(prefix);
        var format = ImageHeader.TryRead(prefix);
        if (format is null && stream.Length > prefix.Length && prefix.Length > 2 && prefix[0] == 0xFF && prefix[1] == 0xD8)
            format = ImageHeader.TryRead(File.ReadAllBytes(FullPath)); // JPEG with very large metadata
        return format;
    }

    /// <summary>Rejects an image reached through a symlink that points outside the data root.</summary>
    public void EnsureInsideRoot()
    {
        bool inside;
        try
        {
            inside = ImagePaths.IsInside(ImagePaths.RealPath(Root), ImagePaths.RealPath(FullPath));
        }
        catch (IOException e)
        {
            throw new InputException($"{FullPath}: cannot resolve image '{RelativePath}' ({e.Message}); check for a symlink loop.", e);
        }
        if (!inside)
            throw new InputException($"{FullPath}: image '{RelativePath}' resolves outside the data root {Root} (through a symlink); images must stay inside the data root.");
    }
}
