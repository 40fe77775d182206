using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace MmSafe.Cli.Commands;

/// <summary>Reads <c>model-id: { input: 2.5, output: 10 }</c> (USD per million tokens) for dry-run cost estimates.</summary>
public static class PriceTable
{
    public static IReadOnlyDictionary<string, MmSafe.Runs.Price> LoadPrices(string path) =>
        Load(path).ToDictionary(p => p.Key, p => new MmSafe.Runs.Price(p.Value.Input, p.Value.Output));

    public static IReadOnlyDictionary<string, (decimal Input, decimal Output)> Load(string path)
    {
        try
        {
            var raw = new DeserializerBuilder().Build().Deserialize<Dictionary<string, Dictionary<string, decimal>>>(File.ReadAllText(path)) ?? [];
            return raw.ToDictionary(p => p.Key, p => (p.Value.GetValueOrDefault("input"), p.Value.GetValueOrDefault("output")));
        }
        catch (Exception e) when (e is YamlException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new InputException($"{path}: not a price table ({e.Message}); expected 'model-id: {{ input: USD, output: USD }}' per million tokens.", e);
        }
    }
}
