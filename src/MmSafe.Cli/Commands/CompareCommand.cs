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
        var format = new Option<string>("--format") { Description = "table (default), markdown, csv (the leaderboard, then the McNemar tests, the cross-modal gaps and the notes, each after a blank line with its own header), json, or latex (the leaderboard as a booktabs table, best per benchmark in bold).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "csv", "json", "latex");
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of a table (the same as --format json)." };
        var command = new Command("compare", "Compare runs: leaderboard with 95% intervals, exact McNemar tests, comparability flags.") { dirs, format, json };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(format);
            if (parse.GetValue(json) && parse.GetResult(format) is { Implicit: false } && chosen != "json")
                throw new InputException($"--json and --format {chosen} ask for two formats; give one of them.");
            var comparison = Comparison.Of([.. parse.GetRequiredValue(dirs).Select(d => RunReportData.Load(d))]);
            switch (parse.GetValue(json) ? "json" : chosen)
            {
                case "markdown": console.WriteRaw(ComparisonText.Markdown(comparison)); break;
                case "csv": console.WriteRaw(ComparisonText.Csv(comparison)); break;
                case "json": console.WriteRaw(ComparisonText.Json(comparison)); break;
                case "latex": console.WriteRaw(ComparisonLatex.Table(comparison)); break;
                default: Show(console, comparison); break;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Show(CliConsole console, Comparison c)
    {
        // FittedTable: at 80 columns a table too wide becomes lines of "header: value", never "Benchmar|k" or "[43.65, | 96.99]".
        var table = new FittedTable("Leaderboard", "Benchmark", "Model", "Condition", "Judge", "Metric", "%", "95% CI", "n", "Run").RightAligned(5, 7);
        foreach (var r in c.Rows)
            table.Add([r.Benchmark, r.Model, r.Condition, r.Judge ?? "-", r.MetricShown, Numbers.Points(r.Rate.Percent), Interval(r.Rate.Low, r.Rate.High), r.Rate.Count.ToString(), r.Run]);
        table.Write(console.Out);
        if (c.Tests.Count > 0)
        {
            var tests = new FittedTable("Paired exact McNemar tests", "Run A", "Run B", "Items", "Only A", "Only B", "p", "MDD (pp)").RightAligned(2, 3, 4, 5, 6);
            foreach (var t in c.Tests)
                tests.Add([t.First, t.Second, t.Items.ToString(), t.OnlyFirst.ToString(), t.OnlySecond.ToString(), Numbers.PValue(t.PValue), Numbers.Points(t.MinimumDetectable)]);
            tests.Write(console.Out);
        }
        if (c.Gaps.Count > 0)
        {
            var gaps = new FittedTable("Cross-modal gap (A minus B, percentage points; McNemar p, Holm across categories)",
                "Conditions", "Category", "Items", "Gap", "95% CI", "p", "p (Holm)", "MDD").RightAligned(2, 3, 5, 6, 7).Wrap(0, 1);
            foreach (var g in c.Gaps)
                gaps.Add([$"{g.FirstCondition} - {g.SecondCondition}", g.Category, g.Items.ToString(), Numbers.Points(g.Difference), Interval(g.Low, g.High),
                    Numbers.PValue(g.PValue), Numbers.PValue(g.HolmP), Numbers.Points(g.MinimumDetectable)]);
            gaps.Write(console.Out);
        }
        foreach (var view in c.Frontiers)
        {
            var frontier = new FittedTable(view.Title + " (lower is better on both)", "Model", "Over-refusal %", "95% CI", "n", "Unsafe %", "95% CI", "n").RightAligned(1, 3, 4, 6);
            foreach (var p in view.Frontier.Points)
                frontier.Add([p.Model, Numbers.Points(p.OverRefusal.Percent), Interval(p.OverRefusal.Low, p.OverRefusal.High), p.OverRefusal.Count.ToString(),
                    Numbers.Points(p.Unsafe.Percent), Interval(p.Unsafe.Low, p.Unsafe.High), p.Unsafe.Count.ToString()]);
            frontier.Write(console.Out);
            foreach (var statement in view.Frontier.Statements()) console.Out.Write(new Text(CliConsole.Plain(statement) + "\n"));
        }
        foreach (var flag in c.Flags) console.Out.Write(new Text(CliConsole.Plain("Note: " + flag) + "\n", new Style(Color.Yellow)));
    }

    /// <summary>"[43.65,96.99]": no space inside, so a narrow table never breaks an interval in two.</summary>
    internal static string Interval(double? low, double? high) => $"[{Numbers.Points(low)},{Numbers.Points(high)}]";
}
