using System.Globalization;

namespace MmSafe.Runs;

/// <summary>
/// A price file: <c>model-id: { input: 2.5, output: 10 }</c>, USD per million tokens. Both prices are required and
/// neither may be negative: a misspelt or missing price would silently be 0, and a negative one makes a budget unreachable.
/// </summary>
public static class PriceFile
{
    private const string Expected = "'model-id: { input: USD, output: USD }' per million tokens";

    public static IReadOnlyDictionary<string, Price> Load(string path)
    {
        var document = YamlFile.Read<Dictionary<string, Entry?>>(path, "price file", message => $"{message}; expected {Expected}", "a map of model → prices (" + Expected + ")") ?? [];
        var prices = new Dictionary<string, Price>(StringComparer.Ordinal);
        foreach (var (model, entry) in document)
        {
            string where = $"{path}: model '{model}'";
            if (entry is null) throw new InputException($"{where} has no prices; expected {Expected}.");
            prices[model] = new Price(Amount(where, "input", entry.Input), Amount(where, "output", entry.Output));
        }
        return prices;
    }

    /// <summary>The model ids among <paramref name="models"/> that <paramref name="prices"/> has no price for, each once, in order.</summary>
    public static IReadOnlyList<string> Unpriced(IReadOnlyDictionary<string, Price> prices, IEnumerable<string> models) =>
        [.. models.Distinct(StringComparer.Ordinal).Where(m => !prices.ContainsKey(m))];

    /// <summary>"FILE has no price for 'a' (add 'a: { input: USD, output: USD }')": which models lack a price where, and the line that gives one.</summary>
    /// <param name="source">The price file as the user named it, or what else holds the prices ("the run's recorded prices").</param>
    public static string NoPrice(string source, IReadOnlyList<string> models) =>
        $"{source} has no price for {string.Join(", ", models.Select(m => $"'{m}'"))} " +
        $"(add {string.Join(" and ", models.Select(m => $"'{m}: {{ input: USD, output: USD }}'"))}, per million tokens)";

    private static decimal Amount(string where, string field, decimal? value) => value switch
    {
        null => throw new InputException($"{where}: '{field}' is missing; expected {Expected}."),
        < 0 => throw new InputException($"{where}: {field} is {value.Value.ToString(CultureInfo.InvariantCulture)}; expected a price of 0 or more (USD per million tokens)."),
        _ => value.Value,
    };

    private sealed class Entry
    {
        public decimal? Input { get; set; }
        public decimal? Output { get; set; }
    }
}
