using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Evals;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Output;

/// <summary>
/// An evaluation's live display on stderr: one bar per cell (its answers and verdicts together), waiting cells first
/// marked as such, failures in the description, and each cell's end state: complete or incomplete.
/// </summary>
public sealed class EvalProgress
{
    private readonly CellProgress[] _cells;

    private EvalProgress(CellProgress[] cells) => _cells = cells;

    public CellProgress Cell(int index) => _cells[index];

    public static Task RunAsync(CliConsole console, IReadOnlyList<EvalCell> cells, Func<EvalProgress, Task> work) =>
        console.Err.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = console.Err.Profile.Width < SpectreRunProgress.Wide ? 10 : 40 }, new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new EvalProgress([.. cells.Select(c => new CellProgress(context.AddTask(Markup.Escape(CliConsole.Plain($"{c.Name} (waiting)")), autoStart: false, maxValue: 1), c.Name))])));

    /// <summary>One cell's bar: every stage of its pipeline adds its requests to it.</summary>
    public sealed class CellProgress(ProgressTask task, string name) : IRunProgress, IRunStage
    {
        private readonly Lock _lock = new();
        private bool _started;
        private int _failed;

        public IRunStage Stage(string stage, string model, int total, int done)
        {
            lock (_lock)
            {
                if (!_started)
                {
                    (_started, task.MaxValue, task.Value) = (true, 0, 0);
                    task.Description = Markup.Escape(CliConsole.Plain(name));
                    task.StartTask();
                }
                task.MaxValue += total;
                task.Increment(done);
                if (task.MaxValue == 0) task.MaxValue = 1;
            }
            return this;
        }

        public void Advance(bool failed)
        {
            lock (_lock)
            {
                if (failed) task.Description = Markup.Escape(CliConsole.Plain($"{name} ({++_failed} failed)"));
                task.Increment(1);
            }
        }

        public void Resize(int delta)
        {
            lock (_lock) task.MaxValue = Math.Max(1, task.MaxValue + delta);
        }

        /// <summary>The cell's pipeline ended: the bar stops, full when every sample is scored.</summary>
        public void Finish(bool complete, string? why = null)
        {
            lock (_lock)
            {
                if (!_started) task.StartTask();
                task.Description = Markup.Escape(CliConsole.Plain(complete ? $"{name} (complete)" : $"{name} ({why ?? "incomplete"}{(_failed > 0 ? $", {_failed} failed" : "")})"));
                if (complete) task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }
}
