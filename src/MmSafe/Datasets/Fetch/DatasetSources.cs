namespace MmSafe.Datasets.Fetch;

/// <summary>What to download for a benchmark: the question files (pinned by SHA-256) and where the images come from.</summary>
/// <param name="ImagesArchive">A remote image archive, or null when the user must supply it (SIUO).</param>
/// <param name="ImagesFolder">The folder the images live in under the data root, and inside the archive.</param>
public sealed record FetchPlan(string Benchmark, IReadOnlyList<RemoteFile> Files, RemoteFile? ImagesArchive, string ImagesFolder);

/// <summary>The public sources of the benchmarks' files.</summary>
public static class DatasetSources
{
    public static readonly Uri SiuoSource = new("https://raw.githubusercontent.com/sinwang20/SIUO/main/data/");
    public static readonly Uri VlsBenchSource = new("https://huggingface.co/datasets/Foreshhh/vlsbench/resolve/main/");

    // The official question files as published; a mirror (--source) must serve the same bytes.
    private const string SiuoGenSha = "0a65c3443e75d0d6106550d73100753f19fe9fcb415e6ea138d5c7f04d31f228";
    private const string SiuoMcqaSha = "91f51da54b92d8bb2c2fa61215d0ed8c77113192d4f909854dd561eaa5953022";
    private const string VlsBenchSha = "a42245e79ab67fc9a08e4e35d3a4eba5ae85151d5ca5cd45821c53b22b175fdf";

    /// <summary>Whether a question file is the one the authors published: "published" or "not the published file".</summary>
    public static string Provenance(string sha256) =>
        sha256 is SiuoGenSha or SiuoMcqaSha or VlsBenchSha ? "published" : "not the published file";

    /// <param name="source">A base URL that replaces the default (a mirror, or a test server).</param>
    /// <param name="pinned">False accepts question files whose hash differs from the published one (it is still recorded).</param>
    public static FetchPlan For(string benchmark, Uri? source = null, bool pinned = true)
    {
        string? Pin(string sha) => pinned ? sha : null;
        switch (benchmark)
        {
            case "siuo":
                var s = source ?? SiuoSource;
                return new FetchPlan("siuo",
                    [new RemoteFile(new Uri(s, "siuo_gen.json"), "siuo_gen.json", Pin(SiuoGenSha)), new RemoteFile(new Uri(s, "siuo_mcqa.json"), "siuo_mcqa.json", Pin(SiuoMcqaSha))],
                    null, "images");
            case "vlsbench":
                var v = source ?? VlsBenchSource;
                return new FetchPlan("vlsbench", [new RemoteFile(new Uri(v, "data.json"), "data.json", Pin(VlsBenchSha))],
                    new RemoteFile(new Uri(v, "imgs.tar"), "imgs.tar", null), "imgs");
            default:
                throw new InputException($"unknown dataset '{benchmark}'; expected siuo or vlsbench.");
        }
    }
}
