using MmSafe.Datasets.Fetch;

namespace MmSafe.Benchmarks.VlsBench;

/// <summary>VLSBench's data root: <c>data.json</c> and the <c>imgs/</c> it names, both on Hugging Face.</summary>
public sealed class VlsBenchData : IBenchmarkData
{
    public static readonly VlsBenchData Instance = new();

    public static readonly Uri Source = new("https://huggingface.co/datasets/Foreshhh/vlsbench/resolve/main/");

    private const string Sha = "a42245e79ab67fc9a08e4e35d3a4eba5ae85151d5ca5cd45821c53b22b175fdf";

    private VlsBenchData()
    {
    }

    public string Name => "vlsbench";

    public string Title => "VLSBench";

    public string Description => $"a VLSBench data root ({VlsBenchDataset.FileName}, imgs/)";

    public IReadOnlyList<string> QuestionFiles => [VlsBenchDataset.FileName];

    public IReadOnlyList<string> PublishedSha256 => [Sha];

    public FetchPlan Fetch(Uri? source, bool pinned)
    {
        var v = source ?? Source;
        return new FetchPlan(Name, [new RemoteFile(new Uri(v, VlsBenchDataset.FileName), VlsBenchDataset.FileName, pinned ? Sha : null)],
            new RemoteFile(new Uri(v, "imgs.tar"), "imgs.tar", null), "imgs");
    }

    public IReadOnlyList<DataSummary> Check(string root)
    {
        if (!File.Exists(Path.Combine(root, VlsBenchDataset.FileName))) return [];
        var dataset = VlsBenchDataset.Load(root);
        return [DataSummary.Of("VLSBench", dataset, dataset.Items.Select(i => i.SubCategory).Distinct().Count())];
    }
}
