using MmSafe.Datasets.Fetch;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>SIUO's data root, read by siuo-gen and siuo-mcqa: two question files sharing <c>images/</c>.</summary>
public sealed class SiuoData : IBenchmarkData
{
    public static readonly SiuoData Instance = new();

    public static readonly Uri Source = new("https://raw.githubusercontent.com/sinwang20/SIUO/main/data/");

    // The official question files as published; a mirror (--source) must serve the same bytes.
    private const string GenerationSha = "0a65c3443e75d0d6106550d73100753f19fe9fcb415e6ea138d5c7f04d31f228";
    private const string MultipleChoiceSha = "91f51da54b92d8bb2c2fa61215d0ed8c77113192d4f909854dd561eaa5953022";

    private SiuoData()
    {
    }

    public string Name => "siuo";

    public string Title => "SIUO";

    public string Description => $"a SIUO data root ({SiuoDataset.GenerationFile}, {SiuoDataset.MultipleChoiceFile}, {SiuoDataset.ImagesFolder}/)";

    public IReadOnlyList<string> QuestionFiles => [SiuoDataset.GenerationFile, SiuoDataset.MultipleChoiceFile];

    public IReadOnlyList<string> PublishedSha256 => [GenerationSha, MultipleChoiceSha];

    public FetchPlan Fetch(Uri? source, bool pinned)
    {
        var s = source ?? Source;
        return new FetchPlan(Name,
            [new RemoteFile(new Uri(s, SiuoDataset.GenerationFile), SiuoDataset.GenerationFile, pinned ? GenerationSha : null),
             new RemoteFile(new Uri(s, SiuoDataset.MultipleChoiceFile), SiuoDataset.MultipleChoiceFile, pinned ? MultipleChoiceSha : null)],
            null, SiuoDataset.ImagesFolder);
    }

    public string ImagesNote => "siuo images are distributed separately; pass --images SIUO-images.zip to unpack them";

    public IReadOnlyList<DataSummary> Check(string root)
    {
        var summaries = new List<DataSummary>();
        if (File.Exists(Path.Combine(root, SiuoDataset.GenerationFile)))
            summaries.Add(DataSummary.Of("SIUO generation", SiuoDataset.LoadGeneration(root)));
        if (File.Exists(Path.Combine(root, SiuoDataset.MultipleChoiceFile)))
            summaries.Add(DataSummary.Of("SIUO multiple choice", SiuoDataset.LoadMultipleChoice(root)));
        return summaries;
    }
}
