using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>
/// One figure, drawn once by <see cref="Draw"/> onto any Skia canvas: an SVG canvas for <see cref="Svg"/> and a raster
/// surface (at <see cref="FigureStyle.PngScale"/>) for <see cref="Png"/>, so both files show the same drawing.
/// </summary>
/// <param name="Name">The file name without extension (categories-siuo, gap-1, frontier-1).</param>
public sealed record Figure(string Name, string Title, float Height, Action<SKCanvas> Draw)
{
    public float Width => FigureStyle.Width;

    public string Svg()
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), managed))
            Paint(canvas);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public byte[] Png()
    {
        var info = new SKImageInfo((int)MathF.Ceiling(Width * FigureStyle.PngScale), (int)MathF.Ceiling(Height * FigureStyle.PngScale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"cannot make a {info.Width}×{info.Height} surface for {Name}");
        surface.Canvas.Scale(FigureStyle.PngScale);
        Paint(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private void Paint(SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        FigureStyle.Text(canvas, Title, 16, 24, FigureStyle.TitleSize, max: 100);
        Draw(canvas);
    }
}
