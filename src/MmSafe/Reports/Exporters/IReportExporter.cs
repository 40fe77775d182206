namespace MmSafe.Reports.Exporters;

/// <summary>One output format of a run (BenchmarkDotNet's IExporter idea): a name, a file extension, a writer.</summary>
public interface IReportExporter
{
    /// <summary>The value of <c>mmsafe export --format</c>.</summary>
    string Name { get; }

    string Extension { get; }

    void Export(RunReportData run, TextWriter writer);
}

/// <summary>The exporters, by name; adding a format means adding a class here.</summary>
public static class ReportExporters
{
    public static readonly IReadOnlyList<IReportExporter> All = [new MarkdownExporter(), new CsvExporter(), new JsonExporter()];

    public static IReportExporter? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>Writes the run to DIRECTORY/report.EXT and returns the path.</summary>
    public static string Write(IReportExporter exporter, RunReportData run, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"report.{exporter.Extension}");
        using var writer = new StreamWriter(path);
        exporter.Export(run, writer);
        return path;
    }
}
