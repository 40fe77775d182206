using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Models;
using MmSafe.Reports;
using MmSafe.Runs;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe judge DIR --judge NAME</c>: judge an existing run again, keeping every judge's verdicts side by side.</summary>
public static class JudgeCommand
{
    public static Command Build(CliConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by mmsafe run." };
        var retry = new Option<bool>("--retry-failed") { Description = "Ask again where the judge failed, declined or was filtered." };
        var json = new Option<bool>("--json") { Description = "Print the score with this judge as JSON." };
        var withoutImage = new Option<bool>("--without-image")
        {
            Description = "Judge without showing the judge the image (recorded as judge NAME-no-image), to measure how much the judge's verdicts depend on it.",
        };
        var batch = new Option<bool>("--batch") { Description = "Judge through the provider's batch API (OpenAI Batch API, Anthropic Message Batches; about half the price)." };
        var batchPoll = new Option<double?>("--batch-poll") { Description = "Seconds between asking whether a batch has ended (default 30)." };
        var judge = ModelOptions.Judge();
        var parameters = ParameterOptions.Judge();
        var modelsFile = ModelOptions.ModelsFileOption();
        var cache = ModelOptions.CacheOption();
        var command = new Command("judge", "Judge a run's answers (again) without generating again.") { dir, retry, json, withoutImage, modelsFile, cache, batch, batchPoll };
        judge.AddTo(command);
        parameters.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(dir);
            using var run = RunDirectory.Open(path);
            var spec = run.Spec;
            var benchmark = BenchmarkRegistry.Get(spec.Benchmark);
            if (benchmark.Protocol.Aspects.Count == 0) throw new InputException($"{spec.Benchmark} has no judge stage.");
            var file = parse.GetValue(modelsFile) is { } f ? ModelsFile.Load(f) : null;
            // Without a models file, the names resolve through the models this run recorded (their endpoints and
            // key variables), never to a default endpoint: a name the run does not know needs --judge-base-url.
            var requested = judge.Resolve(parse, file, RecordedModels(spec));
            bool blind = parse.GetValue(withoutImage);
            if (blind && requested is null) throw new InputException("--without-image needs --judge NAME: the judge to ask without the image.");
            if (blind && (spec.FindJudge(requested!.Name) is { SeesImage: false } || requested.Name.EndsWith("-no-image", StringComparison.Ordinal)))
                throw new InputException($"--without-image: judge '{requested.Name}' already judges without the image; name the judge that sees it.");
            if (blind) requested = requested! with { Name = $"{requested.Name}-no-image" };
            ModelSettings settings;
            ModelSpec model;
            RunSpec? added = null; // the spec before this judge was added, restored when the judge answered nothing
            if (parameters.Given(parse) && requested is null)
                throw new InputException("--judge-temperature, --judge-unset and the other parameter flags set a new judge's parameters; pass --judge NAME for it.");
            if (requested is null)
            {
                settings = spec.Judge ?? throw new InputException("no judge; pass --judge NAME.");
                model = RunSpecs.Model(settings, spec.Operations.GetValueOrDefault(settings.Name));
            }
            else
            {
                settings = RunSpecs.Judge(benchmark, requested, parameters.Read(parse), seesImage: !blind);
                model = requested;
                if (spec.FindJudge(settings.Name) is { } known && known.Model != settings.Model)
                    throw new InputException($"{path}: a judge named '{settings.Name}' already judged this run with model {known.Model}; name the new judge differently.");
                // A recorded judge keeps its recorded parameters: flags that would change them would be dropped unseen.
                if (spec.FindJudge(settings.Name) is { } same && parameters.Given(parse) && same.Parameters != settings.Parameters)
                {
                    // A judge that stored no readable verdict (one stopped by a refused parameter, say) takes the fixed parameters;
                    // one with verdicts keeps those it made them with.
                    if (run.Store.Verdicts(settings.Name).Any(v => !v.NeedsRetry))
                        throw new InputException($"{path}: judge '{settings.Name}' is recorded with other parameters and has verdicts made with them; the parameter flags apply to a new judge, so give it another name (a models-file entry).");
                    run.Store.WriteSpec(spec with { Judges = [.. spec.Judges.Select(j => j.Name == settings.Name ? settings : j)] });
                    await run.Store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.SettingsChanged, settings.Name,
                        $"judge {settings.Name}'s parameters changed before it stored a verdict: {ModelDeviations.Settings(same.Parameters, settings.Parameters)} (was: {ModelDeviations.Settings(settings.Parameters, same.Parameters)})"), cancellationToken);
                    added = spec;
                }
                else if (spec.FindJudge(settings.Name) is null)
                {
                    run.Store.WriteSpec(spec with
                    {
                        Judges = [.. spec.Judges, settings],
                        Operations = new Dictionary<string, ModelOperations>(spec.Operations) { [settings.Name] = RunSpecs.Operations(requested) },
                    });
                    added = spec;
                }
            }
            if (parse.GetValue(batch))
                model = model.Provider == ProviderKind.Mock ? throw new InputException($"--batch: {model.Name} is the offline mock model, which has no batch API.") : model with { Batch = true };
            if (parse.GetValue(batchPoll) is <= 0 and var poll) throw new InputException($"--batch-poll must be more than 0 seconds, not {poll}.");
            if (spec.Target.Provider == MmSafe.Interchange.RunImport.Provider && requested is null)
                throw new InputException($"{path}: an imported run's judge cannot be asked again; pass --judge NAME for a new judge.");
            using var responses = ModelOptions.OpenCache(parse, cache, run.Store.IsShared ? null : spec.Cache);
            var notices = new RetryNotices();
            var client = new ModelClientFactory(notices: notices).Create(model with { KeyFlag = judge.ApiKeyEnv.Name });
            int exit;
            try
            {
                exit = await RunSession.ExecuteAsync(console, run, null, [client], responses, new PipelineOptions(Generate: false, RetryDeclined: parse.GetValue(retry),
                    BatchPoll: parse.GetValue(batchPoll) is { } seconds ? TimeSpan.FromSeconds(seconds) : null),
                    settings.Name, parse.GetValue(json), notices, cancellationToken,
                    again: $"the same 'mmsafe judge {path} --judge {parse.GetValue(judge.Name)?.FirstOrDefault() ?? settings.Name}' command");
            }
            finally
            {
                // A judge is recorded only once it works: one that answered nothing (a wrong URL, key or model id) is
                // taken out of the spec again, whatever ended the session, so 'run --resume' still matches the run.
                if (added is not null && !run.Store.Verdicts(settings.Name).Any(v => !v.NeedsRetry))
                {
                    run.Store.WriteSpec(added);
                    console.Error($"note: judge '{settings.Name}' answered none of its requests, so it is not recorded in {path}: fix its endpoint, key, model id or parameters before judging again.");
                }
            }
            // A refused parameter is the user's to fix (exit 2, said by the session); anything else that left the judge unrecorded is an endpoint that failed.
            if (added is not null && run.Store.ReadSpec()?.FindJudge(settings.Name) is null) return exit == ExitCodes.InputError ? exit : ExitCodes.ModelUnavailable;
            // Drift guard: how far this judge moves the headline on the same answers as the run's own judge.
            var first = spec.Judge?.Name;
            if (first is not null && first != settings.Name
                && MmSafe.Reports.JudgePanel.Of(run.Store.Read()).Pairs.FirstOrDefault(p => p.First == first && p.Second == settings.Name) is { } drift)
                console.Error(drift.Undefined ? $"drift: {settings.Name} minus {first}: {MmSafe.Reports.JudgePair.NoSharedItem}; 'mmsafe agreement {path}' shows the panel."
                    : $"drift: {settings.Name} minus {first} on the same {drift.Items} items: {Numbers.Points(-drift.Drift)} points [{Numbers.Points(-drift.DriftHigh)}, {Numbers.Points(-drift.DriftLow)}], McNemar p {Numbers.PValue(drift.PValue)}, kappa {Numbers.Points(drift.Kappa.Value)}; 'mmsafe agreement {path}' shows the panel.");
            return exit;
        });
        return command;
    }

    /// <summary>
    /// The models a run recorded (its judges, then its target and captioner) by name, reached and driven as recorded. A
    /// recorded judge keeps its parameters; a model recorded in another role keeps only its endpoint, key and limits,
    /// since its recorded parameters are that role's protocol (a target's top_p and system prompt are not a judge's).
    /// The mock model needs no record.
    /// </summary>
    private static Dictionary<string, ModelSpec> RecordedModels(RunSpec spec)
    {
        var models = new Dictionary<string, ModelSpec>(StringComparer.Ordinal);
        foreach (var (m, judge) in spec.Judges.Select(j => (j, true)).Append((spec.Target, false)).Concat(spec.Captioner is { } c ? [(c, false)] : []))
            if (m.Provider != MmSafe.Interchange.RunImport.Provider && Enum.TryParse<ProviderKind>(m.Provider, out var provider) && provider != ProviderKind.Mock)
                models.TryAdd(m.Name, RunSpecs.Model(m, spec.Operations.GetValueOrDefault(m.Name)) is var model && judge ? model : model with { Defaults = new() });
        return models;
    }
}
