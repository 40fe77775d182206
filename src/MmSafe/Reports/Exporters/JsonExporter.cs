using System.Text.Json;
using System.Text.Json.Nodes;

namespace MmSafe.Reports.Exporters;

/// <summary>The run spec, the score (the same keys as <c>mmsafe score --json</c>) and every answer with its verdicts.</summary>
public sealed class JsonExporter : IReportExporter
{
    public string Name => "json";

    public string Extension => "json";

    public void Export(RunReportData run, TextWriter w)
    {
        var document = new JsonObject
        {
            ["spec"] = JsonSerializer.SerializeToNode(run.Spec),
            ["judge"] = run.Judge,
            ["score"] = JsonNode.Parse(ScoreJson.Write(run.Score)),
            ["samples"] = JsonSerializer.SerializeToNode(run.Samples),
        };
        w.Write(document.ToJsonString(ReadableJson.Indented));
    }
}
