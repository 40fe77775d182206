using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>
/// The one look of every figure: an embedded Latin subset of DejaVu Sans (the bundled native Skia has no system fonts;
/// licence in DejaVuSans-LICENSE.txt), black ink, and series told apart without hue: fill lightness, a hatch, and a marker
/// shape, so a greyscale print still separates them.
/// </summary>
internal static class FigureStyle
{
    public const float Width = 800, TitleSize = 15, TextSize = 12, SmallSize = 10.5f;

    /// <summary>PNGs are drawn at twice the SVG's size, for print.</summary>
    public const float PngScale = 2;

    private static readonly Lazy<SKTypeface> Face = new(() =>
    {
        using var stream = typeof(FigureStyle).Assembly.GetManifestResourceStream("MmSafe.Reports.Figures.DejaVuSans-Latin.ttf")
            ?? throw new InvalidOperationException("the embedded figure font is missing");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("the embedded figure font cannot be read");
    });

    public static SKFont Font(float size) => new(Face.Value, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    public static SKPaint Ink(float stroke = 1) => new() { Color = SKColors.Black, IsAntialias = true, StrokeWidth = stroke, Style = SKPaintStyle.Stroke };

    public static SKPaint Fill(SKColor colour) => new() { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static readonly byte[] Greys = [40, 120, 190, 255];

    /// <summary>Series <paramref name="i"/>'s fill: dark, mid, light, white; then the same again with a hatch.</summary>
    public static SKColor SeriesFill(int i) { var g = Greys[i % Greys.Length]; return new SKColor(g, g, g); }

    public static bool SeriesHatched(int i) => i / Greys.Length % 2 == 1;

    public enum Marker { Circle, Square, Triangle, Diamond, Cross }

    public static Marker SeriesMarker(int i) => (Marker)(i % 5);

    /// <summary>A marker centred on (x, y): white inside, black outline, so it shows on any fill.</summary>
    public static void DrawMarker(SKCanvas canvas, Marker marker, float x, float y, float r = 4.5f)
    {
        using var path = new SKPath();
        switch (marker)
        {
            case Marker.Circle: path.AddCircle(x, y, r); break;
            case Marker.Square: path.AddRect(new SKRect(x - r, y - r, x + r, y + r)); break;
            case Marker.Triangle: path.MoveTo(x, y - r * 1.15f); path.LineTo(x + r * 1.1f, y + r * 0.85f); path.LineTo(x - r * 1.1f, y + r * 0.85f); path.Close(); break;
            case Marker.Diamond: path.MoveTo(x, y - r * 1.25f); path.LineTo(x + r, y); path.LineTo(x, y + r * 1.25f); path.LineTo(x - r, y); path.Close(); break;
            default:
                path.MoveTo(x - r, y - r); path.LineTo(x + r, y + r); path.MoveTo(x + r, y - r); path.LineTo(x - r, y + r);
                using (var ink = Ink(2)) canvas.DrawPath(path, ink);
                return;
        }
        using var white = Fill(SKColors.White);
        using var outline = Ink(1.2f);
        canvas.DrawPath(path, white);
        canvas.DrawPath(path, outline);
    }

    /// <summary>A bar of series <paramref name="i"/>: its fill, its hatch (drawn as lines, so SVG and PNG agree), a black outline.</summary>
    public static void DrawBar(SKCanvas canvas, SKRect bar, int i)
    {
        using var fill = Fill(SeriesFill(i));
        canvas.DrawRect(bar, fill);
        if (SeriesHatched(i))
        {
            canvas.Save();
            canvas.ClipRect(bar);
            using var hatch = Ink(1);
            hatch.Color = SeriesFill(i).Red < 128 ? SKColors.White : SKColors.Black;
            for (float x = bar.Left - bar.Height; x < bar.Right; x += 5) canvas.DrawLine(x, bar.Bottom, x + bar.Height, bar.Top, hatch);
            canvas.Restore();
        }
        using var outline = Ink(0.8f);
        canvas.DrawRect(bar, outline);
    }

    /// <summary>Text as it may be drawn: model and run names are hostile, so control characters go and long names are cut.</summary>
    public static string Shown(string text, int max = 60)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? ' ' : c)]);
        return clean.Length <= max ? clean : clean[..(max - 1)] + "…";
    }

    public static void Text(SKCanvas canvas, string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Left, int max = 60)
    {
        using var font = Font(size);
        using var paint = Fill(SKColors.Black);
        canvas.DrawText(Shown(text, max), x, y, align, font, paint);
    }

    public static float Measure(string text, float size, int max = 60)
    {
        using var font = Font(size);
        return font.MeasureText(Shown(text, max));
    }
}
