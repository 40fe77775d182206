using System.Text.Json.Nodes;

namespace MmSafe.Tests.Support;

/// <summary>
/// Responders for <see cref="FakeModelServer.Responder"/> that behave like today's reasoning models, byte for byte
/// where the providers document it: an OpenAI reasoning model (GPT-5 family, o-series), an open thinking model
/// behind vLLM (<c>reasoning_content</c>, or <c>&lt;think&gt;</c> at the start of the content), and Anthropic with
/// extended thinking (<c>thinking</c> blocks). Every reasoning text holds <see cref="ReasoningMarker"/>, so a test can
/// check that it never reaches a judge.
/// </summary>
public static class ReasoningServers
{
    /// <summary>A string found in every reasoning text these servers return, and nowhere else.</summary>
    public const string ReasoningMarker = "HIDDEN-REASONING-7d1f";

    public const string TemperatureRefusal =
        """{"error": {"message": "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.", "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}""";

    public const string MaxTokensRefusal =
        """{"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}""";

    public const string TopPRefusal =
        """{"error": {"message": "Unsupported parameter: 'top_p' is not supported with this model.", "type": "invalid_request_error", "param": "top_p", "code": "unsupported_parameter"}}""";

    /// <summary>
    /// An OpenAI reasoning model: refuses a temperature other than 1 and any top_p (the exact bodies above), refuses
    /// <c>max_tokens</c> (it wants <c>max_completion_tokens</c>), spends <paramref name="reasoningTokens"/> on hidden
    /// reasoning before any visible text and reports them in <c>usage.completion_tokens_details.reasoning_tokens</c>;
    /// when <c>max_completion_tokens</c> leaves no room, the answer is empty with <c>finish_reason: length</c>.
    /// It returns no reasoning text (as OpenAI's chat completions do not).
    /// </summary>
    public static Func<JsonNode?, FakeReply> OpenAIReasoning(int reasoningTokens = 200, Func<JsonNode?, string>? answer = null) => body =>
    {
        if (body?["temperature"] is JsonValue t && t.GetValue<double>() != 1) return FakeReply.Status(400, TemperatureRefusal);
        if (body?["top_p"] is not null) return FakeReply.Status(400, TopPRefusal);
        if (body?["max_tokens"] is not null) return FakeReply.Status(400, MaxTokensRefusal);
        int limit = body?["max_completion_tokens"] is JsonValue m ? m.GetValue<int>() : 100_000;
        string text = answer?.Invoke(body) ?? "I can't help with that, but here is some safety advice.";
        int n = body?["n"] is JsonValue nv ? nv.GetValue<int>() : 1;
        int answerTokens = Tokens(text);
        bool spent = limit <= reasoningTokens;
        bool cut = !spent && reasoningTokens + answerTokens > limit;
        string visible = spent ? "" : cut ? string.Join(' ', text.Split(' ').Take(limit - reasoningTokens)) : text;
        int reasoning = Math.Min(reasoningTokens, limit);
        var choices = new JsonArray();
        for (int i = 0; i < n; i++)
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = visible, ["refusal"] = null, ["annotations"] = new JsonArray() },
                ["finish_reason"] = spent || cut ? "length" : "stop",
            });
        int completion = reasoning + Tokens(visible);
        return Json(new JsonObject
        {
            ["id"] = "chatcmpl-reasoning", ["object"] = "chat.completion", ["created"] = 0, ["model"] = Model(body),
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = 120, ["completion_tokens"] = completion * n, ["total_tokens"] = 120 + completion * n,
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning * n, ["accepted_prediction_tokens"] = 0, ["rejected_prediction_tokens"] = 0 },
            },
        });
    };

    /// <summary>
    /// An open thinking model (Qwen3, DeepSeek-R1) behind vLLM: with a reasoning parser the reasoning comes in
    /// <c>message.reasoning_content</c>; without one (<paramref name="inContent"/>) it leads the content as
    /// <c>&lt;think&gt;…&lt;/think&gt;</c>. Accepts every sampling parameter. With <c>chat_template_kwargs.enable_thinking: false</c> it does not think.
    /// </summary>
    public static Func<JsonNode?, FakeReply> VllmThinking(bool inContent = false, Func<JsonNode?, string>? answer = null) => body =>
    {
        string text = answer?.Invoke(body) ?? "I can't help with that, but here is some safety advice.";
        bool thinks = body?["chat_template_kwargs"]?["enable_thinking"] is not JsonValue e || e.GetValue<bool>();
        string reasoning = $"The user asks something; let me think. {ReasoningMarker}";
        var message = new JsonObject { ["role"] = "assistant" };
        if (!thinks) message["content"] = text;
        else if (inContent) message["content"] = $"<think>\n{reasoning}\n</think>\n\n{text}";
        else
        {
            message["content"] = text;
            message["reasoning_content"] = reasoning;
        }
        return Json(new JsonObject
        {
            ["id"] = "chatcmpl-vllm", ["object"] = "chat.completion", ["created"] = 0, ["model"] = Model(body),
            // vLLM honours n: one choice each, all alike here.
            ["choices"] = new JsonArray([.. Enumerable.Range(0, body?["n"] is JsonValue nv ? nv.GetValue<int>() : 1).Select(i =>
                (JsonNode)new JsonObject { ["index"] = i, ["message"] = message.DeepClone(), ["finish_reason"] = "stop", ["stop_reason"] = null })]),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 90, ["completion_tokens"] = 40, ["total_tokens"] = 130 },
        });
    };

    /// <summary>
    /// A thinking model behind vLLM without a reasoning parser whose budget runs out mid-thought: the content is an
    /// unclosed <c>&lt;think&gt;</c> and finish_reason is length, so nothing is left to read.
    /// </summary>
    public static FakeReply UnclosedThink(JsonNode? body) => Json(new JsonObject
    {
        ["id"] = "chatcmpl-think", ["object"] = "chat.completion", ["created"] = 0, ["model"] = Model(body),
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0, ["finish_reason"] = "length",
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = $"<think>\nThe answer says this, so maybe the label is {ReasoningMarker}" },
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 90, ["completion_tokens"] = 128, ["total_tokens"] = 218 },
    });

    /// <summary>
    /// Anthropic's Messages API with extended thinking: when the request carries <c>thinking: {type: enabled, budget_tokens}</c>
    /// the reply starts with a <c>thinking</c> block (with its signature), then the text; a temperature other than 1
    /// with thinking on is refused as Anthropic refuses it.
    /// </summary>
    public static Func<JsonNode?, FakeReply> AnthropicThinking(Func<JsonNode?, string>? answer = null) => body =>
    {
        bool thinking = body?["thinking"]?["type"]?.GetValue<string>() == "enabled";
        if (thinking && body?["temperature"] is JsonValue t && t.GetValue<double>() != 1)
            return FakeReply.Status(400, """{"type":"error","error":{"type":"invalid_request_error","message":"`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking"}}""");
        string text = answer?.Invoke(body) ?? "I can't help with that, but here is some safety advice.";
        var content = new JsonArray();
        if (thinking) content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = $"Let me consider the image. {ReasoningMarker}", ["signature"] = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" });
        content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        return Json(new JsonObject
        {
            ["id"] = "msg_thinking", ["type"] = "message", ["role"] = "assistant", ["model"] = Model(body),
            ["content"] = content, ["stop_reason"] = "end_turn", ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = 100, ["output_tokens"] = thinking ? 180 : 20 },
        });
    };

    private static FakeReply Json(JsonObject body) => new FakeReply.Raw(200, "application/json", body.ToJsonString(), []);

    private static string Model(JsonNode? body) => body?["model"]?.GetValue<string>() ?? "test";

    // One token a word: enough for budgets to bite in tests.
    private static int Tokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
