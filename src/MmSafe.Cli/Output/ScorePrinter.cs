using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Reports;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>Prints a run's score as the table or JSON that <c>mmsafe score</c> prints for files.</summary>
public static class ScorePrinter
{
    public static void Print(CliConsole console, string source, RunScore run, bool json)
    {
        var warnings = run.Warnings.Concat(run.FailedItems.Count > 0 ? [$"{run.FailedItems.Count} items failed and are left out of the rates."] : []).ToList();
        if (json)
        {
            console.WriteRaw(ScoreJson.Write(run.Score, warnings));
            return;
        }
        switch (run.Score)
        {
            case SiuoGenScore s: ScoreTables.Show(console, source, s, warnings); break;
            case SiuoMcqaScore s: ScoreTables.Show(console, source, s, warnings); break;
            case VlsBenchScore s: ScoreTables.Show(console, source, s, warnings); break;
        }
        if (run.FailedItems.Count == 0) return;
        console.Out.Write(new Text("Failed items (id: reason):\n"));
        foreach (var line in run.FailedItems.Take(20)) console.Out.Write(new Text(CliConsole.Plain($"  {line}") + "\n"));
        if (run.FailedItems.Count > 20) console.Out.Write(new Text($"  … and {run.FailedItems.Count - 20} more\n"));
    }
}
