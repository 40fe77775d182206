using MmSafe.Images;

namespace MmSafe.Datasets;

/// <summary>
/// The result of checking a dataset's images: problems are grouped, so a missing images
/// folder is reported once as "167 missing" rather than as 167 separate failures.
/// </summary>
public sealed record ImageCheckReport(string Root, int Checked, IReadOnlyList<string> Missing,
    IReadOnlyList<string> OutsideRoot, IReadOnlyList<string> Unrecognised)
{
    /// <summary>How many names a summary lists before it says "…".</summary>
    public const int NamesShown = 5;

    public bool Ok => Missing.Count == 0 && OutsideRoot.Count == 0 && Unrecognised.Count == 0;

    /// <param name="root">The data root, for the messages.</param>
    /// <param name="images">The images; each file is checked once however often it is listed.</param>
    /// <param name="signatureOnly">Check only each file's first bytes (a run's pre-check), not that its header can be read.</param>
    public static ImageCheckReport Run(string root, IEnumerable<ImageRef> images, bool signatureOnly = false)
    {
        List<string> missing = [], outside = [], unrecognised = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = images.Where(i => seen.Add(i.FullPath)).ToList();
        // A few system calls per image (stat, readlink, open, read): spread over the cores, the outcomes kept in order.
        var outcomes = new Outcome[distinct.Count];
        Parallel.For(0, distinct.Count, i => outcomes[i] = Check(distinct[i], signatureOnly));
        for (int i = 0; i < distinct.Count; i++)
            (outcomes[i] switch
            {
                Outcome.Missing => missing,
                Outcome.Outside => outside,
                Outcome.Unrecognised => unrecognised,
                _ => null,
            })?.Add(Shown(root, distinct[i]));
        return new ImageCheckReport(root, seen.Count, missing, outside, unrecognised);
    }

    /// <summary>An image as the messages name it: its path under the report's root (a split's images may sit in a sub-folder of it, as MOSSBench's contrast/ does).</summary>
    public static string Shown(string root, ImageRef image) =>
        Path.GetFullPath(image.Root) == Path.GetFullPath(root) ? image.RelativePath : Path.GetRelativePath(root, image.FullPath).Replace('\\', '/');

    private enum Outcome { Fine, Missing, Outside, Unrecognised }

    private static Outcome Check(ImageRef image, bool signatureOnly)
    {
        if (!File.Exists(image.FullPath)) return Outcome.Missing;
        try
        {
            return (signatureOnly ? image.HasImageSignature() : image.ReadFormat() is not null) ? Outcome.Fine : Outcome.Unrecognised;
        }
        catch (InputException)
        {
            return Outcome.Outside;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Outcome.Unrecognised; // unreadable counts as not a usable image
        }
    }

    /// <summary>One line per kind of problem, each with a count and the first few names.</summary>
    public IEnumerable<string> Describe()
    {
        if (Missing.Count > 0)
            yield return $"{Missing.Count} of {Checked} images are missing under {Root}: {FirstFew(Missing)}";
        if (OutsideRoot.Count > 0)
            yield return $"{OutsideRoot.Count} images resolve outside {Root} through symlinks: {FirstFew(OutsideRoot)}";
        if (Unrecognised.Count > 0)
            yield return $"{Unrecognised.Count} files are not PNG, JPEG, GIF or WebP images: {FirstFew(Unrecognised)}";
    }

    private static string FirstFew(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $", … ({names.Count - NamesShown} more)" : "");
}
