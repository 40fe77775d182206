using System.IO.Compression;
using MmSafe.Benchmarks.MossBench;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.MossBench;

/// <summary>MOSSBench's layouts (the authors' repository and the flat one), its record checks, and data fetch/check.</summary>
public sealed class MossBenchDataTests
{
    private static readonly MossBenchFixture.Item[] Items = [new(1, 1, "Q1"), new(2, 2, "Q2"), new(3, 3, "Q3")];

    [Theory]
    [InlineData("")]
    [InlineData("data/")]
    public void Both_layouts_load_both_splits_with_type_labels_and_the_oracle_description(string prefix)
    {
        using var dir = new TempDir();
        var root = MossBenchFixture.Write(dir, "m", Items, prefix);
        MossBenchFixture.Write(dir, "m", [new(1, 1, "Harmful Q1"), new(4, 3, "Harmful Q4")], prefix, contrast: true);
        var benign = new MossBenchBenchmark(contrast: false).Load(root);
        var contrast = new MossBenchBenchmark(contrast: true).Load(root);
        Assert.Equal(["Exaggerated Risk", "Negated Harm", "Counterintuitive Interpretation"], benign.Samples.Select(s => s.Category));
        Assert.Equal(["Harmful Q1", "Harmful Q4"], contrast.Samples.Select(s => s.Field("question")));
        Assert.Equal("Oracle description of image 2.", benign.Samples[1].Field("image_description"));
        Assert.All(benign.Samples.Concat(contrast.Samples), s => Assert.True(File.Exists(s.Images[0].FullPath)));
        Assert.NotEqual(benign.Samples[0].Images[0].FullPath, contrast.Samples[0].Images[0].FullPath);
    }

    [Theory]
    [InlineData("{\"1\": {\"image\": \"images/1.png\", \"question\": \"q\", \"metadata\": {\"over\": \"type 4\"}}}", "(id 1)", "'metadata.over'")]
    [InlineData("{\"1\": {\"image\": \"images/1.png\", \"metadata\": {\"over\": \"type 1\"}}}", "(id 1)", "'question'")]
    [InlineData("{\"x\": {\"image\": \"images/1.png\", \"question\": \"q\", \"metadata\": {\"over\": \"type 1\"}}}", "x", "not a pid")]
    [InlineData("{\"1\": {\"image\": \"../1.png\", \"question\": \"q\", \"metadata\": {\"over\": \"type 1\"}}}", "1", "'image'")]
    [InlineData("[1, 2]", "information.json", "expected a JSON object keyed by pid")]
    public async Task A_bad_record_is_named_with_its_file_and_pid(string content, string where, string what)
    {
        using var dir = new TempDir();
        dir.File("m/images_information/information.json", content);
        var result = await Support.Cli.RunAsync("data", "check", dir.Full("m"), "--skip-images");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("information.json", result.Error);
        Assert.Contains(where, result.Error);
        Assert.Contains(what, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_missing_contrast_image_is_named_by_its_path_under_the_data_root_and_only_its_split_has_problems()
    {
        using var dir = new TempDir();
        MossBenchFixture.Write(dir, "m", [new(1, 1, "Q one."), new(2, 2, "Q two.")]);
        MossBenchFixture.Write(dir, "m", [new(1, 1, "H one."), new(2, 2, "H two.")], contrast: true);
        File.Delete(dir.Full("m/contrast/images/2.png"));

        var result = await Support.Cli.RunAsync("data", "check", dir.Full("m"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing under", result.Error);
        Assert.Contains("contrast/images/2.png", result.Error); // before: "images/2.png", the benign image that exists
        var rows = result.Output.Split('\n');
        Assert.Contains(rows, r => r.Contains("benign", StringComparison.Ordinal) && r.Contains("2 ok", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("contrast", StringComparison.Ordinal) && r.Contains("problems", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Data_fetch_gets_the_repository_files_and_both_splits_images_from_a_mirror_and_checks_them()
    {
        await using var server = await FakeFileServer.StartAsync();
        using var dir = new TempDir();
        var staged = MossBenchFixture.Write(dir, "staged", Items, "data/");
        MossBenchFixture.Write(dir, "staged", [new(1, 1, "Harmful Q1")], "data/", contrast: true);
        foreach (var f in new[] { "data/images_information/information.json", "data_contrast/images_information/information.json" })
            server.Files[f] = File.ReadAllBytes(Path.Combine(staged, f));
        using (var zip = new MemoryStream())
        {
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var f in Directory.GetFiles(staged, "*.png", SearchOption.AllDirectories))
                    using (var s = archive.CreateEntry("MOSSBench-8d68b06/" + Path.GetRelativePath(staged, f).Replace('\\', '/')).Open()) s.Write(File.ReadAllBytes(f));
                using (var s = archive.CreateEntry("MOSSBench-8d68b06/README.md").Open()) s.Write("# readme"u8);
            }
            server.Files[MossBenchSources.ArchiveName] = zip.ToArray();
        }
        var result = await Support.Cli.RunAsync("data", "fetch", "mossbench", "--to", dir.Full("moss"), "--source", server.BaseUrl.ToString(), "--allow-changed");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("4 images unpacked", result.Output);
        Assert.True(File.Exists(dir.Full("moss/data/images/3.png")));
        Assert.True(File.Exists(dir.Full("moss/data_contrast/images/1.png")));
        Assert.False(File.Exists(dir.Full("moss/README.md")));
        Assert.Contains("MOSSBench contrast", result.Output);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(result.Output, @"\d+ ok").Count);
    }

    [Fact]
    public void The_fetch_plan_pins_the_authors_repository_at_commit_8d68b06()
    {
        var plan = MossBenchSources.Plan(null, pinned: true);
        Assert.All(plan.Files, f => Assert.StartsWith("https://raw.githubusercontent.com/xirui-li/MOSSBench/8d68b06/", f.Url.ToString()));
        Assert.All(plan.Files, f => Assert.NotNull(f.Sha256));
        Assert.Equal("https://codeload.github.com/xirui-li/MOSSBench/zip/8d68b06", plan.ImagesArchive!.Url.ToString());
    }
}
