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
        var benchmark = new Argument<string?>("BENCHMARK") { Description = "siuo-gen, siuo-mcqa or vlsbench.", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string>("--data") { Description = "The benchmark's data root (question file and images)." };
        var output = new Option<string>("--out") { Description = "The run directory (created; an existing one is resumed)." };
        var resume = new Option<string>("--resume") { Description = "Continue the run in this directory with its recorded settings." };
        var limit = new Option<int?>("--limit") { Description = "Run only the first N selected items." };
        var categories = new Option<string>("--categories") { Description = "Comma-separated categories to run." };
        var ids = new Option<string>("--ids") { Description = "Comma-separated item ids to run." };
        var targetParameters = ParameterOptions.Target();
        var judgeParameters = ParameterOptions.Judge();
        var samples = new Option<int?>("--samples") { Description = "Override the protocol's answers per item (3 for SIUO generation)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (requests, tokens, cost with --prices) and stop." };
        var prices = new Option<string>("--prices") { Description = "YAML: model id -> {input, output} USD per million tokens: the cost in the plan, the summary and the report, and --budget in dollars." };
        var budget = new Option<string>("--budget") { Description = "A hard stop for this session: dollars (5, $5; needs --prices) or tokens (200000tokens). Requests in flight finish; the rest wait for --resume." };
        var json = new Option<bool>("--json") { Description = "Print the final score as JSON (with --dry-run, the plan)." };
        var condition = new Option<string>("--condition")
        {
            Description = "What the target is shown: official (image + text, the default), text-only, image-only, or caption (the image's description; VLSBench).",
            DefaultValueFactory = _ => Conditions.Official,
        };
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
            benchmark, data, output, resume, limit, categories, ids, samples,
            dryRun, prices, budget, json, modelsFile, cache, condition, shard, otel, batch, batchPoll,
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
                // Everything that shapes the results comes from the record; only how hard to drive the models may change.
                var changing = new Option[] { data, output, condition, captioner.Name, shard, limit, categories, ids, samples, target.Name, judge.Name, target.BaseUrl, judge.BaseUrl, target.MaxTokensField, judge.MaxTokensField }
                    .Concat(targetParameters.All).Concat(judgeParameters.All).Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (changing.Count > 0 || parse.GetValue(benchmark) is not null)
                    throw new InputException($"--resume restores the run's recorded settings; {string.Join(", ", changing.DefaultIfEmpty("BENCHMARK"))} cannot be given with it. Start a new run with --out to change them.");
                var (targetBatch, judgeBatch) = Batching(parse.GetValue(batch));
                var concurrency = new Dictionary<string, int>();
                foreach (var (role, options) in new[] { ("target", target), ("judge", judge) })
                    if (parse.GetValue(options.Concurrency) is { } c)
                        concurrency[role] = c >= 1 ? c : throw new InputException($"{options.Concurrency.Name} must be at least 1, not {c}.");
                var resumedPoll = BatchPoll(parse, batchPoll);
                var pricesFile = parse.GetValue(prices);
                // Prices may change between sessions, as on a new run's --out: given now, they are this session's and recorded.
                var resumed = new EvaluationRequest([new EvaluationCell(dir, dir)
                {
                    Drive = Drive(target, judge, captioner) with
                    {
                        Concurrency = concurrency,
                        Batch = parse.GetValue(batch) is null ? new Dictionary<string, bool>() : new Dictionary<string, bool> { ["target"] = targetBatch, ["judge"] = judgeBatch },
                    },
                }])
                {
                    Prices = pricesFile is null ? null : PriceTable.LoadPrices(pricesFile),
                    PricesSource = pricesFile ?? "the run's recorded prices",
                    Budget = ParseBudget(parse, budget),
                    Cache = parse.GetValue(cache),
                    BatchPoll = resumedPoll,
                };
                return await ExecuteAsync(console, parse, resumed, json, otel, cancellationToken);
            }
            string outDir = parse.GetValue(output) ?? throw new InputException("no run directory; pass --out DIR (or --resume DIR).");
            var bench = BenchmarkRegistry.Get(parse.GetValue(benchmark) ?? throw new InputException($"no benchmark; expected one of {string.Join(", ", BenchmarkRegistry.Names)}."));
            var dataPath = parse.GetValue(data) ?? throw new InputException($"no dataset; pass --data DIR ({bench.DataDescription}).");
            int perItem = parse.GetValue(samples) ?? bench.Protocol.Samples;
            if (bench.CheckSamples(perItem) is { } why) throw new InputException($"--samples {perItem}: {why} for {bench.Name}.");
            var (batchTarget, batchJudges) = Batching(parse.GetValue(batch));
            var targetSpec = Batched(target.Resolve(parse, file) ?? throw new InputException("no target model; pass --model NAME (or --model mock for an offline dry run)."), batchTarget);
            var judgeSpecs = judge.ResolveAll(parse, file);
            string judgesFrom = judge.Name.Name;
            // No --judge: a models file's judges: list is the panel.
            if (judgeSpecs.Count == 0 && parse.GetValue(modelsFile) is { } panelFile) (judgeSpecs, judgesFrom) = (ModelsFile.Judges(panelFile), $"the judges: list of {panelFile}");
            // Not an error: the same flags or models file serve the judged benchmarks too.
            if (bench.Protocol.Aspects.Count == 0 && judgeSpecs.Count > 0)
                console.Error($"note: {bench.Name} has no judge stage (its answers are scored by rule); " +
                    $"{(judgeSpecs.Count == 1 ? "the judge" : "the judges")} {string.Join(", ", judgeSpecs.Select(j => j.Name))} ({judgesFrom}) {(judgeSpecs.Count == 1 ? "is" : "are")} not used.");
            judgeSpecs = [.. judgeSpecs.Select(j => Batched(j, batchJudges))];
            if (bench.Protocol.Aspects.Count > 0 && judgeSpecs.Count == 0) throw new InputException($"{bench.Name} needs a judge; pass --judge NAME (or --judge mock).");
            var dataset = bench.Load(dataPath);
            MmSafe.Diagnostics.PhaseTrace.Mark("dataset loaded and hashed");
            var (selection, selected) = SampleSelection.Apply(dataset, parse.GetValue(limit), Split(parse.GetValue(categories)), Split(parse.GetValue(ids)), parse.GetValue(shard));
            SelectedImages.Check(selected);
            MmSafe.Diagnostics.PhaseTrace.Mark("images checked");
            var shown = parse.GetRequiredValue(condition);
            var captionerSpec = captioner.Resolve(parse, file);
            if (captionerSpec is not null && shown != Conditions.Caption) throw new InputException($"--captioner writes image descriptions for --condition caption, not {shown}.");
            if (Conditions.Check(bench, selected, shown, captionerSpec is not null) is { } notHere) throw new InputException($"--condition {shown}: {notHere}.");
            var requested = RunSpecs.Create(bench, dataset, selection, perItem,
                targetSpec, targetParameters.Read(parse), judgeSpecs, judgeParameters.Read(parse), shown, captionerSpec);
            var warnings = PlanWarnings.Reasoning(requested, targetSpec, judgeSpecs);
            // Everything a user can get wrong is checked before the run directory is made: a refused command leaves nothing behind.
            var givenPrices = parse.GetValue(prices);
            var table = givenPrices is null ? null : PriceTable.LoadPrices(givenPrices);
            var priced = Priced(targetSpec, bench.Protocol.Aspects.Count == 0 ? [] : judgeSpecs, captionerSpec);
            // A run already in --out has its recorded prices and cache, used when the flags give none: those are checked once it is open.
            bool recordedRun = RunStores.IsServer(outDir) || SqliteRunStore.Exists(outDir);
            var budgetLimit = table is null && recordedRun ? ParseBudget(parse, budget) : Budget(parse, budget, table, givenPrices, priced);
            var poll = BatchPoll(parse, batchPoll);
            if (parse.GetValue(dryRun))
            {
                var plan = RunPlan.Estimate(requested, givenPrices is null ? null : PriceTable.Load(givenPrices));
                if (parse.GetValue(json)) console.WriteRaw(MmSafe.Reports.PlanJson.Write(plan, requested, outDir, warnings));
                else ShowPlan(console, plan, requested, outDir, givenPrices);
                // What the run would record as departures from the protocol, said before anything is sent (as the run itself says).
                if (!parse.GetValue(json) && requested.Deviations() is { Count: > 0 } deviations)
                    console.Error($"note: this run would depart from the official {requested.Benchmark} protocol: {string.Join("; ", deviations)}.");
                foreach (var warning in warnings) console.Error($"warning: {warning}");
                return ExitCodes.Success;
            }
            foreach (var warning in warnings) console.Error($"warning: {warning}");
            // A key that is missing is found before the run directory is made, not at the first request.
            foreach (var model in (bench.Protocol.Aspects.Count == 0 ? [] : judgeSpecs).Prepend(targetSpec).Concat(captionerSpec is null ? [] : [captionerSpec])) ModelClientFactory.CheckKey(model);
            var request = new EvaluationRequest([new EvaluationCell(outDir, outDir)
            {
                Spec = requested with { Prices = table, Cache = ModelOptions.CacheChoice(parse, cache) },
                Samples = selected,
                // Where each model was configured stays known, so that a refused parameter names the line to change.
                Drive = Drive(target, judge, captioner) with
                {
                    Origins = judgeSpecs.Prepend(targetSpec).DistinctBy(m => m.Name).ToDictionary(m => m.Name, m => m.Origin),
                },
            }])
            {
                Prices = table,
                PricesSource = givenPrices ?? "the run's recorded prices",
                Budget = budgetLimit,
                Cache = parse.GetValue(cache),
                BatchPoll = poll,
            };
            return await ExecuteAsync(console, parse, request, json, otel, cancellationToken);
        });
        return command;
    }

    /// <summary>The flags that name each role's key variable, for messages about the models the run records.</summary>
    private static ModelDrive Drive(ModelOptions target, ModelOptions judge, ModelOptions captioner) => new()
    {
        KeyFlags = new Dictionary<string, string> { ["target"] = target.ApiKeyEnv.Name, ["judge"] = judge.ApiKeyEnv.Name, ["captioner"] = captioner.ApiKeyEnv.Name },
    };

    private static (bool Target, bool Judges) Batching(string? batch) => (batch is "target" or "all", batch is "judge" or "all");

    /// <summary>The model with its batch setting: <paramref name="batch"/> when given, else as it was; only providers with a batch API may use one.</summary>
    private static ModelSpec Batched(ModelSpec model, bool? batch)
    {
        if (batch is not { } on) return model;
        if (on && model.Provider == ProviderKind.Mock) throw new InputException($"--batch: {model.Name} is the offline mock model, which has no batch API.");
        return model with { Batch = on };
    }

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

    /// <summary>The model ids a session pays for: the target, the judges that judge, the captioner.</summary>
    private static List<string> Priced(ModelSpec target, IEnumerable<ModelSpec> judges, ModelSpec? captioner) =>
        [target.Model, .. judges.Select(j => j.Model), .. captioner is null ? [] : new[] { captioner.Model }];

    private static BudgetLimit? ParseBudget(ParseResult parse, Option<string> budget) => parse.GetValue(budget) is { } b ? BudgetLimit.Parse(b) : null;

    /// <summary>The --budget flag, checked: a dollar budget is counted only with a price for every model the session pays for.</summary>
    private static BudgetLimit? Budget(ParseResult parse, Option<string> budget, IReadOnlyDictionary<string, Price>? prices, string? pricesSource, IReadOnlyList<string> models)
    {
        var limit = ParseBudget(parse, budget);
        BudgetLimit.Require(limit, prices, pricesSource, models, BudgetWording.Run);
        return limit;
    }

    private static TimeSpan? BatchPoll(ParseResult parse, Option<double?> batchPoll) => parse.GetValue(batchPoll) switch
    {
        <= 0 and var poll => throw new InputException($"--batch-poll must be more than 0 seconds, not {poll}."),
        { } seconds => TimeSpan.FromSeconds(seconds),
        null => null,
    };

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
