using System.Security.Cryptography;
using MmSafe.Images;
using SkiaSharp;

namespace MmSafe.Reports.Html;

/// <summary>
/// The report's images: each distinct image file once, downscaled to a WebP thumbnail (at most 240 px a side), kept in
/// one JSON block that the page's script turns into lazily loaded <c>img</c> sources. A full VLSBench run
/// of 300 KB images so becomes a report of tens of MB instead of hundreds (BENCHMARKS.md).
/// </summary>
internal sealed class Thumbnails(int capKb)
{
    private const int MaxSide = 240, Quality = 60;

    // WebP bytes, base64-encoded only as they are written out.
    private readonly Dictionary<string, byte[]> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Key, string? Note)> _byPath = new(StringComparer.Ordinal);

    public int Count => _byKey.Count;

    /// <summary>The key of the image's thumbnail, or a note saying why it is not shown.</summary>
    public (string? Key, string? Note) Add(ImageRef image)
    {
        if (_byPath.TryGetValue(image.FullPath, out var known)) return known;
        var result = Make(image);
        _byPath[image.FullPath] = result;
        return result;
    }

    private (string? Key, string? Note) Make(ImageRef image)
    {
        try
        {
            var info = new FileInfo(image.FullPath);
            if (!info.Exists) return (null, $"Image {image.RelativePath} is missing.");
            if (info.Length > capKb * 1024L) return (null, $"Image {image.RelativePath} not shown: {info.Length / 1024} KB is over the {capKb} KB cap (--image-cap-kb).");
            image.EnsureInsideRoot();
            var bytes = File.ReadAllBytes(image.FullPath);
            var key = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            if (_byKey.ContainsKey(key)) return (key, null);
            var (webp, note) = Webp(bytes, image.RelativePath);
            if (webp is null) return (null, note);
            _byKey[key] = webp;
            return (key, null);
        }
        catch (InputException e)
        {
            return (null, e.Message);
        }
        catch (IOException e)
        {
            return (null, $"Image {image.RelativePath} cannot be read ({e.Message}).");
        }
    }

    /// <summary>The image downscaled to a WebP thumbnail (at most 240 px a side), or a note saying why there is none.</summary>
    internal static (byte[]? Webp, string? Note) Webp(byte[] bytes, string shown)
    {
        try
        {
            if (ImageHeader.TryRead(bytes) is null) return (null, $"Image {shown} is not a PNG, JPEG, GIF or WebP.");
            // A codec first: SKBitmap.Decode(byte[]) throws (not returns null) when no codec can read the data, as for a truncated file.
            using var data = SKData.CreateCopy(bytes);
            using var codec = SKCodec.Create(data);
            using var decoded = codec is null ? null : SKBitmap.Decode(codec);
            if (decoded is null) return (null, $"Image {shown} could not be decoded.");
            double scale = Math.Min(1, (double)MaxSide / Math.Max(decoded.Width, decoded.Height));
            var size = new SKImageInfo(Math.Max(1, (int)(decoded.Width * scale)), Math.Max(1, (int)(decoded.Height * scale)));
            using var small = scale < 1 ? decoded.Resize(size, new SKSamplingOptions(SKFilterMode.Linear)) : decoded.Copy();
            using var webp = small?.Encode(SKEncodedImageFormat.Webp, Quality);
            return webp is null ? (null, $"Image {shown} could not be made into a thumbnail.") : (webp.ToArray(), null);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            // The tool ships SkiaSharp's native library for 64-bit Windows, Linux (glibc) and macOS only (MmSafe.Cli.csproj).
            return (null, $"Image {shown} not shown: thumbnails need SkiaSharp's native library, which the tool does not ship for " +
                $"{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}.");
        }
    }

    /// <summary>A data block (not a script: it never runs); JSON-escaped so no text can close the element.</summary>
    // Keys are hex and values "data:image/webp;base64,…": nothing to escape, so each entry is written as it is.
    public void WriteTo(TextWriter writer)
    {
        writer.Write("<script type=\"application/json\" id=\"mmsafe-images\">{");
        bool first = true;
        foreach (var (key, value) in _byKey)
        {
            if (!first) writer.Write(',');
            first = false;
            writer.Write('"');
            writer.Write(key);
            writer.Write("\":\"data:image/webp;base64,");
            writer.Write(Convert.ToBase64String(value));
            writer.Write('"');
        }
        writer.Write("}</script>");
    }
}
