using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// The caption condition's descriptions where a dataset has none: the run's captioning model writes one per sample,
/// once; it is stored with the run and cached under its request identity, so other runs reuse it.
/// </summary>
internal sealed class CaptionWriter(IRunStore store, RunSpec spec, ModelClient? captioner, ResponseCache? cache)
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _stored = new(store.Captions);

    public async Task<string> CaptionAsync(Sample sample, IReadOnlyList<ImageData> images, CancellationToken token)
    {
        if (_stored.Value.TryGetValue(sample.Id, out var stored)) return stored;
        var settings = spec.Captioner ?? throw new InvalidOperationException("the caption condition needs a captioner for samples without descriptions");
        var client = captioner ?? throw new InvalidOperationException("no captioner client for the caption condition");
        var messages = Conditions.CaptionRequest(images);
        var identity = RequestIdentity.Compute(settings, messages, null, 0, "caption");
        var c = cache is null ? null : await cache.GetAsync(identity, token).ConfigureAwait(false);
        c ??= (await client.SampleAsync(messages, [0], settings.Parameters, null, token).ConfigureAwait(false))[0];
        if (!c.Kind.IsAnswer() || string.IsNullOrWhiteSpace(c.ScoredText))
            throw new ModelRequestException(ModelErrorKind.Transient, $"{settings.Name} gave no caption ({c.Kind})");
        if (cache is not null) await cache.PutAsync(identity, c, token).ConfigureAwait(false);
        await store.SaveCaptionAsync(sample.Id, identity, c.ScoredText, token).ConfigureAwait(false);
        return c.ScoredText;
    }
}
