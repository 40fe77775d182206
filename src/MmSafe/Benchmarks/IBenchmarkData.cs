using MmSafe.Datasets;
using MmSafe.Datasets.Fetch;
using MmSafe.Images;

namespace MmSafe.Benchmarks;

/// <summary>What <c>mmsafe data check</c> found of one question file: counts, hash, images to check, notes worth showing.</summary>
public sealed record DataSummary(string Name, int Items, int Categories, int? SubCategories, string Sha256, string Root,
    IReadOnlyList<ImageRef> Images, IReadOnlyList<string> Notes)
{
    /// <summary>A validated dataset file; <paramref name="subCategories"/> when the benchmark reports them.</summary>
    public static DataSummary Of<T>(string name, Dataset<T> dataset, int? subCategories = null) where T : IDatasetItem =>
        new(name, dataset.Count, dataset.Categories.Count, subCategories, dataset.Sha256, dataset.Root, [.. dataset.Items.Select(i => i.Image)],
            [.. dataset.Notes.Select(n => n.ToString())]);

    /// <summary>A benchmark's loaded samples (any number of images each); sub-categories counted when any sample has one.</summary>
    public static DataSummary Of(string name, BenchmarkData data)
    {
        int subCategories = data.Samples.Select(s => s.SubCategory).OfType<string>().Distinct().Count();
        return new(name, data.Samples.Count, data.Samples.Select(s => s.Category).Distinct().Count(), subCategories == 0 ? null : subCategories,
            data.Sha256, data.Root, [.. data.Samples.SelectMany(s => s.Images)], data.Notes);
    }
}

/// <summary>
/// A dataset as a data root holds it, shared by the benchmarks that read it (siuo-gen and siuo-mcqa read "siuo"): its
/// name for <c>data fetch</c> and an evaluation file's <c>data:</c>, where its files come from, how a root is recognised
/// and checked. <see cref="BenchmarkRegistry"/> lists them; nothing outside a benchmark's folder switches on a name.
/// </summary>
public interface IBenchmarkData
{
    /// <summary>The name on the command line: <c>mmsafe data fetch NAME</c>.</summary>
    string Name { get; }

    /// <summary>The dataset's name as its authors write it ("SIUO", "VLSBench"), for help texts and messages.</summary>
    string Title { get; }

    /// <summary>What a data root of this dataset holds, for help texts and messages.</summary>
    string Description { get; }

    /// <summary>The question files that make a directory a data root of this dataset (any one of them).</summary>
    IReadOnlyList<string> QuestionFiles { get; }

    /// <summary>The SHA-256 of each question file as the authors published it (data check says "published" or not).</summary>
    IReadOnlyList<string> PublishedSha256 => [];

    /// <summary>What to download; null when the dataset has no public source to fetch from.</summary>
    /// <param name="source">A base URL that replaces the default (a mirror, or a test server).</param>
    /// <param name="pinned">False accepts question files whose hash differs from the published one.</param>
    FetchPlan? Fetch(Uri? source, bool pinned) => null;

    /// <summary>Where to get the images when the plan has no archive to download (e.g. "pass --images SIUO-images.zip").</summary>
    string? ImagesNote => null;

    /// <summary>Unpacks the plan's image archive into <paramref name="root"/>; returns the number of files written. By default the
    /// entries under <see cref="FetchPlan.ImagesFolder"/> go there (a dataset whose images sit in several folders unpacks its own way).</summary>
    int Unpack(string archive, string root, FetchPlan plan) => ArchiveExtractor.Extract(archive, Path.Combine(root, plan.ImagesFolder), plan.ImagesFolder);

    /// <summary>Validates each question file present under <paramref name="root"/>; empty when none is.</summary>
    /// <exception cref="DatasetException">A question file is wrong (every problem listed).</exception>
    IReadOnlyList<DataSummary> Check(string root);
}
