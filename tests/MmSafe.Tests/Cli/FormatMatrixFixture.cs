using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// The runs the command × format matrix reads, made once per test class with the offline mock model and judge on the
/// bundled sample: a finished SIUO run; a VLSBench run judged by a panel (mock, mock/cautious) and re-judged without the
/// image; and a cross-modal pair (the same model on the same dataset, official and text-only). The expected figures are
/// computed by the library from the stores, so the matrix checks that each format shows what the library measured.
/// </summary>
public sealed class FormatMatrixFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string Siuo => _dir.Full("siuo");
    public string Panel => _dir.Full("panel");
    public string Official => _dir.Full("official");
    public string TextOnly => _dir.Full("text-only");
    public string Scratch(string name)
    {
        Directory.CreateDirectory(_dir.Full("scratch")); // whichever case runs first
        return _dir.Full(Path.Combine("scratch", name));
    }

    /// <summary>What <c>mmsafe judge --without-image</c> printed on stderr (its drift line).</summary>
    public string BlindJudgeError { get; private set; } = "";

    public RunReportData SiuoData { get; private set; } = null!;
    public JudgePanel PanelData { get; private set; } = null!;
    public Comparison CrossModal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await RunAsync("run", "siuo-gen", "--data", SampleData.Siuo, "--model", "mock", "--judge", "mock", "--out", Siuo, "--cache", "off", "--json");
        await RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--judge", "mock/cautious", "--out", Panel, "--cache", "off", "--json");
        BlindJudgeError = (await RunAsync("judge", Panel, "--judge", "mock", "--without-image", "--cache", "off")).Error;
        await RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", Official, "--cache", "off", "--json");
        await RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--condition", "text-only", "--out", TextOnly, "--cache", "off", "--json");

        SiuoData = RunReportData.Load(Siuo);
        RunContents panel;
        using (var store = SqliteRunStore.OpenReadOnly(Panel)) panel = store.Read();
        PanelData = JudgePanel.Of(panel);
        CrossModal = Comparison.Of([RunReportData.Load(Official), RunReportData.Load(TextOnly)]);
        // The matrix is only worth something if the runs hold what it checks for.
        Assert.Equal(3, PanelData.Judges.Count);
        Assert.NotEmpty(CrossModal.Tests);
        Assert.Contains(CrossModal.Gaps, g => g.Category == "Overall");
    }

    private static async Task<Support.Cli.Result> RunAsync(params string[] args)
    {
        var result = await Support.Cli.RunAsync(args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"mmsafe {string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
        return result;
    }

    public ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
