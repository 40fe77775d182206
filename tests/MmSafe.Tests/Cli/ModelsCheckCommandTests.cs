using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

public sealed class ModelsCheckCommandTests
{
    [Fact]
    public async Task Reports_every_parameter_a_run_sends_for_a_plain_endpoint_and_an_entry_that_asks_for_nothing_special()
    {
        await using var server = await FakeModelServer.StartAsync();
        var result = await Support.Cli.RunAsync("models", "check", "--model", "test-model", "--base-url", server.BaseUrl.ToString(), "--api-key-env", "MMSAFE_NO_SUCH_VAR");
        Assert.Equal(0, result.ExitCode);
        foreach (var check in new[] { "image input", "temperature 0", "top_p 1", "seed", "n (choices)", "response_format json_schema" })
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(check)}\s+\S*\s*accepted", result.Output);
        Assert.Contains("2 choices returned", result.Output);
        Assert.DoesNotContain("REFUSED", result.Output);
        // n is honoured, but a local endpoint's default (parallel) is kept: it is part of a run's settings.
        Assert.Contains("choices: parallel", result.Output);
        Assert.DoesNotContain("unset", result.Output);
        Assert.DoesNotContain("reasoning: true", result.Output);
        var first = server.Received.First().Body!;
        Assert.StartsWith("data:image/png;base64,", first["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Contains(server.Received, r => r.Body!["n"]?.GetValue<int>() == 2);
        Assert.Contains(server.Received, r => r.Body!["response_format"] is not null);
        Assert.Contains(server.Received, r => r.Body!["temperature"]?.GetValue<double>() == 0);
        Assert.Contains(server.Received, r => r.Body!["seed"] is not null);
        // The image probe sends no sampling parameter, so a model that refuses one still shows whether it sees images.
        Assert.Null(first["temperature"]);
    }

    [Fact]
    public async Task An_openai_reasoning_model_shows_each_refused_parameter_the_token_field_it_wants_and_that_it_reasons()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 200);
        var result = await Support.Cli.RunAsync("models", "check", "--model", "gpt-5-mini", "--base-url", server.BaseUrl.ToString(), "--api-key-env", "MMSAFE_NO_SUCH_VAR");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"temperature 0\s+\S*\s*REFUSED", result.Output);
        Assert.Contains("Unsupported value: 'temperature' does not support 0", result.Output);
        Assert.Matches(@"top_p 1\s+\S*\s*REFUSED", result.Output);
        Assert.Contains("max_tokens refused", result.Output);
        Assert.Contains("max_completion_tokens accepted", result.Output);
        Assert.Contains("200 reasoning tokens reported", result.Output);
        Assert.Contains("max_tokens_field: max_completion_tokens", result.Output);
        Assert.Contains("reasoning: true", result.Output);
        Assert.Contains("parameters: { temperature: unset, top_p: unset, reasoning_allowance: 4096 }", result.Output);
        Assert.DoesNotContain("seed: unset", result.Output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_open_thinking_model_behind_vllm_is_seen_to_reason_and_accepts_every_parameter(bool thinkInContent)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = ReasoningServers.VllmThinking(inContent: thinkInContent);
        var result = await Support.Cli.RunAsync("models", "check", "--model", "Qwen/Qwen3-VL-8B-Thinking", "--base-url", server.BaseUrl.ToString(), "--json");
        Assert.Equal(0, result.ExitCode);
        var model = System.Text.Json.Nodes.JsonNode.Parse(result.Output)!["models"]![0]!;
        Assert.True(model["reasons"]!.GetValue<bool>());
        var checks = model["checks"]!.AsArray();
        Assert.All(checks.Where(c => c!["check"]!.GetValue<string>() != "reasoning"), c => Assert.NotEqual(false, c!["accepted"]?.GetValue<bool>()));
        Assert.Contains("reasoning text", checks.Single(c => c!["check"]!.GetValue<string>() == "reasoning")!["note"]!.GetValue<string>());
        var entry = model["models_file_entry"]!.GetValue<string>();
        Assert.Contains("reasoning: true", entry);
        Assert.DoesNotContain(ReasoningServers.ReasoningMarker, result.Output);
    }

    [Fact]
    public async Task Anthropic_shows_what_its_api_has_not_and_that_claude_thinks_when_asked()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = ReasoningServers.AnthropicThinking();
        var models = dir.File("models.yaml", $"models:\n  claude:\n    provider: anthropic\n    model: claude-sonnet-4-5\n    base_url: {new Uri(server.BaseUrl, "..")}\n    api_key_env: MMSAFE_NO_SUCH_VAR\n");
        var result = await Support.Cli.RunAsync("models", "check", "--models-file", models, "--model", "claude");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Anthropic's API has no seed", result.Output);
        Assert.Contains("Anthropic's API has no n", result.Output);
        Assert.Contains("Anthropic's API takes no response_format", result.Output);
        Assert.Matches(@"temperature 0\s+\S*\s*accepted", result.Output);
        Assert.Matches(@"reasoning\s+\S*\s*no\b", result.Output);
        Assert.Contains("with thinking.budget_tokens 1024 the reply carried a thinking block", result.Output);
        Assert.DoesNotContain("reasoning: true", result.Output);
        Assert.DoesNotContain(ReasoningServers.ReasoningMarker, result.Output);
        var asked = Assert.Single(server.Received, r => r.Body!["thinking"] is not null).Body!;
        Assert.Equal(1024, asked["thinking"]!["budget_tokens"]!.GetValue<int>());
        Assert.True(asked["max_tokens"]!.GetValue<int>() > 1024);
        Assert.Null(asked["temperature"]);
        Assert.All(server.Received, r => Assert.Equal("/v1/messages", r.Path));
    }

    [Fact]
    public async Task The_json_output_carries_every_check_and_the_entry()
    {
        await using var server = await FakeModelServer.StartAsync();
        var result = await Support.Cli.RunAsync("models", "check", "--model", "test-model", "--base-url", server.BaseUrl.ToString(), "--json");
        Assert.Equal(0, result.ExitCode);
        var model = System.Text.Json.Nodes.JsonNode.Parse(result.Output)!["models"]![0]!;
        Assert.Equal("test-model", model["name"]!.GetValue<string>());
        Assert.Equal(8, model["checks"]!.AsArray().Count);
        Assert.False(model["reasons"]!.GetValue<bool>());
        Assert.Equal("target", model["role"]!.GetValue<string>());
        Assert.StartsWith("  \"test-model\":\n    provider: openai\n", model["models_file_entry"]!.GetValue<string>());
        Assert.StartsWith("models:\n  \"test-model\":\n", System.Text.Json.Nodes.JsonNode.Parse(result.Output)!["models_file"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_proposed_file_keeps_an_entrys_own_settings_and_names_the_judge_in_one_document()
    {
        using var dir = new TempDir();
        await using var thinker = await FakeModelServer.StartAsync();
        thinker.Responder = ReasoningServers.VllmThinking();
        await using var reasoner = await FakeModelServer.StartAsync();
        reasoner.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 200);
        var models = dir.File("models.yaml", $$"""
            models:
              qwen3-nothink:
                model: Qwen/Qwen3-8B
                base_url: {{thinker.BaseUrl}}
                enable_thinking: false
                reasoning: false
              gpt5:
                model: gpt-5-mini
                base_url: {{reasoner.BaseUrl}}
                verbosity: low
                parameters: { top_p: unset, reasoning_effort: low, reasoning_allowance: 2048 }
            """);

        var result = await Support.Cli.RunAsync("models", "check", "--models-file", models, "--model", "qwen3-nothink", "--judge", "gpt5");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Output, "^models:", System.Text.RegularExpressions.RegexOptions.Multiline));
        Assert.Contains("judges: [\"gpt5\"]", result.Output);
        Assert.Contains("reasoning: false", result.Output);
        Assert.Contains("extra_body: {\"chat_template_kwargs\":{\"enable_thinking\":false}}", result.Output);
        Assert.Contains("extra_body: {\"verbosity\":\"low\"}", result.Output);
        Assert.Contains("parameters: { temperature: unset, top_p: unset, reasoning_effort: \"low\", reasoning_allowance: 2048 }", result.Output);
        // What it proposes is a models file the tool reads back, with the same settings.
        var document = string.Join('\n', result.Output.Split('\n').SkipWhile(l => !l.StartsWith("models:", StringComparison.Ordinal)));
        var proposed = MmSafe.Models.ModelsFile.Load(dir.File("proposed.yaml", document));
        Assert.Equal(false, proposed["qwen3-nothink"].Reasoning);
        Assert.Equal(2048, proposed["gpt5"].Defaults.ReasoningAllowance);
        Assert.Equal("max_completion_tokens", proposed["gpt5"].MaxTokensField);
        Assert.Equal("gpt5", Assert.Single(MmSafe.Models.ModelsFile.Judges(dir.Full("proposed.yaml"))).Name);
    }

    [Fact]
    public async Task A_model_whose_id_looks_like_a_reasoning_models_but_shows_no_reasoning_is_proposed_with_reasoning_false()
    {
        await using var server = await FakeModelServer.StartAsync();
        var result = await Support.Cli.RunAsync("models", "check", "--model", "qwen3-8b", "--base-url", server.BaseUrl.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("    reasoning: false", result.Output);
    }

    [Fact]
    public async Task One_models_failure_keeps_the_others_findings_and_names_the_failure_in_every_format()
    {
        await using var good = await FakeModelServer.StartAsync();
        await using var html = await FakeModelServer.StartAsync();
        html.Default = new FakeReply.Raw(200, "text/html", "<html><body>Welcome to nginx!</body></html>", []);
        foreach (var asJson in new[] { false, true })
        {
            string[] args = ["models", "check", "--model", "good-model", "--base-url", good.BaseUrl.ToString(), "--judge", "html-model", "--judge-base-url", html.BaseUrl.ToString()];
            var result = await Support.Cli.RunAsync(asJson ? [.. args, "--json"] : args);
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("error: html-model:", result.Error);
            Assert.Contains("the reply is not JSON", result.Error);
            if (asJson)
            {
                var json = System.Text.Json.Nodes.JsonNode.Parse(result.Output)!;
                Assert.Equal("good-model", json["models"]![0]!["name"]!.GetValue<string>());
                Assert.Equal("html-model", json["failed"]![0]!["name"]!.GetValue<string>());
                Assert.DoesNotContain("judges:", json["models_file"]!.GetValue<string>());
            }
            else
            {
                Assert.Contains("Model check: good-model", result.Output);
                Assert.Contains("\"good-model\":", result.Output);
            }
        }
    }

    [Fact]
    public async Task A_parameter_the_entry_already_leaves_unset_is_refused_without_asking_for_a_fix_already_made()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = ReasoningServers.OpenAIReasoning();
        var models = dir.File("models.yaml", $"models:\n  gpt5:\n    model: gpt-5-mini\n    base_url: {server.BaseUrl}\n    max_tokens_field: max_completion_tokens\n    parameters: {{ temperature: unset }}\n");
        var result = await Support.Cli.RunAsync("models", "check", "--models-file", models, "--model", "gpt5");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the entry already leaves temperature unset, so runs do not send it", result.Output);
        Assert.Contains("set 'top_p: unset'", result.Output); // top_p is not left unset: its fix is still named
    }

    [Fact]
    public async Task A_key_pasted_where_its_variables_name_belongs_is_refused_without_being_echoed()
    {
        await using var server = await FakeModelServer.StartAsync();
        var result = await Support.Cli.RunAsync("models", "check", "--model", "m", "--base-url", server.BaseUrl.ToString(), "--api-key-env", "sk-proj-PASTED-KEY-1234");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("never the key itself", result.Error);
        Assert.DoesNotContain("PASTED", result.Output + result.Error);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task An_endpoint_that_answers_html_is_described_in_words_with_what_to_check()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = new FakeReply.Raw(200, "text/html", "<html><body>Welcome to nginx!</body></html>", []);
        var result = await Support.Cli.RunAsync("models", "check", "--model", "m", "--base-url", server.BaseUrl.ToString());
        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("the reply is not JSON (it begins \"<html><body>Welcome to nginx!", error);
        Assert.Contains("an HTML page", error);
        Assert.Contains("check that the base URL is the API's", error);
        Assert.DoesNotContain("LineNumber", error);
    }

    [Fact]
    public async Task A_wrong_url_exits_2_with_the_url_tried()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(404);
        var result = await Support.Cli.RunAsync("models", "check", "--model", "test-model", "--base-url", server.BaseUrl.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("404 Not Found", result.Error);
        Assert.Contains("/chat/completions", result.Error);
    }

    [Fact]
    public async Task The_mock_model_is_labelled_as_mock()
    {
        var result = await Support.Cli.RunAsync("models", "check", "--model", "mock", "--judge", "mock");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mock (offline, canned answers)", result.Output);
        Assert.Contains("[MOCK]", result.Output);
    }

    [Fact]
    public async Task A_bad_base_url_is_an_input_error()
    {
        var result = await Support.Cli.RunAsync("models", "check", "--model", "x", "--base-url", "localhost:8000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--base-url 'localhost:8000' is not an http(s) URL", result.Error);
    }

    [Fact]
    public async Task No_model_is_an_input_error()
    {
        var result = await Support.Cli.RunAsync("models", "check");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no model given", result.Error);
    }

    [Fact]
    public async Task A_refused_endpoint_shows_plain_retry_lines_and_what_to_check_without_logger_output()
    {
        // A port that was just free: nothing listens there, so the connection is refused.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // A separate process: a logger writes to the process's own console, which an in-process run does not capture.
        var result = await CliProcess.RunAsync("models", "check", "--model", "evil", "--base-url", $"http://127.0.0.1:{port}/v1");
        Assert.Equal(3, result.ExitCode);
        Assert.DoesNotContain("info:", result.Error);
        Assert.DoesNotContain("warn:", result.Error);
        Assert.DoesNotContain("MmSafe.Models[", result.Error);
        Assert.Contains("\nevil: attempt 1 failed (", "\n" + result.Error);
        var error = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("connection failed", error);
        Assert.Contains("check the base URL (--base-url, --judge-base-url, or base_url in the models file) and that the server is running", error);
    }

    [Fact]
    public async Task OpenAIs_own_api_without_its_key_stops_before_sending_naming_the_variable_and_the_flag()
    {
        var result = await Support.Cli.RunAsync("models", "check", "--model", "gpt-4o", "--api-key-env", "MMSAFE_TEST_UNSET_KEY");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("$MMSAFE_TEST_UNSET_KEY is not set, and gpt-4o at https://api.openai.com/v1 (OpenAI's API) needs a key; nothing was sent.", result.Error);
        Assert.Contains("with --api-key-env.", result.Error);
    }

    [Fact]
    public async Task A_run_whose_judge_is_on_anthropics_api_without_a_key_stops_before_making_the_run_directory()
    {
        using var dir = new TempDir();
        var models = dir.File("models.yaml", "models:\n  claude:\n    provider: anthropic\n    model: claude-x\n    api_key_env: MMSAFE_TEST_UNSET_KEY\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--models-file", models, "--judge", "claude",
            "--out", dir.Full("run"), "--cache", "off");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("claude: $MMSAFE_TEST_UNSET_KEY is not set, and claude-x at https://api.anthropic.com/ (Anthropic's API) needs a key", result.Error);
        Assert.Contains("--judge-api-key-env", result.Error);
        Assert.False(Directory.Exists(dir.Full("run")));
    }
}
