using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;
using MmSafe.Images;
using MmSafe.Runs;

namespace MmSafe.Reports.View;

/// <summary>
/// The requests a stored sample sent, to the target and to each judge, with images described (media type, bytes,
/// SHA-256) and linked, not inlined.
/// </summary>
/// <remarks>
/// TODO(lead): wire this to <c>MmSafe.Runs.RequestPreview</c> (branch wp-run), which rebuilds the exact request bodies.
/// Until then this is a best effort: the benchmark's messages under the run's condition and each judge's prompt, with the
/// model's stored parameters beside them; what a provider adds (its wire format, response_format, the caption text of a
/// caption run) is not shown. This class is the only place the viewer builds requests.
/// </remarks>
public static class ViewRequests
{
    private static readonly JsonSerializerOptions Parameters = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = ReadableJson.Encoder };

    private const string Note = "best effort: rebuilt from the benchmark's messages and the stored parameters, not the provider's exact wire body";

    public static IReadOnlyList<ViewRequest> Of(RunContents run, Sample sample, IReadOnlyList<ImageData> images, string imageUrl)
    {
        var spec = run.Spec;
        var benchmark = run.Benchmark;
        var requests = new List<ViewRequest>();
        var target = Conditions.Apply(benchmark.TargetMessages(sample, images), sample, spec.Condition);
        requests.Add(Request("target", spec.Target, target, null, null, images, imageUrl));
        foreach (var answer in run.Answers.Where(a => a.SampleId == sample.Id && a.IsAnswer).OrderBy(a => a.Sample))
            foreach (var judge in spec.Judges)
                foreach (var aspect in run.Verdicts.Where(v => v.Judge == judge.Name && v.SampleId == sample.Id && v.Sample == answer.Sample).Select(v => v.Aspect).Distinct())
                {
                    var request = benchmark.Judge(sample, aspect, answer.ScoredText, judge.SeesImage ? images : []);
                    if (request.Messages is { } messages) requests.Add(Request(judge.Name, judge, messages, aspect, answer.Sample, images, imageUrl));
                }
        return requests;
    }

    private static ViewRequest Request(string role, ModelSettings model, IReadOnlyList<ChatMessage> messages, string? aspect, int? sample,
        IReadOnlyList<ImageData> images, string imageUrl)
    {
        var sent = new List<ViewRequestImage>();
        var list = new JsonArray();
        foreach (var message in messages)
        {
            var parts = new JsonArray();
            foreach (var content in message.Contents)
            {
                if (content is TextContent text) parts.Add(new JsonObject { ["type"] = "text", ["text"] = text.Text });
                else if (content is DataContent data)
                {
                    var sha = data.AdditionalProperties?.GetValueOrDefault(ImageData.Sha256Key) as string ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data.Data.Span));
                    int index = images.ToList().FindIndex(i => i.Sha256 == sha);
                    sent.Add(new ViewRequestImage(index, data.MediaType, data.Data.Length, sha, index < 0 ? "" : $"{imageUrl}/{index}"));
                    parts.Add(new JsonObject { ["type"] = "image", ["media_type"] = data.MediaType, ["bytes"] = data.Data.Length, ["sha256"] = sha });
                }
            }
            list.Add(new JsonObject { ["role"] = message.Role.Value, ["content"] = parts });
        }
        var body = new JsonObject
        {
            ["model"] = model.Model,
            ["messages"] = list,
            ["parameters"] = JsonSerializer.SerializeToNode(model.Parameters, Parameters),
        };
        return new ViewRequest(role, model.Model, model.BaseUrl, aspect, sample, body.ToJsonString(ReadableJson.Indented), sent, Note);
    }
}
