using Microsoft.Extensions.AI;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>A model ready to use: its spec, its client stack and its usage ledger.</summary>
public sealed class ModelClient(ModelSpec spec, IChatClient chat, UsageLedger ledger, StructuredOutputFallbackChatClient structured, Batches.BatchApi? batch = null)
{
    /// <summary>The provider's batch API (OpenAI Batch API, Anthropic Message Batches), or null when it has none (the mock).</summary>
    public Batches.BatchApi? Batch => batch;

    /// <summary>Answer number <paramref name="sample"/>'s request as it is sent one at a time: the messages with the system prompt, and the options (seed + sample number).</summary>
    public (IReadOnlyList<ChatMessage> Messages, ChatOptions Options) Prepare(IReadOnlyList<ChatMessage> messages, int sample, GenerationParameters parameters,
        ChatResponseFormat? format) => Prepare(messages, parameters, format, 1, sample);

    /// <summary>
    /// A request as <see cref="SampleAsync(IReadOnlyList{ChatMessage}, IReadOnlyList{int}, GenerationParameters, ChatResponseFormat?, CancellationToken, Func{bool}?, Action{ModelRequestException}?)"/>
    /// sends it: the messages with the system prompt, and the options for <paramref name="n"/> choices (seed unchanged) or
    /// for answer number <paramref name="sample"/> alone (seed + its number). No client needed: previews build the same request.
    /// </summary>
    public static (IReadOnlyList<ChatMessage> Messages, ChatOptions Options) Prepare(IReadOnlyList<ChatMessage> messages, GenerationParameters parameters,
        ChatResponseFormat? format, int n, int? sample) => (WithSystemPrompt(messages, parameters), Options(parameters, format, n, sample));

    public ModelSpec Spec => spec;

    public IChatClient Chat => chat;

    public UsageLedger Usage => ledger;

    /// <summary>True once the endpoint rejected structured output and prompts alone are used.</summary>
    public bool StructuredOutputUnsupported => structured.Unsupported;

    /// <summary>The structured-output switch below this client, to restore a recorded fallback or to hear of a new one.</summary>
    public StructuredOutputFallbackChatClient StructuredOutput => structured;

    /// <summary>
    /// Samples the answers numbered <paramref name="samples"/> with exactly <paramref name="parameters"/> (nothing is
    /// merged here: the caller passes the effective values it records). With <see cref="ChoicesMode.Native"/> one
    /// request asks for all of them as <c>n</c> choices (topped up with single requests if the server returns fewer);
    /// with <see cref="ChoicesMode.Parallel"/> each is its own request, with seed + its sample number when a seed is
    /// set, so that they are not all the same answer. Results come back in the order of <paramref name="samples"/>.
    /// </summary>
    /// <param name="mayStart">Asked when a request's turn for a slot comes; false: it is not sent (<see cref="RequestNotStartedException"/>).</param>
    /// <param name="stopping">Told of an error that stops the run (<see cref="ModelRequestException.StopsTheRun"/>) before the request's slot is released.</param>
    public async Task<IReadOnlyList<Completion>> SampleAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<int> samples,
        GenerationParameters parameters, ChatResponseFormat? format = null, CancellationToken cancellationToken = default, Func<bool>? mayStart = null,
        Action<ModelRequestException>? stopping = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        Diagnostics.PhaseTrace.MarkOnce("first request asked");
        var request = WithSystemPrompt(messages, parameters);
        var results = new List<Completion>();
        ChatOptions Checked(ChatOptions options)
        {
            if (mayStart is not null) (options.AdditionalProperties ??= [])[ConcurrencyLimitingChatClient.MayStartKey] = mayStart;
            if (stopping is not null) (options.AdditionalProperties ??= [])[ConcurrencyLimitingChatClient.StoppingKey] = stopping;
            return options;
        }
        if (samples.Count > 1 && spec.Choices == ChoicesMode.Native)
            results.AddRange((await OneAsync(request, Checked(Options(parameters, format, samples.Count, null)), cancellationToken).ConfigureAwait(false)).Take(samples.Count));
        var singles = await Task.WhenAll(samples.Skip(results.Count)
            .Select(k => OneAsync(request, Checked(Options(parameters, format, 1, k)), cancellationToken))).ConfigureAwait(false);
        results.AddRange(singles.Select(s => s[0]));
        Diagnostics.PhaseTrace.MarkOnce("first reply");
        return results;
    }

    /// <summary>Samples answers 0 … n-1 with <paramref name="parameters"/> (none by default).</summary>
    public Task<IReadOnlyList<Completion>> SampleAsync(IReadOnlyList<ChatMessage> messages, int n = 1, GenerationParameters? parameters = null,
        ChatResponseFormat? format = null, CancellationToken cancellationToken = default) =>
        SampleAsync(messages, [.. Enumerable.Range(0, n)], parameters ?? spec.Defaults, format, cancellationToken);

    /// <summary>The messages as sent: the parameters' system prompt first, unless the messages carry one.</summary>
    public static IReadOnlyList<ChatMessage> WithSystemPrompt(IReadOnlyList<ChatMessage> messages, GenerationParameters parameters) =>
        parameters.SystemPrompt is { } system && !messages.Any(m => m.Role == ChatRole.System)
            ? [new ChatMessage(ChatRole.System, system), .. messages]
            : messages;

    private async Task<IReadOnlyList<Completion>> OneAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRequestException e) when (e.ModelName is null)
        {
            // Which model refused: a run where target and judge share a model id still knows whose setting to change.
            e.ModelName = spec.Name;
            throw;
        }
        // The latency the accounting wrapper measured inside the concurrency limit: the request's own, not its queueing.
        var latency = response.AdditionalProperties?.TryGetValue(AccountingChatClient.LatencyKey, out var l) == true && l is TimeSpan own
            ? own : System.Diagnostics.Stopwatch.GetElapsedTime(start);
        return Completion.FromResponse(response, latency);
    }

    private static ChatOptions Options(GenerationParameters p, ChatResponseFormat? format, int n, int? sample)
    {
        var options = new ChatOptions
        {
            Temperature = (float?)p.Temperature,
            TopP = (float?)p.TopP,
            MaxOutputTokens = p.SentMaxTokens,
            Seed = p.Seed is { } seed ? seed + (sample ?? 0) : null,
            ResponseFormat = format,
        };
        if (n > 1) (options.AdditionalProperties ??= [])[OpenAIRequest.ChoicesKey] = n;
        if (p.ReasoningEffort is { } effort) (options.AdditionalProperties ??= [])[ReasoningKeys.Effort] = effort;
        if (p.ReasoningAllowance is { } allowance) (options.AdditionalProperties ??= [])[ReasoningKeys.Allowance] = allowance;
        return options;
    }
}
