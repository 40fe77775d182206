using System.CommandLine;
using System.Text;
using System.Text.Json;
using MmSafe.Cli.Output;
using MmSafe.Interchange;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Runs.Stores;
using MmSafe.Scoring;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe labels estimate RUN</c>: the judge's rate corrected by human labels (prediction-powered inference).</summary>
public static class LabelsEstimateCommand
{
    public static Command Create(CliConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "A judged run with human labels imported from a sheet 'mmsafe labels export' wrote." };
        var judge = new Option<string?>("--judge") { Description = "The judge whose rate is corrected (default: the run's first judge)." };
        var width = new Option<double?>("--width") { Description = "A 95% interval width to reach, in percentage points: how many labels in all it needs." };
        var format = new Option<string>("--format") { Description = "text (default), markdown or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json");
        var command = new Command("estimate", "The judge's headline rate beside the prediction-powered estimate corrected by the human labels, and the human-only estimate.")
            { dir, judge, width, format };
        command.SetAction(parse =>
        {
            if (parse.GetValue(width) is { } w && (!double.IsFinite(w) || w <= 0 || w > 100))
                throw new InputException($"--width {w}: expected a width in percentage points above 0 and at most 100.");
            RunContents run;
            using (var store = RunStores.OpenRead(parse.GetRequiredValue(dir))) run = store.Read();
            var estimate = LabelEstimate.Of(run, parse.GetValue(judge), parse.GetValue(width));
            console.WriteRaw(parse.GetValue(format) switch
            {
                "json" => Json(estimate),
                "markdown" => Markdown(estimate),
                _ => Text(estimate),
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Pct(double proportion) => Numbers.Points(proportion * 100);

    private static string Form(LabelEstimate e) => e.Corrected.Stratified
        ? "stratified by category, weighted by each category's share of N"
        : "one random sample";

    private static (string Name, string Value, string Interval, string Items)[] Rows(LabelEstimate e) =>
    [
        ($"Judge {e.Judge} alone (Wilson)", Numbers.Points(e.JudgeRate.Percent), $"[{Numbers.Points(e.JudgeRate.Low)}, {Numbers.Points(e.JudgeRate.High)}]", $"N = {e.JudgeRate.Count}"),
        ("Corrected by human labels (PPI)", Pct(e.Corrected.Estimate), $"[{Pct(e.Corrected.Low)}, {Pct(e.Corrected.High)}]", $"N = {e.Corrected.Population}, n = {e.Corrected.Labelled}"),
        ("Human labels alone (Wilson)", Numbers.Points(e.HumanOnly.Percent), $"[{Numbers.Points(e.HumanOnly.Low)}, {Numbers.Points(e.HumanOnly.High)}]", $"n = {e.HumanOnly.Count}"),
    ];

    private static string Text(LabelEstimate e)
    {
        // Line by line, each with its control characters neutralised (a judge's name comes from the run's store).
        var lines = new List<string> { $"{e.Metric} rate (%), 95% intervals; labels: {e.Sample.Strategy} sample (seed {e.Sample.Seed}), {Form(e)}" };
        foreach (var (name, value, interval, items) in Rows(e)) lines.Add($"  {name,-34} {value,7} {interval,-18} {items}");
        if (e.WidthVerdict is { } verdict) lines.Add($"Width {Numbers.Points(e.Width)} points: {verdict}.");
        lines.AddRange(e.Notes.Select(note => $"Note: {note}"));
        return string.Join("\n", lines.Select(CliConsole.Plain));
    }

    private static string Markdown(LabelEstimate e)
    {
        var md = new StringBuilder($"| Estimate of the {ComparisonText.Cell(e.Metric)} rate | % | 95% CI | Items |\n|---|---:|---:|---|\n");
        foreach (var (name, value, interval, items) in Rows(e)) md.Append($"| {ComparisonText.Cell(name)} | {value} | {interval} | {items} |\n");
        md.Append($"\nLabels: {e.Sample.Strategy} sample (seed {e.Sample.Seed}); the corrected rate treats them as {Form(e)}.\n");
        if (e.WidthVerdict is { } verdict) md.Append($"\nWidth {Numbers.Points(e.Width)} points: {ComparisonText.Cell(verdict)}.\n");
        foreach (var note in e.Notes) md.Append($"\nNote: {ComparisonText.Cell(note)}\n");
        return md.ToString();
    }

    private static object RateJson(Rate r) => new { percent = r.Percent, low = r.Low, high = r.High, successes = r.Successes, count = r.Count, method = Rate.IntervalMethod };

    private static string Json(LabelEstimate e) => JsonSerializer.Serialize(new
    {
        judge = e.Judge,
        metric = e.Metric,
        judge_rate = RateJson(e.JudgeRate),
        corrected = new
        {
            percent = Numbers.Value(e.Corrected.Estimate * 100), low = Numbers.Value(e.Corrected.Low * 100), high = Numbers.Value(e.Corrected.High * 100),
            standard_error = e.Corrected.StandardError * 100, population = e.Corrected.Population, labelled = e.Corrected.Labelled,
            form = e.Corrected.Stratified ? "stratified" : "random", method = "prediction-powered (Angelopoulos et al. 2023)",
        },
        human_only = RateJson(e.HumanOnly),
        sample = new { seed = e.Sample.Seed, strategy = e.Sample.Strategy, size = e.Sample.Ids.Count, population = e.Sample.Population },
        width = e.Width is null ? null : new { points = e.Width, labels_needed = e.LabelsNeeded, verdict = e.WidthVerdict },
        notes = e.Notes,
    }, new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
