using System.CommandLine;
using System.Text.Json.Nodes;
using MmSafe.Cli.Output;
using MmSafe.Reports;
using MmSafe.Reports.Figures;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe figures RUN... --out DIR</c>: the figures for a paper (rates by category, cross-modal gaps, frontiers) as SVG and PNG.</summary>
public static class FiguresCommand
{
    public static Command Build(CliConsole console)
    {
        var dirs = new Argument<string[]>("RUN") { Description = "Run directories (or postgresql:// runs), as compare takes them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The directory to write NAME.svg and NAME.png into.", Required = true };
        var json = new Option<bool>("--json") { Description = "List the files written as JSON." };
        var command = new Command("figures", "Draw figures from stored runs as SVG and PNG: the headline rate by category with 95% intervals, "
            + "the cross-modal gap, and the safety / over-refusal frontier when the runs make one.") { dirs, output, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetRequiredValue(output);
            if (File.Exists(target)) throw new InputException($"--out {target}: is a file; name the directory to write the figures into.");
            var runs = parse.GetRequiredValue(dirs).Select(d => RunReportData.Load(d)).ToList();
            IReadOnlyList<string> written;
            try
            {
                written = await FigureFiles.WriteAsync(FigureFiles.Of(runs), target, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--out {target}: cannot write the figures there ({e.Message}); name a directory you can write.", e);
            }
            if (parse.GetValue(json))
                console.WriteRaw(new JsonObject { ["files"] = new JsonArray([.. written.Select(f => (JsonNode?)f)]) }.ToJsonString(ReadableJson.Indented));
            else
                foreach (var file in written) console.WriteRaw(CliConsole.Plain(file));
            return ExitCodes.Success;
        });
        return command;
    }
}
