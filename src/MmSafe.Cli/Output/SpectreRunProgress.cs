using MmSafe.Models;
using MmSafe.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MmSafe.Cli.Output;

/// <summary>
/// A progress bar per stage on stderr: done/total, rate, labelled elapsed and remaining time, and the failures so far
/// in its description. A finished stage's clock stops.
/// </summary>
public sealed class SpectreRunProgress(ProgressContext context, SpectreRunProgress.Stages stages) : IRunProgress
{
    /// <summary>After this long without a finished request, a stage says so.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(20);

    public IRunStage Stage(string name, string model, int total, int done)
    {
        var task = context.AddTask(Markup.Escape(CliConsole.Plain(name)), maxValue: Math.Max(1, total));
        task.Increment(done);
        var bar = new StageBar(task, name, model);
        stages[task.Id] = bar;
        return bar;
    }

    /// <summary>The stages by task id, for the column that shows what is slow or retrying.</summary>
    public sealed class Stages : System.Collections.Concurrent.ConcurrentDictionary<int, StageBar>;

    public sealed class StageBar(ProgressTask task, string name, string model) : IRunStage
    {
        private int _errors;
        private long _lastAdvance = Environment.TickCount64;

        public string Model => model;

        public TimeSpan SinceLastAdvance => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastAdvance));

        public void Advance(bool failed)
        {
            Interlocked.Exchange(ref _lastAdvance, Environment.TickCount64);
            if (failed) task.Description = Markup.Escape(CliConsole.Plain($"{name} ({Interlocked.Increment(ref _errors)} failed)"));
            task.Increment(1);
            if (task.Value >= task.MaxValue) task.StopTask();
        }

        public void Resize(int delta)
        {
            task.MaxValue = Math.Max(1, task.MaxValue + delta);
            if (task.Value >= task.MaxValue) task.StopTask();
        }
    }

    public static Task RunAsync(CliConsole console, Func<IRunProgress, Task> work, RetryNotices? notices = null)
    {
        var stages = new Stages();
        return console.Err.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(), new RateColumn(),
                new ClockColumn("elapsed", t => t.ElapsedTime), new ClockColumn("left", t => t.IsFinished ? TimeSpan.Zero : t.RemainingTime),
                new NoticeColumn(stages, notices), new SpinnerColumn())
            .StartAsync(context => work(new SpectreRunProgress(context, stages)));
    }

    /// <summary>"no reply for 45 s" when a stage is stuck, and how many attempts were retried with the last reason.</summary>
    private sealed class NoticeColumn(Stages stages, RetryNotices? notices) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (task.IsFinished || !stages.TryGetValue(task.Id, out var stage)) return Text.Empty;
            var parts = new List<string>();
            if (stage.SinceLastAdvance > Slow) parts.Add($"slow: no reply for {stage.SinceLastAdvance.TotalSeconds:F0} s");
            if (notices?.For(stage.Model) is { } retried) parts.Add(retried.Length > 70 ? retried[..70] + "…" : retried);
            return new Text(CliConsole.Plain(string.Join("; ", parts)), new Style(Color.Yellow));
        }
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
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(time(task) is { } t ? $"{label} {(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}" : $"{label} --:--:--");
    }
}
