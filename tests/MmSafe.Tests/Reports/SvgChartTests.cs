using System.Globalization;
using System.Xml.Linq;
using MmSafe.Reports.Html;
using MmSafe.Scoring;

namespace MmSafe.Tests.Reports;

/// <summary>The cross-run chart: a legend that does not overlap, each bar's value and its Wilson interval.</summary>
public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string[] Names =
    [
        "Qwen/Qwen2-VL-72B-Instruct-AWQ (official, judge gpt-4o-2024-08-06)",
        "<b>evil</b> & meta-llama/Llama-3.2-11B-Vision-Instruct",
        "llava-hf/llava-onevision-qwen2-7b-ov-hf",
        "gpt-4o",
    ];

    private static XElement Chart()
    {
        IReadOnlyList<Rate?> Rates(int k) => [Rate.Of(3 + k, 10), Rate.Of(7, 12), null];
        var svg = SvgCharts.Series("Safe by category, run by run", ["Violent", "Privacy", "Overall"], [.. Names.Select((n, k) => (n, Rates(k)))]);
        return XElement.Parse(svg); // well-formed: every name was escaped
    }

    [Fact]
    public void Legend_entries_of_long_model_names_do_not_overlap_and_stay_inside_the_chart()
    {
        var chart = Chart();
        double width = double.Parse(chart.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        var entries = chart.Descendants(Svg + "g").Where(g => g.Attribute("class")?.Value == "legend").Select(g => (
            X: double.Parse(g.Element(Svg + "rect")!.Attribute("x")!.Value, CultureInfo.InvariantCulture),
            Y: double.Parse(g.Element(Svg + "rect")!.Attribute("y")!.Value, CultureInfo.InvariantCulture),
            Text: g.Element(Svg + "text")!.Value, Full: g.Element(Svg + "title")!.Value)).ToList();
        Assert.Equal(Names, entries.Select(e => e.Full));
        // An independent lower bound on the drawn width: swatch and gap 16 px, then 5.5 px a character (0.5 em at 11 px,
        // narrower than the average of any sans-serif). Placed 140 px apart, as before, the first two overlapped.
        foreach (var row in entries.GroupBy(e => e.Y))
        {
            var list = row.OrderBy(e => e.X).ToList();
            for (int i = 1; i < list.Count; i++)
                Assert.True(list[i].X >= list[i - 1].X + 16 + 5.5 * list[i - 1].Text.Length, $"'{list[i].Text}' at {list[i].X} overlaps '{list[i - 1].Text}' at {list[i - 1].X}");
            Assert.True(list[^1].X + 16 + SvgCharts.TextWidth(list[^1].Text) <= width);
        }
        Assert.True(entries.Select(e => e.Y).Distinct().Count() > 1); // the long names wrap to a second row
        Assert.True(double.Parse(chart.Attribute("height")!.Value, CultureInfo.InvariantCulture) >= entries.Max(e => e.Y) + 12);
    }

    [Fact]
    public void Every_bar_shows_its_value_and_its_Wilson_interval_as_a_whisker()
    {
        var chart = Chart();
        var values = chart.Descendants(Svg + "text").Where(t => t.Attribute("class")?.Value == "value").Select(t => t.Value).ToList();
        // 4 runs × 2 rows with a rate (the third row has none): 3/10 … 6/10 and 7/12 = 58.33.
        Assert.Equal(["30.00%", "40.00%", "50.00%", "60.00%", "58.33%", "58.33%", "58.33%", "58.33%"], values);
        var whiskers = chart.Descendants(Svg + "path").Where(p => p.Attribute("class")?.Value == "whisker").ToList();
        Assert.Equal(8, whiskers.Count);
        // 3/10: Wilson 95% [10.78, 60.32] (0.1078 and 0.6032 by the score formula); on a 420 px plot from x = 260: 305.3 to 513.3.
        Assert.StartsWith("M305.3 ", whiskers[0].Attribute("d")!.Value);
        Assert.Contains("H513.3", whiskers[0].Attribute("d")!.Value);
    }

    [Fact]
    public void Model_names_are_escaped()
    {
        var svg = SvgCharts.Series("t", ["a"], [(Names[1], [Rate.Of(1, 2)])]);
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;evil&lt;/b&gt; &amp; meta", svg, StringComparison.Ordinal);
    }
}
