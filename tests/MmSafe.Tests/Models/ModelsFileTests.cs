using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class ModelsFileTests
{
    [Fact]
    public void Reads_named_entries_with_parameters_limits_and_retry_bounds()
    {
        using var dir = new TempDir();
        var file = dir.File("models.yaml", """
            models:
              local-qwen:
                provider: vllm
                model: Qwen/Qwen2-VL-7B-Instruct
                base_url: http://localhost:8000/v1
                api_key_env: VLLM_KEY
                concurrency: 32
                requests_per_minute: 600
                choices: native
                structured_output: off
                image_detail: high
                parameters: { temperature: 0, top_p: 1, max_tokens: 128, seed: 7, system_prompt: "You are a helpful assistant." }
                retry: { max_retries: 2, base_delay_seconds: 0.5, max_delay_seconds: 4, max_retry_after_seconds: 30, timeout_seconds: 60 }
              claude:
                provider: anthropic
                model: claude-sonnet-4-5
            """);
        var models = ModelsFile.Load(file);
        var qwen = models["local-qwen"];
        Assert.Equal((ProviderKind.OpenAI, "Qwen/Qwen2-VL-7B-Instruct", "http://localhost:8000/v1"), (qwen.Provider, qwen.Model, qwen.BaseUrl!.ToString()));
        Assert.Equal(("VLLM_KEY", 32, 600), (qwen.ApiKeyEnv, qwen.Concurrency, qwen.RequestsPerMinute!.Value));
        Assert.Equal((ChoicesMode.Native, StructuredOutputMode.Off, "high"), (qwen.Choices, qwen.StructuredOutput, qwen.ImageDetail));
        Assert.Equal(new GenerationParameters(0, 1, 128, 7, "You are a helpful assistant."), qwen.Defaults);
        Assert.Equal((2, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(60)), (qwen.Retry.MaxRetries, qwen.Retry.BaseDelay, qwen.Retry.RequestTimeout));
        Assert.Equal(("ANTHROPIC_API_KEY", ProviderKind.Anthropic), (models["claude"].ApiKeyEnv, models["claude"].Provider));
    }

    [Theory]
    [InlineData(null, ChoicesMode.Native)]
    [InlineData("https://api.openai.com/v1", ChoicesMode.Native)]
    [InlineData("http://localhost:8000/v1", ChoicesMode.Parallel)]
    public void Only_openais_own_api_asks_for_n_samples_in_one_request_by_default(string? baseUrl, ChoicesMode expected) =>
        Assert.Equal(expected, ModelSpec.Adhoc("gpt-4o", baseUrl is null ? null : new Uri(baseUrl)).Choices);

    [Theory]
    [InlineData("models:\n  a:\n    provider: openai\n", "model 'a': 'model' is missing")]
    [InlineData("models:\n  a:\n    model: m\n    provider: gemini\n", "provider 'gemini' is unknown")]
    [InlineData("models:\n  a:\n    model: m\n    choices: sometimes\n", "choices 'sometimes' is not valid; expected native or parallel")]
    [InlineData("models:\n  a:\n    model: m\n    base_url: not a url\n", "base_url 'not a url' is not an http(s) URL")]
    [InlineData("models:\n  a:\n    model: m\n    concurrency: 0\n", "concurrency must be at least 1")]
    [InlineData("models:\n  a:\n    model: m\n    image_detail: ultra\n", "image_detail 'ultra' is not valid; expected low, high or auto")]
    [InlineData("models:\n  a:\n    model: m\n    max_tokens_field: foo\n", "max_tokens_field 'foo' is not valid; expected max_tokens or max_completion_tokens")]
    [InlineData("models:\n  a:\n    model: m\n    api_key_env: \"\"\n", "model 'a': api_key_env is empty")]
    [InlineData("models:\n  a:\n    model: m\n    api_key_env: \"  \"\n", "model 'a': api_key_env is empty")]
    [InlineData("models:\n  a: [unclosed\n", "line 2")]
    [InlineData("models:\n  a:\n    model: m\n    colour: red\n", "line 4")]
    [InlineData("other: 1\n", "line 1")]
    public void Reports_what_is_wrong_and_where(string yaml, string expected)
    {
        using var dir = new TempDir();
        var file = dir.File("models.yaml", yaml);
        var e = Assert.Throws<InputException>(() => ModelsFile.Load(file));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(file, e.Message);
    }

    [Fact]
    public void Image_detail_and_the_token_field_are_sent_as_the_api_spells_them()
    {
        using var dir = new TempDir();
        var spec = ModelsFile.Load(dir.File("models.yaml", "models:\n  a:\n    model: m\n    image_detail: High\n    max_tokens_field: MAX_COMPLETION_TOKENS\n"))["a"];
        Assert.Equal(("high", "max_completion_tokens"), (spec.ImageDetail, spec.MaxTokensField));
    }
}
