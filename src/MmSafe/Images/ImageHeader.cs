using System.Buffers.Binary;

namespace MmSafe.Images;

/// <summary>
/// Reads the media type and pixel size from an image's first bytes (PNG IHDR, JPEG SOF, GIF
/// logical screen, WebP VP8/VP8L/VP8X). The file name is never consulted: datasets contain
/// JPEGs named .png, and the official scripts guess wrongly from the name or base64 prefix.
/// </summary>
public static class ImageHeader
{
    /// <summary>Bytes that are enough for every format except a JPEG with large metadata.</summary>
    public const int TypicalPrefixLength = 64 * 1024;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Bytes that <see cref="HasSignature"/> needs.</summary>
    public const int SignatureLength = 16;

    /// <summary>
    /// Whether the first bytes are a PNG, JPEG, GIF or WebP signature: enough to tell an image from some other file
    /// without reading the image (a check over thousands of files reads <see cref="SignatureLength"/> bytes of each).
    /// </summary>
    public static bool HasSignature(ReadOnlySpan<byte> data) =>
        (data.Length >= 8 && data[..8].SequenceEqual(PngSignature))
        || (data.Length >= 6 && (data[..6].SequenceEqual("GIF87a"u8) || data[..6].SequenceEqual("GIF89a"u8)))
        || (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        || (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF);

    public static ImageFormat? TryRead(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual(PngSignature) && data.Slice(12, 4).SequenceEqual("IHDR"u8))
            return new("image/png", BinaryPrimitives.ReadInt32BigEndian(data[16..]), BinaryPrimitives.ReadInt32BigEndian(data[20..]));
        if (data.Length >= 10 && (data[..6].SequenceEqual("GIF87a"u8) || data[..6].SequenceEqual("GIF89a"u8)))
            return new("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            return ReadWebP(data);
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ReadJpeg(data);
        return null;
    }

    private static ImageFormat? ReadWebP(ReadOnlySpan<byte> data)
    {
        var chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A) return null;
            return new("image/webp", BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (data[20] != 0x2F) return null;
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return new("image/webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return new("image/webp", ReadUInt24(data[24..]) + 1, ReadUInt24(data[27..]) + 1);
        return null;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);

    private static ImageFormat? ReadJpeg(ReadOnlySpan<byte> data)
    {
        int pos = 2;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF) return null;
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill bytes
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; } // no length
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            if (IsStartOfFrame(marker))
            {
                if (pos + 9 > data.Length) return null;
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 7)..]);
                return new("image/jpeg", width, height);
            }
            if (marker == 0xD9 || length < 2) return null;
            pos += 2 + length;
        }
        return null;
    }

    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
}
