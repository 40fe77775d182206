using System.Buffers.Binary;

namespace MmSafe.Tests.Support;

/// <summary>Small, valid images generated in code, so tests need no binary fixtures.</summary>
public static class TestImages
{
    /// <summary>A real RGB PNG of the given size, written by the library's own encoder.</summary>
    public static byte[] Png(int width, int height) => MmSafe.Images.TinyPng.Solid(width, height, 0x80, 0x80, 0x80);

    /// <summary>A baseline JPEG header (SOI, APP0 JFIF, SOF0 with the size, EOI): enough to identify it.</summary>
    public static byte[] Jpeg(int width, int height, int app1Padding = 0)
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
        if (app1Padding > 0)
        {
            int length = app1Padding + 2;
            bytes.AddRange([0xFF, 0xE1, (byte)(length >> 8), (byte)length]);
            bytes.AddRange(new byte[app1Padding]);
        }
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    public static byte[] Gif(int width, int height) =>
        [.. "GIF89a"u8, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0, 0, 0x3B];

    /// <summary>A lossless WebP header (VP8L) with the given size.</summary>
    public static byte[] WebPLossless(int width, int height)
    {
        uint bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        var data = new byte[30];
        "RIFF"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), data.Length - 8);
        "WEBPVP8L"u8.CopyTo(data.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 10);
        data[20] = 0x2F;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(21), bits);
        return data;
    }

    /// <summary>A lossy WebP header (VP8) with the given size.</summary>
    public static byte[] WebPLossy(int width, int height)
    {
        var data = new byte[32];
        "RIFF"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), data.Length - 8);
        "WEBPVP8 "u8.CopyTo(data.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 12);
        data[23] = 0x9D; data[24] = 0x01; data[25] = 0x2A;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(26), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(28), (ushort)height);
        return data;
    }

    /// <summary>An extended WebP header (VP8X) with the given size.</summary>
    public static byte[] WebPExtended(int width, int height)
    {
        var data = new byte[30];
        "RIFF"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), data.Length - 8);
        "WEBPVP8X"u8.CopyTo(data.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 10);
        WriteUInt24(data.AsSpan(24), width - 1);
        WriteUInt24(data.AsSpan(27), height - 1);
        return data;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value; target[1] = (byte)(value >> 8); target[2] = (byte)(value >> 16);
    }
}
