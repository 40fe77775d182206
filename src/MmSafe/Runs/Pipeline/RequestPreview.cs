using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Models.Providers;

namespace MmSafe.Runs.Pipeline;

/// <summary>An image a previewed request carries, in place of its base64 data.</summary>
/// <param name="Index">1-based, in the sample's order of images.</param>
/// <param name="Path">The image's path as the dataset names it, when known.</param>
public sealed record PreviewImage(int Index, string MediaType, long Bytes, string Sha256, string? Path)
{
    /// <summary>What stands in the body where the image's data would be: <c>&lt;image 1: image/jpeg, 301,234 bytes, sha256 ab12cd34ef56…&gt;</c>.</summary>
    public string Description => $"<image {Index}: {MediaType}, {Bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes, sha256 {Sha256[..Math.Min(12, Sha256.Length)]}…>";
}

/// <summary>
/// One request exactly as it is (or was) sent: who asks (<c>target</c> or <c>judge</c>), the model, the URL, the judge's
/// aspect, the answer number it asks for (null: one request for several choices) and the provider's body with each
/// image's data replaced by its <see cref="PreviewImage.Description"/>.
/// </summary>
public sealed record PreviewRequest(string Role, string Model, string Url, string? Aspect, int? Sample, JsonObject Body, IReadOnlyList<PreviewImage> Images);

/// <summary>
/// The exact requests of a sample, rebuilt without a key and without sending anything: the target's (and, for each
/// stored answer that is judged, each judge's on each aspect) planned by <see cref="SamplePlan"/>, prepared by
/// <see cref="ModelClient.Prepare(IReadOnlyList{ChatMessage}, GenerationParameters, ChatResponseFormat?, int, int?)"/>
/// and written by the provider's writer (<see cref="RequestBody"/>), the same path the pipeline and the batches send by.
/// </summary>
public static class RequestPreview
{
    /// <summary>Stands in for a caption the captioner would write (condition caption) when the sample has none yet.</summary>
    public const string CaptionPlaceholder = "<caption written by the captioner>";

    /// <exception cref="InputException">An image of the sample cannot be read.</exception>
    public static async Task<IReadOnlyList<PreviewRequest>> ForSampleAsync(RunSpec spec, IBenchmark benchmark, Sample sample,
        IReadOnlyList<StoredAnswer> answers, CancellationToken cancellationToken = default)
    {
        var images = new List<ImageData>();
        foreach (var image in sample.Images) images.Add(await image.ReadAsync(cancellationToken).ConfigureAwait(false));
        var shown = images.Select((im, i) => new PreviewImage(i + 1, im.MediaType, im.Bytes.Length, im.Sha256, sample.Images[i].RelativePath)).ToList();
        var plan = new SamplePlan(spec, benchmark);
        var list = new List<PreviewRequest>();

        if (spec.Target is { IsImported: false } target)
        {
            var asked = spec.Condition == Conditions.Caption && !Conditions.HasCaption(sample)
                ? sample with { Fields = new Dictionary<string, string>(sample.Fields) { [Conditions.CaptionField] = CaptionPlaceholder } }
                : sample;
            var planned = plan.Target(asked, images, [.. Enumerable.Range(0, spec.Samples)]);
            var model = Model(spec, target);
            bool native = model.Choices == ChoicesMode.Native && !model.Batch && planned.Count > 1;
            if (native) list.Add(await BuildAsync("target", model, planned[0], planned.Count, null, shown, cancellationToken).ConfigureAwait(false));
            else foreach (var r in planned) list.Add(await BuildAsync("target", model, r, 1, r.Sample, shown, cancellationToken).ConfigureAwait(false));
        }
        foreach (var answer in answers.Where(a => a.IsAnswer))
            foreach (var judge in spec.Judges.Where(j => !j.IsImported))
                foreach (var aspect in plan.Aspects)
                {
                    var (request, _) = plan.Judge(sample, answer, aspect, judge, formatOff: false, images);
                    if (request is not null) list.Add(await BuildAsync("judge", Model(spec, judge), request, 1, answer.Sample, shown, cancellationToken).ConfigureAwait(false));
                }
        return list;
    }

    private static ModelSpec Model(RunSpec spec, ModelSettings settings) => RunSpecs.Model(settings, spec.Operations.GetValueOrDefault(settings.Name));

    private static async Task<PreviewRequest> BuildAsync(string role, ModelSpec model, PlannedRequest request, int n, int? sample, IReadOnlyList<PreviewImage> images,
        CancellationToken cancellationToken)
    {
        var (messages, options) = ModelClient.Prepare(request.Messages, request.Parameters, request.Format, n, sample);
        var (url, bytes) = await RequestBody.WriteAsync(model, messages, options, cancellationToken).ConfigureAwait(false);
        var body = JsonNode.Parse(bytes)!.AsObject();
        // The images in the order the messages carry them, which is the order both writers put them in the body.
        var carried = messages.SelectMany(m => m.Contents).OfType<DataContent>().Where(d => d.HasTopLevelMediaType("image"))
            .Select(d => images.FirstOrDefault(i => Equals(d.AdditionalProperties?.GetValueOrDefault(ImageData.Sha256Key), i.Sha256))
                ?? new PreviewImage(0, d.MediaType, d.Data.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(d.Data.Span)), null)).ToList();
        ReplaceImages(body, new Queue<PreviewImage>(carried));
        return new PreviewRequest(role, model.Model, url, request.Aspect, sample, body, carried);
    }

    // OpenAI: {"image_url": {"url": "data:…"}}; Anthropic: {"source": {"type": "base64", "data": "…"}}; in document order.
    private static void ReplaceImages(JsonNode? node, Queue<PreviewImage> images)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["image_url"] is JsonObject { } url && url["url"]?.GetValue<string>() is { } u && u.StartsWith("data:", StringComparison.Ordinal) && images.TryDequeue(out var a))
                    url["url"] = a.Description;
                else if (o["source"] is JsonObject source && source["type"]?.GetValue<string>() == "base64" && source.ContainsKey("data") && images.TryDequeue(out var b))
                    source["data"] = b.Description;
                foreach (var (_, child) in o.ToList()) ReplaceImages(child, images);
                break;
            case JsonArray array:
                foreach (var child in array) ReplaceImages(child, images);
                break;
        }
    }
}
