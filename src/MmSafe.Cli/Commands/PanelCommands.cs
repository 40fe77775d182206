using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using System.Globalization;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Scoring;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe agreement DIR</c> and <c>mmsafe labels export|import</c>: how far the judges (and humans) agree.</summary>
public static class PanelCommands
{
    public static Command Agreement(CliConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "A run judged by two or more judges (mmsafe judge DIR --judge B), or with human labels." };
        var format = new Option<string>("--format") { Description = "table (default), markdown or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "json");
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table (the same as --format json)." };
        var command = new Command("agreement", "Judge panel: per-judge rates, Cohen's and Fleiss' kappa with intervals, drift between judges, disagreements.") { dir, format, json };
        command.SetAction(parse =>
        {
            RunContents run;
            using (var store = RunStores.OpenRead(parse.GetRequiredValue(dir))) run = store.Read();
            // A multiple-choice run is scored by its answer letters: there is no verdict to agree on, and no judge to add.
            if (run.Benchmark.Protocol.Aspects.Count == 0)
                throw new InputException($"{run.Directory}: {run.Benchmark.Name} has no judge (each answer letter is checked against the correct option), so there are no verdicts to compare; agreement needs a judged run ({string.Join(" or ", MmSafe.Benchmarks.BenchmarkRegistry.All.Where(b => b.Protocol.Aspects.Count > 0).Select(b => b.Name))}).");
            var panel = JudgePanel.Of(run);
            if (panel.Pairs.Count == 0)
                throw new InputException($"{run.Directory}: one rater only; add a judge with 'mmsafe judge {run.Directory} --judge NAME' or human labels with 'mmsafe labels import'.");
            var chosen = parse.GetValue(format);
            if (parse.GetValue(json) && parse.GetResult(format) is { Implicit: false } && chosen != "json")
                throw new InputException($"--json and --format {chosen} ask for two formats; give one of them.");
            switch (parse.GetValue(json) ? "json" : chosen)
            {
                case "json": console.WriteRaw(PanelJson.Write(panel)); break;
                case "markdown": console.WriteRaw(Markdown(panel)); break;
                default: Show(console, panel); break;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Labels(CliConsole console)
    {
        var command = new Command("labels", "Human labels: export a labelling sheet, import the filled one, correct a judge's rate with them.");
        var dir = new Argument<string>("DIR") { Description = "A run directory." };
        var count = new Option<int>("--count") { Description = "How many items to sample.", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "The sampling seed (the same seed gives the same items).", DefaultValueFactory = _ => 7 };
        var output = new Option<string>("--out") { Description = "The CSV to write.", Required = true };
        var stratify = new Option<string?>("--stratify") { Description = "Draw the sample per category, in proportion to each category's size (seeded): --stratify category." };
        stratify.AcceptOnlyFromAmong("category");
        var export = new Command("export", "Write a CSV (and an HTML page with thumbnails beside it) of a seeded random sample of items, and record the sample in the run.")
            { dir, count, seed, output, stratify };
        export.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(count) < 1) throw new InputException($"--count must be at least 1, not {parse.GetValue(count)}.");
            var path = parse.GetRequiredValue(output);
            if (string.Equals(Path.GetExtension(path), ".html", StringComparison.OrdinalIgnoreCase))
                throw new InputException($"--out {path}: expected the CSV file to write (e.g. sheet.csv); its HTML companion is written beside it.");
            OutputGuard.RefuseRunFile(path, "--out");
            OutputGuard.RefuseRunFile(Path.ChangeExtension(path, ".html"), "--out");
            if (HumanLabels.FilledRows(path) is > 0 and var filled)
                throw new InputException($"--out {path}: that sheet holds {filled} label{(filled == 1 ? "" : "s")}; import it first (mmsafe labels import {parse.GetRequiredValue(dir)} {path}) or name another file: exporting would erase them.");
            using var store = RunStores.OpenExisting(parse.GetRequiredValue(dir));
            var sample = HumanLabels.WriteSheet(store.Read(), path, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(stratify) is not null);
            await store.SaveAsync(sample.ToEvent(), cancellationToken);
            console.WriteRaw(CliConsole.Plain($"Wrote {sample.Ids.Count} items ({sample.Strategy} sample, seed {sample.Seed}, recorded in the run) to {path} and {Path.ChangeExtension(path, ".html")}; " +
                $"fill in {HumanLabels.LabelColumn} with safe or unsafe, then: mmsafe labels import {parse.GetRequiredValue(dir)} {path}"));
            return ExitCodes.Success;
        });
        var importDir = new Argument<string>("DIR") { Description = "The run the sheet was exported from." };
        var sheet = new Argument<string>("FILE") { Description = "The filled labelling sheet." };
        var import = new Command("import", "Read a filled labelling sheet into the run as the rater 'human'.") { importDir, sheet };
        import.SetAction(async (parse, cancellationToken) =>
        {
            using var run = RunDirectory.Open(parse.GetRequiredValue(importDir));
            var contents = run.Store.Read();
            var labels = HumanLabels.Read(contents, parse.GetRequiredValue(sheet));
            // A label outside the recorded sample would make every later estimate refuse (it is not a random sample's):
            // refused now, before it is stored.
            if (LabelSample.Recorded(contents) is { Count: > 0 } recorded)
            {
                var sampled = new HashSet<string>(recorded[^1].Ids, StringComparer.Ordinal);
                var outside = labels.Select(l => l.Id).Where(id => !sampled.Contains(id)).ToList();
                if (outside.Count > 0)
                    throw new InputException($"{parse.GetRequiredValue(sheet)}: {outside.Count} labelled item{(outside.Count == 1 ? " is" : "s are")} outside the sample this run recorded for labelling ({string.Join(", ", outside.Take(5))}{(outside.Count > 5 ? ", …" : "")}); labels on other items are not a random sample, so none was imported. Label only the sheet's items.");
            }
            foreach (var label in labels) await run.Store.SaveScoreAsync(HumanLabels.Rater, label, cancellationToken);
            console.WriteRaw(CliConsole.Plain($"Imported {labels.Count} human labels; see each judge against them with: mmsafe agreement {parse.GetRequiredValue(importDir)}, and the rate they correct with: mmsafe labels estimate {parse.GetRequiredValue(importDir)}"));
            return ExitCodes.Success;
        });
        command.Subcommands.Add(export);
        command.Subcommands.Add(import);
        command.Subcommands.Add(LabelsEstimateCommand.Create(console));
        return command;
    }



    private static IEnumerable<string[]> PairRows(JudgePanel panel) => panel.Pairs.Select(p => p.Undefined
        ? [p.First, p.Second, "0", "n/a", "n/a", JudgePair.NoSharedItem, "n/a", "n/a"]
        : new[]
    {
        p.First, p.Second, p.Items.ToString(CultureInfo.InvariantCulture), ScoreTables.Format(p.Agreement), Numbers.Kappa(p.Kappa),
        $"{Numbers.Points(p.Drift)} [{Numbers.Points(p.DriftLow)}, {Numbers.Points(p.DriftHigh)}]", Numbers.PValue(p.PValue), Numbers.Points(p.MinimumDetectable),
    });

    private static readonly string[] PairHeaders = ["Rater A", "Rater B", "Items", "Agree % [95% CI]", "Cohen's κ [95% CI]", $"Drift A−B (pp) [95% CI]", "McNemar p", "MDD (pp)"];

    private static void Show(CliConsole console, JudgePanel panel)
    {
        var judges = new FittedTable($"Judges ({panel.Metric} rate)", "Judge", "Model", "Sees the image", $"{panel.Metric} %").RightAligned(3);
        foreach (var j in panel.Judges) judges.Add([j.Judge, j.Model, j.SeesImage ? "yes" : "no", ScoreTables.Format(j.Headline)]);
        judges.Write(console.Out);
        var pairs = new FittedTable("Agreement and drift on the same answers", PairHeaders).RightAligned(2, 3, 4, 5, 6, 7);
        foreach (var row in PairRows(panel)) pairs.Add(row);
        pairs.Write(console.Out);
        if (panel.Fleiss is { } fleiss) console.Out.Write(new Text($"Fleiss' κ over {panel.FleissItems} items rated by every judge: {(panel.FleissItems == 0 ? "n/a (no item rated by every judge)" : Numbers.Kappa(fleiss))}\n"));
        console.Out.Write(new Text(CliConsole.Plain($"{panel.Disagreements.Count} items with disagreeing verdicts{(panel.Disagreements.Count == 0 ? "" : ": " + string.Join(", ", panel.Disagreements.Take(20).Select(d => d.ItemId)))}.") + "\n"));
    }

    public static string Markdown(JudgePanel panel)
    {
        var md = new System.Text.StringBuilder($"| Judge | Model | Sees the image | {panel.Metric} % |\n|---|---|---|---:|\n");
        foreach (var j in panel.Judges) md.Append($"| {ComparisonText.Cell(j.Judge)} | {ComparisonText.Cell(j.Model)} | {(j.SeesImage ? "yes" : "no")} | {ScoreTables.Format(j.Headline)} |\n");
        md.Append('\n').Append("| " + string.Join(" | ", PairHeaders) + " |\n|" + string.Concat(PairHeaders.Select((_, i) => i < 2 ? "---|" : "---:|")) + "\n");
        foreach (var row in PairRows(panel)) md.Append("| " + string.Join(" | ", row.Select(ComparisonText.Cell)) + " |\n");
        if (panel.Fleiss is { } fleiss) md.Append($"\nFleiss' κ over {panel.FleissItems} items: {(panel.FleissItems == 0 ? "n/a (no item rated by every judge)" : Numbers.Kappa(fleiss))}\n");
        md.Append($"\n{panel.Disagreements.Count} items with disagreeing verdicts{(panel.Disagreements.Count == 0 ? "" : ": " + ComparisonText.Cell(string.Join(", ", panel.Disagreements.Take(20).Select(d => d.ItemId))))}.\n");
        return md.ToString();
    }
}
