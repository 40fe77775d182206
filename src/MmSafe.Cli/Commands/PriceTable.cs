namespace MmSafe.Cli.Commands;

/// <summary>Reads <c>model-id: { input: 2.5, output: 10 }</c> (USD per million tokens) for dry-run cost estimates; checked by <see cref="MmSafe.Runs.PriceFile"/>.</summary>
public static class PriceTable
{
    public static IReadOnlyDictionary<string, MmSafe.Runs.Price> LoadPrices(string path) => MmSafe.Runs.PriceFile.Load(path);

    public static IReadOnlyDictionary<string, (decimal Input, decimal Output)> Load(string path) =>
        MmSafe.Runs.PriceFile.Load(path).ToDictionary(p => p.Key, p => (p.Value.Input, p.Value.Output));
}
