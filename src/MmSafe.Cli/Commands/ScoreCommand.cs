using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Reports;
using MmSafe.Runs;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe score BENCHMARK FILE</c>: scores judged results without calling any model.</summary>
public static class ScoreCommand
{
    public static Command Build(CliConsole console)
    {
        var data = new Option<string>("--data")
        {
            Description = "The benchmark's data root, to add what the results file lacks (VLSBench: categories, joined by id).",
        };
        var runDir = new Argument<string?>("DIR") { Description = "A run directory (from mmsafe run) to score from its store.", Arity = ArgumentArity.ZeroOrOne };
        var runJson = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table." };
        var judgeName = new Option<string>("--judge") { Description = "Whose verdicts to score, for runs judged more than once (default: the run's judge)." };
        var command = new Command("score", "Score a run directory, or judged results in the authors' formats, without calling any model.")
        {
            runDir,
            runJson,
            judgeName,
        };
        foreach (var benchmark in BenchmarkRegistry.All) command.Subcommands.Add(Define(console, benchmark, data));
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(runDir) ?? throw new InputException($"expected a run directory (mmsafe score DIR) or a benchmark (mmsafe score {BenchmarkRegistry.Names[0]} FILE).");
            if (!RunStores.Exists(dir))
                throw new InputException(RunStores.IsServer(dir) ? $"{PostgresLocation.Parse(dir).Text}: the database holds no run of that name."
                    : $"{dir}: not a run directory (no {SqliteRunStore.FileName}); to score a file, name its benchmark: mmsafe score {BenchmarkRegistry.Names[0]} FILE.");
            RunContents run;
            using (var store = RunStores.OpenRead(dir)) run = store.Read();
            ScorePrinter.Print(console, RunScoring.Score(run, parse.GetValue(judgeName)), parse.GetValue(runJson));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Define(CliConsole console, IBenchmark benchmark, Option<string> data)
    {
        var file = new Argument<string>("FILE") { Description = benchmark.ResultsFileHelp };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table." };
        var command = new Command(benchmark.Name, benchmark.Description) { file, json, data };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(file);
            var (sheet, warnings) = benchmark.ScoreResultsFile(path, parse.GetValue(data));
            if (parse.GetValue(json)) console.WriteRaw(ScoreJson.Write(sheet, warnings));
            else ScoreTables.Show(console, path, sheet, warnings);
            return ExitCodes.Success;
        });
        return command;
    }
}
