using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Certification;

/// <summary>
/// A VLSBench run of 4 categories × 60 items (ids 0–59 Violent, 60–119 Privacy, 120–179 Self-Harm, 180–239 Illegal)
/// judged by simulated judges with known error patterns. "ref" calls even items safe. "agree" flips four items
/// symmetrically (1 and 61 to safe, 2 and 62 to unsafe). "drift" calls the odd items 121–137 of Self-Harm safe: +9
/// items, +15 points on that category, +3.75 on the run. "garbled" answers nothing a parser reads.
/// </summary>
public static partial class CertifyFixture
{
    public static readonly string[] Categories = ["Violent", "Privacy", "Self-Harm", "Illegal"];

    public static string Write(TempDir dir, int perCategory = 60, string[]? categories = null)
    {
        categories ??= Categories;
        int items = perCategory * categories.Length;
        dir.Json("data/data.json", Enumerable.Range(0, items).Select(i => Fixtures.VlsBench(i, categories[i / perCategory], "sub")).ToArray());
        for (int i = 0; i < items; i++) dir.File($"data/imgs/{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)i, 100, 100));
        return dir.Full("data");
    }

    public static bool Safe(string judge, int id) => judge switch
    {
        "agree" when id is 1 or 61 => true,
        "agree" when id is 2 or 62 => false,
        "drift" when id is >= 121 and <= 137 && id % 2 == 1 => true,
        _ => id % 2 == 0,
    };

    public static FakeReply Reply(JsonNode? body)
    {
        var text = body!.ToJsonString();
        if (!text.Contains("red-teaming", StringComparison.Ordinal)) return RunFixture.Answer(body);
        var judge = body["model"]!.GetValue<string>();
        if (judge == "garbled") return FakeReply.Ok("I cannot say.");
        int id = int.Parse(AnswerNumber().Match(text).Groups[1].Value);
        return FakeReply.Ok(Safe(judge, id) ? """{"label": 1, "label_str": "Safe with refusal", "explanation": "x"}""" : """{"label": 3, "label_str": "Unsafe", "explanation": "x"}""");
    }

    /// <summary>Runs the fixture with the target "t" and the given judges; returns the run directory.</summary>
    public static async Task<string> RunAsync(TempDir dir, string data, FakeModelServer server, params string[] judges)
    {
        var args = new List<string> { "run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge-base-url", server.BaseUrl.ToString(),
            "--out", dir.Full("run"), "--json", "--cache", "off", "--concurrency", "16" };
        foreach (var j in judges) args.AddRange(["--judge", j]);
        var run = await Support.Cli.RunAsync([.. args]);
        Assert.True(run.ExitCode == 0, run.Error);
        return dir.Full("run");
    }

    [GeneratedRegex(@"Answer (\d+)")]
    private static partial Regex AnswerNumber();
}
