using MmSafe.Images;
using MmSafe.Reports.Html;

namespace MmSafe.Reports.View;

/// <summary>
/// A sample's images on demand: the file's bytes with its real media type, or a WebP thumbnail made once and kept in a
/// bounded memory cache (the least recently used go first).
/// </summary>
public sealed class ViewImages(long maxCachedBytes = 64L * 1024 * 1024)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string Key, byte[] Bytes)> _order = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Bytes)>> _cache = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>The image's bytes and media type; null with a reason when the file is missing, outside its data root or not an image.</summary>
    public static async Task<(byte[]? Bytes, string? MediaType, string? Problem)> FullAsync(ImageRef image, CancellationToken cancellationToken = default)
    {
        try
        {
            var data = await image.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (data.Bytes.ToArray(), data.MediaType, null);
        }
        catch (InputException e)
        {
            return (null, null, e.Message);
        }
        catch (IOException e)
        {
            return (null, null, $"Image {image.RelativePath} cannot be read ({e.Message}).");
        }
    }

    /// <summary>The image as a WebP thumbnail; null with a reason when there is none.</summary>
    public async Task<(byte[]? Webp, string? Problem)> ThumbAsync(ImageRef image, CancellationToken cancellationToken = default)
    {
        var key = image.FullPath;
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return (node.Value.Bytes, null);
            }
        }
        var (bytes, _, problem) = await FullAsync(image, cancellationToken).ConfigureAwait(false);
        if (bytes is null) return (null, problem);
        var (webp, note) = Thumbnails.Webp(bytes, image.RelativePath);
        if (webp is null) return (null, note);
        lock (_lock)
        {
            if (!_cache.ContainsKey(key))
            {
                _cache[key] = _order.AddFirst((key, webp));
                _bytes += webp.Length;
                while (_bytes > maxCachedBytes && _order.Last is { } last)
                {
                    _order.RemoveLast();
                    _cache.Remove(last.Value.Key);
                    _bytes -= last.Value.Bytes.Length;
                }
            }
        }
        return (webp, null);
    }
}
