using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Evals;
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
        command.Subcommands.Add(CertifyCommand.Build(console));
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(dir);
            var poll = ModelBatching.Poll(parse.GetValue(batchPoll));
            var addition = new JudgeAddition(spec =>
                // Without a models file, the names resolve through the models this run recorded (their endpoints and
                // key variables), never to a default endpoint: a name the run does not know needs --judge-base-url.
                judge.Resolve(parse, parse.GetValue(modelsFile) is { } f ? ModelsFile.Load(f) : null, JudgeAddition.RecordedModels(spec)), parameters.Read(parse))
            {
                ParametersGiven = parameters.Given(parse),
                WithoutImage = parse.GetValue(withoutImage),
                Batch = parse.GetValue(batch),
                KeyFlag = judge.ApiKeyEnv.Name,
            };
            var request = new EvaluationRequest([new EvaluationCell(path, path) { Judge = addition }])
            {
                Generate = false,
                RetryDeclined = parse.GetValue(retry),
                BatchPoll = poll,
                Cache = parse.GetValue(cache),
            };
            var notices = new RetryNotices();
            using var evaluation = await Evaluation.OpenAsync(request, new ModelClientFactory(notices: notices), cancellationToken);
            var run = evaluation.Runs[0];
            var spec = run.Spec;
            var settings = evaluation.Judges[0]!;
            var (exit, cell) = await RunSession.ExecuteAsync(console, evaluation, settings.Settings.Name, parse.GetValue(json), notices, cancellationToken,
                again: $"the same 'mmsafe judge {path} --judge {parse.GetValue(judge.Name)?.FirstOrDefault() ?? settings.Settings.Name}' command", showSpend: false);
            // A judge is recorded only once it works: one that answered nothing (a wrong URL, key or model id) is
            // taken out of the spec again, whatever ended the session, so 'run --resume' still matches the run.
            bool withdrawn = evaluation.WithdrawJudge(0);
            if (withdrawn)
                console.Error($"note: judge '{settings.Settings.Name}' answered none of its requests, so it is not recorded in {path}: fix its endpoint, key, model id or parameters before judging again.");
            if (exit is null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cell.Error!);
            // A refused parameter is the user's to fix (exit 2, said by the session); anything else that left the judge unrecorded is an endpoint that failed.
            if (withdrawn) return exit == ExitCodes.InputError ? exit.Value : ExitCodes.ModelUnavailable;
            // Drift guard: how far this judge moves the headline on the same answers as the run's own judge.
            var first = settings.Before?.Judge?.Name ?? spec.Judge?.Name;
            var name = settings.Settings.Name;
            if (first is not null && first != name
                && MmSafe.Reports.JudgePanel.Of(run.Store.Read()).Pairs.FirstOrDefault(p => p.First == first && p.Second == name) is { } drift)
                console.Error(drift.Undefined ? $"drift: {name} minus {first}: {MmSafe.Reports.JudgePair.NoSharedItem}; 'mmsafe agreement {path}' shows the panel."
                    : $"drift: {name} minus {first} on the same {drift.Items} items: {Numbers.Points(-drift.Drift)} points [{Numbers.Points(-drift.DriftHigh)}, {Numbers.Points(-drift.DriftLow)}], McNemar p {Numbers.PValue(drift.PValue)}, kappa {Numbers.Points(drift.Kappa.Value)}; 'mmsafe agreement {path}' shows the panel.");
            return exit.Value;
        });
        return command;
    }
}
