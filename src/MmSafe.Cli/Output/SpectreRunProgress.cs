using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MmSafe.Cli.Output;

/// <summary>
/// A progress bar per stage on stderr: done/total, rate, labelled elapsed and remaining time, and the failures so far
/// in its description. A finished stage's clock stops. What is slow or retrying (with the reason) gets a line of its
/// own under the bars: as a column it was the first thing cut on a narrow terminal, and a row wider than the terminal
/// wraps into one word per line. Below <see cref="Wide"/> columns the bars are compact so that a row fits 80.
/// </summary>
public sealed class SpectreRunProgress(ProgressContext context, SpectreRunProgress.Stages stages) : IRunProgress
{
    /// <summary>After this long without a finished request, a stage says so.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(20);

    /// <summary>From this width on, the full layout (a 40-character bar, the rate, both clocks labelled) fits.</summary>
    public const int Wide = 120;

    /// <summary>The longest stage description in the compact layout ("judge gpt-4o-mini" fits).</summary>
    private const int CompactDescription = 18;

    private const int WideDescription = 40;

    public IRunStage Stage(string name, string model, int total, int done)
    {
        var label = Label(name, model, stages.Compact ? CompactDescription : WideDescription);
        var task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, total));
        task.Increment(done);
        var bar = new StageBar(task, label, model);
        stages[task.Id] = bar;
        return bar;
    }

    /// <summary>"judge Qwen/Qwen2-VL-7B-Instruct" as "judge Qwen2-VL-7B-I…": the model's last path segment, then cut.</summary>
    internal static string Label(string name, string model, int max)
    {
        var text = CliConsole.Plain(name);
        if (text.Length > max && model.Contains('/') && text.EndsWith(model, StringComparison.Ordinal))
            text = text[..^model.Length] + model[(model.LastIndexOf('/') + 1)..];
        return text.Length > max ? text[..(max - 1)] + "…" : text;
    }

    /// <summary>The stages by task id, for the notice lines that say what is slow or retrying.</summary>
    public sealed class Stages : System.Collections.Concurrent.ConcurrentDictionary<int, StageBar>
    {
        public bool Compact { get; init; }
    }

    public sealed class StageBar(ProgressTask task, string name, string model) : IRunStage
    {
        private int _errors;
        private long _lastAdvance = Environment.TickCount64;

        public string Name => name;

        public string Model => model;

        public TimeSpan SinceLastAdvance => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastAdvance));

        public void Advance(bool failed)
        {
            Interlocked.Exchange(ref _lastAdvance, Environment.TickCount64);
            if (failed) task.Description = Markup.Escape($"{name} ({Interlocked.Increment(ref _errors)} failed)");
            task.Increment(1);
            if (task.Value >= task.MaxValue) task.StopTask();
        }

        public void Resize(int delta)
        {
            task.MaxValue = Math.Max(1, task.MaxValue + delta);
            if (task.Value >= task.MaxValue) task.StopTask();
        }
    }

    public static Task RunAsync(CliConsole console, Func<IRunProgress, Task> work, RetryNotices? notices = null) => RunAsync(console.Err, work, notices);

    /// <summary>Runs <paramref name="work"/> with bars on <paramref name="console"/>, laid out for its width.</summary>
    public static Task RunAsync(IAnsiConsole console, Func<IRunProgress, Task> work, RetryNotices? notices = null)
    {
        int width = console.Profile.Width;
        var stages = new Stages { Compact = width < Wide };
        ProgressColumn[] columns = stages.Compact
            ? [new TaskDescriptionColumn(), new ProgressBarColumn { Width = 8 }, new PercentageColumn(), new CountColumn(), new CompactClockColumn(), new SpinnerColumn()]
            : [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(), new RateColumn(),
                new ClockColumn("elapsed", t => t.ElapsedTime), new ClockColumn("left", t => t.IsFinished ? TimeSpan.Zero : t.RemainingTime), new SpinnerColumn()];
        return console.Progress()
            .Columns(columns)
            .UseRenderHook((bars, tasks) => Notices(bars, tasks, stages, notices, console.Profile.Width))
            .StartAsync(context => work(new SpectreRunProgress(context, stages)));
    }

    /// <summary>The bars, then a line per unfinished stage that is slow or retrying: "  judge m: 3 retried; last: HTTP 503 … (attempt 2, next in 1.2 s)".</summary>
    private static IRenderable Notices(IRenderable bars, IReadOnlyList<ProgressTask> tasks, Stages stages, RetryNotices? notices, int width)
    {
        var lines = new List<IRenderable> { bars };
        foreach (var task in tasks)
        {
            if (task.IsFinished || !stages.TryGetValue(task.Id, out var stage)) continue;
            var parts = new List<string>();
            if (stage.SinceLastAdvance > Slow) parts.Add($"slow: no reply for {stage.SinceLastAdvance.TotalSeconds:F0} s");
            if (notices?.For(stage.Model) is { } retried) parts.Add(retried);
            if (parts.Count == 0) continue;
            var line = CliConsole.Plain($"  {stage.Name}: {string.Join("; ", parts)}");
            if (line.Length > width - 1) line = line[..Math.Max(0, width - 2)] + "…";
            lines.Add(new Text(line, new Style(Color.Yellow)));
        }
        return lines.Count == 1 ? bars : new Rows(lines);
    }

    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:N0}/{task.MaxValue:N0}");
    }

    /// <summary>Requests per second of a stage.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed && !task.IsFinished ? $"{speed:F1}/s" : "-/s");
    }

    private sealed class ClockColumn(string label, Func<ProgressTask, TimeSpan?> time) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text($"{label} {Clock(time(task))}");
    }

    /// <summary>Both clocks in one narrow column: "00:07:52, left 00:01:02".</summary>
    private sealed class CompactClockColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{Clock(task.ElapsedTime)}, left {Clock(task.IsFinished ? TimeSpan.Zero : task.RemainingTime)}");
    }

    private static string Clock(TimeSpan? t) => t is { } v ? $"{(int)v.TotalHours:00}:{v.Minutes:00}:{v.Seconds:00}" : "--:--:--";
}
