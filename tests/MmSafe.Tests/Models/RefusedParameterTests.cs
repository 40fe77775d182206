using MmSafe.Models;
using MmSafe.Models.Providers;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class RefusedParameterTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly ModelEndpoint Endpoint = new("gpt-5-mini", new Uri("http://127.0.0.1:9/v1"), "OPENAI_API_KEY", null);

    [Theory]
    [InlineData(ReasoningServers.TemperatureRefusal, "temperature")]
    [InlineData(ReasoningServers.MaxTokensRefusal, "max_tokens")]
    [InlineData(ReasoningServers.TopPRefusal, "top_p")]
    // Anthropic names the parameter in back quotes, with no param field.
    [InlineData("""{"type":"error","error":{"type":"invalid_request_error","message":"`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking"}}""", "temperature")]
    [InlineData("""{"type":"error","error":{"type":"invalid_request_error","message":"`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled."}}""", "top_p")]
    [InlineData("""{"type":"error","error":{"type":"invalid_request_error","message":"thinking.budget_tokens: Input should be greater than or equal to 1024"}}""", "thinking")]
    // vLLM: the error's fields at the top level, or OpenAI's shape with a null param.
    [InlineData("""{"object":"error","message":"n is not supported for this model","type":"BadRequestError","param":null,"code":400}""", "n")]
    [InlineData("""{"error":{"message":"seed is not supported by this server","type":"BadRequestError","param":null,"code":400}}""", "seed")]
    [InlineData("""{"error":{"message":"Unrecognized request argument supplied: reasoning_effort","type":"invalid_request_error","param":null,"code":null}}""", "reasoning_effort")]
    [InlineData("""{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","type":"invalid_request_error","param":"response_format","code":null}}""", "response_format")]
    [InlineData("""{"error":{"message":"Unsupported parameter: 'verbosity' is not supported with this model.","type":"invalid_request_error","param":"verbosity","code":"unsupported_parameter"}}""", "verbosity")]
    [InlineData("""{"detail":"'chat_template_kwargs' is not supported by this server"}""", "chat_template_kwargs")]
    public void A_400_that_names_a_parameter_is_a_refusal_of_it(string body, string parameter) =>
        Assert.Equal(parameter, RefusedParameters.Find(body));

    [Theory]
    [InlineData("""{"error":{"message":"scripted"}}""")]
    // A param that is not a request parameter (a message's content, an image) is another kind of bad request.
    [InlineData("""{"error":{"message":"Invalid 'messages[0].content[1].image_url.url': temperature of the image is invalid.","type":"invalid_request_error","param":"messages[0].content[1].image_url.url","code":"invalid_value"}}""")]
    [InlineData("""{"error":{"message":"Unsupported value: 'messages[0].role' does not support 'developer' with this model.","type":"invalid_request_error","param":null,"code":"unsupported_value"}}""")]
    // The token limit against the context window depends on the prompt: not every request would fail alike.
    [InlineData("""{"object":"error","message":"'max_tokens' or 'max_completion_tokens' is too large: 5000. This model's maximum context length is 4096 tokens and your request has 100 input tokens (5000 > 4096 - 100).","type":"BadRequestError","param":null,"code":400}""")]
    // Naming a parameter without refusing it.
    [InlineData("""{"error":{"message":"The image could not be decoded; the temperature of the request was fine."}}""")]
    [InlineData("<html><body>400 Bad Request</body></html>")]
    [InlineData("")]
    public void A_400_that_does_not_clearly_name_a_parameter_stays_a_bad_request(string body)
    {
        Assert.Null(RefusedParameters.Find(body));
        Assert.Equal(ModelErrorKind.BadRequest, HttpErrors.FromStatus(400, body, null, Endpoint).Kind);
    }

    [Fact]
    public void The_message_names_the_model_the_endpoint_the_parameter_what_the_server_said_and_the_flag_for_the_role()
    {
        var target = HttpErrors.FromStatus(400, ReasoningServers.TemperatureRefusal, null, Endpoint);
        Assert.Equal((ModelErrorKind.RefusedParameter, "temperature"), (target.Kind, target.Parameter));
        Assert.True(target.StopsTheRun);
        Assert.Contains("target gpt-5-mini at http://127.0.0.1:9/v1", target.Message);
        Assert.Contains("refuses the parameter 'temperature'", target.Message);
        Assert.Contains("pass --unset temperature", target.Message);
        Assert.Contains("Server said: Unsupported value: 'temperature' does not support 0", target.Message);

        var judge = HttpErrors.FromStatus(400, ReasoningServers.TemperatureRefusal, null, Endpoint with { KeyFlag = "--judge-api-key-env" });
        Assert.Contains("judge gpt-5-mini", judge.Message);
        Assert.Contains("pass --judge-unset temperature", judge.Message);

        var entry = HttpErrors.FromStatus(400, ReasoningServers.MaxTokensRefusal, null, Endpoint with { Origin = "models file models.yaml, entry 'gpt5'" });
        Assert.Contains("set 'max_tokens_field: max_completion_tokens' in models file models.yaml, entry 'gpt5'", entry.Message);
    }

    [Theory]
    [InlineData("""{"error":{"message":"n is not supported","param":"n"}}""", "'choices: parallel'")]
    [InlineData("""{"error":{"message":"Unsupported parameter: 'response_format'","param":"response_format"}}""", "'structured_output: off'")]
    [InlineData("""{"error":{"message":"Unsupported parameter: 'verbosity'","param":"verbosity"}}""", "extra_body")]
    [InlineData("""{"error":{"message":"Unrecognized request argument supplied: max_completion_tokens"}}""", "'max_tokens_field: max_tokens'")]
    public void Each_parameter_gets_the_setting_that_changes_it(string body, string advice) =>
        Assert.Contains(advice, HttpErrors.FromStatus(400, body, null, Endpoint).Message);

    [Fact]
    public async Task A_refused_parameter_is_sent_once_not_retried()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = ReasoningServers.OpenAIReasoning();
        var e = await Assert.ThrowsAsync<ModelRequestException>(() =>
            TestModels.Client(server).SampleAsync(TestModels.Ask(), 1, new GenerationParameters(Temperature: 0), cancellationToken: Token));
        Assert.Equal(ModelErrorKind.RefusedParameter, e.Kind);
        Assert.Equal(1, server.Count);
    }
}
