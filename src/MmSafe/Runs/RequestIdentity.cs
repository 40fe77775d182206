using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>
/// The one identity of a request, used by the run store and the response cache alike: provider and endpoint, model,
/// the messages as sent (images by SHA-256), every parameter sent (with the token field, image detail and response
/// format; reasoning effort, allowance and extra body fields when set), the sample number and the judged aspect. Two samples of one item, or one answer judged on two aspects,
/// never share an identity; the same request in another run directory does.
/// </summary>
public static class RequestIdentity
{
    // A judge's schema is the same object for every request of a run: serialised once.
    private static readonly ConditionalWeakTable<ChatResponseFormat, StrongBox<string>> FormatKeys = new();

    public static string Compute(ModelSettings model, IReadOnlyList<ChatMessage> messages, ChatResponseFormat? format, int sample, string? aspect = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? text) => hash.AppendData(Encoding.UTF8.GetBytes((text ?? "\u2400") + "\u241E"));
        Add("mmsafe-request/2");
        Add(model.Provider);
        Add(model.BaseUrl ?? "mock");
        Add(model.Model);
        Add(model.MaxTokensField);
        Add(model.ImageDetail);
        foreach (var message in ModelClient.WithSystemPrompt(messages, model.Parameters))
        {
            Add(message.Role.Value);
            foreach (var content in message.Contents)
                Add(content switch
                {
                    TextContent t => "t:" + t.Text,
                    DataContent d => $"i:{d.MediaType}:{(d.AdditionalProperties?.TryGetValue(Images.ImageData.Sha256Key, out var h) == true && h is string known ? known : Convert.ToHexStringLower(SHA256.HashData(d.Data.Span)))}",
                    _ => content.GetType().Name,
                });
        }
        var p = model.Parameters;
        Add(FormattableString.Invariant($"T={p.Temperature};P={p.TopP};M={p.MaxTokens};S={p.Seed}"));
        // Only when set: the identities of requests made before these fields existed stay as they were (caches and runs keep matching).
        if (p.ReasoningEffort is not null || p.ReasoningAllowance is not null || model.ExtraBody is not null)
            Add(FormattableString.Invariant($"E={p.ReasoningEffort};A={p.ReasoningAllowance};X={model.ExtraBody}"));
        Add(format is null ? "F:none" : FormatKeys.GetValue(format, f => new StrongBox<string>(f is ChatResponseFormatJson { Schema: { } schema } ? "F:" + JsonSerializer.Serialize(schema) : "F:json")).Value);
        Add(sample.ToString(CultureInfo.InvariantCulture));
        Add(aspect);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
