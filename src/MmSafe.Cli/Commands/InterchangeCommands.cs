using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Runs;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe export</c> and <c>mmsafe import</c>: runs to and from the authors' file formats.</summary>
public static class InterchangeCommands
{
    public static Command Export(CliConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory." };
        var format = new Option<string>("--format")
        {
            Description = "official (the authors' files), jsonl (one self-contained line per item; docs/JSONL.md), markdown, csv (a row per answer and per verdict) or json.",
            DefaultValueFactory = _ => "official",
        };
        format.AcceptOnlyFromAmong(["official", "jsonl", .. MmSafe.Reports.Exporters.ReportExporters.All.Select(e => e.Name)]);
        var to = new Option<string>("--to") { Description = "Where to write (default: DIR/export)." };
        var judge = new Option<string>("--judge") { Description = "Whose verdicts the official, markdown, csv and json exports hold, for runs judged more than once (default: the run's judge)." };
        var command = new Command("export", "Write a run as the authors' files, JSONL, Markdown, CSV or JSON.") { dir, format, to, judge };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(dir);
            // A run in a database has no directory to write beside: the user names one.
            var target = parse.GetValue(to) ?? (RunStores.IsServer(path)
                ? throw new InputException($"{PostgresLocation.Parse(path).Text}: a run in PostgreSQL has no directory to export into; pass --to with a local directory.")
                : Path.Combine(path, "export"));
            if (File.Exists(target)) throw new InputException($"{target}: is a file; --to names the directory to write the exported files into.");
            if (MmSafe.Reports.Exporters.ReportExporters.Find(parse.GetRequiredValue(format)) is { } exporter)
            {
                var report = MmSafe.Reports.RunReportData.Load(path, parse.GetValue(judge));
                console.WriteRaw(CliConsole.Plain(Writing(target, () => MmSafe.Reports.Exporters.ReportExporters.Write(exporter, report, target))));
                return ExitCodes.Success;
            }
            RunContents run;
            using (var store = RunStores.OpenRead(path)) run = store.Read();
            IReadOnlyList<string> written = Writing(target, () => parse.GetValue(format) == "jsonl"
                ? [RunExport.Jsonl(run, Path.Combine(target, "samples.jsonl"))]
                : RunExport.Official(run, target, OfficialJudge(run, parse.GetValue(judge))));
            if (parse.GetValue(format) == "official" && run.Spec.Samples > 1
                && !MmSafe.Benchmarks.BenchmarkRegistry.Get(run.Spec.Benchmark).OfficialHoldsEveryAnswer)
                console.Error($"note: the authors' {run.Spec.Benchmark} file holds one answer per item; with {run.Spec.Samples} per item, each item's answer is "
                    + "one that has the item's majority verdict (so their scorer gives the run's numbers), and every answer is in an added field that mmsafe score and import read.");
            foreach (var file in written) console.WriteRaw(CliConsole.Plain(file));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Writes the export; a target that cannot be written (a read-only run directory, a path through a file) is the user's to fix.</summary>
    private static T Writing<T>(string target, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{target}: cannot write the export there ({e.Message}); pass --to with a directory you can write.", e);
        }
    }

    // The authors' files hold one judge's verdicts: the one asked for, which the run must have.
    private static string? OfficialJudge(RunContents run, string? judge) =>
        judge is null || run.Spec.Judges.Any(j => j.Name == judge) ? judge
        : throw new InputException($"--judge {judge}: {run.Directory} was judged by {(run.Spec.Judges.Count == 0 ? "no judge" : string.Join(", ", run.Spec.Judges.Select(j => j.Name)))}; name one of them.");

    public static Command Merge(CliConsole console)
    {
        var output = new Argument<string>("OUT") { Description = "The new run directory." };
        var shards = new Argument<string[]>("SHARD") { Description = "The shards' run directories (mmsafe run --shard k/n).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge", "Join the shards of one run, made on machines that share no store, into one run directory.") { output, shards };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = await RunMerge.MergeAsync(parse.GetRequiredValue(output), parse.GetRequiredValue(shards), cancellationToken);
            console.WriteRaw(CliConsole.Plain($"Merged {parse.GetRequiredValue(shards).Length} shards ({spec.Selection.SampleIds.Count} items) into {parse.GetRequiredValue(output)}; score it with: mmsafe score {parse.GetRequiredValue(output)}"));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Import(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "Results in the authors' format (or exported by mmsafe)." };
        var benchmark = new Option<string>("--benchmark") { Description = $"{MmSafe.Benchmarks.BenchmarkRegistry.NamesText}.", Required = true };
        var data = new Option<string>("--data") { Description = "The benchmark's data root, for categories and the dataset hash.", Required = true };
        var output = new Option<string>("--out") { Description = "The new run directory.", Required = true };
        var model = new Option<string>("--model") { Description = "The name of the model that answered (default: the name the file gives, else imported-model).", DefaultValueFactory = _ => "imported-model" };
        var judge = new Option<string>("--judge") { Description = "The name of the judge whose texts the file holds.", DefaultValueFactory = _ => "imported-judge" };
        var command = new Command("import", "Read results produced elsewhere into a run directory.") { file, benchmark, data, output, model, judge };
        command.SetAction(async (parse, _) =>
        {
            // A file that names its model (MOSSBench's published responses) gives the run that name unless --model is given.
            var named = parse.GetResult(model) is { Implicit: false } ? null : MmSafe.Benchmarks.BenchmarkRegistry.Get(parse.GetRequiredValue(benchmark)).ResultsModel(parse.GetRequiredValue(file));
            var spec = await RunImport.ImportAsync(parse.GetRequiredValue(file), parse.GetRequiredValue(benchmark), parse.GetRequiredValue(data),
                parse.GetRequiredValue(output), named ?? parse.GetRequiredValue(model), parse.GetRequiredValue(judge));
            // Answers without verdicts (a judged benchmark whose file holds none) are judged next, not scored.
            var next = spec.Judges.Count == 0 && MmSafe.Benchmarks.BenchmarkRegistry.Get(spec.Benchmark).Protocol.Aspects.Count > 0
                ? $"the file holds no verdicts; judge the answers with: mmsafe judge {parse.GetRequiredValue(output)} --judge MODEL"
                : $"score it with: mmsafe score {parse.GetRequiredValue(output)}";
            console.WriteRaw(CliConsole.Plain($"Imported {spec.Selection.SampleIds.Count} items into {parse.GetRequiredValue(output)}; {next}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
