namespace MmSafe.Images;

/// <summary>What an image's own header bytes say it is.</summary>
/// <param name="MediaType">image/png, image/jpeg, image/gif or image/webp.</param>
public sealed record ImageFormat(string MediaType, int Width, int Height);
