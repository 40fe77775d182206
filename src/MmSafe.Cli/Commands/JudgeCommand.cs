using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Models;
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
        var judge = ModelOptions.Judge();
        var modelsFile = ModelOptions.ModelsFileOption();
        var cache = ModelOptions.CacheOption();
        var command = new Command("judge", "Judge a run's answers (again) without generating again.") { dir, retry, json, modelsFile, cache };
        judge.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(dir);
            var (store, manifest) = RunStore.OpenExisting(path);
            using var _ = store;
            var file = parse.GetValue(modelsFile) is { } f ? ModelsFile.Load(f) : null;
            var judgeSpec = judge.Resolve(parse, file) ?? (manifest.Judge is { } recorded ? RunManifests.Spec(recorded)
                : throw new InputException("no judge; pass --judge NAME."));
            var benchmark = RunManifests.Benchmark(manifest, path);
            if (benchmark.Aspects.Count == 0) throw new InputException($"{manifest.Benchmark} has no judge stage.");
            using var responses = ModelOptions.OpenCache(parse, cache);
            var client = new ModelClientFactory(cache: responses).Create(judgeSpec);
            async Task Stage(IRunProgress progress) =>
                await new RunEngine(store, benchmark, null, client, progress: progress).JudgeAsync(parse.GetValue(retry), cancellationToken);
            if (parse.GetValue(json)) await Stage(NoProgress.Instance);
            else await SpectreRunProgress.RunAsync(console, Stage);
            ScorePrinter.Print(console, $"{path} (judge {judgeSpec.Name})", RunScoring.Score(store, judgeSpec.Name), parse.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }
}
