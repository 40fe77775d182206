using MmSafe.Benchmarks;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MmSafe.Runs;

/// <summary>
/// The size limits on answers. A run stores (and so judges and exports) at most <see cref="StoredChars"/> characters of
/// an answer, and a report shows at most <see cref="ShownChars"/> of it.
/// </summary>
/// <remarks>
/// The stored cap is applied before judging, on purpose: the store is what every later judge (<c>mmsafe judge</c>) and
/// export reads, so all of them see the same text. It is far above what any protocol here allows (SIUO: 500 tokens,
/// VLSBench: 128, about 4 characters a token) and above a 32,000-token answer, so no answer a server cut at max_tokens
/// is touched; only a server that ignores max_tokens (or a hostile one) sends more, and no judge's context would hold
/// it whole anyway. A cut answer is recorded as a run event (<see cref="RunEvents.AnswerCut"/>) with its length.
/// </remarks>
public static partial class AnswerCap
{
    /// <summary>256 Ki characters: what the store keeps of one answer.</summary>
    public const int StoredChars = 256 * 1024;

    /// <summary>16 Ki characters: what a report shows of one answer or judge reply.</summary>
    public const int ShownChars = 16 * 1024;

    /// <summary>The answer as it is stored, and the event that records a cut (null when nothing was cut).</summary>
    public static (StoredAnswer Answer, RunEvent? Cut) Apply(StoredAnswer answer, string model)
    {
        // Reasoning is never judged, so its cut is marked in the text itself rather than recorded as an answer's cut.
        if (answer.Reasoning is { Length: > StoredChars } reasoning)
            answer = answer with { Reasoning = string.Create(CultureInfo.InvariantCulture, $"{Head(reasoning, StoredChars)}\n[… cut by mmsafe: the first {StoredChars:N0} of {reasoning.Length:N0} characters of reasoning are stored]") };
        int received = Math.Max(answer.Text?.Length ?? 0, answer.Refusal?.Length ?? 0);
        if (received <= StoredChars) return (answer, null);
        var cut = answer with { Text = Head(answer.Text, StoredChars), Refusal = Head(answer.Refusal, StoredChars) };
        var detail = string.Create(CultureInfo.InvariantCulture, $"{answer.SampleId}#{answer.Sample} {received} characters received; the first {StoredChars} are stored and judged");
        return (cut, new RunEvent(DateTimeOffset.UtcNow, RunEvents.AnswerCut, model, detail));
    }

    /// <summary>The length each cut answer had when it arrived, by (sample id, sample number), from the run's events.</summary>
    public static IReadOnlyDictionary<(string SampleId, int Sample), int> Received(IEnumerable<RunEvent> events) =>
        events.Where(e => e.Kind == RunEvents.AnswerCut).Select(e => CutDetail().Match(e.Detail)).Where(m => m.Success)
            .Select(m => (Key: (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)), Length: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Max(x => x.Length));

    /// <summary>
    /// Text as a report shows it: whole up to <see cref="ShownChars"/>, else its start and a visible mark saying how much
    /// there was (<paramref name="received"/> when the store itself holds only part of it).
    /// </summary>
    public static (string Text, int? FullLength) Shown(string text, int? received = null)
    {
        int full = Math.Max(text.Length, received ?? 0);
        if (full <= ShownChars && received is null) return (text, null);
        var head = Head(text, Math.Min(ShownChars, text.Length))!;
        return (string.Create(CultureInfo.InvariantCulture, $"{head}\n[… cut by mmsafe: {head.Length:N0} of {full:N0} characters shown]"), full);
    }

    // Never split a surrogate pair: the cut text must stay valid UTF-16.
    private static string? Head(string? text, int length)
    {
        if (text is null || text.Length <= length) return text;
        if (length > 0 && char.IsHighSurrogate(text[length - 1])) length--;
        return text[..length];
    }

    [GeneratedRegex(@"^(.*)#(\d+) (\d+) characters received")]
    private static partial Regex CutDetail();
}
