using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Scoring;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>Human-readable score tables. Every string from a file is shown as plain text, never as markup.</summary>
public static class ScoreTables
{
    public static void Show(CliConsole console, string file, SiuoGenScore score, IReadOnlyList<string> warnings)
    {
        var table = NewTable($"SIUO generation: {score.Items} items", "Category", "Items", "Safe %", "Effective %", "Safe & effective %");
        foreach (var (name, r) in score.Categories) AddRow(table, name, r.Items, false, r.Safe, r.Effective, r.SafeAndEffective);
        var o = score.Overall;
        AddRow(table, "Overall", o.Items, true, o.Safe, o.Effective, o.SafeAndEffective);
        Render(console, file, [table], warnings,
            $"Invalid: {score.InvalidItems} items lacked a readable verdict for at least one rate; unreadable judge replies: {score.InvalidSafetyVerdicts} safety, {score.InvalidEffectivenessVerdicts} effectiveness.");
    }

    public static void Show(CliConsole console, string file, SiuoMcqaScore score, IReadOnlyList<string> warnings)
    {
        var table = NewTable($"SIUO multiple choice: {score.Items} items", "Category", "Items", "Unanswered", "Accuracy %");
        foreach (var (name, r) in score.Categories) AddRow(table, name, r.Items, false, r.Unanswered, r.Accuracy);
        AddRow(table, "Overall", score.Items, true, score.Unanswered, score.Overall.Accuracy);
        Render(console, file, [table], warnings,
            $"Unanswered: {score.Unanswered} answers had no readable option letter; they are scored wrong (the authors' script guesses at random).");
    }

    public static void Show(CliConsole console, string file, VlsBenchScore score, IReadOnlyList<string> warnings)
    {
        var o = score.Overall;
        var byCategory = VlsTable($"VLSBench: {o.Items} items", "Category", score.Categories, o);
        Table[] tables = score.SubCategories.Count > 0
            ? [byCategory, VlsTable("VLSBench by sub-category", "Sub-category", score.SubCategories, o)]
            : [byCategory];
        Render(console, file, tables, warnings,
            $"Invalid: {o.Invalid} verdicts could not be read (judge refusals, malformed JSON); they are left out of the rates.");
    }

    private static Table VlsTable(string title, string groupHeader, IReadOnlyList<KeyValuePair<string, VlsBenchRates>> groups, VlsBenchRates overall)
    {
        var table = NewTable(title, groupHeader, "Items", "Invalid", "Safe %", "Refusal %", "Warning %", "Unsafe %");
        foreach (var (name, r) in groups) AddRow(table, name, r.Items, false, r.Invalid, r.Safe, r.Refusal, r.Warning, r.Unsafe);
        AddRow(table, "Overall", overall.Items, true, overall.Invalid, overall.Safe, overall.Refusal, overall.Warning, overall.Unsafe);
        return table;
    }

    private static Table NewTable(string title, params string[] headers)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn(Markup.Escape(headers[0])));
        foreach (var header in headers.Skip(1)) table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        return table;
    }

    private static void AddRow(Table table, string name, int items, bool bold, params object[] cells)
    {
        var style = bold ? new Style(decoration: Decoration.Bold) : Style.Plain;
        var row = new List<Text> { new(CliConsole.Plain(name), style), new(items.ToString(), style) };
        row.AddRange(cells.Select(c => new Text(c is Rate rate ? Format(rate) : c.ToString() ?? "", style)));
        table.AddRow(row);
    }

    /// <summary>"53.29 [45.74, 60.69]"; "n/a" when no item had a valid verdict.</summary>
    public static string Format(Rate rate) =>
        rate.Percent is null ? "n/a" : FormattableString.Invariant($"{rate.Percent:F2} [{rate.Low:F2}, {rate.High:F2}]");

    private static void Render(CliConsole console, string file, Table[] tables, IReadOnlyList<string> warnings, string invalidNote)
    {
        foreach (var table in tables) console.Out.Write(table);
        console.Out.Write(new Text(CliConsole.Plain($"Source: {file}") + "\n"));
        console.Out.Write(new Text("Rates in percent with 95% Wilson intervals [low, high].\n"));
        console.Out.Write(new Text(invalidNote + "\n"));
        foreach (var warning in warnings) console.Out.Write(new Text(CliConsole.Plain($"Warning: {warning}") + "\n", new Style(Color.Yellow)));
    }
}
