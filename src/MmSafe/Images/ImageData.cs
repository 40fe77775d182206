namespace MmSafe.Images;

/// <summary>An image's bytes with the media type and size read from those bytes.</summary>
public sealed record ImageData(ReadOnlyMemory<byte> Bytes, ImageFormat Format)
{
    public string MediaType => Format.MediaType;
}

public static class ImageDataExtensions
{
    /// <summary>The image as a message part, with the media type its bytes declare.</summary>
    public static Microsoft.Extensions.AI.DataContent ToDataContent(this ImageData image) => new(image.Bytes, image.MediaType);
}
