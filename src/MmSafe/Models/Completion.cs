using Microsoft.Extensions.AI;

namespace MmSafe.Models;

/// <summary>How a model answered: each is a result to record, never a crash.</summary>
public enum CompletionKind
{
    /// <summary>Text, finished normally.</summary>
    Completed,

    /// <summary>Text cut off by the token limit (finish_reason "length").</summary>
    Truncated,

    /// <summary>No content; the API returned a <c>refusal</c> instead.</summary>
    Refused,

    /// <summary>finish_reason "content_filter".</summary>
    ContentFiltered,

    /// <summary>The provider rejected the request under its content policy.</summary>
    PolicyBlocked,

    /// <summary>A reply with no content at all (<c>"content": null</c> or absent) and no refusal.</summary>
    Empty,

    /// <summary>A 200 reply that holds no answer to read (<c>"choices": []</c>).</summary>
    Malformed,

    /// <summary>
    /// Budget spent on reasoning: no visible answer, finish_reason "length", and the model reasoned (reasoning tokens
    /// reported, or reasoning text returned). The token limit ran out before the answer began: not an answer, never judged.
    /// </summary>
    ReasoningOnly,
}

public static class CompletionKinds
{
    /// <summary>Real answers, which a benchmark scores: text (whole or truncated) or the API's refusal text.</summary>
    public static bool IsAnswer(this CompletionKind kind) => kind is CompletionKind.Completed or CompletionKind.Truncated or CompletionKind.Refused;

    /// <summary>Outcomes worth asking again on resume: the endpoint misbehaved rather than answered.</summary>
    /// <remarks>Not <see cref="CompletionKind.ReasoningOnly"/>: the same request would spend the same budget the same way.</remarks>
    public static bool IsRetryable(this CompletionKind kind) => kind is CompletionKind.Malformed;
}

/// <summary>One sampled answer with its outcome, usage and latency.</summary>
/// <param name="Text">The visible answer only; a reasoning model's reasoning is in <paramref name="Reasoning"/>, never here.</param>
/// <param name="Reasoning">The reasoning text the server returned beside the answer (vLLM's <c>reasoning_content</c>, a leading
/// <c>&lt;think&gt;</c> block, Anthropic's <c>thinking</c> blocks); null when it returned none.</param>
/// <param name="ReasoningTokens">Hidden reasoning tokens the server reported (<c>usage.completion_tokens_details.reasoning_tokens</c>), part of <paramref name="OutputTokens"/>.</param>
public sealed record Completion(CompletionKind Kind, string Text, string? Refusal, string? FinishReason,
    long? InputTokens, long? OutputTokens, TimeSpan Latency, string? Reasoning = null, long? ReasoningTokens = null)
{
    /// <summary>What <see cref="Reasoning"/> holds for reasoning the provider returned encrypted (Anthropic's <c>redacted_thinking</c>).</summary>
    public const string RedactedReasoning = "[redacted by the provider]";

    /// <summary>The property names the adapters use on each returned <see cref="ChatMessage"/>.</summary>
    public const string FinishReasonKey = "finish_reason", RefusalKey = "refusal", PolicyErrorKey = "policy_error", ContentMissingKey = "content_missing";

    /// <summary>The text to score: the content, or the refusal when the API gave one instead (VLSBench protocol).</summary>
    public string ScoredText => Kind == CompletionKind.Refused ? Refusal ?? "" : Text;

    /// <summary>Reads every choice of a response (one per message) as a completion; a response with no choice is one malformed completion.</summary>
    public static IReadOnlyList<Completion> FromResponse(ChatResponse response, TimeSpan latency)
    {
        var usage = response.Usage;
        if (response.Messages.Count == 0)
            return [new Completion(CompletionKind.Malformed, "", null, response.FinishReason?.Value, usage?.InputTokenCount, usage?.OutputTokenCount, latency)];
        // Usage is the response's: counted once, on the first choice. Whether the model reasoned holds for every choice.
        bool reasoned = usage?.ReasoningTokenCount > 0;
        return [.. response.Messages.Select((m, i) => FromMessage(m, i == 0 ? response.FinishReason : null,
            i == 0 ? usage?.InputTokenCount : null, i == 0 ? usage?.OutputTokenCount : null, i == 0 ? usage?.ReasoningTokenCount : null, reasoned, latency))];
    }

    private static Completion FromMessage(ChatMessage message, ChatFinishReason? responseReason, long? input, long? output, long? reasoningTokens,
        bool reasoned, TimeSpan latency)
    {
        var props = message.AdditionalProperties;
        var reason = props?.TryGetValue(FinishReasonKey, out var r) == true ? r as string : responseReason?.Value;
        var refusal = props?.TryGetValue(RefusalKey, out var f) == true ? f as string : null;
        var policy = props?.TryGetValue(PolicyErrorKey, out var p) == true ? p as string : null;
        bool missing = props?.TryGetValue(ContentMissingKey, out var m) == true && m is true;
        var text = message.Text;
        var reasoning = Reasoned(message);
        var kind = policy is not null ? CompletionKind.PolicyBlocked
            : reason == ChatFinishReason.ContentFilter.Value ? CompletionKind.ContentFiltered
            : string.IsNullOrEmpty(text) && !string.IsNullOrEmpty(refusal) ? CompletionKind.Refused
            : string.IsNullOrWhiteSpace(text) && reason == ChatFinishReason.Length.Value && (reasoned || reasoning is not null) ? CompletionKind.ReasoningOnly
            : missing ? CompletionKind.Empty
            : reason == ChatFinishReason.Length.Value ? CompletionKind.Truncated
            : CompletionKind.Completed;
        return new Completion(kind, text, refusal ?? policy, reason, input, output, latency, reasoning, reasoningTokens);
    }

    // The reasoning parts of a message (TextReasoningContent, never in message.Text), joined; null when there are none.
    private static string? Reasoned(ChatMessage message)
    {
        var parts = message.Contents.OfType<TextReasoningContent>()
            .Select(r => !string.IsNullOrWhiteSpace(r.Text) ? r.Text : r.ProtectedData is not null ? RedactedReasoning : null)
            .OfType<string>().ToList();
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }
}
