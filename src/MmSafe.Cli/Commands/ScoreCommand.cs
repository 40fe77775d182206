using System.CommandLine;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Reports;
using MmSafe.Runs;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe score BENCHMARK FILE</c>: scores judged results without calling any model.</summary>
public static class ScoreCommand
{
    /// <summary>A score ready to print either way.</summary>
    private sealed record Scored(Func<string> Json, Action Table);

    public static Command Build(CliConsole console)
    {
        var data = new Option<string>("--data")
        {
            Description = "The VLSBench data root (or its data.json), to add categories to results that lack them.",
        };
        var runDir = new Argument<string?>("DIR") { Description = "A run directory (from mmsafe run) to score from its store.", Arity = ArgumentArity.ZeroOrOne };
        var runJson = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table." };
        var judgeName = new Option<string>("--judge") { Description = "Whose verdicts to score, for runs judged more than once (default: the run's judge)." };
        var command = new Command("score", "Score a run directory, or judged results in the authors' formats, without calling any model.")
        {
            runDir,
            runJson,
            judgeName,
            Define(console, "siuo-gen", "Score SIUO generation: safe, effective and safe-and-effective rates.",
                "A judged SIUO file: items with safety_evaluation / effectiveness_evaluation (or safety_gpt / effectiveness_gpt).",
                (_, file) =>
                {
                    var imported = SiuoGenJudgedFile.Read(file);
                    return Sheet(console, file, SiuoGenScorer.Score(imported.Items), imported.Warnings);
                }),
            Define(console, "siuo-mcqa", "Score SIUO multiple choice: accuracy, with unanswered items counted.",
                "A SIUO multiple-choice results file: items with response_mcqa and correct_option.",
                (_, file) =>
                {
                    var imported = SiuoMcqaResponsesFile.Read(file);
                    return Sheet(console, file, SiuoMcqaScorer.Score(imported.Items), imported.Warnings);
                }),
            Define(console, "vlsbench", "Score VLSBench: safe (refusal + warning) and unsafe rates.",
                "VLSBench results: the authors' {stats, logs} file, or items with safe_label or a judge text.",
                (parse, file) =>
                {
                    var dataset = parse.GetValue(data) is { } root ? VlsBenchDataset.Load(root) : null;
                    var imported = VlsBenchResultsFile.Read(file, dataset);
                    return Sheet(console, file, VlsBenchScorer.Score(imported.Items), imported.Warnings);
                },
                data),
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(runDir) ?? throw new InputException("expected a run directory (mmsafe score DIR) or a benchmark (mmsafe score siuo-gen FILE).");
            if (!SqliteRunStore.Exists(dir)) throw new InputException($"{dir}: not a run directory (no {SqliteRunStore.FileName}); to score a file, name its benchmark: mmsafe score siuo-gen FILE.");
            RunContents run;
            using (var store = SqliteRunStore.OpenExisting(dir)) run = store.Read();
            ScorePrinter.Print(console, RunScoring.Score(run, parse.GetValue(judgeName)), parse.GetValue(runJson));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Scored Sheet(CliConsole console, string file, MmSafe.Scoring.ScoreSheet sheet, IReadOnlyList<string> warnings) =>
        new(() => ScoreJson.Write(sheet, warnings), () => ScoreTables.Show(console, file, sheet, warnings));

    private static Command Define(CliConsole console, string name, string description, string fileHelp,
        Func<ParseResult, string, Scored> score, params Option[] extra)
    {
        var file = new Argument<string>("FILE") { Description = fileHelp };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table." };
        var command = new Command(name, description) { file, json };
        foreach (var option in extra) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var scored = score(parse, parse.GetRequiredValue(file));
            if (parse.GetValue(json)) console.WriteRaw(scored.Json());
            else scored.Table();
            return ExitCodes.Success;
        });
        return command;
    }
}
