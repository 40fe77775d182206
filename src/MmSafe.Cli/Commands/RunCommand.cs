using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Models;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe run BENCHMARK</c>: generate, judge, score and summarise, resumably.</summary>
public static class RunCommand
{
    public static Command Build(CliConsole console)
    {
        var benchmark = new Argument<string?>("BENCHMARK") { Description = "siuo-gen, siuo-mcqa or vlsbench.", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string>("--data") { Description = "The benchmark's data root (question file and images)." };
        var output = new Option<string>("--out") { Description = "The run directory (created; an existing one is resumed)." };
        var resume = new Option<string>("--resume") { Description = "Continue the run in this directory with its recorded settings." };
        var limit = new Option<int?>("--limit") { Description = "Run only the first N selected items." };
        var categories = new Option<string>("--categories") { Description = "Comma-separated categories to run." };
        var ids = new Option<string>("--ids") { Description = "Comma-separated item ids to run." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Override the protocol's max_tokens for the target." };
        var temperature = new Option<double?>("--temperature") { Description = "Override the protocol's temperature for the target." };
        var judgeMaxTokens = new Option<int?>("--judge-max-tokens") { Description = "Override the protocol's max_tokens for the judge." };
        var judgeTemperature = new Option<double?>("--judge-temperature") { Description = "Override the protocol's temperature for the judge." };
        var samples = new Option<int?>("--samples") { Description = "Override the protocol's answers per item (3 for SIUO generation)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (requests, tokens, cost with --prices) and stop." };
        var prices = new Option<string>("--prices") { Description = "YAML: model id -> {input, output} USD per million tokens, for --dry-run." };
        var json = new Option<bool>("--json") { Description = "Print the final score as JSON." };
        var target = ModelOptions.Target();
        var judge = ModelOptions.Judge();
        var modelsFile = ModelOptions.ModelsFileOption();
        var cache = ModelOptions.CacheOption();
        var command = new Command("run", "Run a benchmark end to end: generate, judge, score.")
        {
            benchmark, data, output, resume, limit, categories, ids, maxTokens, temperature, judgeMaxTokens, judgeTemperature, samples,
            dryRun, prices, json, modelsFile, cache,
        };
        target.AddTo(command);
        judge.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(modelsFile) is { } path ? ModelsFile.Load(path) : null;
            RunManifest? recorded = parse.GetValue(resume) is { } dir ? OpenManifest(dir) : null;
            string outDir = parse.GetValue(resume) ?? parse.GetValue(output) ?? throw new InputException("no run directory; pass --out DIR (or --resume DIR).");
            string name = recorded?.Benchmark ?? parse.GetValue(benchmark) ?? throw new InputException($"no benchmark; expected one of {string.Join(", ", BenchmarkCatalog.Names)}.");
            string dataPath = recorded?.DatasetFile ?? parse.GetValue(data) ?? throw new InputException("no dataset; pass --data DIR (the benchmark's data root).");
            var filter = recorded is not null
                ? new RunFilter(Ids: [.. recorded.Items.Select(i => i.Id)])
                : new RunFilter(parse.GetValue(limit), Split(parse.GetValue(categories)), Split(parse.GetValue(ids))?.Select(ParseId).ToList());
            var targetSpec = (recorded is not null ? RunManifests.Spec(recorded.Target) : target.Resolve(parse, file))
                ?? throw new InputException("no target model; pass --model NAME (or --model mock for an offline dry run).");
            var judgeSpec = recorded?.Judge is { } j ? RunManifests.Spec(j) : judge.Resolve(parse, file);
            var bench = BenchmarkCatalog.Load(name, dataPath, filter, recorded?.Samples ?? parse.GetValue(samples));
            if (bench.Aspects.Count > 0 && judgeSpec is null) throw new InputException($"{name} needs a judge; pass --judge NAME (or --judge mock).");
            var overrides = new GenerationParameters(Temperature: parse.GetValue(temperature), MaxTokens: parse.GetValue(maxTokens));
            var judgeOverrides = new GenerationParameters(Temperature: parse.GetValue(judgeTemperature), MaxTokens: parse.GetValue(judgeMaxTokens));

            if (parse.GetValue(dryRun))
            {
                ShowPlan(console, RunPlan.Estimate(bench, targetSpec, judgeSpec, overrides, parse.GetValue(prices) is { } p ? PriceTable.Load(p) : null), bench, outDir);
                return ExitCodes.Success;
            }
            using var store = RunManifests.OpenFor(outDir, RunManifests.Create(bench, targetSpec, judgeSpec));
            using var responses = ModelOptions.OpenCache(parse, cache);
            var factory = new ModelClientFactory(cache: responses);
            var targetClient = factory.Create(targetSpec);
            var judgeClient = judgeSpec is null ? null : factory.Create(judgeSpec);
            async Task Stages(IRunProgress progress)
            {
                var engine = new RunEngine(store, bench, targetClient, judgeClient, overrides, judgeOverrides, progress);
                await engine.GenerateAsync(cancellationToken);
                await engine.JudgeAsync(cancellationToken: cancellationToken);
            }
            // With --json, stdout carries the JSON alone.
            if (parse.GetValue(json)) await Stages(NoProgress.Instance);
            else await SpectreRunProgress.RunAsync(console, Stages);
            ScorePrinter.Print(console, outDir, RunScoring.Score(store, judgeSpec?.Name), parse.GetValue(json));
            if (!parse.GetValue(json)) ShowUsage(console, [targetClient, .. judgeClient is null ? [] : new[] { judgeClient }]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static RunManifest OpenManifest(string dir)
    {
        var (store, manifest) = RunStore.OpenExisting(dir);
        store.Dispose();
        if (manifest.Target.Provider == MmSafe.Interchange.RunImport.Provider)
            throw new InputException($"{dir}: an imported run holds results made elsewhere; it can be scored, judged again and exported, not resumed.");
        return manifest;
    }

    private static List<string>? Split(string? list) =>
        list is null ? null : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int ParseId(string id) =>
        int.TryParse(id, out var value) ? value : throw new InputException($"--ids: '{id}' is not an integer id.");

    private static void ShowPlan(CliConsole console, RunPlan plan, IRunBenchmark bench, string outDir)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape($"Plan: {bench.Name} into {outDir}")) };
        table.AddColumn("What").AddColumn(new TableColumn("Count").RightAligned());
        table.AddRow("Items", plan.Items.ToString("N0"));
        table.AddRow("Target requests", plan.TargetRequests.ToString("N0"));
        table.AddRow("Judge requests", plan.JudgeRequests.ToString("N0"));
        table.AddRow("Input tokens (rough)", plan.InputTokens.ToString("N0"));
        table.AddRow("Output tokens (at most)", plan.OutputTokens.ToString("N0"));
        table.AddRow("Cost (USD)", plan.Cost is { } cost ? cost.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "pass --prices FILE");
        console.Out.Write(table);
    }

    private static void ShowUsage(CliConsole console, IEnumerable<ModelClient> clients)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Requests this session") };
        foreach (var header in new[] { "Model", "Requests", "Failures", "Tokens in", "Tokens out", "Mean latency" }) table.AddColumn(header);
        foreach (var u in clients.Select(c => c.Usage.Snapshot()))
            table.AddRow(Markup.Escape(u.Model), u.Requests.ToString(), u.Failures.ToString(), u.InputTokens.ToString("N0"), u.OutputTokens.ToString("N0"), $"{u.MeanLatency.TotalMilliseconds:F0} ms");
        console.Out.Write(table);
    }
}
