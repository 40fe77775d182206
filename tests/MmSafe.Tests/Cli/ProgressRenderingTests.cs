using System.Text.RegularExpressions;
using MmSafe.Cli.Output;
using MmSafe.Models;
using Spectre.Console;

namespace MmSafe.Tests.Cli;

/// <summary>The progress bars on an 80-column terminal: every row fits, and a retry's reason is shown whole.</summary>
public sealed partial class ProgressRenderingTests
{
    private const string Model = "Qwen/Qwen2-VL-7B-Instruct";

    private static async Task<string[]> RenderAsync(int width, RetryNotices notices)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        await SpectreRunProgress.RunAsync(console, progress =>
        {
            var target = progress.Stage($"target {Model}", Model, 2241, 0);
            for (int i = 0; i < 3; i++) target.Advance(failed: false);
            var judge = progress.Stage("judge gpt-4o-mini", "gpt-4o-mini", 2241, 2241); // finished: no notice
            notices.Record(Model, $"attempt 2 failed ({Model} at http://gpu-node-17.cluster.example.internal:8000/v1/: HTTP 503. Server said: model overloaded, try later); retrying in 1.2 s");
            return Task.CompletedTask;
        }, notices);
        // The last frame, without the terminal's cursor movements.
        var text = Escape().Replace(writer.ToString(), "");
        return [.. text.Split('\n').Select(l => l.Split('\r')[^1].TrimEnd())];
    }

    [Fact]
    public async Task At_80_columns_every_row_fits_and_the_retry_reason_survives()
    {
        var lines = await RenderAsync(80, new RetryNotices());
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        Assert.Contains(lines, l => l.Contains("target Qwen2-VL-7…", StringComparison.Ordinal) && l.Contains("3/2,241", StringComparison.Ordinal) && l.Contains("left", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("judge gpt-4o-mini", StringComparison.Ordinal) && l.Contains("2,241/2,241", StringComparison.Ordinal));
        var notice = Assert.Single(lines, l => l.Contains("retried", StringComparison.Ordinal));
        Assert.Contains("1 retried; last: HTTP 503. Server said: model overloaded", notice);
        Assert.DoesNotContain("gpu-node-17", string.Join("\n", lines)); // the endpoint gave way to the reason
    }

    [Fact]
    public async Task A_wide_terminal_keeps_the_full_layout_with_the_rate_and_labelled_clocks()
    {
        var lines = await RenderAsync(160, new RetryNotices());
        Assert.All(lines, l => Assert.True(l.Length <= 160, l));
        Assert.Contains(lines, l => l.Contains($"target {Model}", StringComparison.Ordinal) && l.Contains("/s", StringComparison.Ordinal) && l.Contains("elapsed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("HTTP 503. Server said: model overloaded, try later (attempt 2, next in 1.2 s)", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z])")]
    private static partial Regex Escape();
}
