using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Reports;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe compare DIR...</c>: a leaderboard with intervals and paired tests.</summary>
public static class CompareCommand
{
    public static Command Build(CliConsole console)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run directories.", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "table (default), markdown, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "csv", "json");
        var command = new Command("compare", "Compare runs: leaderboard with 95% intervals, exact McNemar tests, comparability flags.") { dirs, format };
        command.SetAction(parse =>
        {
            var comparison = Comparison.Of([.. parse.GetRequiredValue(dirs).Select(d => RunReportData.Load(d))]);
            switch (parse.GetValue(format))
            {
                case "markdown": console.WriteRaw(ComparisonText.Markdown(comparison)); break;
                case "csv": console.WriteRaw(ComparisonText.Csv(comparison)); break;
                case "json": console.WriteRaw(ComparisonText.Json(comparison)); break;
                default: Show(console, comparison); break;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string F(double value, string format) => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    internal static void Show(CliConsole console, Comparison c)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Leaderboard") };
        foreach (var h in new[] { "Benchmark", "Model", "Condition", "Judge", "Metric", "%", "95% CI", "n", "Run" }) table.AddColumn(h);
        foreach (var r in c.Rows)
            table.AddRow([.. new[] { r.Benchmark, r.Model, r.Condition, r.Judge ?? "-", r.Metric, ScoreTables.Format(r.Rate).Split(' ')[0], $"[{r.Rate.Low:F2}, {r.Rate.High:F2}]", r.Rate.Count.ToString(), r.Run }
                .Select(text => new Text(CliConsole.Plain(text)))]);
        console.Out.Write(table);
        if (c.Tests.Count > 0)
        {
            var tests = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Paired exact McNemar tests") };
            foreach (var h in new[] { "Run A", "Run B", "Items", "Only A", "Only B", "p", "MDD (pp)" }) tests.AddColumn(h);
            foreach (var t in c.Tests)
                tests.AddRow([.. new[] { t.First, t.Second, t.Items.ToString(), t.OnlyFirst.ToString(), t.OnlySecond.ToString(), F(t.PValue, "0.0000"), F(t.MinimumDetectable, "F2") }
                    .Select(text => new Text(CliConsole.Plain(text)))]);
            console.Out.Write(tests);
        }
        if (c.Gaps.Count > 0)
        {
            var gaps = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Cross-modal gap (A minus B, percentage points; McNemar p, Holm across categories)") };
            foreach (var h in new[] { "Conditions", "Category", "Items", "Gap", "95% CI", "p", "p (Holm)", "MDD" }) gaps.AddColumn(h);
            foreach (var g in c.Gaps)
                gaps.AddRow([.. new[] { $"{g.FirstCondition} - {g.SecondCondition}", g.Category, g.Items.ToString(), F(g.Difference, "F2"), $"[{F(g.Low, "F2")}, {F(g.High, "F2")}]",
                    F(g.PValue, "0.0000"), F(g.HolmP, "0.0000"), F(g.MinimumDetectable, "F2") }.Select(text => new Text(CliConsole.Plain(text)))]);
            console.Out.Write(gaps);
        }
        foreach (var flag in c.Flags) console.Out.Write(new Text(CliConsole.Plain("Note: " + flag) + "\n", new Style(Color.Yellow)));
    }
}
