using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Models;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe models check</c>: one tiny image + text request to each configured model.</summary>
public static class ModelsCommand
{
    public static Command Build(CliConsole console)
    {
        var target = ModelOptions.Target();
        var judge = ModelOptions.Judge();
        var modelsFile = ModelOptions.ModelsFileOption();
        var check = new Command("check", "Send one tiny image + text request and report latency, image support, n and structured output.");
        target.AddTo(check);
        judge.AddTo(check);
        check.Options.Add(modelsFile);
        check.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(modelsFile) is { } path ? ModelsFile.Load(path) : null;
            var specs = new[] { target.Resolve(parse, file), judge.Resolve(parse, file) }.OfType<ModelSpec>().ToList();
            if (specs.Count == 0) throw new InputException("no model given; pass --model NAME (and/or --judge NAME).");
            // A retry is a plain line on stderr (no logger's "info: MmSafe.Models[…]" prefix), so stdout stays the table.
            var factory = new ModelClientFactory(notices: new RetryNotices((model, detail) => console.Error($"{model}: {detail}")));
            var results = new List<ModelCheckResult>();
            foreach (var spec in specs) results.Add(await ModelCheck.RunAsync(factory.Create(spec), cancellationToken));
            Show(console, results);
            return ExitCodes.Success;
        });
        var command = new Command("models", "Configure and check model endpoints.");
        command.Subcommands.Add(check);
        return command;
    }

    private static void Show(CliConsole console, IEnumerable<ModelCheckResult> results)
    {
        var table = TextTable.Create("Model check", "Model", "Endpoint", "Latency", "Image", "n", "Structured output");
        foreach (var r in results)
            table.AddRow(new Text(CliConsole.Plain(r.Name)), new Text(CliConsole.Plain(r.Endpoint)), new Text($"{r.Latency.TotalMilliseconds:F0} ms"),
                new Text(CliConsole.Plain($"{(r.ImageAccepted ? "accepted" : "REJECTED")}: {r.ImageNote}")),
                new Text(CliConsole.Plain($"{YesNo(r.ChoicesHonoured)}: {r.ChoicesNote}")),
                new Text(CliConsole.Plain($"{YesNo(r.StructuredOutput)}: {r.StructuredNote}")));
        console.Out.Write(table);
    }

    private static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "-" };
}
