using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MmSafe.Cli.Output;

/// <summary>
/// A table of plain text that never splits a word or a number across lines, however narrow the console (COLUMNS=80):
/// at its natural width when that fits; else with the headers, and the columns marked <see cref="Wrap"/>, broken at
/// spaces, the room left going to the columns furthest from their natural width; and when even that does not fit,
/// each row as lines of "header: value" pairs. Spectre left to itself shrinks every column and cuts "Self-Har|m".
/// Every string is shown as typed (control characters neutralised), never read as markup.
/// </summary>
public sealed class FittedTable(string? title, params string[] headers)
{
    private readonly string[] _headers = [.. headers.Select(CliConsole.Plain)];
    private readonly List<(string[] Cells, bool Bold)> _rows = [];
    private readonly HashSet<int> _right = [];
    private readonly HashSet<int> _wrap = [];
    private RenderOptions? _options;

    /// <summary>Right-aligns these columns (numbers).</summary>
    public FittedTable RightAligned(params int[] columns)
    {
        _right.UnionWith(columns);
        return this;
    }

    /// <summary>Lets these columns' values break at spaces (names of several words), as headers always may.</summary>
    public FittedTable Wrap(params int[] columns)
    {
        _wrap.UnionWith(columns);
        return this;
    }

    public FittedTable Add(IEnumerable<string> cells, bool bold = false)
    {
        _rows.Add(([.. cells.Select(CliConsole.Plain)], bold));
        return this;
    }

    public void Write(IAnsiConsole console)
    {
        _options = RenderOptions.Create(console);
        int room = console.Profile.Width, frame = 3 * _headers.Length + 1; // "│ " before each column, " " after it, the closing "│"
        var columns = Enumerable.Range(0, _headers.Length).ToList();
        var widest = columns.Select(c => _rows.Select(r => Width(r.Cells[c])).Append(Width(_headers[c])).Max()).ToArray();
        if (widest.Sum() + frame <= room)
        {
            console.Write(Build(widest));
            return;
        }
        var least = columns.Select(c => _rows.Select(r => _wrap.Contains(c) ? Longest(r.Cells[c]) : Width(r.Cells[c])).Append(Longest(_headers[c])).Max()).ToArray();
        if (least.Sum() + frame > room)
        {
            WriteRows(console, room);
            return;
        }
        var widths = (int[])least.Clone();
        for (int spare = room - frame - least.Sum(); spare > 0; spare--)
        {
            var short_ = columns.Where(c => widths[c] < widest[c]).OrderByDescending(c => widest[c] - widths[c]).ToList();
            if (short_.Count == 0) break;
            widths[short_[0]]++;
        }
        console.Write(Build(widths));
    }

    private Table Build(int[] widths)
    {
        var table = new Table { Border = TableBorder.Rounded };
        if (title is not null) table.Title = new TableTitle(Markup.Escape(CliConsole.Plain(title)));
        for (int c = 0; c < _headers.Length; c++)
        {
            var column = new TableColumn(new Text(Fold(_headers[c], widths[c]))) { Width = widths[c], NoWrap = true };
            table.AddColumn(_right.Contains(c) ? column.RightAligned() : column);
        }
        foreach (var (cells, bold) in _rows)
            table.AddRow([.. cells.Select((cell, c) => new Text(_wrap.Contains(c) ? Fold(cell, widths[c]) : cell, bold ? new Style(decoration: Decoration.Bold) : Style.Plain))]);
        return table;
    }

    // Too narrow for any table: each row as "header: value" pairs, as many to a line as fit, a blank line between rows.
    private void WriteRows(IAnsiConsole console, int room)
    {
        if (title is not null) console.Write(new Text(CliConsole.Plain(title) + "\n", new Style(decoration: Decoration.Bold)));
        foreach (var (cells, bold) in _rows)
        {
            var style = bold ? new Style(decoration: Decoration.Bold) : Style.Plain;
            var line = new StringBuilder();
            foreach (var pair in _headers.Zip(cells, (h, v) => $"{h}: {v}"))
            {
                if (line.Length > 0 && Width(line.ToString()) + 3 + Width(pair) > room)
                {
                    console.Write(new Text(line + "\n", style));
                    line.Clear();
                }
                line.Append(line.Length > 0 ? "   " : "").Append(pair);
            }
            console.Write(new Text(line + "\n\n", style));
        }
    }

    /// <summary>The text broken at spaces into lines of at most <paramref name="width"/> columns (a longer word keeps its own line).</summary>
    private string Fold(string text, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && Width(line) + 1 + Width(word) > width)
            {
                lines.Add(line);
                line = word;
            }
            else line = line.Length > 0 ? line + " " + word : word;
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }

    private int Longest(string text) => text.Split(' ').Max(Width);

    // Terminal columns, as Spectre counts them (a CJK letter takes two).
    private int Width(string text) => text.Length == 0 ? 0 : ((IRenderable)new Text(text)).Measure(_options!, int.MaxValue).Max;
}
