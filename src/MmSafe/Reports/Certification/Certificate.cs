using System.Text.Json.Serialization;

namespace MmSafe.Reports.Certification;

/// <summary>The candidate against the reference on one set of items (the whole run, or one category).</summary>
/// <param name="Shift">Candidate minus reference headline rate, percentage points, with its paired 95% interval.</param>
/// <param name="MinimumDetectable">The smallest shift this comparison would detect (α 0.05, power 80%), points.</param>
public sealed record CertificateFigures(int Items, double? AgreementPercent, double? AgreementLow, double? AgreementHigh, double? Kappa, double? KappaLow,
    double? KappaHigh, double? CandidateRate, double? ReferenceRate, double Shift, double ShiftLow, double ShiftHigh, [property: JsonPropertyName("mcnemar_p")] double McNemarP, double MinimumDetectable,
    int CandidateOnly, int ReferenceOnly);

/// <summary>One category's figures, with its McNemar p Holm-adjusted over the categories.</summary>
public sealed record CategoryCertificate(string Category, CertificateFigures Figures, double HolmP);

/// <summary>An item on which the candidate's headline verdict differs from the reference's (true = the headline outcome, e.g. safe).</summary>
public sealed record CertificateFlip(string ItemId, string? Category, bool Reference, bool Candidate);

/// <summary>
/// A replacement judge's certificate: the candidate against a reference (another judge, the panel's majority, or
/// human labels) on the run's stored answers, the rule declared before the figures, and PASS or FAIL with every failed
/// clause. Stored with the run as a <c>certificate</c> event whose detail is this record as JSON.
/// </summary>
public sealed record Certificate(DateTimeOffset At, string Run, string Benchmark, string Metric, string Candidate, string Reference, string Rule,
    string RuleDescription, CertificateFigures Overall, IReadOnlyList<CategoryCertificate> Categories, IReadOnlyList<CertificateFlip> Flips, bool Pass,
    IReadOnlyList<string> Failures)
{
    public string Verdict => Pass ? "PASS" : "FAIL";

    /// <summary>The categories whose shift was significant after Holm's adjustment (failing the category clause).</summary>
    public IReadOnlyList<string> FailingCategories { get; init; } = [];
}
