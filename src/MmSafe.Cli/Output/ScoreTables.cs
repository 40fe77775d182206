using MmSafe.Reports;
using MmSafe.Scoring;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>
/// Human-readable score tables, laid out by the benchmark's score layout: its first counter and its rates per group,
/// the other counters on a line below. Every string from a file is plain text, never markup.
/// </summary>
public static class ScoreTables
{
    public static void Show(CliConsole console, string source, ScoreSheet sheet, IReadOnlyList<string> warnings)
    {
        var layout = sheet.Layout;
        var tables = new List<FittedTable> { Table($"{layout.Title}: {sheet.Overall.Items} items", "Category", sheet.Categories, sheet) };
        if (sheet.SubCategories.Count > 0) tables.Add(Table($"{layout.Title} by sub-category", "Sub-category", sheet.SubCategories, sheet));
        foreach (var table in tables) table.Write(console.Out);
        console.Out.Write(new Text(CliConsole.Plain($"Source: {source}") + "\n"));
        console.Out.Write(new Text("Rates in percent with 95% Wilson intervals [low,high].\n"));
        console.Out.Write(new Text(CliConsole.Plain($"Counts: {string.Join(", ", layout.Counters.Select(c => $"{c.Label.ToLowerInvariant()} {sheet.Overall.Counts.GetValueOrDefault(c.Key)}"))}; unscored items {sheet.Overall.Unscored}. {layout.CounterNote}") + "\n"));
        foreach (var warning in warnings) console.Out.Write(new Text(CliConsole.Plain($"Warning: {warning}") + "\n", new Style(Color.Yellow)));
    }

    // A category's name may break at its spaces ("Weapon-Related / Violence"), and a rate between itself and its interval
    // ("53.29 / [45.74,60.69]"); never inside a word, a number or an interval.
    private static FittedTable Table(string title, string groupHeader, IReadOnlyList<GroupScore> groups, ScoreSheet sheet)
    {
        var layout = sheet.Layout;
        string[] headers = [groupHeader, "Items", .. layout.Counters.Take(1).Select(c => c.Label), .. layout.Metrics.Select(m => $"{m.Label} %")];
        var table = new FittedTable(title, headers).RightAligned([.. Enumerable.Range(1, headers.Length - 1)])
            .Wrap([0, .. Enumerable.Range(headers.Length - layout.Metrics.Count, layout.Metrics.Count)]);
        foreach (var g in groups) table.Add(Cells(g, layout));
        table.Add(Cells(sheet.Overall, layout), bold: true);
        return table;
    }

    private static IEnumerable<string> Cells(GroupScore g, ScoreLayout layout) => new[] { g.Name, g.Items.ToString() }
        .Concat(layout.Counters.Take(1).Select(c => g.Counts.GetValueOrDefault(c.Key).ToString()))
        .Concat(layout.Metrics.Select(m => Format(g.Rates[m.Key], compact: true)));

    /// <summary>"53.29 [45.74, 60.69]" (<paramref name="compact"/>: "53.29 [45.74,60.69]", an interval no table breaks); "n/a" when no item had a valid verdict.</summary>
    public static string Format(Rate rate, bool compact = false) =>
        rate.Percent is null ? "n/a" : $"{Numbers.Points(rate.Percent)} [{Numbers.Points(rate.Low)},{(compact ? "" : " ")}{Numbers.Points(rate.High)}]";
}
