using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary><c>mmsafe import</c> refuses a file it cannot import faithfully, and creates no run directory when it does.</summary>
public sealed class ImportChecksTests
{
    private static void WriteSiuo(TempDir dir)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 5).Select(i => Fixtures.SiuoGen(i, $"S-{i:00}.png", "morality")).ToArray());
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 5).Select(i => Fixtures.SiuoMcqa(i, "A")).ToArray());
        for (int i = 1; i <= 5; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, 0, 0, 0));
    }

    private static string Judged(int id) =>
        $$"""{"question_id": {{id}}, "category": "morality", "responses": ["an answer"], "safety_evaluation": ["True"], "effectiveness_evaluation": ["Very Effective"]}""";

    private static async Task<Support.Cli.Result> ImportAsync(TempDir dir, string file, string benchmark) =>
        await Support.Cli.RunAsync("import", file, "--benchmark", benchmark, "--data", dir.Full("siuo"), "--out", dir.Full("imported"));

    [Fact]
    public async Task An_empty_file_is_refused_and_nothing_is_created()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("empty.json", "[]");
        var result = await ImportAsync(dir, file, "siuo-gen");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {file} holds no records; expected at least one result.", result.Error.Trim());
        Assert.False(Directory.Exists(dir.Full("imported")));
    }

    [Fact]
    public async Task An_id_twice_is_refused_naming_the_id_and_both_records()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("judged.json", $"[{Judged(1)}, {Judged(2)}, {Judged(3)}, {Judged(2)}]");
        var result = await ImportAsync(dir, file, "siuo-gen");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {file}: records 1 and 3 both hold id 2; expected one record per item.", result.Error.Trim());
        Assert.False(Directory.Exists(dir.Full("imported")));
    }

    [Fact]
    public async Task Generated_answers_imported_as_multiple_choice_are_refused_with_the_benchmark_they_look_like()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("siuo_gen-m-judged.json", $"[{Judged(1)}, {Judged(2)}]");
        var result = await ImportAsync(dir, file, "siuo-mcqa");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no record has response_mcqa or responses_mcqa", result.Error);
        Assert.Contains("import it with --benchmark siuo-gen", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.Full("imported")));
    }

    [Fact]
    public async Task A_record_without_an_answer_is_refused_before_the_run_directory_is_made()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("mcqa.json", """[{"question_id": 1, "response_mcqa": "A"}, {"question_id": 2}]""");
        var result = await ImportAsync(dir, file, "siuo-mcqa");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("record 1 (id 2): no answer", result.Error);
        Assert.False(Directory.Exists(dir.Full("imported")));
    }

    [Fact]
    public async Task A_record_that_is_not_an_object_is_refused()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("odd.json", $"[{Judged(1)}, 7]");
        var result = await ImportAsync(dir, file, "siuo-gen");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("record 1: record is", result.Error);
        Assert.False(Directory.Exists(dir.Full("imported")));
    }
}
