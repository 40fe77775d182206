using System.Text.Json.Nodes;
using System.Xml.Linq;
using MmSafe.Tests.Support;
using SkiaSharp;

namespace MmSafe.Tests.Reports;

/// <summary>
/// <c>mmsafe figures</c> from stored runs: an SVG that parses as XML with hostile names escaped, and a PNG of twice its
/// size with ink in it (text included: the embedded font draws glyphs), for the rates by category and the cross-modal gap.
/// </summary>
public sealed class FiguresCommandTests
{
    private static async Task<string[]> RunsAsync(TempDir dir)
    {
        var hostile = await HostileRun.CreateAsync(dir);
        var runs = new List<string> { hostile };
        foreach (var condition in new[] { "official", "text-only" })
        {
            var output = dir.Full("mock-" + condition);
            var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", SampleData.Siuo, "--model", "mock", "--judge", "mock", "--condition", condition, "--out", output);
            Assert.True(run.ExitCode == 0, run.Error);
            runs.Add(output);
        }
        return [.. runs];
    }

    [Fact]
    public async Task Figures_are_written_as_SVG_and_PNG_with_hostile_names_escaped_and_text_drawn()
    {
        using var dir = new TempDir();
        var runs = await RunsAsync(dir);
        var result = await Support.Cli.RunAsync(["figures", .. runs, "--out", dir.Full("fig")]);
        Assert.True(result.ExitCode == 0, result.Error);
        var written = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["categories-siuo-gen.svg", "categories-siuo-gen.png", "gap-1.svg", "gap-1.png"], written.Select(Path.GetFileName));
        Assert.All(written, f => Assert.True(File.Exists(f), f));

        foreach (var name in new[] { "categories-siuo-gen", "gap-1" })
        {
            var raw = File.ReadAllText(dir.Full($"fig/{name}.svg"));
            var svg = XDocument.Parse(raw).Root!;
            Assert.Equal("svg", svg.Name.LocalName);
            Assert.DoesNotContain("<model>", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("<i>", raw, StringComparison.Ordinal);
            var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
            using var png = SKBitmap.Decode(dir.Full($"fig/{name}.png"));
            Assert.NotNull(png);
            Assert.Equal((1600, (int)Math.Ceiling(double.Parse((string)svg.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture) * 2)), (png.Width, png.Height));
            // The title's band (above any axis or bar) holds ink only if the font drew glyphs.
            Assert.True(Ink(png, 0, 0, png.Width, 56) > 300, $"{name}: no text drawn in the title");
            Assert.True(Ink(png, 0, 0, png.Width, png.Height) > 5000, $"{name}: the figure is blank");
            if (name == "gap-1") Assert.Contains(texts, t => t.Contains("official minus text-only", StringComparison.Ordinal));
            else
            {
                // Hostile names are text: the model in the legend, the category as a row label.
                Assert.Contains(texts, t => t.StartsWith("evil<model>", StringComparison.Ordinal));
                Assert.Contains("privacy violation <i>", texts);
                Assert.Contains("mock (text-only), judged by mock", texts);
            }
        }

        var json = await Support.Cli.RunAsync(["figures", .. runs, "--out", dir.Full("fig2"), "--json"]);
        Assert.True(json.ExitCode == 0, json.Error);
        var files = JsonNode.Parse(json.Output)!["files"]!.AsArray().Select(f => Path.GetFileName((string)f!)).ToList();
        Assert.Equal(4, files.Count);
        Assert.Contains("gap-1.png", files);
    }

    [Fact]
    public async Task The_axis_says_lower_is_better_when_the_metric_is()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("vls"));
        Assert.True(run.ExitCode == 0, run.Error);
        var result = await Support.Cli.RunAsync("figures", dir.Full("vls"), "--out", dir.Full("fig"));
        Assert.True(result.ExitCode == 0, result.Error);
        var texts = XDocument.Load(dir.Full("fig/categories-vlsbench.svg")).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        var metric = MmSafe.Benchmarks.BenchmarkRegistry.Get("vlsbench").Layout.Headline;
        Assert.Contains($"{metric.Label}, %{metric.DirectionNote}", texts);
    }

    [Theory]
    [InlineData("no runs")]
    [InlineData("bad path")]
    [InlineData("out is a file")]
    public async Task Bad_input_is_one_line_and_exit_2(string mistake)
    {
        using var dir = new TempDir();
        dir.File("taken", [1]);
        var args = mistake switch
        {
            "no runs" => new[] { "figures", "--out", dir.Full("fig") },
            "bad path" => ["figures", dir.Full("nowhere"), "--out", dir.Full("fig")],
            _ => ["figures", dir.Full("nowhere"), "--out", dir.Full("taken")],
        };
        var result = await Support.Cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Contains(mistake switch { "no runs" => "argument missing for command: 'figures'", "bad path" => "nowhere", _ => "taken" }, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Full("fig")));
    }

    private static int Ink(SKBitmap png, int x0, int y0, int x1, int y1)
    {
        int ink = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (png.GetPixel(x, y) is { Red: < 160, Green: < 160, Blue: < 160 }) ink++;
        return ink;
    }
}
