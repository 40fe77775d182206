using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Models;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe models check</c>: tiny requests to each configured model, asking what a run will ask of it.</summary>
public static class ModelsCommand
{
    public static Command Build(CliConsole console)
    {
        var target = ModelOptions.Target();
        var judge = ModelOptions.Judge();
        var modelsFile = ModelOptions.ModelsFileOption();
        var json = new Option<bool>("--json") { Description = "Print the findings and the proposed models-file entries as JSON." };
        var check = new Command("check", "Ask each model, with tiny requests, what a run will ask: image input, the token field, temperature 0, top_p, seed, n, " +
            "a JSON-schema response format; whether it reasons; and print a models-file entry that works.") { json };
        target.AddTo(check);
        judge.AddTo(check);
        check.Options.Add(modelsFile);
        check.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(modelsFile) is { } path ? ModelsFile.Load(path) : null;
            var judgeSpec = judge.Resolve(parse, file);
            var specs = new[] { target.Resolve(parse, file), judgeSpec }.OfType<ModelSpec>().DistinctBy(s => s.Name).ToList();
            if (specs.Count == 0) throw new InputException("no model given; pass --model NAME (and/or --judge NAME).");
            // A retry is a plain line on stderr (no logger's "info: MmSafe.Models[…]" prefix), so stdout stays the table.
            var factory = new ModelClientFactory(notices: new RetryNotices((model, detail) => console.Error($"{model}: {detail}")));
            var results = new List<ModelCheckResult>();
            var failed = new List<(ModelSpec Spec, ModelRequestException Error)>();
            // One model's failure (a wrong URL, a dead server) does not hide what the others showed.
            foreach (var spec in specs)
            {
                try
                {
                    results.Add(await ModelCheck.RunAsync(spec, factory.Create, cancellationToken));
                }
                catch (ModelRequestException e) when (specs.Count > 1)
                {
                    failed.Add((spec, e));
                }
            }
            // One models file for all of them, the judge named as the file's judge: it can be saved and used as it is.
            IReadOnlyList<string> judges = judgeSpec is null || failed.Any(f => f.Spec.Name == judgeSpec.Name) ? [] : [judgeSpec.Name];
            var document = ModelCheckEntry.Document(results.Select(r => r.Entry), judges);
            if (parse.GetValue(json)) console.WriteRaw(Json(results, judges, document, failed.Select(f => (f.Spec.Name, f.Error.Message + f.Error.Advice))));
            else Show(console, results, document);
            foreach (var (spec, error) in failed) console.Error($"error: {spec.Name}: {error.Message}{error.Advice}.");
            return failed.Count == 0 ? ExitCodes.Success
                : failed.All(f => f.Error.StopsTheRun && f.Error.Kind != ModelErrorKind.Unreachable) ? ExitCodes.InputError : ExitCodes.ModelUnavailable;
        });
        var command = new Command("models", "Configure and check model endpoints.");
        command.Subcommands.Add(check);
        return command;
    }

    private static void Show(CliConsole console, IReadOnlyList<ModelCheckResult> results, string document)
    {
        foreach (var r in results)
        {
            var table = TextTable.Create($"Model check: {CliConsole.Plain(r.Name)} at {CliConsole.Plain(r.Endpoint)} ({r.Latency.TotalMilliseconds:F0} ms)", "Check", "Result", "Note");
            foreach (var f in r.Findings)
                table.AddRow(new Text(f.Check), new Text(Result(f)), new Text(CliConsole.Plain(f.Note)));
            console.Out.Write(table);
        }
        console.Out.WriteLine(results.Count == 1 ? "A models file that works with this endpoint:" : "A models file that works with these endpoints:");
        foreach (var line in document.TrimEnd('\n').Split('\n')) console.Out.WriteLine(CliConsole.Plain(line));
    }

    private static string Result(ModelCheckFinding f) => f.Check == ModelCheck.Reasoning
        ? f.Accepted == true ? "yes" : "no"
        : f.Accepted switch { true => "accepted", false => "REFUSED", null => "-" };

    private static string Json(IEnumerable<ModelCheckResult> results, IReadOnlyList<string> judges, string document, IEnumerable<(string Name, string Error)> failed) => new System.Text.Json.Nodes.JsonObject
    {
        ["models"] = new System.Text.Json.Nodes.JsonArray([.. results.Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = r.Name,
            ["role"] = judges.Contains(r.Name) ? "judge" : "target",
            ["provider"] = r.Provider.ToString().ToLowerInvariant(),
            ["endpoint"] = r.Endpoint,
            ["latency_ms"] = Math.Round(r.Latency.TotalMilliseconds, 1),
            ["checks"] = new System.Text.Json.Nodes.JsonArray([.. r.Findings.Select(f => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["check"] = f.Check, ["accepted"] = f.Accepted, ["note"] = f.Note,
            })]),
            ["reasons"] = r.Reasons,
            ["reasoning_tokens"] = r.ReasoningTokens,
            ["models_file_entry"] = r.Entry,
        })]),
        ["failed"] = new System.Text.Json.Nodes.JsonArray([.. failed.Select(f => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = f.Name, ["error"] = f.Error })]),
        ["models_file"] = document,
    }.ToJsonString(ReadableJson.Indented);
}
