using System.CommandLine;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
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
        var root = new Argument<string>("DIR") { Description = "A SIUO data root (siuo_gen.json, siuo_mcqa.json, images/) or a VLSBench data root (data.json, imgs/)." };
        var skipImages = new Option<bool>("--skip-images") { Description = "Validate the question files only, not the image files." };
        var check = new Command("check", "Validate question files (ids, fields, options, image paths) and images.") { root, skipImages };
        check.SetAction(parse => Check(console, parse.GetRequiredValue(root), !parse.GetValue(skipImages)));
        command.Subcommands.Add(check);
        return command;
    }

    private static int Check(CliConsole console, string root, bool checkImages)
    {
        var summaries = new List<Summary>();
        if (File.Exists(Path.Combine(root, SiuoDataset.GenerationFile)))
            summaries.Add(Summarise("SIUO generation", SiuoDataset.LoadGeneration(root), null, checkImages));
        if (File.Exists(Path.Combine(root, SiuoDataset.MultipleChoiceFile)))
            summaries.Add(Summarise("SIUO multiple choice", SiuoDataset.LoadMultipleChoice(root), null, checkImages));
        if (File.Exists(Path.Combine(root, VlsBenchDataset.FileName)))
        {
            var dataset = VlsBenchDataset.Load(root);
            summaries.Add(Summarise("VLSBench", dataset, dataset.Items.Select(i => i.SubCategory).Distinct().Count(), checkImages));
        }
        if (summaries.Count == 0)
            throw new InputException($"{root}: no {SiuoDataset.GenerationFile}, {SiuoDataset.MultipleChoiceFile} or {VlsBenchDataset.FileName} here; expected a SIUO or VLSBench data root.");

        var table = new Table { Border = TableBorder.Rounded };
        foreach (var header in new[] { "Dataset", "Items", "Categories", "Sub-categories", "Images", "SHA-256" }) table.AddColumn(header);
        foreach (var s in summaries)
            table.AddRow(s.Name, s.Items.ToString(), s.Categories.ToString(), s.SubCategories?.ToString() ?? "-", s.Images, s.Sha256[..12] + "…");
        console.Out.Write(table);
        foreach (var note in summaries.SelectMany(s => s.Notes)) console.Error($"note: {note}");
        var problems = summaries.SelectMany(s => s.ImageProblems).ToList();
        foreach (var problem in problems) console.Error($"error: {problem}");
        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.InputError;
    }

    private sealed record Summary(string Name, int Items, int Categories, int? SubCategories, string Images, string Sha256,
        IReadOnlyList<string> ImageProblems, IReadOnlyList<DatasetProblem> Notes);

    private static Summary Summarise<T>(string name, Dataset<T> dataset, int? subCategories, bool checkImages) where T : IDatasetItem
    {
        var report = checkImages ? dataset.CheckImages() : null;
        var images = report is null ? "not checked" : report.Ok ? $"{report.Checked} ok" : $"{report.Checked} checked, problems";
        return new Summary(name, dataset.Count, dataset.Categories.Count, subCategories, images, dataset.Sha256,
            report?.Describe().ToList() ?? [], dataset.Notes);
    }
}
