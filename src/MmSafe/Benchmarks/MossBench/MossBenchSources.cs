using System.IO.Compression;
using MmSafe.Datasets.Fetch;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>
/// Where <c>data fetch mossbench</c> gets MOSSBench: the authors' GitHub repository at the pinned commit 8d68b06 — its two
/// question files (pinned by SHA-256) and the repository archive, from which only <c>data/images/</c> and
/// <c>data_contrast/images/</c> are unpacked, so the data root has the repository's layout.
/// </summary>
public static class MossBenchSources
{
    public const string Commit = "8d68b06";

    public static readonly Uri Source = new($"https://raw.githubusercontent.com/xirui-li/MOSSBench/{Commit}/");

    public static readonly Uri Archive = new($"https://codeload.github.com/xirui-li/MOSSBench/zip/{Commit}");

    public const string ArchiveName = $"MOSSBench-{Commit}.zip";

    // The question files at the pinned commit (benign, contrast).
    private const string BenignSha = "a5f7701c0a068391a3ba10714dd95f3357d664c84faf47b747e425ff9806a352";
    private const string ContrastSha = "ec00786d6be370284bb398dd61978c279e372f0fd9114e8ca39032e20ea14f1e";

    public static IReadOnlyList<string> PublishedSha256 { get; } = [BenignSha, ContrastSha];

    /// <param name="source">A mirror (or test server) that serves the two question files under their repository paths and the archive as <see cref="ArchiveName"/>.</param>
    public static FetchPlan Plan(Uri? source, bool pinned)
    {
        var s = source ?? Source;
        return new FetchPlan("mossbench",
            [new RemoteFile(new Uri(s, "data/" + MossBenchData.InfoFile), "data/" + MossBenchData.InfoFile, pinned ? BenignSha : null),
             new RemoteFile(new Uri(s, "data_contrast/" + MossBenchData.InfoFile), "data_contrast/" + MossBenchData.InfoFile, pinned ? ContrastSha : null)],
            new RemoteFile(source is null ? Archive : new Uri(source, ArchiveName), ArchiveName, null), "data/images");
    }

    /// <summary>Unpacks the images of both splits from the repository archive into <paramref name="root"/>; the rest of the repository is skipped.</summary>
    /// <returns>The number of images written.</returns>
    public static int Unpack(string archive, string root)
    {
        var target = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        int written = 0;
        try
        {
            using var zip = ZipFile.OpenRead(archive);
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                int at = new[] { "data/images/", "data_contrast/images/" }.Select(f => ("/" + name).IndexOf("/" + f, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
                if (at < 0 || name.EndsWith('/')) continue;
                var path = Path.GetFullPath(Path.Combine(root, name[at..]));
                if (!path.StartsWith(target, StringComparison.Ordinal))
                    throw new InputException($"{archive}: entry '{entry.FullName}' would be written outside {root}; the archive is unsafe and was not unpacked further.");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                entry.ExtractToFile(path, overwrite: true);
                written++;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{archive}: not a readable .zip archive ({e.Message}); expected the MOSSBench repository archive.", e);
        }
        return written;
    }
}
