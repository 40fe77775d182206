using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Reports;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>How a cell's session ended.</summary>
public enum CellStop
{
    /// <summary>Every sample is scored.</summary>
    Complete,

    /// <summary>The session ended with samples unscored (failed requests, or answers that cannot be scored).</summary>
    Incomplete,

    /// <summary>The budget was spent; no new request was started.</summary>
    BudgetSpent,

    /// <summary>An endpoint stopped answering (<see cref="ModelErrorKind.Unreachable"/>).</summary>
    Unreachable,

    /// <summary>An endpoint refused a parameter; recorded in the run as an event.</summary>
    ParameterRefused,

    /// <summary>A key, URL or model error, or a user mistake found while running (<see cref="CellResult.Error"/>).</summary>
    Failed,
}

/// <summary>One cell's session: how it stopped, with what error, which clients asked, and its stored run.</summary>
public sealed class CellResult(EvaluationCell cell, IRunStore store, CellStop stop, Exception? error, ModelClient? target, IReadOnlyList<ModelClient> judges,
    DateTimeOffset started)
{
    public EvaluationCell Cell => cell;

    public CellStop Stop => stop;

    /// <summary>What stopped a cell that is <see cref="CellStop.Unreachable"/>, <see cref="CellStop.ParameterRefused"/> or <see cref="CellStop.Failed"/>.</summary>
    public Exception? Error => error;

    /// <summary>The model whose error stopped the cell, when one did.</summary>
    public string? Model => (error as ModelRequestException)?.ModelName;

    /// <summary>The target's client (none without generation).</summary>
    public ModelClient? Target => target;

    /// <summary>The judges' clients that asked this session.</summary>
    public IReadOnlyList<ModelClient> Judges => judges;

    public DateTimeOffset Started => started;

    /// <summary>The cell's run (open while its <see cref="Evaluation"/> is).</summary>
    public IRunStore Store => store;

    private RunContents? _ended;
    private RunScore? _score;

    /// <summary>Everything the cell's run stored when its session ended (read once: a full run is read in about 0.05 s).</summary>
    public RunContents Read() => _ended ??= store.Read();

    /// <summary>Takes what the evaluation read and scored as the session ended, so that it is not done again.</summary>
    internal CellResult WithContents(RunContents contents, RunScore score)
    {
        (_ended, _score) = (contents, score);
        return this;
    }

    /// <summary>The cell's scores by <paramref name="judge"/> (null: the run's first judge), from what it stored when its session ended.</summary>
    public RunScore Score(string? judge = null)
    {
        var contents = Read();
        if (judge is null || judge == contents.Spec.Judge?.Name) return _score ??= RunScoring.Score(contents, null);
        return RunScoring.Score(contents, judge);
    }

    /// <summary>The cell's completeness, from its stored scores.</summary>
    public Completeness ReadCompleteness(RunContents? contents = null) => contents is null ? Score().Completeness : RunScoring.Score(contents, null).Completeness;

    /// <summary>
    /// Which model of the cell failed, where, and why: "target M at URL: 3 failed, the last: connection failed: …" (and the
    /// same for each judge with failed verdicts), or null when nothing is waiting to be asked again.
    /// </summary>
    public string? Failures(RunContents? contents = null, IReadOnlyDictionary<string, ModelClient>? clients = null)
    {
        var run = contents ?? Read();
        var known = clients ?? new[] { target }.Concat(judges).OfType<ModelClient>().DistinctBy(c => c.Spec.Name).ToDictionary(c => c.Spec.Name);
        var parts = new List<string>();
        void Add(string role, string name, IReadOnlyList<(string? Error, DateTimeOffset At)> failed)
        {
            if (failed.Count == 0) return;
            var spec = known.TryGetValue(name, out var client) ? client.Spec : null;
            string where = spec is null ? "" : spec.Provider == ProviderKind.Mock ? " (offline mock)" : $" at {spec.EffectiveBaseUrl}";
            var last = failed.Where(f => f.Error is not null).OrderBy(f => f.At).Select(f => f.Error!).LastOrDefault();
            // The providers' messages begin "MODEL at URL: ", already said here.
            if (last is not null && spec is not null && last.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon && last[..colon].StartsWith($"{spec.Model} at ", StringComparison.Ordinal))
                last = last[(colon + 2)..];
            parts.Add($"{role} {name}{where}: {failed.Count} failed, the last: {last ?? "malformed replies"}");
        }
        Add("target", run.Spec.Target.Name, [.. run.Answers.Where(a => a.NeedsRetry).Select(a => (a.Error, a.At))]);
        foreach (var judge in run.Spec.Judges)
            Add("judge", judge.Name, [.. run.Verdicts.Where(v => v.Judge == judge.Name && v.NeedsRetry).Select(v => (v.Error, v.At))]);
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

/// <summary>An evaluation's session: each cell's result, in the request's order, and what the session spent.</summary>
public sealed record EvaluationResult(IReadOnlyList<CellResult> Cells, BudgetGuard Budget, IReadOnlyDictionary<string, ModelClient> Clients)
{
    /// <summary>Whether the budget stopped any cell.</summary>
    public bool BudgetSpent => Cells.Any(c => c.Stop == CellStop.BudgetSpent);

    /// <summary>
    /// Every cell × judge compared (a cell without judges once), each cell named by <paramref name="name"/> (its place in
    /// the evaluation rather than an absolute path).
    /// </summary>
    public (Comparison Leaderboard, IReadOnlyList<RunContents> Runs) Leaderboard(Func<string, string>? name = null)
    {
        var contents = Cells.Select(c => c.Read()).Select(c => name is null ? c : c with { Directory = name(c.Directory) }).ToList();
        var leaderboard = Comparison.Of([.. contents.SelectMany(c => c.Spec.Judges.Count == 0 ? [RunReportData.From(c)] : c.Spec.Judges.Select(j => RunReportData.From(c, j.Name)))]);
        return (leaderboard, contents);
    }
}
