using MmSafe.Benchmarks.VlsBench;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

public sealed class DataCheckCommandTests
{
    [Fact]
    public async Task A_complete_copy_passes()
    {
        using var dir = new TempDir();
        dir.Json("data.json", new[] { Fixtures.VlsBench(0), Fixtures.VlsBench(1, "Hate", "Religious Intolerance") });
        dir.File("imgs/0.png", TestImages.Png(4, 4));
        dir.File("imgs/1.png", TestImages.Jpeg(4, 4));
        var result = await Support.Cli.RunAsync("data", "check", dir.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("VLSBench", result.Output);
        Assert.Contains("2 ok", result.Output);
    }

    [Fact]
    public async Task Missing_images_fail_with_one_grouped_line()
    {
        using var dir = new TempDir();
        dir.Json("siuo_gen.json", Enumerable.Range(1, 30).Select(i => Fixtures.SiuoGen(i, $"S-{i:00}.png")).ToArray());
        var result = await Support.Cli.RunAsync("data", "check", dir.Path);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Contains("30 of 30 images are missing", line);
        Assert.Contains("S-01.png, S-02.png, S-03.png, S-04.png, S-05.png, … (25 more)", line);
    }

    [Fact]
    public async Task Data_check_lists_every_problem_and_run_lists_twenty_and_sends_the_user_there()
    {
        using var dir = new TempDir();
        var records = Enumerable.Range(1, 30).Select(i => { var r = Fixtures.SiuoGen(i); r.Remove("category"); return r; }).ToArray();
        dir.Json("siuo/siuo_gen.json", records);
        var check = await Support.Cli.RunAsync("data", "check", dir.Full("siuo"), "--skip-images");
        Assert.Equal(2, check.ExitCode);
        Assert.Contains("error: 30 problems in the dataset", check.Error);
        for (int i = 1; i <= 30; i++) Assert.Contains($"(id {i}):", check.Error);
        Assert.DoesNotContain("more", check.Error);

        var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", dir.Full("o"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(20, run.Error.Split('\n').Count(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains("(id ", StringComparison.Ordinal)));
        Assert.Contains($"… and 10 more; 'mmsafe data check {dir.Full("siuo")}' lists them all", run.Error);
    }

    [Fact]
    public async Task Skipping_images_checks_only_the_question_files()
    {
        using var dir = new TempDir();
        dir.Json("siuo_mcqa.json", new[] { Fixtures.SiuoMcqa(1) });
        var result = await Support.Cli.RunAsync("data", "check", dir.Path, "--skip-images");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("not checked", result.Output);
    }

    [Fact]
    public async Task A_folder_without_benchmark_files_is_an_input_error()
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("data", "check", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("expected a SIUO, VLSBench or MOSSBench data root", result.Error);
    }

    [Fact]
    public void An_empty_instruction_is_kept_with_a_note_as_in_the_official_data()
    {
        using var dir = new TempDir();
        var item = Fixtures.VlsBench(5);
        item["instruction"] = "";
        dir.Json("data.json", new[] { Fixtures.VlsBench(4), item });
        var dataset = VlsBenchDataset.Load(dir.Path);
        Assert.Equal(2, dataset.Count);
        var note = Assert.Single(dataset.Notes);
        Assert.Equal((1, "5"), (note.Index!.Value, note.Id));
    }
}
