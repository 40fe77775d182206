using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>
/// The cache key of a request: endpoint, model, messages (images by their SHA-256), parameters and
/// sample index. Equal keys mean the answer already paid for can be reused.
/// </summary>
public static class RequestKey
{
    public static string Compute(ModelSpec model, IReadOnlyList<ChatMessage> messages, GenerationParameters parameters, int sample, string? aspect = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? text) => hash.AppendData(Encoding.UTF8.GetBytes((text ?? "\u2400") + "\u241E"));
        Add(model.Provider.ToString());
        Add(model.Provider == ProviderKind.Mock ? "mock" : model.EffectiveBaseUrl.ToString());
        Add(model.Model);
        foreach (var message in messages)
        {
            Add(message.Role.Value);
            foreach (var content in message.Contents)
                Add(content switch
                {
                    TextContent t => "t:" + t.Text,
                    DataContent d => $"i:{d.MediaType}:{Convert.ToHexStringLower(SHA256.HashData(d.Data.Span))}",
                    _ => content.GetType().Name,
                });
        }
        Add(System.Text.Json.JsonSerializer.Serialize(parameters));
        Add(sample.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(aspect);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
