using MmSafe.Benchmarks;
using MmSafe.Images;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// One sample's state while a pipeline works on it: its answers and verdicts so far (from the store, then as they
/// arrive), and its images, read once and shared by its target and judge requests.
/// </summary>
internal sealed class SampleWork(Sample sample, IEnumerable<StoredAnswer> answers, IEnumerable<StoredVerdict> verdicts)
{
    private readonly Dictionary<int, StoredAnswer> _answers = answers.ToDictionary(a => a.Sample);
    private readonly Dictionary<(string Judge, int Sample, string Aspect), StoredVerdict> _verdicts =
        verdicts.ToDictionary(v => (v.Judge, v.Sample, v.Aspect));

    public Sample Sample => sample;

    // The sample's place in the pipeline (SampleFlow): its running units, whether it holds a place, its images' readiness.
    internal object FlowGate { get; } = new();
    internal int Units;
    internal bool HasPlace;
    internal Task Ready = Task.CompletedTask;

    /// <summary>The images were asked for once: a unit resuming after a batch reads them again.</summary>
    public bool ImagesWanted { get; private set; }

    private readonly List<PooledImage> _leases = [];

    /// <summary>The sample's images, read once; null until read.</summary>
    public IReadOnlyList<ImageData>? Images { get; private set; }

    public void Hold(PooledImage image) => _leases.Add(image);

    /// <summary>Every image is read (a sample may have none).</summary>
    public void ImagesRead() => Images = [.. _leases.Select(l => l.Image)];

    /// <summary>Reads every image of the sample once; an image that cannot be read is its <see cref="ImageError"/>.</summary>
    public async Task ReadImagesAsync(CancellationToken token)
    {
        ImagesWanted = true;
        if (Images is not null || ImageError is not null) return;
        try
        {
            foreach (var image in sample.Images) Hold(await image.ReadPooledAsync(token).ConfigureAwait(false));
            ImagesRead();
        }
        catch (InputException e)
        {
            ImageError = e.Message;
        }
    }

    /// <summary>Gives the image buffers back; called once every request of the sample has finished.</summary>
    public void ReleaseImages()
    {
        Images = null;
        foreach (var lease in _leases) lease.Dispose();
        _leases.Clear();
    }

    /// <summary>Set when an image could not be read: every request of this sample fails with it.</summary>
    public string? ImageError { get; set; }

    public StoredAnswer? Answer(int k)
    {
        lock (_answers) return _answers.GetValueOrDefault(k);
    }

    public void Record(StoredAnswer answer)
    {
        lock (_answers) _answers[answer.Sample] = answer;
    }

    public StoredVerdict? Verdict(string judge, int k, string aspect)
    {
        lock (_verdicts) return _verdicts.GetValueOrDefault((judge, k, aspect));
    }

    public void Record(StoredVerdict verdict)
    {
        lock (_verdicts) _verdicts[(verdict.Judge, verdict.Sample, verdict.Aspect)] = verdict;
    }

    /// <summary>Every answer with this judge's verdicts, for the benchmark's scorer.</summary>
    public IReadOnlyList<JudgedAnswer> Judged(string judge, int samples)
    {
        lock (_answers)
            lock (_verdicts)
                return [.. Enumerable.Range(0, samples).Where(_answers.ContainsKey).Select(k => new JudgedAnswer(k, _answers[k],
                    _verdicts.Where(p => p.Key.Judge == judge && p.Key.Sample == k).ToDictionary(p => p.Key.Aspect, p => p.Value)))];
    }
}
