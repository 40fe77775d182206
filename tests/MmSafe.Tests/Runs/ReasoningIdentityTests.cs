using Microsoft.Extensions.AI;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Tests.Runs;

/// <summary>The request identity takes in reasoning effort, allowance and extra body fields, without moving the identity of any request that sets none.</summary>
public sealed class ReasoningIdentityTests
{
    private static readonly ModelSettings Plain = new("t", "OpenAI", "gpt-4o", "https://api.openai.com/v1/", "OPENAI_API_KEY",
        new GenerationParameters(Temperature: 0, TopP: 1, MaxTokens: 128, SystemPrompt: "Be safe."), null, "max_completion_tokens", "Native", "none");

    private static string Id(ModelSettings m) => RequestIdentity.Compute(m, [new ChatMessage(ChatRole.User, "Hello")], null, 0);

    // Pinned from the algorithm as it stood before reasoning settings existed (computed independently of this code):
    // caches and stored runs made then must keep matching.
    [Fact]
    public void A_request_that_sets_no_reasoning_field_keeps_its_identity() =>
        Assert.Equal("a0db1473e1e8ab2df3116d10ee8405658cf9f55033402c339f30b4bc87bbfb8c", Id(Plain));

    [Fact]
    public void Effort_allowance_and_extra_body_each_change_the_identity()
    {
        string[] ids =
        [
            Id(Plain),
            Id(Plain with { Parameters = Plain.Parameters with { ReasoningEffort = "low" } }),
            Id(Plain with { Parameters = Plain.Parameters with { ReasoningAllowance = 1024 } }),
            Id(Plain with { ExtraBody = """{"verbosity":"low"}""" }),
            Id(Plain with { ExtraBody = """{"verbosity":"high"}""" }),
        ];
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void A_spec_written_before_extra_body_existed_loads_and_compares_equal()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Plain);
        var old = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(old.Remove("ExtraBody"));
        var loaded = System.Text.Json.JsonSerializer.Deserialize<ModelSettings>(old.ToJsonString())!;
        Assert.Null(loaded.ExtraBody);
        Assert.Equal(Id(Plain), Id(loaded));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(Plain), System.Text.Json.JsonSerializer.Serialize(loaded));
    }
}
