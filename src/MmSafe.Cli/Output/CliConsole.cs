using System.Text;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>
/// The command's output streams: a Spectre console for tables on stdout, another for progress on stderr (so stdout
/// stays clean for <c>--json</c> and pipes), and plain one-line messages on stderr. Text from files and models is made
/// safe for a terminal before it is shown. <c>NO_COLOR</c> turns colour off; <c>COLUMNS</c> sets the width when piped.
/// </summary>
public sealed class CliConsole
{
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    public CliConsole(TextWriter output, TextWriter error)
    {
        _output = output;
        _error = error;
        Out = Create(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        Err = Create(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
    }

    private const int Unbounded = 4096;

    private static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        bool noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal && !noColor ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Piped output has no terminal width: the user's COLUMNS, else no limit, so tables take their natural width and never wrap.
        if (!isTerminal) console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40 ? columns : Unbounded;
        return console;
    }

    /// <summary>For tables and rich output (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>For progress displays (stderr).</summary>
    public IAnsiConsole Err { get; }

    /// <summary>Writes raw text (JSON) to stdout.</summary>
    public void WriteRaw(string text) => _output.WriteLine(text);

    /// <summary>Writes one line to stderr, with control characters and line breaks neutralised.</summary>
    public void Error(string message) => _error.WriteLine(Plain(message));

    /// <summary>Replaces control characters (terminal escapes, line breaks) so hostile text cannot
    /// move the cursor, recolour the terminal or forge extra lines.</summary>
    public static string Plain(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(c is '\n' or '\r' or '\t' ? ' ' : char.IsControl(c) ? '\uFFFD' : c);
        return builder.ToString();
    }
}
