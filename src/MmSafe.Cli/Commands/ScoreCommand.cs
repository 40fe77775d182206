using System.CommandLine;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Reports;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe score BENCHMARK FILE</c>: scores judged results without calling any model.</summary>
public static class ScoreCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("score", "Score judged results (files in the authors' formats) without calling any model.");
        command.Subcommands.Add(SiuoGen(console));
        command.Subcommands.Add(SiuoMcqa(console));
        command.Subcommands.Add(VlsBench(console));
        return command;
    }

    private static Command SiuoGen(CliConsole console)
    {
        var file = FileArgument("A judged SIUO file: items with safety_evaluation / effectiveness_evaluation (or safety_gpt / effectiveness_gpt).");
        var json = JsonOption();
        var command = new Command("siuo-gen", "Score SIUO generation: safe, effective and safe-and-effective rates.") { file, json };
        command.SetAction(parse =>
        {
            var imported = SiuoGenJudgedFile.Read(parse.GetRequiredValue(file));
            var score = SiuoGenScorer.Score(imported.Items);
            if (parse.GetValue(json)) console.WriteRaw(ScoreJson.Write(score, imported.Warnings));
            else ScoreTables.Show(console, imported.File, score, imported.Warnings);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SiuoMcqa(CliConsole console)
    {
        var file = FileArgument("A SIUO multiple-choice results file: items with response_mcqa and correct_option.");
        var json = JsonOption();
        var command = new Command("siuo-mcqa", "Score SIUO multiple choice: accuracy, with unanswered items counted.") { file, json };
        command.SetAction(parse =>
        {
            var imported = SiuoMcqaResponsesFile.Read(parse.GetRequiredValue(file));
            var score = SiuoMcqaScorer.Score(imported.Items);
            if (parse.GetValue(json)) console.WriteRaw(ScoreJson.Write(score, imported.Warnings));
            else ScoreTables.Show(console, imported.File, score, imported.Warnings);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command VlsBench(CliConsole console)
    {
        var file = FileArgument("VLSBench results: the authors' {stats, logs} file, or items with safe_label or a judge text.");
        var data = new Option<string>("--data")
        {
            Description = "The VLSBench data root (or its data.json), to add categories to results that lack them.",
        };
        var json = JsonOption();
        var command = new Command("vlsbench", "Score VLSBench: safe (refusal + warning) and unsafe rates.") { file, data, json };
        command.SetAction(parse =>
        {
            var dataset = parse.GetValue(data) is { } root ? VlsBenchDataset.Load(root) : null;
            var imported = VlsBenchResultsFile.Read(parse.GetRequiredValue(file), dataset);
            var score = VlsBenchScorer.Score(imported.Items);
            if (parse.GetValue(json)) console.WriteRaw(ScoreJson.Write(score, imported.Warnings));
            else ScoreTables.Show(console, imported.File, score, imported.Warnings);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Argument<string> FileArgument(string description) => new("FILE") { Description = description };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of a table." };
}
