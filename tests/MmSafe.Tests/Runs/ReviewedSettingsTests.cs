using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// Settings as a new user meets them: differences named as in models files and flags, an allowance with no answer limit
/// refused, models-file parameters written in the wrong place pointed to parameters:, and the reasoning warning kept to
/// models that think.
/// </summary>
public sealed class ReviewedSettingsTests
{
    private static string[] Run(string data, string output, params string[] more) =>
        ["run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", output, "--cache", "off", "--json", .. more];

    // The spec as the run store holds it (JSON in its meta table); with a value, replaces it.
    private static string Spec(string run, string? replace = null)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(run, MmSafe.Runs.Stores.SqliteRunStore.FileName)};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = replace is null ? "SELECT value FROM meta WHERE key = 'spec'" : "UPDATE meta SET value = $v WHERE key = 'spec'";
        command.Parameters.AddWithValue("$v", replace ?? "");
        return replace is null ? (string)command.ExecuteScalar()! : command.ExecuteNonQuery().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_run_made_with_other_settings_is_refused_naming_them_as_the_flags_do()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var first = await Support.Cli.RunAsync(Run(data, dir.Full("run"), "--max-tokens", "200"));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.DoesNotContain("SentMaxTokens", Spec(dir.Full("run")), StringComparison.Ordinal);

        var again = await Support.Cli.RunAsync(Run(data, dir.Full("run"), "--max-tokens", "300", "--reasoning-allowance", "1000", "--judge-unset", "temperature"));

        Assert.Equal(2, again.ExitCode);
        Assert.Single(again.Error.Trim().Split('\n'));
        Assert.Contains("target max_tokens: recorded 200, now 300; target reasoning_allowance: recorded none, now 1000; judge temperature: recorded 0, now none", again.Error);
        Assert.DoesNotContain("Parameters", again.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SentMaxTokens", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_written_with_the_derived_token_limit_still_loads_and_resumes()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        Assert.Equal(0, (await Support.Cli.RunAsync(Run(data, dir.Full("run"), "--reasoning-allowance", "50"))).ExitCode);
        var spec = JsonNode.Parse(Spec(dir.Full("run")))!;
        spec["Target"]!["Parameters"]!["SentMaxTokens"] = 178; // as written before it was left out
        Spec(dir.Full("run"), spec.ToJsonString());

        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True((await Support.Cli.RunAsync(Run(data, dir.Full("run"), "--reasoning-allowance", "50"))).ExitCode == 0);
    }

    [Theory]
    [InlineData("--unset", "max_tokens", "--reasoning-allowance", "100")]
    [InlineData("--judge-unset", "max_tokens", "--judge-reasoning-allowance", "100")]
    public async Task A_reasoning_allowance_with_no_answer_limit_is_refused_from_the_flags(params string[] flags)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var result = await Support.Cli.RunAsync(Run(data, dir.Full("run"), flags));
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("a reasoning allowance (100 tokens) is added to the answer limit, but max_tokens is unset", result.Error);
        Assert.False(File.Exists(Path.Combine(dir.Full("run"), MmSafe.Runs.Stores.SqliteRunStore.FileName)));
    }

    [Fact]
    public async Task A_reasoning_allowance_with_no_answer_limit_is_refused_from_the_models_file_naming_the_entry()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var models = dir.File("models.yaml", "models:\n  j:\n    provider: mock\n    model: mock\n    parameters: { max_tokens: unset, reasoning_allowance: 100 }\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "mock", "--judge", "j", "--out", dir.Full("run"), "--dry-run");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"judge j (models file {models}, entry 'j'): a reasoning allowance (100 tokens) is added to the answer limit, but max_tokens is unset", result.Error);
    }

    [Theory]
    [InlineData("reasoning_effort: low", "(parameters: { reasoning_effort: low })")]
    [InlineData("max_tokens: 64", "(parameters: { max_tokens: 64 })")]
    [InlineData("temperature: 1", "(parameters: { temperature: 1 })")]
    public async Task A_parameter_written_beside_the_entrys_fields_is_pointed_under_parameters(string field, string hint)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 1);
        var models = dir.File("models.yaml", $"models:\n  m:\n    model: gpt-5-mini\n    base_url: http://127.0.0.1:9/v1\n    {field}\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "m", "--judge", "mock", "--out", dir.Full("o"), "--dry-run");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown field '{field.Split(':')[0]}'; expected one of provider", result.Error);
        Assert.Contains($"; it goes under parameters: {hint}", result.Error);
        Assert.DoesNotContain("did you mean", result.Error, StringComparison.Ordinal); // max_tokens is not a misspelt max_tokens_field
    }

    [Fact]
    public async Task The_dry_run_warns_of_qwen3_thinking_models_only()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 1);
        var models = dir.File("models.yaml", """
            models:
              instruct:
                model: Qwen/Qwen3-VL-8B-Instruct
                base_url: http://127.0.0.1:9/v1
              off:
                model: Qwen/Qwen3-VL-8B
                base_url: http://127.0.0.1:9/v1
                enable_thinking: false
              hybrid:
                model: Qwen/Qwen3-VL-8B
                base_url: http://127.0.0.1:9/v1
            """);
        async Task<string> Warnings(string model)
        {
            var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", model, "--judge", "mock", "--out", dir.Full("o"), "--dry-run", "--json");
            Assert.True(result.ExitCode == 0, result.Error);
            return JsonNode.Parse(result.Output)!["warnings"]!.ToJsonString();
        }
        Assert.DoesNotContain("may reason", await Warnings("instruct"), StringComparison.Ordinal);
        Assert.DoesNotContain("may reason", await Warnings("off"), StringComparison.Ordinal);
        Assert.Contains("target hybrid (Qwen/Qwen3-VL-8B) may reason", await Warnings("hybrid"), StringComparison.Ordinal);
    }
}
