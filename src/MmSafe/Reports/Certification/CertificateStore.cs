using System.Text.Json;
using MmSafe.Runs;
using MmSafe.Runs.Stores;

namespace MmSafe.Reports.Certification;

/// <summary>
/// Certificates live with the run as <c>certificate</c> events whose detail is the certificate's JSON: any store keeps
/// them without a schema change, and certifying again adds a newer one beside the older.
/// </summary>
public static class CertificateStore
{
    public const string EventKind = RunEvents.Certificate;

    private static readonly JsonSerializerOptions Options = new(ReadableJson.Indented) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly JsonSerializerOptions Stored = new(ReadableJson.Compact) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The certificate as indented JSON (the <c>--format json</c> output and the <c>--out</c> file).</summary>
    public static string Json(Certificate certificate) => JsonSerializer.Serialize(certificate, Options);

    public static Task SaveAsync(IRunStore store, Certificate certificate, CancellationToken cancellationToken = default) =>
        store.SaveAsync(new RunEvent(certificate.At, EventKind, certificate.Candidate, JsonSerializer.Serialize(certificate, Stored)), cancellationToken);

    /// <summary>The run's certificates, oldest first; a detail that does not read as a certificate is skipped.</summary>
    public static IReadOnlyList<Certificate> Read(RunContents run) =>
        [.. run.Events.Where(e => e.Kind == EventKind).Select(e => Parse(e.Detail)).OfType<Certificate>()];

    private static Certificate? Parse(string detail)
    {
        try { return JsonSerializer.Deserialize<Certificate>(detail, Stored); }
        catch (JsonException) { return null; }
    }
}
