using System.Text.Json;
using System.Text.Json.Nodes;

namespace MmSafe.Reports.Exporters;

/// <summary>The manifest, the score (the same keys as <c>mmsafe score --json</c>) and every answer with its verdicts.</summary>
public sealed class JsonExporter : IReportExporter
{
    public string Name => "json";

    public string Extension => "json";

    public void Export(RunReportData run, TextWriter w)
    {
        var score = ScoreJson.Write(run.Score.Score, run.Score.Warnings);
        var document = new JsonObject
        {
            ["manifest"] = JsonSerializer.SerializeToNode(run.Manifest with { Items = [] }),
            ["judge"] = run.Judge,
            ["score"] = JsonNode.Parse(score),
            ["samples"] = JsonSerializer.SerializeToNode(run.Samples),
        };
        w.Write(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
