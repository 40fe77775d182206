using Microsoft.Extensions.AI;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>A model ready to use: its spec, its client stack and its usage ledger.</summary>
public sealed class ModelClient(ModelSpec spec, IChatClient chat, UsageLedger ledger, StructuredOutputFallbackChatClient structured)
{
    public ModelSpec Spec => spec;

    public IChatClient Chat => chat;

    public UsageLedger Usage => ledger;

    /// <summary>True once the endpoint rejected structured output and prompts alone are used.</summary>
    public bool StructuredOutputUnsupported => structured.Unsupported;

    /// <summary>
    /// Samples <paramref name="n"/> answers. With <see cref="ChoicesMode.Native"/> one request asks
    /// for n choices (topped up with single requests if the server returns fewer); with
    /// <see cref="ChoicesMode.Parallel"/> n single requests go out at once, each with seed + i
    /// when a seed is set, so that they are not all the same answer.
    /// </summary>
    public async Task<IReadOnlyList<Completion>> SampleAsync(IReadOnlyList<ChatMessage> messages, int n = 1,
        GenerationParameters? overrides = null, ChatResponseFormat? format = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var parameters = spec.Defaults.With(overrides);
        var request = parameters.SystemPrompt is { } system && !messages.Any(m => m.Role == ChatRole.System)
            ? [new ChatMessage(ChatRole.System, system), .. messages]
            : messages;
        var results = new List<Completion>();
        if (n > 1 && spec.Choices == ChoicesMode.Native)
            results.AddRange(await OneAsync(request, Options(parameters, format, n, 0), cancellationToken).ConfigureAwait(false));
        var missing = Enumerable.Range(results.Count, Math.Max(0, n - results.Count)).ToList();
        var singles = await Task.WhenAll(missing.Select(i => OneAsync(request, Options(parameters, format, 1, i), cancellationToken))).ConfigureAwait(false);
        results.AddRange(singles.SelectMany(s => s.Take(1)));
        return results.Take(n).ToList();
    }

    private async Task<IReadOnlyList<Completion>> OneAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var response = await chat.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return Completion.FromResponse(response, System.Diagnostics.Stopwatch.GetElapsedTime(start));
    }

    private static ChatOptions Options(GenerationParameters p, ChatResponseFormat? format, int n, int sampleIndex)
    {
        var options = new ChatOptions
        {
            Temperature = (float?)p.Temperature,
            TopP = (float?)p.TopP,
            MaxOutputTokens = p.MaxTokens,
            Seed = p.Seed is { } seed ? seed + sampleIndex : null,
            ResponseFormat = format,
        };
        // The sample index keeps cached answers of repeated samples apart; it is never sent.
        options.AdditionalProperties = new() { [ResponseCache.SampleKey] = sampleIndex };
        if (n > 1) options.AdditionalProperties[OpenAIRequest.ChoicesKey] = n;
        return options;
    }
}
