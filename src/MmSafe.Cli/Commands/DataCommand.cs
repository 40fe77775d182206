using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Datasets;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary><c>mmsafe data check DIR</c>: validates a local copy of a benchmark's files and images.</summary>
public static class DataCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("data", "Work with local copies of the benchmark datasets.");
        var root = new Argument<string>("DIR") { Description = $"{Capital(BenchmarkRegistry.Listed([.. BenchmarkRegistry.Datasets.Select(d => d.Description)]))}." };
        var skipImages = new Option<bool>("--skip-images") { Description = "Validate the question files only, not the image files." };
        var check = new Command("check", "Validate question files (ids, fields, options, image paths) and images.") { root, skipImages };
        check.SetAction(parse => Check(console, parse.GetRequiredValue(root), !parse.GetValue(skipImages)));
        command.Subcommands.Add(check);
        command.Subcommands.Add(Fetch(console));
        return command;
    }

    private static Command Fetch(CliConsole console)
    {
        string[] fetchable = [.. BenchmarkRegistry.Datasets.Where(d => d.Fetch(null, true) is not null).Select(d => d.Name)];
        var which = new Argument<string>("DATASET") { Description = $"{BenchmarkRegistry.Listed(fetchable)}." };
        which.AcceptOnlyFromAmong(fetchable);
        var to = new Option<string>("--to") { Description = "The data root to create or complete.", Required = true };
        var source = new Option<string>("--source") { Description = "A base URL to download from instead of the public source (a mirror)." };
        var images = new Option<string>("--images") { Description = "An image archive you have (.zip, .tar, .tar.gz): SIUO-images.zip for SIUO." };
        var noImages = new Option<bool>("--no-images") { Description = "Fetch the question files only." };
        var allowChanged = new Option<bool>("--allow-changed") { Description = "Accept question files whose SHA-256 differs from the published one." };
        var command = new Command("fetch", "Download a benchmark's files (resumable, checked by SHA-256) into a data root.") { which, to, source, images, noImages, allowChanged };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Uri? baseUrl = parse.GetValue(source) is { } s ? new Uri(s.EndsWith('/') ? s : s + "/") : null;
            var data = BenchmarkRegistry.GetData(parse.GetRequiredValue(which));
            var plan = data.Fetch(baseUrl, pinned: !parse.GetValue(allowChanged))
                ?? throw new InputException($"{data.Name} has no public source to fetch from; copy {data.Description} yourself and run 'mmsafe data check DIR'.");
            var root = parse.GetRequiredValue(to);
            bool existed = Directory.Exists(root);
            using var http = MmSafe.Models.ModelClientFactory.CreateHttpClient();
            var downloader = new MmSafe.Datasets.Fetch.Downloader(http);
            foreach (var file in plan.Files)
            {
                string hash;
                try
                {
                    hash = await downloader.FetchAsync(file, root, cancellationToken: cancellationToken);
                }
                catch (InputException e) when (e.InnerException is HttpRequestException)
                {
                    // Offline or blocked: leave nothing behind that looks like a data root, and say how else to get the files.
                    if (!existed && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Any(File.Exists))
                        Directory.Delete(root, recursive: true);
                    throw new InputException($"{e.Message} If this machine cannot reach it, download the files elsewhere and pass --source URL of a mirror " +
                        $"that serves {string.Join(" and ", plan.Files.Select(f => f.RelativePath))}{(plan.ImagesArchive is { } a ? $" (and {a.RelativePath})" : "")} at its top level, " +
                        $"or copy them into {root} yourself and run 'mmsafe data check {root}'.", e);
                }
                console.Out.Write(new Text(CliConsole.Plain($"{file.RelativePath}: ok (SHA-256 {hash[..16]}…)") + "\n"));
            }
            if (!parse.GetValue(noImages))
            {
                string? archive = parse.GetValue(images);
                if (archive is null && plan.ImagesArchive is { } remote)
                {
                    await downloader.FetchAsync(remote, root, cancellationToken: cancellationToken);
                    archive = Path.Combine(root, remote.RelativePath);
                }
                if (archive is null)
                    console.Error($"note: {data.ImagesNote ?? $"{data.Name} images are distributed separately; pass --images ARCHIVE to unpack them"} into {Path.Combine(root, plan.ImagesFolder)}.");
                else
                    console.Out.Write(new Text($"{data.Unpack(archive, root, plan)} images unpacked.\n"));
            }
            return Check(console, root, checkImages: !parse.GetValue(noImages) && (parse.GetValue(images) is not null || plan.ImagesArchive is not null));
        });
        return command;
    }

    // 'data check' is where every problem is listed: 'run' shows the first 20 and sends the user here.
    private static int Check(CliConsole console, string root, bool checkImages)
    {
        try
        {
            return CheckAll(console, root, checkImages);
        }
        catch (DatasetException e) when (e.Problems.Count > 1)
        {
            return CliApp.ShowProblems(console, e, max: null);
        }
    }

    private static int CheckAll(CliConsole console, string root, bool checkImages)
    {
        var found = BenchmarkRegistry.Datasets.Select(d => (Data: d, Summaries: d.Check(root))).Where(x => x.Summaries.Count > 0).ToList();
        var summaries = found.SelectMany(x => x.Summaries).ToList();
        if (summaries.Count == 0)
            throw new InputException($"{root}: no {BenchmarkRegistry.Listed([.. BenchmarkRegistry.Datasets.SelectMany(d => d.QuestionFiles).Distinct()])} here; expected a {BenchmarkRegistry.Listed([.. BenchmarkRegistry.Datasets.Select(d => d.Title)])} data root.");
        var published = found.SelectMany(x => x.Data.PublishedSha256).ToHashSet(StringComparer.Ordinal);

        // Question files of one dataset may share their images (SIUO's two): each image is checked, and each problem told, once.
        var report = checkImages ? ImageCheckReport.Run(summaries[0].Root, summaries.SelectMany(s => s.Images)) : null;
        var table = TextTable.Create(null, "Dataset", "Items", "Categories", "Sub-categories", "Images", "SHA-256", "Question file");
        foreach (var s in summaries)
            table.AddTextRow([s.Name, s.Items.ToString(), s.Categories.ToString(), s.SubCategories?.ToString() ?? "-", ImagesColumn(s, report), s.Sha256[..12] + "…",
                published.Contains(s.Sha256) ? "published" : "not the published file"]);
        console.Out.Write(table);
        foreach (var note in summaries.SelectMany(s => s.Notes)) console.Error($"note: {note}");
        var problems = report?.Describe().ToList() ?? [];
        foreach (var problem in problems) console.Error($"error: {problem}");
        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.InputError;
    }

    private static string ImagesColumn(DataSummary summary, ImageCheckReport? report)
    {
        if (report is null) return "not checked";
        var names = summary.Images.Select(i => ImageCheckReport.Shown(report.Root, i)).ToHashSet(StringComparer.Ordinal);
        int count = summary.Images.Select(i => i.FullPath).Distinct(StringComparer.Ordinal).Count();
        bool bad = report.Missing.Concat(report.OutsideRoot).Concat(report.Unrecognised).Any(names.Contains);
        return bad ? $"{count} checked, problems" : $"{count} ok";
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
