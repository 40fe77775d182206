using MmSafe.Datasets.Fetch;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>
/// MOSSBench's data root, shared by <c>mossbench</c> and <c>mossbench-contrast</c>: the authors' repository layout
/// (<c>data/</c>, <c>data_contrast/</c>) or the flat one (<c>images_information/</c>, <c>contrast/</c>), fetched from
/// their GitHub repository at the pinned commit.
/// </summary>
public sealed class MossBenchDataSet : IBenchmarkData
{
    public static readonly MossBenchDataSet Instance = new();

    private MossBenchDataSet()
    {
    }

    public string Name => "mossbench";

    public string Title => "MOSSBench";

    public string Description => "a MOSSBench data root (the authors' data/ and data_contrast/, or images_information/ and contrast/)";

    public IReadOnlyList<string> QuestionFiles => [.. MossBenchData.BenignPlaces, .. MossBenchData.ContrastPlaces];

    public IReadOnlyList<string> PublishedSha256 => MossBenchSources.PublishedSha256;

    public FetchPlan Fetch(Uri? source, bool pinned) => MossBenchSources.Plan(source, pinned);

    public int Unpack(string archive, string root, FetchPlan plan) => MossBenchSources.Unpack(archive, root);

    public IReadOnlyList<DataSummary> Check(string root)
    {
        var summaries = new List<DataSummary>();
        if (!Directory.Exists(root)) return summaries;
        if (MossBenchData.Find(root, contrast: false) is not null) summaries.Add(DataSummary.Of("MOSSBench (benign)", MossBenchData.Load(root, contrast: false)));
        if (MossBenchData.Find(root, contrast: true) is not null) summaries.Add(DataSummary.Of("MOSSBench contrast", MossBenchData.Load(root, contrast: true)));
        return summaries;
    }
}
