using MmSafe.Scoring;

namespace MmSafe.Reports.View;

// What the viewer's JSON API returns (docs/VIEW-API.md), written with snake_case names. Model and judge text stays
// text: the page sets it with textContent, never as markup.

/// <summary>A rate with its 95% Wilson interval, in percent.</summary>
public sealed record ViewRate(double? Percent, double? Low, double? High, int Successes, int Count)
{
    public static ViewRate Of(Rate r) => new(r.Percent, r.Low, r.High, r.Successes, r.Count);
}

/// <summary>One row of the run list.</summary>
public sealed record ViewRunSummary(string Id, string Path, string? Benchmark, string? Model, string? Condition, IReadOnlyList<string> Judges, string? Judge,
    string? Metric, string? MetricLabel, ViewRate? Rate, bool LowerIsBetter, int Done, int Total, int ScoredItems, int Items, DateTimeOffset? Started,
    DateTimeOffset? Updated, bool InProgress, string? Error);

public sealed record ViewMetric(string Key, string Label, bool LowerIsBetter);

public sealed record ViewGroup(string Name, int Items, int Unscored, IReadOnlyDictionary<string, ViewRate> Rates, IReadOnlyDictionary<string, int> Counts);

public sealed record ViewModel(string Name, string Provider, string Model, object Parameters);

/// <summary>The run page: what the run is, how it departs from the protocol, its rates, its diagnostics and its judge certificates (oldest first).</summary>
public sealed record ViewRunPage(ViewRunSummary Summary, string ProtocolVersion, string ToolVersion, string DatasetSha256, int SamplesPerItem,
    int? Limit, ViewModel Target, IReadOnlyList<ViewModel> JudgeModels, IReadOnlyList<string> Deviations, IReadOnlyList<string> Warnings,
    IReadOnlyList<ViewMetric> Metrics, ViewGroup Overall, IReadOnlyList<ViewGroup> Categories, IReadOnlyList<ViewGroup> SubCategories,
    IReadOnlyDictionary<string, int> Outcomes, ViewDiagnostics Diagnostics, IReadOnlyList<Certification.Certificate> Certificates);

/// <summary>What kept answers and verdicts out of the rates.</summary>
public sealed record ViewDiagnostics(int Missing, int FailedAnswers, int FailedVerdicts, int Unscored, int UndecidedItems, int Empty, int Unreadable,
    IReadOnlyList<string> UnscoredAnswers);

/// <summary>One answer in the sample browser: short texts (the sample page has them whole).</summary>
public sealed record ViewSampleRow(string ItemId, int Sample, string Category, string? SubCategory, string Question, string Response, string Outcome,
    string Verdict, IReadOnlyDictionary<string, string?> Judges, bool Disagree, int Images);

/// <summary>A page of sample rows, how many there are, and the values the filters offer.</summary>
public sealed record ViewSamplePage(int Total, int Matched, int Offset, int Limit, IReadOnlyList<ViewSampleRow> Rows,
    IReadOnlyList<string> Categories, IReadOnlyList<string> Verdicts, IReadOnlyList<string> Outcomes, bool HasJudgePanel);

public sealed record ViewImage(int Index, string Path, string Thumb, string Full);

public sealed record ViewAnswer(int Sample, string Outcome, string? Text, string? Refusal, string? Error, string? Reasoning, string? FinishReason,
    long? InputTokens, long? OutputTokens, double LatencyMs, bool Cached, DateTimeOffset At);

public sealed record ViewVerdict(string Judge, int Sample, string Aspect, string? Raw, string? Error, string? Reading, DateTimeOffset At);

public sealed record ViewItemScore(string Judge, bool Scored, IReadOnlyDictionary<string, bool?> Values, IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<string> Diagnostics);

public sealed record ViewRequestImage(int Index, string MediaType, long Bytes, string Sha256, string Url);

/// <summary>A request the sample sent: to the target (role "target") or a judge on one aspect of one answer.</summary>
public sealed record ViewRequest(string Role, string Model, string? Url, string? Aspect, int? Sample, string Body, IReadOnlyList<ViewRequestImage> Images,
    string? Note);

/// <summary>One sample whole.</summary>
public sealed record ViewSampleDetail(string RunId, string ItemId, string Category, string? SubCategory, string Question,
    IReadOnlyDictionary<string, string> Fields, IReadOnlyList<ViewImage> Images, IReadOnlyList<ViewRequest> Requests, IReadOnlyList<ViewAnswer> Answers,
    IReadOnlyList<ViewVerdict> Verdicts, IReadOnlyList<ViewItemScore> Scores);
