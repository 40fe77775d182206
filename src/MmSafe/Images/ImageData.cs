namespace MmSafe.Images;

/// <summary>An image's bytes with the media type and size read from those bytes.</summary>
public sealed record ImageData(ReadOnlyMemory<byte> Bytes, ImageFormat Format)
{
    public string MediaType => Format.MediaType;
}
