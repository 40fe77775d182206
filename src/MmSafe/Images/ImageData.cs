using System.Security.Cryptography;

namespace MmSafe.Images;

/// <summary>An image's bytes with the media type and size read from those bytes.</summary>
public sealed record ImageData(ReadOnlyMemory<byte> Bytes, ImageFormat Format)
{
    /// <summary>The DataContent.AdditionalProperties key of the image's SHA-256.</summary>
    public const string Sha256Key = "mmsafe.sha256";

    private string? _sha256;

    public string MediaType => Format.MediaType;

    /// <summary>Computed once per image, however many requests carry it.</summary>
    public string Sha256 => _sha256 ??= Convert.ToHexStringLower(SHA256.HashData(Bytes.Span));
}

public static class ImageDataExtensions
{
    /// <summary>The image as a message part, with the media type its bytes declare and its hash for request identities.</summary>
    public static Microsoft.Extensions.AI.DataContent ToDataContent(this ImageData image) =>
        new(image.Bytes, image.MediaType) { AdditionalProperties = new() { [ImageData.Sha256Key] = image.Sha256 } };
}
