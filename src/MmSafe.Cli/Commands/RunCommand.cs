using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Evals;
using MmSafe.Models;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe run BENCHMARK</c>: generate, judge, score and summarise, resumably.</summary>
public static class RunCommand
{
    public static Command Build(CliConsole console)
    {
        var benchmark = new Argument<string?>("BENCHMARK") { Description = $"{BenchmarkRegistry.NamesText}.", Arity = ArgumentArity.ZeroOrOne };
        benchmark.CompletionSources.Add(_ => BenchmarkRegistry.Names.Select(n => new System.CommandLine.Completions.CompletionItem(n)));
        var data = new Option<string>("--data") { Description = "The benchmark's data root (question file and images)." };
        var output = new Option<string>("--out") { Description = "The run directory (created; an existing one is resumed)." };
        var resume = new Option<string>("--resume") { Description = "Continue the run in this directory with its recorded settings." };
        var limit = new Option<int?>("--limit")
        {
            Description = $"Run only N of the selected items: a seeded sample stratified by category (each category its proportional share, at least one each when N allows; dataset order kept), recorded as a deviation. Seed: --limit-seed (default {StratifiedLimit.DefaultSeed}).",
        };
        var limitSeed = new Option<int?>("--limit-seed") { Description = $"The seed of --limit's stratified sample (default {StratifiedLimit.DefaultSeed})." };
        var limitOrder = new Option<string>("--limit-order") { Description = "How --limit chooses: stratified (the default) or first (the first N items, as before)." };
        var categories = new Option<string>("--categories") { Description = "Comma-separated categories to run." };
        var ids = new Option<string>("--ids") { Description = "Comma-separated item ids to run." };
        var targetParameters = ParameterOptions.Target();
        var judgeParameters = ParameterOptions.Judge();
        var samples = new Option<int?>("--samples") { Description = $"Override the protocol's answers per item ({string.Join(", ", BenchmarkRegistry.All.Select(b => $"{b.Name}: {b.Protocol.Samples}"))})." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (requests, tokens, cost with --prices) and stop." };
        var preview = new Option<bool>("--preview")
        {
            Description = "Print the exact first request (the target's and, with a judge, the judge's about a placeholder answer) and stop: nothing is sent, no run directory is made, no key is needed. With --json, the bodies as JSON.",
        };
        var prices = new Option<string>("--prices") { Description = "YAML: model id -> {input, output} USD per million tokens: the cost in the plan, the summary and the report, and --budget in dollars." };
        var budget = new Option<string>("--budget") { Description = "A hard stop for this session: dollars (5, $5; needs --prices) or tokens (200000tokens). Requests in flight finish; the rest wait for --resume." };
        var json = new Option<bool>("--json") { Description = "Print the final score as JSON (with --dry-run, the plan)." };
        var condition = new Option<string>("--condition")
        {
            Description = "What the target is shown: official (image + text, the default), text-only, image-only, or caption (the image's description; VLSBench).",
            DefaultValueFactory = _ => Conditions.Official,
        };
        // Completions only: a wrong value is refused later, in words that name the run's choices.
        condition.CompletionSources.Add(Conditions.All.ToArray());
        limitOrder.CompletionSources.Add(StratifiedLimit.Stratified, StratifiedLimit.First);
        var target = ModelOptions.Target();
        var judge = ModelOptions.Judge();
        var captioner = ModelOptions.Captioner();
        var otel = new Option<bool>("--otel")
        {
            Description = "Emit an OpenTelemetry GenAI span per request on the ActivitySource 'MmSafe' (for your own collector, e.g. with OTEL_DOTNET_AUTO_TRACES_ADDITIONAL_SOURCES=MmSafe); message contents are not recorded.",
        };
        var batch = new Option<string>("--batch")
        {
            Description = "Send these requests through the provider's batch API (OpenAI Batch API, Anthropic Message Batches; about half the price, a separate quota): judge, target or all. Batch ids are stored, so --resume picks them up.",
        };
        batch.AcceptOnlyFromAmong("judge", "target", "all");
        var batchPoll = new Option<double?>("--batch-poll") { Description = "Seconds between asking whether a batch has ended (default 30)." };
        var shard = new Option<string>("--shard") { Description = "k/n: run only the k-th of n shards of the items (every n-th), to split a run over machines; join them with 'mmsafe merge'." };
        var modelsFile = ModelOptions.ModelsFileOption();
        var cache = ModelOptions.CacheOption();
        var command = new Command("run", "Run a benchmark end to end: generate, judge, score.")
        {
            benchmark, data, output, resume, limit, limitSeed, limitOrder, categories, ids, samples,
            dryRun, preview, prices, budget, json, modelsFile, cache, condition, shard, otel, batch, batchPoll,
        };
        targetParameters.AddTo(command);
        judgeParameters.AddTo(command);
        target.AddTo(command);
        judge.AddTo(command);
        captioner.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            MmSafe.Diagnostics.PhaseTrace.Mark("command line parsed");
            var file = parse.GetValue(modelsFile) is { } path ? ModelsFile.Load(path) : null;
            if (parse.GetValue(resume) is { } dir)
            {
                // A plan prices a new run; a resume would send (and pay for) what is left, which a dry run must never do.
                if (parse.GetValue(preview))
                    throw new InputException($"--preview shows a new run's first request and cannot be given with --resume; 'mmsafe view {dir}' shows the requests a stored run sent.");
                if (parse.GetValue(dryRun))
                    throw new InputException($"--dry-run plans a new run and cannot be given with --resume (which sends the requests still missing); 'mmsafe score {dir}' shows what is left.");
                // Everything that shapes the results comes from the record; only how hard to drive the models may change.
                var changing = new Option[] { data, output, condition, captioner.Name, shard, limit, limitSeed, limitOrder, categories, ids, samples, target.Name, judge.Name, target.BaseUrl, judge.BaseUrl, target.MaxTokensField, judge.MaxTokensField }
                    .Concat(targetParameters.All).Concat(judgeParameters.All).Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (changing.Count > 0 || parse.GetValue(benchmark) is not null)
                    throw new InputException($"--resume restores the run's recorded settings; {string.Join(", ", changing.DefaultIfEmpty("BENCHMARK"))} cannot be given with it. Start a new run with --out to change them.");
                var concurrency = new Dictionary<string, int>();
                foreach (var (role, options) in new[] { ("target", target), ("judge", judge) })
                    if (parse.GetValue(options.Concurrency) is { } c)
                        concurrency[role] = c >= 1 ? c : throw new InputException($"{options.Concurrency.Name} must be at least 1, not {c}.");
                var resumed = RunRequests.ForResume(dir, Drive(target, judge, captioner) with { Concurrency = concurrency }, parse.GetValue(batch),
                    parse.GetValue(prices), parse.GetValue(budget), parse.GetValue(cache), parse.GetValue(batchPoll));
                return await ExecuteAsync(console, parse, resumed, json, otel, cancellationToken);
            }
            var (batchTarget, batchJudges) = ModelBatching.Roles(parse.GetValue(batch));
            var judgeSpecs = judge.ResolveAll(parse, file);
            string judgesFrom = judge.Name.Name;
            // No --judge: a models file's judges: list is the panel.
            if (judgeSpecs.Count == 0 && parse.GetValue(modelsFile) is { } panelFile) (judgeSpecs, judgesFrom) = (ModelsFile.Judges(panelFile), $"the judges: list of {panelFile}");
            if (parse.GetValue(preview) && parse.GetValue(dryRun)) throw new InputException("--preview and --dry-run are two different stops; give one.");
            if (parse.GetValue(preview) && parse.GetValue(output) is { } existing && MmSafe.Runs.Stores.RunStores.Exists(existing))
                throw new InputException($"--out {existing} already holds a run, and --preview shows a new run's first request: leave out --out (a preview needs none) or name a new one; 'mmsafe view {existing}' shows the requests that run sent.");
            // A preview makes no run directory, so it needs none named.
            var planned = RunRequests.ForRun(new RunInputs(parse.GetValue(output) ?? (parse.GetValue(preview) ? "(preview)" : null), parse.GetValue(benchmark), parse.GetValue(data),
                new CellInputs(target.Resolve(parse, file), judgeSpecs, parse.GetRequiredValue(condition))
                {
                    Samples = parse.GetValue(samples),
                    TargetParameters = targetParameters.Read(parse),
                    JudgeParameters = judgeParameters.Read(parse),
                    Captioner = captioner.Resolve(parse, file),
                    BatchTarget = batchTarget,
                    BatchJudges = batchJudges,
                    Limit = parse.GetValue(limit),
                    LimitSeed = parse.GetValue(limitSeed),
                    LimitOrder = parse.GetValue(limitOrder),
                    Categories = Split(parse.GetValue(categories)),
                    Ids = Split(parse.GetValue(ids)),
                    Shard = parse.GetValue(shard),
                    JudgesFrom = judgesFrom,
                    Note = console.Error,
                })
            {
                Prices = parse.GetValue(prices),
                Budget = parse.GetValue(budget),
                Cache = parse.GetValue(cache),
                BatchPoll = parse.GetValue(batchPoll),
                Drive = Drive(target, judge, captioner),
            });
            if (parse.GetValue(preview))
            {
                foreach (var warning in planned.Cell.Warnings) console.Error($"warning: {warning}");
                var first = await RunPreview.FirstAsync(planned, cancellationToken);
                if (parse.GetValue(json)) RequestPreviewPrinter.WriteJson(console, first);
                else RequestPreviewPrinter.WriteText(console, first, RunPreview.PlaceholderAnswer);
                return ExitCodes.Success;
            }
            if (parse.GetValue(dryRun))
            {
                var plan = planned.Estimate();
                if (parse.GetValue(json)) console.WriteRaw(MmSafe.Reports.PlanJson.Write(plan, planned.Spec, planned.Out, planned.Cell.Warnings));
                else ShowPlan(console, plan, planned.Spec, planned.Out, planned.PricesFile);
                // What the run would record as departures from the protocol, said before anything is sent (as the run itself says).
                if (!parse.GetValue(json) && planned.Deviations is { Count: > 0 } deviations)
                    console.Error($"note: this run would depart from the official {planned.Spec.Benchmark} protocol: {string.Join("; ", deviations)}.");
                foreach (var warning in planned.Cell.Warnings) console.Error($"warning: {warning}");
                return ExitCodes.Success;
            }
            foreach (var warning in planned.Cell.Warnings) console.Error($"warning: {warning}");
            planned.CheckKeys();
            return await ExecuteAsync(console, parse, planned.Request, json, otel, cancellationToken);
        });
        return command;
    }

    /// <summary>The flags that name each role's key variable, for messages about the models the run records.</summary>
    private static ModelDrive Drive(ModelOptions target, ModelOptions judge, ModelOptions captioner) => new()
    {
        KeyFlags = new Dictionary<string, string> { ["target"] = target.ApiKeyEnv.Name, ["judge"] = judge.ApiKeyEnv.Name, ["captioner"] = captioner.ApiKeyEnv.Name },
    };

    private static async Task<int> ExecuteAsync(CliConsole console, ParseResult parse, EvaluationRequest request, Option<bool> json, Option<bool> otel,
        CancellationToken cancellationToken)
    {
        var notices = new RetryNotices();
        var factory = new ModelClientFactory(notices: notices, telemetrySource: parse.GetValue(otel) ? "MmSafe" : null);
        MmSafe.Diagnostics.PhaseTrace.Mark("spec made");
        using var evaluation = await Evaluation.OpenAsync(request, factory, cancellationToken);
        MmSafe.Diagnostics.PhaseTrace.Mark("store started and clients built");
        if (evaluation.Unpriced.Count > 0)
            console.Error($"note: {PriceFile.NoPrice(request.PricesSource, evaluation.Unpriced)}; this session's spend is counted in tokens only.");
        var (exit, cell) = await RunSession.ExecuteAsync(console, evaluation, evaluation.Runs[0].Spec.Judge?.Name, parse.GetValue(json), notices, cancellationToken);
        if (exit is null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cell.Error!);
        return exit.Value;
    }

    private static List<string>? Split(string? list) =>
        list is null ? null : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static void ShowPlan(CliConsole console, RunPlan plan, RunSpec spec, string outDir, string? pricesFile)
    {
        var table = TextTable.Create($"Plan: {spec.Benchmark} into {outDir}", "What");
        table.AddColumn(TextTable.Column("Count").RightAligned());
        table.AddTextRow(["Items", plan.Items.ToString("N0")]);
        table.AddTextRow(["Target requests", plan.TargetRequests.ToString("N0")]);
        table.AddTextRow(["Judge requests", plan.JudgeRequests.ToString("N0")]);
        table.AddTextRow(["Input tokens (rough)", plan.InputTokens.ToString("N0")]);
        table.AddTextRow(["Output tokens (at most)", plan.OutputTokens.ToString("N0")]);
        table.AddTextRow(["Cost (USD)", plan.Cost is { } cost ? cost.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
            : pricesFile is null ? "pass --prices FILE"
            : $"unknown: no price for {string.Join(", ", plan.Unpriced.Select(m => $"'{m}'"))} in {pricesFile}"]);
        console.Out.Write(table);
    }
}
