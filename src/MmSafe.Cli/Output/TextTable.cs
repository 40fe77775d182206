using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>
/// Tables whose title, headers and cells are plain text. Spectre reads a string as markup, so a header such as
/// "Agree % [95% CI]" throws, and a model or file named "[red]x[/]" would restyle the table; every string here is
/// shown as typed, with control characters neutralised.
/// </summary>
public static class TextTable
{
    public static Table Create(string? title, params string[] headers)
    {
        var table = new Table { Border = TableBorder.Rounded };
        if (title is not null) table.Title = new TableTitle(Markup.Escape(CliConsole.Plain(title)));
        foreach (var header in headers) table.AddColumn(Column(header));
        return table;
    }

    public static TableColumn Column(string header) => new(new Text(CliConsole.Plain(header)));

    public static Table AddTextRow(this Table table, IEnumerable<string> cells, Style? style = null)
    {
        table.AddRow([.. cells.Select(c => new Text(CliConsole.Plain(c), style ?? Style.Plain))]);
        return table;
    }
}
