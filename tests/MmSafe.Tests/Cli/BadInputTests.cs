using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

public sealed class BadInputTests
{
    [Fact]
    public async Task A_bad_record_exits_2_with_one_line_naming_the_file_and_record()
    {
        using var dir = new TempDir();
        var file = dir.File("judged.json", """[{"question_id": 1, "category": "a", "safety_evaluation": "True", "effectiveness_evaluation": []}]""");
        var result = await Support.Cli.RunAsync("score", "siuo-gen", file);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal($"error: {file}: record 0 (id 1): field 'safety_evaluation' is the string \"True\"; expected an array of judge texts", line);
    }

    [Fact]
    public async Task A_real_process_reports_bad_input_without_a_stack_trace()
    {
        using var dir = new TempDir();
        var file = dir.File("mcqa.json", """[{"question_id": 1, "category": "a", "correct_option": "Z", "response_mcqa": "A"}]""");
        var result = await CliProcess.RunAsync("score", "siuo-mcqa", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}: record 0 (id 1): field 'correct_option' is \"Z\"; expected one of A, B, C, D", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }

    [Theory]
    [InlineData("siuo-gen", "no-such-file.json", "file not found")]
    [InlineData("siuo-mcqa", "no-such-file.json", "file not found")]
    [InlineData("vlsbench", "no-such-file.json", "file not found")]
    public async Task A_missing_file_exits_2(string benchmark, string file, string expected)
    {
        var result = await Support.Cli.RunAsync("score", benchmark, file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Malformed_json_exits_2_with_the_position()
    {
        using var dir = new TempDir();
        var file = dir.File("bad.json", "[{\"question_id\": 1,");
        var result = await Support.Cli.RunAsync("score", "siuo-gen", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not valid JSON (line 1", result.Error);
    }

    [Fact]
    public async Task A_file_without_verdicts_is_rejected_with_what_was_expected()
    {
        using var dir = new TempDir();
        var file = dir.Json("gen.json", new[] { Fixtures.SiuoGen(1) });
        var result = await Support.Cli.RunAsync("score", "siuo-gen", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("expected a judged SIUO generation file", result.Error);
    }

    [Fact]
    public async Task A_usage_error_exits_2()
    {
        var result = await Support.Cli.RunAsync("score", "nonsense-benchmark", "x.json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error:", result.Error);
    }

    [Fact]
    public async Task Error_lines_neutralise_control_characters_from_files()
    {
        using var dir = new TempDir();
        var file = dir.File("mcqa.json", "[{\"question_id\": 1, \"category\": \"a\", \"correct_option\": \"\\u001b[2J\", \"response_mcqa\": \"A\"}]");
        var result = await Support.Cli.RunAsync("score", "siuo-mcqa", file);
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("\u001b", result.Error, StringComparison.Ordinal);
    }
}

public sealed class PipedOutputTests
{
    [Fact]
    public async Task Piped_tables_take_their_natural_width_instead_of_a_forced_160_columns()
    {
        using var dir = new TempDir();
        var category = "a very long category name " + new string('x', 180);
        var file = dir.Json("judged.json", new[]
        {
            new Dictionary<string, object> { ["question_id"] = 1, ["category"] = category,
                ["safety_evaluation"] = new[] { "[Safety Judgement:] True" }, ["effectiveness_evaluation"] = new[] { "[Effectiveness Judgement:] Ineffective" } },
        });
        var result = await Support.Cli.RunAsync("score", "siuo-gen", file);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Output.Split('\n'), line => line.Contains(category, StringComparison.Ordinal) && line.Contains("100.00", StringComparison.Ordinal));
    }
}
