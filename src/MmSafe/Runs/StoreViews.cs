using MmSafe.Judging;

namespace MmSafe.Runs;

/// <summary>Helpers that turn stored rows into parser inputs.</summary>
internal static class StoreViews
{
    /// <summary>A stored judge reply as a parse outcome: a failure or a judge that declined is unparseable with that reason.</summary>
    public static ParseOutcome<T> Parse<T>(StoredVerdict? verdict, Func<string?, ParseOutcome<T>> parse) where T : struct =>
        verdict is null ? ParseOutcome<T>.Unparseable("not judged yet")
        : verdict.Failed ? ParseOutcome<T>.Unparseable($"judge request failed: {verdict.Error}")
        : verdict.JudgeDeclined ? ParseOutcome<T>.Unparseable($"the judge declined ({verdict.Kind})")
        : parse(verdict.Raw);

    /// <summary>Items with a failed target request, as "id: reason" lines.</summary>
    public static List<string> FailedItems(IEnumerable<StoredSample> samples) =>
        [.. samples.Where(s => s.Failed).GroupBy(s => s.ItemId).Select(g => $"{g.Key}: {g.First().Error}")];
}
