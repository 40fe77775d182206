using MmSafe.Benchmarks;

namespace MmSafe.Runs;

/// <summary>
/// Every selected image must exist, stay inside the data root and start as an image before anything is sent: a run of
/// images that cannot be sent is a data mistake, not an endpoint failure that resuming could mend.
/// </summary>
public static class SelectedImages
{
    public static void Check(IReadOnlyList<Sample> samples)
    {
        var images = samples.SelectMany(s => s.Images).ToList();
        var missing = images.Where(i => !File.Exists(i.FullPath)).ToList();
        if (missing.Count > 0)
            throw new InputException($"{missing[0].Root}: {missing.Count} of the selected items' images are missing (first: {string.Join(", ", missing.Take(5).Select(i => i.RelativePath))}); " +
                "check --data and that the image archive was unpacked there ('mmsafe data check' lists every problem).");
        if (images.Count == 0) return;
        var report = Datasets.ImageCheckReport.Run(images[0].Root, images, signatureOnly: true);
        if (!report.Ok)
            throw new InputException($"{report.Root}: the selected items' images cannot be sent: {string.Join("; ", report.Describe())}; " +
                $"nothing was sent ('mmsafe data check {report.Root}' lists every problem).");
    }
}
