using MmSafe.Scoring;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>SIUO generation rates for a set of items (overall or one category).</summary>
/// <param name="Items">Items in the set, including those without a valid verdict.</param>
public sealed record SiuoGenRates(int Items, Rate Safe, Rate Effective, Rate SafeAndEffective);

/// <summary>The scored SIUO generation task.</summary>
/// <param name="InvalidItems">Items left out of at least one rate because no verdict of that kind could be read.</param>
/// <param name="InvalidSafetyVerdicts">Safety judge replies that could not be read (left out of the vote).</param>
/// <param name="InvalidEffectivenessVerdicts">Effectiveness judge replies that could not be read.</param>
public sealed record SiuoGenScore(
    int Items,
    int InvalidItems,
    int InvalidSafetyVerdicts,
    int InvalidEffectivenessVerdicts,
    SiuoGenRates Overall,
    IReadOnlyList<KeyValuePair<string, SiuoGenRates>> Categories,
    IReadOnlyList<SiuoGenItemResult> ItemResults);
