using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

/// <summary>The models file's fields for reasoning models: parameters left unset, effort and allowance, and provider-specific body fields.</summary>
public sealed class ReasoningModelsFileTests
{
    private static ModelSpec Load(TempDir dir, string entry) =>
        ModelsFile.Load(dir.File("models.yaml", "models:\n  m:\n    model: gpt-5-mini\n" + entry))["m"];

    private static string Refused(TempDir dir, string entry) =>
        Assert.Throws<InputException>(() => Load(dir, entry)).Message;

    [Theory]
    [InlineData("unset")]
    [InlineData("null")]
    [InlineData("~")]
    public void A_parameter_written_unset_null_or_tilde_is_left_unset_over_the_protocol(string written)
    {
        using var dir = new TempDir();
        var spec = Load(dir, $"    parameters: {{ temperature: {written}, max_tokens: 64 }}\n");
        Assert.Equal(["temperature"], spec.Defaults.Unset!);
        var effective = new GenerationParameters(Temperature: 0, TopP: 1, MaxTokens: 128).With(spec.Defaults);
        Assert.Null(effective.Temperature);
        Assert.Equal((1.0, 64), (effective.TopP, effective.MaxTokens));
    }

    [Fact]
    public void A_parameter_left_out_keeps_the_protocols_value()
    {
        using var dir = new TempDir();
        var spec = Load(dir, "    parameters: { max_tokens: 64 }\n");
        Assert.Null(spec.Defaults.Unset);
        Assert.Equal(0, new GenerationParameters(Temperature: 0).With(spec.Defaults).Temperature);
    }

    [Fact]
    public void Reads_effort_allowance_and_the_reasoning_flag()
    {
        using var dir = new TempDir();
        var spec = Load(dir, "    reasoning: true\n    parameters: { reasoning_effort: Low, reasoning_allowance: 4096 }\n");
        Assert.Equal(("low", 4096), (spec.Defaults.ReasoningEffort, spec.Defaults.ReasoningAllowance));
        Assert.True(spec.Reasoning);
        Assert.Null(spec.ExtraBody);
    }

    [Fact]
    public void Compiles_verbosity_enable_thinking_and_extra_body_into_one_canonical_object()
    {
        using var dir = new TempDir();
        var spec = Load(dir, "    verbosity: low\n    enable_thinking: false\n    extra_body: { top_k: 20, z: { b: 1.5, a: [x, true] }, chat_template_kwargs: { other: ok } }\n");
        Assert.Equal("""{"chat_template_kwargs":{"enable_thinking":false,"other":"ok"},"top_k":20,"verbosity":"low","z":{"a":["x",true],"b":1.5}}""", spec.ExtraBody);
    }

    [Theory]
    [InlineData("    parameters: { temprature: unset }\n", "models.yaml: model 'm': parameters: 'temprature' is not a parameter; expected temperature, top_p, max_tokens, seed, system_prompt, reasoning_effort, reasoning_allowance; did you mean 'temperature'?")]
    [InlineData("    parameters: { temperature: warm }\n", "models.yaml: model 'm': parameters.temperature is 'warm'; expected a number from 0 to 2, or unset")]
    [InlineData("    parameters: { reasoning_effort: extreme }\n", "parameters.reasoning_effort is 'extreme'; expected none, minimal, low, medium, high, xhigh, or unset")]
    [InlineData("    parameters: { reasoning_allowance: 0 }\n", "parameters.reasoning_allowance is '0'; reasoning_allowance must be a whole number of at least 1")]
    [InlineData("    extra_body: { temperature: 1 }\n", "models.yaml: model 'm': extra_body sets 'temperature', which the tool sends itself")]
    [InlineData("    extra_body: { max_completion_tokens: 9 }\n", "extra_body sets 'max_completion_tokens', which the tool sends itself")]
    [InlineData("    extra_body: { Temperature: 5 }\n", "extra_body sets 'Temperature', which the tool sends itself")]
    [InlineData("    extra_body: { MAX_TOKENS: 9 }\n", "give it under parameters: (max_tokens: unset sends none)")]
    [InlineData("    extra_body: { reasoning_effort: low }\n", "give it as parameters: { reasoning_effort: … }")]
    [InlineData("    verbosity: loud\n", "verbosity 'loud' is not valid; expected low, medium or high")]
    [InlineData("    verbosity: low\n    extra_body: { verbosity: high }\n", "verbosity is given both as a field and in extra_body")]
    public void Refuses_what_no_server_takes_naming_the_file_the_entry_and_the_field(string entry, string expected)
    {
        using var dir = new TempDir();
        Assert.Contains(expected, Refused(dir, entry));
    }

    [Fact]
    public void Refuses_openai_fields_on_an_anthropic_entry()
    {
        using var dir = new TempDir();
        var message = Assert.Throws<InputException>(() => ModelsFile.Load(dir.File("models.yaml", "models:\n  c:\n    provider: anthropic\n    model: claude\n    enable_thinking: true\n"))).Message;
        Assert.Contains("enable_thinking is a field of OpenAI-compatible servers, not of Anthropic's Messages API", message);
    }

    [Theory]
    [InlineData("gpt-5-mini", true)]
    [InlineData("o3", true)]
    [InlineData("o1-preview", true)]
    [InlineData("openai/o4-mini-2025-04-16", true)]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", true)]
    [InlineData("Qwen/QwQ-32B", true)]
    [InlineData("Qwen/Qwen3-VL-8B-Thinking", true)]
    [InlineData("claude-3-7-sonnet-thinking", true)]
    [InlineData("magistral-medium-latest", true)]
    [InlineData("gpt-4o-2024-08-06", false)]
    [InlineData("o1x", false)]
    [InlineData("Qwen/Qwen2-VL-7B-Instruct", false)]
    public void Knows_the_reasoning_families_by_model_id(string id, bool reasons) => Assert.Equal(reasons, ReasoningModels.LooksLikeReasoning(id));
}
