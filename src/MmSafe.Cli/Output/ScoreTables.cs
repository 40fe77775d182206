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
        var tables = new List<Table> { Table($"{layout.Title}: {sheet.Overall.Items} items", "Category", sheet.Categories, sheet) };
        if (sheet.SubCategories.Count > 0) tables.Add(Table($"{layout.Title} by sub-category", "Sub-category", sheet.SubCategories, sheet));
        foreach (var table in tables) console.Out.Write(table);
        console.Out.Write(new Text(CliConsole.Plain($"Source: {source}") + "\n"));
        console.Out.Write(new Text("Rates in percent with 95% Wilson intervals [low, high].\n"));
        console.Out.Write(new Text(CliConsole.Plain($"Counts: {string.Join(", ", layout.Counters.Select(c => $"{c.Label.ToLowerInvariant()} {sheet.Overall.Counts.GetValueOrDefault(c.Key)}"))}; unscored items {sheet.Overall.Unscored}. {layout.CounterNote}") + "\n"));
        foreach (var warning in warnings) console.Out.Write(new Text(CliConsole.Plain($"Warning: {warning}") + "\n", new Style(Color.Yellow)));
    }

    private static Table Table(string title, string groupHeader, IReadOnlyList<GroupScore> groups, ScoreSheet sheet)
    {
        var layout = sheet.Layout;
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn(Markup.Escape(groupHeader)));
        foreach (var header in new[] { "Items" }.Concat(layout.Counters.Take(1).Select(c => c.Label)).Concat(layout.Metrics.Select(m => $"{m.Label} %")))
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        foreach (var g in groups) AddRow(table, g, layout, bold: false);
        AddRow(table, sheet.Overall, layout, bold: true);
        return table;
    }

    private static void AddRow(Table table, GroupScore g, ScoreLayout layout, bool bold)
    {
        var style = bold ? new Style(decoration: Decoration.Bold) : Style.Plain;
        var cells = new[] { CliConsole.Plain(g.Name), g.Items.ToString() }
            .Concat(layout.Counters.Take(1).Select(c => g.Counts.GetValueOrDefault(c.Key).ToString()))
            .Concat(layout.Metrics.Select(m => Format(g.Rates[m.Key])));
        table.AddRow(cells.Select(c => new Text(c, style)));
    }

    /// <summary>"53.29 [45.74, 60.69]"; "n/a" when no item had a valid verdict.</summary>
    public static string Format(Rate rate) =>
        rate.Percent is null ? "n/a" : $"{Numbers.Points(rate.Percent)} [{Numbers.Points(rate.Low)}, {Numbers.Points(rate.High)}]";
}
