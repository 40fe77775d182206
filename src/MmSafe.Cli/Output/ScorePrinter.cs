using MmSafe.Reports;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>Prints a run's score as a table or as JSON, with its outcomes, deviations and completeness.</summary>
public static class ScorePrinter
{
    public static void Print(CliConsole console, RunScore score, bool json)
    {
        if (json)
        {
            console.WriteRaw(ScoreJson.Write(score));
            return;
        }
        ScoreTables.Show(console, score.Run.Directory + (score.Judge is null ? "" : $" (judge {score.Judge})"), score.Sheet, score.Warnings);
        // A run with nothing asked yet has no outcomes: the line is then its completeness alone, with no empty first item.
        var parts = new[] { string.Join(", ", score.Outcomes.Select(o => $"{o.Key} {o.Value}")), score.Completeness.Describe() }.Where(p => p.Length > 0);
        console.Out.Write(new Text(CliConsole.Plain($"Outcomes: {string.Join("; ", parts)}.") + "\n"));
        if (score.UnscoredAnswers.Count == 0) return;
        console.Out.Write(new Text("Answers not scored (item#answer: outcome):\n"));
        foreach (var line in score.UnscoredAnswers.Take(20)) console.Out.Write(new Text(CliConsole.Plain($"  {line}") + "\n"));
        if (score.UnscoredAnswers.Count > 20) console.Out.Write(new Text($"  … and {score.UnscoredAnswers.Count - 20} more\n"));
    }
}
