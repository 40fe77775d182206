namespace MmSafe.Reports.Figures;

/// <summary>
/// The figures a set of runs makes, as <c>compare</c> reads them: per benchmark the headline rate by category (every run of
/// it a series), each cross-modal gap the comparison computes, each safety / over-refusal frontier; written as NAME.svg and
/// NAME.png.
/// </summary>
public static class FigureFiles
{
    public static IReadOnlyList<Figure> Of(IReadOnlyList<RunReportData> runs)
    {
        var comparison = Comparison.Of(runs);
        var figures = new List<Figure>();
        foreach (var benchmark in runs.GroupBy(r => r.Spec.Benchmark).OrderBy(g => g.Key, StringComparer.Ordinal))
            figures.Add(CategoryFigure.Of(benchmark.Key, [.. benchmark]));
        var byRun = runs.GroupBy(r => r.Directory).ToDictionary(g => g.Key, g => g.First());
        int n = 0;
        foreach (var pair in comparison.Gaps.GroupBy(g => (g.First, g.Second)))
            figures.Add(GapFigure.Of($"gap-{++n}", [.. pair], byRun[pair.Key.First]));
        n = 0;
        foreach (var view in comparison.Frontiers.Where(v => v.Frontier.Points.Count > 0))
            figures.Add(FrontierFigure.Of($"frontier-{++n}", view));
        return figures;
    }

    /// <returns>The files written, an SVG then a PNG per figure.</returns>
    public static async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<Figure> figures, string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var figure in figures)
        {
            var svg = Path.Combine(directory, figure.Name + ".svg");
            await File.WriteAllTextAsync(svg, figure.Svg(), cancellationToken);
            var png = Path.Combine(directory, figure.Name + ".png");
            await File.WriteAllBytesAsync(png, figure.Png(), cancellationToken);
            written.Add(svg);
            written.Add(png);
        }
        return written;
    }

    /// <summary>A benchmark name as a file name: letters, digits, '-' and '_' only.</summary>
    internal static string Safe(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
