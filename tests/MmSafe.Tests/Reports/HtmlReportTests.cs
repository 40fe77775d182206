using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

public sealed partial class HtmlReportTests
{
    private static async Task<string> ReportAsync(TempDir dir, params string[] extra)
    {
        var run = await HostileRun.CreateAsync(dir);
        var result = await Support.Cli.RunAsync(["report", run, "--out", dir.Full("report.html"), .. extra]);
        Assert.Equal(0, result.ExitCode);
        return File.ReadAllText(dir.Full("report.html"));
    }

    [Fact]
    public async Task Hostile_answers_and_judge_replies_are_escaped_everywhere()
    {
        using var dir = new TempDir();
        var html = await ReportAsync(dir);
        Assert.DoesNotContain(HostileRun.Script, html, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileRun.OnError, html, StringComparison.Ordinal);
        Assert.DoesNotContain("</textarea><b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);           // a category name is data too
        Assert.DoesNotContain("evil<model>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;", html, StringComparison.Ordinal);
        // Only the page's own script, and the images' data block (type application/json: never executed).
        Assert.Equal(2, ScriptTags().Matches(html).Count);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script type=\"application/json\" id=\"mmsafe-images\">"));
    }

    [Fact]
    public async Task The_page_is_self_contained_under_a_strict_policy_that_names_its_own_style_and_script()
    {
        using var dir = new TempDir();
        var html = await ReportAsync(dir);
        var csp = Csp().Match(html).Groups[1].Value;
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("img-src data:", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        var script = InlineScript().Match(html).Groups[1].Value;
        var style = InlineStyle().Match(html).Groups[1].Value;
        Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'", csp);
        Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'", csp);
        Assert.DoesNotMatch(@"(src|href)=""https?:", html);
        Assert.DoesNotContain(" style=\"", html, StringComparison.Ordinal); // attributes would need 'unsafe-inline'
    }

    [Fact]
    public async Task Shows_headline_rates_charts_categories_published_numbers_and_images()
    {
        using var dir = new TempDir();
        var html = await ReportAsync(dir);
        Assert.Contains("Safe by category", html);
        Assert.Contains("Safe vs effective by category", html);
        Assert.Contains("<svg", html);
        Assert.Contains("self-harm", html);
        Assert.Contains("PUBLISHED: SIUO project leaderboard", html);
        Assert.Contains("53.29", html); // GPT-4V, published
        Assert.Contains("data:image/webp;base64,", html);
        Assert.Contains("SHA-256", html);
        Assert.Contains("<b>50.00%</b>", html); // this run's safe rate: item 1 safe, item 2 unsafe
    }

    [Fact]
    public async Task Images_over_the_cap_get_a_note_instead()
    {
        using var dir = new TempDir();
        var html = await ReportAsync(dir, "--image-cap-kb", "0");
        Assert.DoesNotContain("data:image/webp;base64,", html);
        Assert.Contains("over the 0 KB cap", html);
    }

    [Fact]
    public async Task One_report_holds_several_runs_with_vlsbench_stacked_bars_and_multiple_choice_accuracy()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 6);
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 3).Select(i => Fixtures.SiuoMcqa(i)).ToArray());
        for (int i = 1; i <= 3; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
        await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("vls"), "--json");
        await Support.Cli.RunAsync("run", "siuo-mcqa", "--data", dir.Full("siuo"), "--model", "mock", "--out", dir.Full("mcqa"), "--json");

        var result = await Support.Cli.RunAsync("report", dir.Full("vls"), dir.Full("mcqa"), "--out", dir.Full("both.html"));
        Assert.Equal(0, result.ExitCode);
        var html = File.ReadAllText(dir.Full("both.html"));
        Assert.Contains("Refusal / warning / unsafe by category", html);
        Assert.Contains("Refusal / warning / unsafe by sub-category", html);
        Assert.Contains("Unauthorized Data Collection", html);
        Assert.Contains("Accuracy by category", html);
        Assert.Contains("PUBLISHED: VLSBench paper table", html);
        // Each published VLSBench row carries its caveat: the paper's denominator is 2,244, not the released 2,241.
        Assert.Equal(5, Regex.Matches(html, "PUBLISHED: VLSBench paper table, Hu et al. 2024<br><span class=\"note\">Caveat: computed on 2,244 items \\(exact fractions k/2244\\), three more than the 2,241 released").Count);
        Assert.DoesNotContain("PUBLISHED: SIUO project leaderboard (human-judged), Wang et al. 2024<br>", html);
        Assert.Contains("MOCK run", html);
        Assert.Equal(2, Regex.Matches(html, "<section class=\"run\">").Count);
    }

    [GeneratedRegex("<script\\b", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTags();

    [GeneratedRegex("http-equiv=\"Content-Security-Policy\" content=\"([^\"]+)\"")]
    private static partial Regex Csp();

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex InlineStyle();
}

public sealed class ReportImageTests
{
    [Fact]
    public async Task Each_image_is_embedded_once_as_a_thumbnail_that_cards_load_when_seen()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        // A large image gets a thumbnail of at most 240 px a side; the two runs share all three images.
        using (var big = new SkiaSharp.SKBitmap(1200, 900))
        {
            big.Erase(new SkiaSharp.SKColor(200, 30, 30));
            using var png = big.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(data, "imgs", "0.png"), png.ToArray());
        }
        foreach (var name in new[] { "a", "b" })
            Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full(name), "--json")).ExitCode);
        var report = await Support.Cli.RunAsync("report", dir.Full("a"), dir.Full("b"), "--out", dir.Full("r.html"));
        Assert.Equal(0, report.ExitCode);
        var html = File.ReadAllText(dir.Full("r.html"));
        var block = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/json\" id=\"mmsafe-images\">(.*?)</script>").Groups[1].Value;
        var images = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(block)!;
        Assert.Equal(3, images.Count); // three images, six cards
        var keys = System.Text.RegularExpressions.Regex.Matches(html, "data-img=\"([0-9a-f]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(6, keys.Count);
        Assert.All(keys, k => Assert.True(images.ContainsKey(k)));
        Assert.All(images.Values, v => Assert.StartsWith("data:image/webp;base64,", v));
        using var thumb = SkiaSharp.SKBitmap.Decode(Convert.FromBase64String(images.Values.OrderByDescending(v => v.Length).First()["data:image/webp;base64,".Length..]));
        Assert.True(Math.Max(thumb.Width, thumb.Height) <= 240);
        Assert.DoesNotContain("<img alt=\"imgs/0.png\" src=", html); // sources come from the one data block, set by the page's script
    }
}

public sealed class ReportUndecodableImageTests
{
    [Fact]
    public async Task A_truncated_image_is_noted_as_not_decodable_and_the_report_is_written()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("a"), "--json")).ExitCode);
        // A PNG cut after 40 bytes: its header is valid, its pixels are gone.
        using (var big = new SkiaSharp.SKBitmap(64, 64))
        {
            big.Erase(new SkiaSharp.SKColor(10, 200, 30));
            using var png = big.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(data, "imgs", "0.png"), png.ToArray()[..40]);
        }
        var report = await Support.Cli.RunAsync("report", dir.Full("a"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("r.html"));
        Assert.Contains("Image imgs/0.png could not be decoded.", html);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "data-img=\"([0-9a-f]+)\"").Count); // the other two images are shown
    }
}
