using System.Buffers;

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
        using var pooled = await ReadPooledAsync(cancellationToken).ConfigureAwait(false);
        return new ImageData(pooled.Image.Bytes.ToArray(), pooled.Image.Format);
    }

    /// <summary>
    /// Reads the image into a buffer rented from <see cref="ArrayPool{T}.Shared"/>, returned when the lease is
    /// disposed: a run reads thousands of images of a few hundred KB, and fresh arrays for each cost page faults and
    /// large-object collections. The image must not be used after the lease is disposed.
    /// </summary>
    public async Task<PooledImage> ReadPooledAsync(CancellationToken cancellationToken = default)
    {
        EnsureInsideRoot();
        byte[]? buffer = null;
        try
        {
            using var file = new FileStream(FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous);
            long length = file.Length;
            if (length > int.MaxValue) throw new InputException($"{FullPath}: image file is too large ({length} bytes).");
            buffer = ArrayPool<byte>.Shared.Rent((int)length);
            int read = 0;
            while (read < length)
            {
                int n = await file.ReadAsync(buffer.AsMemory(read, (int)length - read), cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                read += n;
            }
            var bytes = buffer.AsMemory(0, read);
            var format = ImageHeader.TryRead(bytes.Span)
                ?? throw new InputException($"{FullPath}: not a PNG, JPEG, GIF or WebP image (header bytes not recognised).");
            var lease = new PooledImage(new ImageData(bytes, format), buffer);
            buffer = null;
            return lease;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{FullPath}: image file not found (listed as '{RelativePath}').", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException($"{FullPath}: image file cannot be read ({e.Message}).", e);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <summary>Whether the file starts as a PNG, JPEG, GIF or WebP image does; reads only its first bytes.</summary>
    public bool HasImageSignature()
    {
        EnsureInsideRoot();
        using var stream = File.OpenRead(FullPath);
        Span<byte> prefix = stackalloc byte[ImageHeader.SignatureLength];
        return ImageHeader.HasSignature(prefix[..stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false)]);
    }

    /// <summary>Rejects an image reached through a symlink that points outside the data root.</summary>
    public void EnsureInsideRoot()
    {
        bool inside;
        try
        {
            inside = ImagePaths.IsInside(ImagePaths.RealRoot(Root), ImagePaths.RealPathUnder(Root, FullPath));
        }
        catch (IOException e)
        {
            throw new InputException($"{FullPath}: cannot resolve image '{RelativePath}' ({e.Message}); check for a symlink loop.", e);
        }
        if (!inside)
            throw new InputException($"{FullPath}: image '{RelativePath}' resolves outside the data root {Root} (through a symlink); images must stay inside the data root.");
    }
}

/// <summary>An image read into a pooled buffer; disposing returns the buffer.</summary>
public sealed class PooledImage(ImageData image, byte[] buffer) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ImageData Image { get; } = image;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b) ArrayPool<byte>.Shared.Return(b);
    }
}
