using System.CommandLine;
using MmSafe.Cli.Commands;
using MmSafe.Cli.Output;

namespace MmSafe.Cli;

/// <summary>Builds the <c>mmsafe</c> command line and runs it, turning user mistakes into exit code 2.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand($"MmSafe: safety benchmarks ({string.Join(", ", MmSafe.Benchmarks.BenchmarkRegistry.Datasets.Select(d => d.Title))}) for vision-language models.");
        root.Subcommands.Add(RunCommand.Build(console));
        root.Subcommands.Add(EvalCommand.Build(console));
        root.Subcommands.Add(JudgeCommand.Build(console));
        root.Subcommands.Add(ScoreCommand.Build(console));
        root.Subcommands.Add(ReportCommand.Build(console));
        root.Subcommands.Add(ViewCommand.Build(console));
        root.Subcommands.Add(CompareCommand.Build(console));
        root.Subcommands.Add(FiguresCommand.Build(console));
        root.Subcommands.Add(PanelCommands.Agreement(console));
        root.Subcommands.Add(PanelCommands.Labels(console));
        root.Subcommands.Add(InterchangeCommands.Export(console));
        root.Subcommands.Add(InterchangeCommands.Import(console));
        root.Subcommands.Add(InterchangeCommands.Merge(console));
        root.Subcommands.Add(DataCommand.Build(console));
        root.Subcommands.Add(ModelsCommand.Build(console));
        root.Subcommands.Add(CompletionCommand.Build(console));
        return root;
    }

    /// <summary>Parse errors name .NET types ("System.Nullable`1[System.Int32]"); say what a user types instead.</summary>
    internal static string Friendly(string message) => System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '([^']+)'",
        m => m.Groups[1].Value switch
        {
            var t when t.Contains("Int32") || t.Contains("Int64") => "as a whole number",
            var t when t.Contains("Double") || t.Contains("Single") || t.Contains("Decimal") => "as a number",
            var t when t.Contains("Boolean") => "as true or false",
            _ => "as the expected kind of value",
        });

    // The library's message names the value, not always the flag it was given to: name the flag first.
    private static string Named(System.CommandLine.Parsing.ParseError error)
    {
        var message = Friendly(error.Message);
        message = System.Text.RegularExpressions.Regex.Replace(message, @"Must be one of:\s*(.*)$",
            m => "Expected one of " + string.Join(", ", m.Groups[1].Value.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)) + ".",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        string? name = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option.Name,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
            _ => null,
        };
        return name is null || message.Contains(name, StringComparison.Ordinal) ? message : $"{name}: {message}";
    }

    /// <summary>A token that looks like an option ("--x") but was taken as the value of an argument, when no such file exists.</summary>
    internal static string? OptionTakenAsArgument(ParseResult parse) =>
        parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().SelectMany(a => a.Tokens)
            .Select(t => t.Value).FirstOrDefault(v => v.StartsWith("--", StringComparison.Ordinal) && !File.Exists(v) && !Directory.Exists(v));

    /// <summary>The first option or argument given an empty (or blank) value, by name; null when there is none.</summary>
    internal static string? EmptyValue(ParseResult parse)
    {
        for (System.CommandLine.Parsing.SymbolResult? command = parse.CommandResult; command is not null; command = command.Parent)
            foreach (var child in command is System.CommandLine.Parsing.CommandResult c ? c.Children : [])
                if (child.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                    return child switch
                    {
                        System.CommandLine.Parsing.OptionResult o => o.Option.Name,
                        System.CommandLine.Parsing.ArgumentResult a => a.Argument.Name,
                        _ => "a value",
                    };
        return null;
    }

    private const int MaxListed = 20;

    /// <summary>Every problem once, so that one pass over the file fixes them all; past <paramref name="max"/>, where to see the rest.</summary>
    internal static int ShowProblems(CliConsole console, MmSafe.Datasets.DatasetException e, int? max)
    {
        var distinct = e.Problems.Select(p => p.ToString()).Distinct().ToList();
        console.Error($"error: {distinct.Count} problems in the dataset; fix them and run the command again:");
        foreach (var problem in distinct.Take(max ?? int.MaxValue)) console.Error($"  {problem}");
        if (distinct.Count > max)
        {
            // A dataset's question files sit at its data root, the folder 'data check' takes; a results file has no such command.
            var file = e.Problems[0].File;
            bool dataset = MmSafe.Benchmarks.BenchmarkRegistry.Datasets.Any(d => d.QuestionFiles.Contains(Path.GetFileName(file)));
            console.Error($"  … and {distinct.Count - max} more" + (dataset ? $"; 'mmsafe data check {Path.GetDirectoryName(Path.GetFullPath(file))}' lists them all" : ""));
        }
        return ExitCodes.InputError;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output, error);
        var parseResult = BuildRoot(console).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors) console.Error($"error: {Named(parseError)}");
            console.Error("Run 'mmsafe --help' for usage.");
            return ExitCodes.InputError;
        }
        if (OptionTakenAsArgument(parseResult) is { } unknown)
        {
            // A list argument (the runs of compare, report, figures) swallows a misspelt option as one more path.
            console.Error($"error: unrecognized option '{unknown}' for 'mmsafe {parseResult.CommandResult.Command.Name}'; see 'mmsafe {parseResult.CommandResult.Command.Name} --help'.");
            return ExitCodes.InputError;
        }
        if (EmptyValue(parseResult) is { } empty)
        {
            // No flag or argument of mmsafe takes an empty value: "" is a path, a name or a number left out by mistake.
            console.Error($"error: {empty} is empty; give it a value (or leave it out).");
            return ExitCodes.InputError;
        }
        try
        {
            // Ctrl+C: the run stops starting requests and lets those in flight finish and be stored (RunPipeline's grace period).
            var configuration = new InvocationConfiguration
            {
                Output = output, Error = error, EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = MmSafe.Runs.Pipeline.PipelineOptions.DefaultGracePeriod + TimeSpan.FromSeconds(5),
            };
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (MmSafe.Datasets.DatasetException e) when (e.Problems.Count > 1)
        {
            return ShowProblems(console, e, MaxListed);
        }
        catch (InputException e)
        {
            console.Error($"error: {e.Message}");
            return ExitCodes.InputError;
        }
        catch (MmSafe.Runs.Stores.StoreUnavailableException e)
        {
            console.Error($"error: {e.Message}");
            return ExitCodes.ModelUnavailable;
        }
        catch (MmSafe.Models.ModelRequestException e)
        {
            console.Error($"error: {e.Message}{(e.Advice.Length > 0 ? e.Advice + "." : "")}");
            return e.IsTransient || e.Kind == MmSafe.Models.ModelErrorKind.Unreachable ? ExitCodes.ModelUnavailable : ExitCodes.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A safety net: a file or folder the user named that cannot be read or written is their mistake to fix, not a
            // crash. Each command says more where it knows what the path was for; this line still names the path.
            console.Error($"error: {e.Message} Check that the path exists and that you may read or write it.");
            return ExitCodes.InputError;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C cancels System.CommandLine's own token; every finished result is already stored.
            console.Error("cancelled; every answer received is kept (requests in flight were given time to finish), and the same command continues the run");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            // Not the user's mistake: a bug in mmsafe. Everything already received is stored; the trace is for the report.
            console.Error($"internal error (a bug in mmsafe; every result received so far is stored): {e}");
            return ExitCodes.Failure;
        }
    }
}
