using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// Images that can never be sent (outside the data root, not an image) are found before a run starts, not stored as
/// failed answers with advice to resume; and 'data check' tells each image problem once.
/// </summary>
public sealed class ImagePrecheckTests
{
    private static void WriteSiuo(TempDir dir, int count)
    {
        dir.Json("ds/siuo_gen.json", Enumerable.Range(1, count).Select(i => Fixtures.SiuoGen(i, $"S-{i:00}.png")).ToArray());
        dir.Json("ds/siuo_mcqa.json", Enumerable.Range(1, count).Select(i => Fixtures.SiuoMcqa(i)).ToArray());
        for (int i = 1; i <= count; i++) dir.File($"ds/images/S-{i:00}.png", TestImages.Png(4, 4));
    }

    private static void Break(TempDir dir)
    {
        File.Delete(dir.Full("ds/images/S-01.png"));
        File.CreateSymbolicLink(dir.Full("ds/images/S-01.png"), "/etc/passwd");
        dir.File("ds/images/S-02.png", "this is not an image");
    }

    [Fact]
    public async Task Run_refuses_images_outside_the_data_root_or_not_images_before_anything_is_sent()
    {
        using var dir = new TempDir();
        WriteSiuo(dir, 3);
        Break(dir);
        var result = await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("ds"), "--model", "mock", "--judge", "mock", "--out", dir.Full("o"));
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Contains("S-01.png", line);
        Assert.Contains("outside", line);
        Assert.Contains("S-02.png", line);
        Assert.Contains("not PNG, JPEG, GIF or WebP", line);
        Assert.Contains("mmsafe data check", line);
        Assert.DoesNotContain("resume", line);
        Assert.False(Directory.Exists(dir.Full("o")));
    }

    [Fact]
    public async Task Run_checks_only_the_selected_items_images()
    {
        using var dir = new TempDir();
        WriteSiuo(dir, 3);
        Break(dir);
        var result = await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("ds"), "--model", "mock", "--judge", "mock", "--ids", "3",
            "--out", dir.Full("o"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task Data_check_tells_each_image_problem_once_though_both_question_files_use_the_image()
    {
        using var dir = new TempDir();
        WriteSiuo(dir, 3);
        Break(dir);
        var result = await Support.Cli.RunAsync("data", "check", dir.Full("ds"));
        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Single(lines, l => l.Contains("outside", StringComparison.Ordinal) && l.Contains("S-01.png", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("not PNG", StringComparison.Ordinal) && l.Contains("S-02.png", StringComparison.Ordinal));
        Assert.Equal(2, result.Output.Split("3 checked, problems").Length - 1);
    }
}
