using System.Text;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>
/// The command's output streams: a Spectre console for tables on stdout, and plain one-line
/// messages on stderr. Text from files and models is made safe for a terminal before it is shown.
/// </summary>
public sealed class CliConsole
{
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    public CliConsole(TextWriter output, TextWriter error)
    {
        _output = output;
        _error = error;
        bool isTerminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal) Out.Profile.Width = 160;
    }

    /// <summary>For tables and rich output.</summary>
    public IAnsiConsole Out { get; }

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
