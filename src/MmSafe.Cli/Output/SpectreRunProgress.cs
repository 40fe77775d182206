using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>A progress bar per stage, with ETA and an error count in its description.</summary>
public sealed class SpectreRunProgress(ProgressContext context) : IRunProgress
{
    public IRunStage Stage(string name, int total, int done)
    {
        var task = context.AddTask(Markup.Escape(name), maxValue: Math.Max(1, total));
        task.Increment(done);
        return new StageBar(task, name);
    }

    private sealed class StageBar(ProgressTask task, string name) : IRunStage
    {
        private int _errors;

        public void Advance(bool failed)
        {
            if (failed) task.Description = Markup.Escape($"{name} ({Interlocked.Increment(ref _errors)} errors)");
            task.Increment(1);
        }

        public void Resize(int delta) => task.MaxValue = Math.Max(1, task.MaxValue + delta);
    }

    public static Task RunAsync(CliConsole console, Func<IRunProgress, Task> work) =>
        console.Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new SpectreRunProgress(context)));

    /// <summary>Requests per second of a stage.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed:F1}/s" : "-/s");
    }
}
