namespace MmSafe.Models;

/// <summary>
/// The <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> keys that carry a request's reasoning
/// settings from <see cref="ModelClient"/> to the providers, so that a single request and a batch write the same body.
/// M.E.AI's own reasoning options name a fixed set of efforts; these carry the value as the user wrote it.
/// </summary>
public static class ReasoningKeys
{
    /// <summary>A string: OpenAI's <c>reasoning_effort</c>, sent as a top-level body field.</summary>
    public const string Effort = "mmsafe.reasoning_effort";

    /// <summary>An int: the tokens allowed for reasoning on top of the answer's limit (Anthropic: the thinking budget).</summary>
    public const string Allowance = "mmsafe.reasoning_allowance";

    /// <summary>The effort <paramref name="options"/> carry, or null.</summary>
    public static string? EffortOf(Microsoft.Extensions.AI.ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Effort, out var e) == true ? e as string : null;

    /// <summary>The allowance <paramref name="options"/> carry, or null.</summary>
    public static int? AllowanceOf(Microsoft.Extensions.AI.ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Allowance, out var a) == true && a is int n ? n : null;
}
