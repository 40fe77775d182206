using MmSafe.Benchmarks;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>--limit N as a seeded sample stratified by category, recorded and shown as a deviation.</summary>
public sealed class StratifiedLimitTests
{
    // 167 items over 9 categories, in category order (as SIUO's file is): the first 100 cover only some categories.
    private static readonly IReadOnlyList<Sample> Siuo = [.. new[] { 30, 28, 25, 22, 20, 15, 12, 9, 6 }
        .SelectMany((count, c) => Enumerable.Range(0, count).Select(i => new Sample($"c{c}-{i}", $"category {c}", null, [], new Dictionary<string, string>())))];

    [Fact]
    public void A_limit_of_100_covers_all_nine_categories_in_proportion_and_in_dataset_order()
    {
        var first = Siuo.Take(100).Select(s => s.Category).Distinct().Count();
        Assert.True(first < 9);
        var chosen = StratifiedLimit.Select(Siuo, 100, StratifiedLimit.DefaultSeed);
        Assert.Equal(100, chosen.Count);
        Assert.Equal(9, chosen.Select(s => s.Category).Distinct().Count());
        // Proportional: category 0 has 30 of 167, so 17 or 18 of 100.
        Assert.InRange(chosen.Count(s => s.Category == "category 0"), 17, 18);
        var positions = chosen.Select(s => Siuo.ToList().IndexOf(s)).ToList();
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void One_per_category_when_the_limit_covers_the_categories_and_the_seed_decides_which()
    {
        var nine = StratifiedLimit.Select(Siuo, 9, 1);
        Assert.Equal(9, nine.Select(s => s.Category).Distinct().Count());
        Assert.Equal(StratifiedLimit.Select(Siuo, 20, 1).Select(s => s.Id), StratifiedLimit.Select(Siuo, 20, 1).Select(s => s.Id));
        Assert.NotEqual(StratifiedLimit.Select(Siuo, 20, 1).Select(s => s.Id), StratifiedLimit.Select(Siuo, 20, 2).Select(s => s.Id));
    }

    private static string Data(TempDir dir)
    {
        var items = Enumerable.Range(1, 12).Select(i => Fixtures.SiuoGen(i, category: $"cat-{(i - 1) / 4}")).ToArray();
        dir.Json("siuo/siuo_gen.json", items);
        dir.File("siuo/images/S-01.png", MmSafe.Images.TinyPng.Solid(2, 2, 200, 30, 30));
        return dir.Full("siuo");
    }

    private static async Task<IReadOnlyList<string>> Ids(TempDir dir, params string[] flags)
    {
        var outDir = dir.Full($"run-{Guid.NewGuid():N}");
        var run = await Support.Cli.RunAsync(["run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", outDir, .. flags]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var store = MmSafe.Runs.Stores.RunStores.OpenRead(outDir);
        return store.ReadSpec()!.Selection.SampleIds;
    }

    [Fact]
    public async Task The_run_records_the_sample_shows_it_as_a_deviation_and_keeps_it_on_resume()
    {
        using var dir = new TempDir();
        Data(dir);
        var stratified = await Ids(dir, "--limit", "3");
        Assert.Equal(3, stratified.Select(id => (int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) - 1) / 4).Distinct().Count());
        Assert.Equal(["1", "2", "3"], await Ids(dir, "--limit", "3", "--limit-order", "first"));
        Assert.NotEqual(await Ids(dir, "--limit", "6", "--limit-seed", "1"), await Ids(dir, "--limit", "6", "--limit-seed", "7"));

        var outDir = dir.Full("resumed");
        var first = await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", outDir, "--limit", "4", "--limit-seed", "3");
        var score = await Support.Cli.RunAsync("score", outDir);
        Assert.Contains("a stratified sample of 4 of 12 items (seed 3) by category", first.Output + first.Error + score.Output + score.Error);
        string[] before;
        using (var store = MmSafe.Runs.Stores.RunStores.OpenRead(outDir)) before = [.. store.ReadSpec()!.Selection.SampleIds];
        var resumed = await Support.Cli.RunAsync("run", "--resume", outDir);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using (var store = MmSafe.Runs.Stores.RunStores.OpenRead(outDir)) Assert.Equal(before, store.ReadSpec()!.Selection.SampleIds);
    }

    [Theory]
    [InlineData("--limit-order", "random")]
    [InlineData("--limit-seed", "5")]
    [InlineData("--limit", "0")]
    public async Task Bad_limit_values_are_refused_in_one_line(string flag, string value)
    {
        using var dir = new TempDir();
        Data(dir);
        string[] extra = flag == "--limit" ? [flag, value] : flag == "--limit-seed" ? ["--limit-order", "first", "--limit", "3", flag, value] : ["--limit", "3", flag, value];
        var run = await Support.Cli.RunAsync(["run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), .. extra]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.Full("run")));
    }
}
