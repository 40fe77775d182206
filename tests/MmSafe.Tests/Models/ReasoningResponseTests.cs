using MmSafe.Models;
using MmSafe.Tests.Support;
using static MmSafe.Tests.Support.ReasoningServers;

namespace MmSafe.Tests.Models;

/// <summary>What a reasoning model's reply becomes: the visible answer, the reasoning apart, and the reasoning token count.</summary>
public sealed class ReasoningResponseTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<Completion> OneAsync(Func<System.Text.Json.Nodes.JsonNode?, FakeReply> responder, Func<ModelSpec, ModelSpec>? tweak = null,
        GenerationParameters? parameters = null)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = responder;
        return (await TestModels.Client(server, tweak).SampleAsync(TestModels.Ask(), 1, parameters, cancellationToken: Token)).Single();
    }

    private static FakeReply Raw(string body) => new FakeReply.Raw(200, "application/json", body, []);

    private static FakeReply Choice(string message, string finish = "stop") => Raw(
        $$$"""{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{{{message}}},"finish_reason":"{{{finish}}}"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}""");

    private static ModelSpec Reasoner(ModelSpec spec) => spec with { MaxTokensField = "max_completion_tokens" };

    [Fact]
    public async Task An_OpenAI_reasoning_models_hidden_reasoning_tokens_are_recorded_beside_its_answer()
    {
        var c = await OneAsync(OpenAIReasoning(reasoningTokens: 200), Reasoner, new GenerationParameters(MaxTokens: 1000));
        Assert.Equal(CompletionKind.Completed, c.Kind);
        Assert.Equal("I can't help with that, but here is some safety advice.", c.Text);
        Assert.Equal(200, c.ReasoningTokens);
        Assert.Null(c.Reasoning); // OpenAI returns no reasoning text
    }

    [Fact]
    public async Task An_answer_emptied_by_reasoning_is_budget_spent_on_reasoning_not_an_empty_or_truncated_answer()
    {
        var c = await OneAsync(OpenAIReasoning(reasoningTokens: 200), Reasoner, new GenerationParameters(MaxTokens: 128));
        Assert.Equal((CompletionKind.ReasoningOnly, "", "length", 128L), (c.Kind, c.Text, c.FinishReason, c.ReasoningTokens));
        Assert.False(c.Kind.IsAnswer());
        Assert.False(c.Kind.IsRetryable());
    }

    [Fact]
    public async Task A_truncated_answer_with_no_reasoning_stays_truncated()
    {
        var c = await OneAsync(_ => Choice("""{"role":"assistant","content":""}""", "length"));
        Assert.Equal(CompletionKind.Truncated, c.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_vLLM_thinking_models_reasoning_is_kept_apart_from_the_answer(bool inContent)
    {
        var c = await OneAsync(VllmThinking(inContent));
        Assert.Equal(CompletionKind.Completed, c.Kind);
        Assert.Equal("I can't help with that, but here is some safety advice.", c.Text);
        Assert.Equal($"The user asks something; let me think. {ReasoningMarker}", c.Reasoning);
        Assert.DoesNotContain(ReasoningMarker, c.ScoredText);
    }

    [Fact]
    public async Task The_newer_vLLM_reasoning_field_is_read_and_a_duplicate_kept_once()
    {
        var c = await OneAsync(_ => Choice($$"""{"role":"assistant","content":"Answer.","reasoning":"r {{ReasoningMarker}}","reasoning_content":"r {{ReasoningMarker}}"}"""));
        Assert.Equal(("Answer.", $"r {ReasoningMarker}"), (c.Text, c.Reasoning));
    }

    [Fact]
    public async Task An_unterminated_think_block_is_all_reasoning_and_an_answer_the_budget_emptied()
    {
        var c = await OneAsync(_ => Choice($$"""{"role":"assistant","content":"  <think>\nstill thinking {{ReasoningMarker}}"}""", "length"));
        Assert.Equal((CompletionKind.ReasoningOnly, ""), (c.Kind, c.Text));
        Assert.Equal($"still thinking {ReasoningMarker}", c.Reasoning);
    }

    [Fact]
    public async Task A_think_tag_after_the_start_of_the_answer_is_part_of_the_answer()
    {
        var c = await OneAsync(_ => Choice("""{"role":"assistant","content":"Sure. <think>x</think> done"}"""));
        Assert.Equal(("Sure. <think>x</think> done", null), (c.Text, c.Reasoning));
    }

    [Fact]
    public async Task An_empty_think_block_from_a_model_with_thinking_off_leaves_the_answer_alone()
    {
        var c = await OneAsync(_ => Choice("""{"role":"assistant","content":"<think>\n\n</think>\n\nAnswer."}"""));
        Assert.Equal(("Answer.", null, CompletionKind.Completed), (c.Text, c.Reasoning, c.Kind));
    }

    [Fact]
    public async Task Anthropic_thinking_blocks_are_reasoning_and_redacted_thinking_is_noted_without_text()
    {
        var c = await OneAsync(_ => Raw($$"""
            {"id":"msg","type":"message","role":"assistant","model":"claude","stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":300},
             "content":[{"type":"thinking","thinking":"Let me see. {{ReasoningMarker}}","signature":"sig"},{"type":"redacted_thinking","data":"EmwKAhgBEgy"},
                        {"type":"text","text":"The answer."}]}
            """), s => s with { Provider = ProviderKind.Anthropic, BaseUrl = new Uri(s.BaseUrl!, "..") });
        Assert.Equal((CompletionKind.Completed, "The answer."), (c.Kind, c.Text));
        Assert.Equal($"Let me see. {ReasoningMarker}\n\n{Completion.RedactedReasoning}", c.Reasoning);
        Assert.Null(c.ReasoningTokens); // Anthropic reports no separate count
    }

    [Fact]
    public async Task An_Anthropic_reply_that_stopped_at_max_tokens_while_thinking_is_budget_spent_on_reasoning()
    {
        var c = await OneAsync(_ => Raw($$"""
            {"id":"msg","type":"message","role":"assistant","model":"claude","stop_reason":"max_tokens","usage":{"input_tokens":10,"output_tokens":128},
             "content":[{"type":"thinking","thinking":"Hmm {{ReasoningMarker}}","signature":"sig"}]}
            """), s => s with { Provider = ProviderKind.Anthropic, BaseUrl = new Uri(s.BaseUrl!, "..") });
        Assert.Equal((CompletionKind.ReasoningOnly, "", "length"), (c.Kind, c.Text, c.FinishReason));
    }

    [Fact]
    public async Task An_API_key_echoed_in_the_reasoning_is_redacted()
    {
        var c = await OneAsync(_ => Choice($$"""{"role":"assistant","content":"Fine.","reasoning_content":"the key is {{TestModels.Key}}"}"""));
        Assert.DoesNotContain(TestModels.Key, c.Reasoning);
        Assert.StartsWith("the key is ", c.Reasoning);
    }
}
