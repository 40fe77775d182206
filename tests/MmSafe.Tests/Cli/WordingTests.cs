using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>Messages a new user reads: each says what is wrong in words that fit the case, and names what to type next.</summary>
public sealed class WordingTests
{
    [Fact]
    public async Task An_unknown_entry_without_a_close_name_goes_on_in_lower_case_after_the_semicolon()
    {
        using var dir = new TempDir();
        var models = dir.File("models.yaml", "models:\n  local:\n    model: m\n    base_url: http://127.0.0.1:9/v1\n");
        var result = await Support.Cli.RunAsync("models", "check", "--models-file", models, "--model", "something-else");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(entries: 'local'); to use a model that is not in the file, also pass --base-url.", result.Error);
    }

    [Fact]
    public async Task A_generation_file_scored_as_multiple_choice_is_named_as_the_wrong_kind_of_file()
    {
        var file = Path.Combine(SampleData.Root, "examples", "siuo_gen-example-judged.json");
        var result = await Support.Cli.RunAsync("score", "siuo-mcqa", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}: not a siuo-mcqa results file", result.Error);
        Assert.Contains("expected the authors' siuo_mcqa-MODEL.json", result.Error);
        Assert.Contains("mmsafe score siuo-gen FILE", result.Error);
        Assert.DoesNotContain("dataset", result.Error);
    }

    [Fact]
    public async Task Labels_export_names_the_file_it_wrote_in_the_import_command()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var sheet = dir.Full("sheet.csv");
        var export = await Support.Cli.RunAsync("labels", "export", dir.Full("run"), "--out", sheet, "--count", "3");
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.EndsWith($"then: mmsafe labels import {dir.Full("run")} {sheet}", export.Output.TrimEnd());
    }

    [Fact]
    public async Task Agreement_on_a_multiple_choice_run_says_the_benchmark_has_no_judge()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "siuo-mcqa", "--data", SampleData.Siuo, "--model", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var result = await Support.Cli.RunAsync("agreement", dir.Full("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("siuo-mcqa has no judge", result.Error);
        Assert.DoesNotContain("one rater only", result.Error);
        Assert.DoesNotContain("mmsafe judge", result.Error);
    }
}
