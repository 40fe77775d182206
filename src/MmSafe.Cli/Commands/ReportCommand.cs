using System.CommandLine;
using MmSafe.Cli.Output;
using MmSafe.Reports;
using MmSafe.Reports.Html;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe report DIR [DIR...] --out report.html</c>: one self-contained HTML file.</summary>
public static class ReportCommand
{
    public static Command Build(CliConsole console)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run directories.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The HTML file to write.", DefaultValueFactory = _ => "report.html" };
        var cap = new Option<int>("--image-cap-kb")
        {
            Description = "Make thumbnails of image files up to this size (larger ones get a note instead); each image is embedded once, downscaled.",
            DefaultValueFactory = _ => HtmlReport.DefaultImageCapKb,
        };
        var judge = new Option<string>("--judge") { Description = "Whose verdicts to show, for runs judged more than once." };
        var command = new Command("report", "Write a self-contained HTML report (charts, published numbers, sample browser).") { dirs, output, cap, judge };
        command.SetAction(parse =>
        {
            var runs = parse.GetRequiredValue(dirs).Select(d => RunReportData.Load(d, parse.GetValue(judge))).ToList();
            var path = parse.GetRequiredValue(output);
            MmSafe.Runs.Stores.OutputGuard.RefuseRunFile(path, "--out");
            if (parse.GetValue(cap) < 0) throw new InputException($"--image-cap-kb must be 0 or more, not {parse.GetValue(cap)}.");
            if (Directory.Exists(path)) throw new InputException($"{path}: is a directory; --out names the HTML file to write, e.g. {Path.Combine(path, "report.html")}.");
            try
            {
                using var writer = new StreamWriter(path);
                HtmlReport.Write(runs, writer, parse.GetValue(cap));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"{path}: cannot write the report there ({e.Message}); choose another --out.", e);
            }
            console.WriteRaw(CliConsole.Plain($"Wrote {path} ({new FileInfo(path).Length / 1024} KB, {runs.Count} run(s))."));
            return ExitCodes.Success;
        });
        return command;
    }
}
