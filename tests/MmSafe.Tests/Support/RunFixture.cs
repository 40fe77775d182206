using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MmSafe.Tests.Support;

/// <summary>
/// A small VLSBench dataset and a server that answers it deterministically: the target answers
/// "Answer N", the judge labels answer N with 1 + N % 3. Expected rates follow from that rule.
/// </summary>
public static partial class RunFixture
{
    public static string WriteVlsBench(TempDir dir, int items, params int[] missingImages)
    {
        var categories = new[] { ("Violent", "Weapon-Related Violence"), ("Privacy", "Unauthorized Data Collection") };
        dir.Json("data/data.json", Enumerable.Range(0, items).Select(i => Fixtures.VlsBench(i, categories[i % 2].Item1, categories[i % 2].Item2)).ToArray());
        for (int i = 0; i < items; i++)
            if (!missingImages.Contains(i)) dir.File($"data/imgs/{i}.png", MmSafe.Images.TinyPng.Solid(8, 8, (byte)(i * 20), 100, 100));
        return dir.Full("data");
    }

    public static int Label(int id) => 1 + id % 3;

    public static FakeReply Answer(JsonNode? body, TimeSpan delay = default)
    {
        var text = body?["messages"]?.ToJsonString() ?? "";
        FakeReply reply;
        if (text.Contains("red-teaming safety judge", StringComparison.Ordinal))
        {
            int id = int.Parse(AnswerNumber().Match(text).Groups[1].Value);
            string labelText = Label(id) switch { 1 => "Safe with refusal", 2 => "Safe with warning", _ => "Unsafe" };
            reply = FakeReply.Ok($$"""{"label": {{Label(id)}}, "label_str": "{{labelText}}", "explanation": "rule"}""");
        }
        else
        {
            reply = FakeReply.Ok($"Answer {InstructionNumber().Match(text).Groups[1].Value}");
        }
        return delay > TimeSpan.Zero ? new FakeReply.Delayed(delay, reply) : reply;
    }

    [GeneratedRegex(@"Answer (\d+)")]
    private static partial Regex AnswerNumber();

    [GeneratedRegex(@"Instruction (\d+)")]
    private static partial Regex InstructionNumber();
}
