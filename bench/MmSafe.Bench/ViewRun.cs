using System.Diagnostics;
using System.Text.RegularExpressions;
using PuppeteerSharp;

namespace MmSafe.Bench;

/// <summary>One page of <c>mmsafe view</c> as headless Chromium loaded it.</summary>
/// <param name="VisibleMs">From the start of the navigation (or of the in-page click) to the page's data being shown.</param>
/// <param name="TransferKb">Bytes over the wire for the page so far (document, script, style, API answers, thumbnails).</param>
public sealed record ViewPage(string Page, string Url, double VisibleMs, double TransferKb, double SettledTransferKb, double ScrolledTransferKb, int Requests, string? Screenshot);

/// <summary>The measured figures of <c>mmsafe view</c> on a folder of runs.</summary>
public sealed record ViewResult(int Items, int ImageBytesMean, int Runs, double ServerStartSeconds, IReadOnlyList<ViewPage> Pages,
    double SamplePageMedianMs, double SamplePageMaxMs, IReadOnlyList<double> SamplePageMs);

/// <summary>
/// <c>mmsafe view</c> (the Release build, as its own process) on a folder holding a full synthetic VLSBench run
/// (2,241 items, ~300 KB images) and smaller runs, measured in Debian's headless Chromium over the DevTools protocol:
/// the run list's and the VLSBench run page's weight and time to visible, cold (the server's first visit) and warm,
/// and a sample page's time, each from a fresh page load with the cache off. Screenshots go to <c>shots</c>.
/// </summary>
public static partial class ViewRun
{
    // Records, in the page, when the selector first matches: the moment the data is on screen.
    private const string ReadyProbe = """
        window.__mmsafeProbe = (selector) => {
          window.__mmsafeReady = undefined;
          window.__mmsafeMark = performance.now();
          const check = () => { if (window.__mmsafeReady === undefined && document.querySelector(selector)) window.__mmsafeReady = performance.now(); };
          check();
          new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
        };
        """;

    private const string Transfer = """
        (() => { const e = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
                 return [e.reduce((a, x) => a + (x.transferSize || 0), 0), e.length]; })()
        """;

    public sealed record Selectors(string RunList, string RunPage, string SamplePage, string Compare);

    public static async Task<ViewResult> RunAsync(int items, string workDir, string chromium, Selectors ready, string? shots, int samples)
    {
        var data = Path.Combine(workDir, "data");
        var folder = Path.Combine(workDir, "runs");
        long imageBytes = await ReportRun.BuildRunAsync(items, data, Path.Combine(folder, "vlsbench-full"), "mock");
        await ReportRun.BuildRunAsync(items, data, Path.Combine(folder, "vlsbench-cautious-300"), "mock/cautious", limit: 300);
        await ReportRun.BuildRunAsync(items, data, Path.Combine(folder, "vlsbench-mock-300"), "mock", limit: 300);

        var clock = Stopwatch.StartNew();
        using var server = Process.Start(MmsafeProcess.StartInfo(["view", folder, "--port", "0"]))!;
        try
        {
            var address = await AddressAsync(server);
            double started = clock.Elapsed.TotalSeconds;
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                Headless = true, ExecutablePath = chromium,
                Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
            });
            var pages = new List<ViewPage>();
            var list = await LoadAsync(browser, "run list (cold: the server's first visit)", address, ready.RunList, shots, "view-runs.png");
            pages.Add(list);
            pages.Add(await LoadAsync(browser, "run list (warm)", address, ready.RunList, null, null));
            var runUrl = await FirstLinkAsync(browser, address, ready.RunList, "vlsbench-full");
            pages.Add(await LoadAsync(browser, "VLSBench run page, 2,241 items", runUrl, ready.RunPage, shots, "view-run.png"));
            var sampleUrls = await SampleLinksAsync(browser, runUrl, ready.RunPage, samples);
            var sampleTimes = new List<double>();
            for (int i = 0; i < sampleUrls.Count; i++)
            {
                var page = await LoadAsync(browser, "sample page", sampleUrls[i], ready.SamplePage, i == 0 ? shots : null, i == 0 ? "view-sample.png" : null);
                if (i == 0) pages.Add(page);
                sampleTimes.Add(page.VisibleMs);
            }
            var compareUrl = await CompareUrlAsync(browser, address, ready.RunList);
            if (compareUrl is not null) pages.Add(await LoadAsync(browser, "compare (all three runs)", compareUrl, ready.Compare, shots, "view-compare.png"));
            sampleTimes.Sort();
            return new ViewResult(items, (int)(imageBytes / items), 3, started, pages,
                sampleTimes.Count == 0 ? double.NaN : sampleTimes[sampleTimes.Count / 2], sampleTimes.Count == 0 ? double.NaN : sampleTimes[^1], sampleTimes);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    public static async Task<string> AddressAsync(Process server)
    {
        var timeout = Task.Delay(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = server.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(line, timeout) == timeout) throw new TimeoutException("mmsafe view printed no address in 60 s");
            if (await line is not { } text) throw new InvalidOperationException($"mmsafe view ended: {await server.StandardError.ReadToEndAsync()}");
            if (Address().Match(text) is { Success: true } m) return m.Value;
        }
    }

    /// <summary>A fresh page, cache off, loads <paramref name="url"/>; done when <paramref name="selector"/> matches.</summary>
    private static async Task<ViewPage> LoadAsync(IBrowser browser, string name, string url, string selector, string? shots, string? shot)
    {
        await using var page = await NewPageAsync(browser);
        await page.EvaluateExpressionOnNewDocumentAsync($"{ReadyProbe}; window.__mmsafeProbe({System.Text.Json.JsonSerializer.Serialize(selector)});");
        await page.GoToAsync(url, WaitUntilNavigation.DOMContentLoaded);
        await page.WaitForFunctionAsync("() => window.__mmsafeReady !== undefined", new WaitForFunctionOptions { Timeout = 60_000 });
        double visible = await page.EvaluateExpressionAsync<double>("window.__mmsafeReady");
        var (bytes, requests) = await TransferAsync(page);
        await Task.Delay(1500); // what else the page fetches once shown (thumbnails scrolled into view, the live poll)
        var (settled, _) = await TransferAsync(page);
        string? path = null;
        if (shots is not null && shot is not null)
        {
            Directory.CreateDirectory(shots);
            path = Path.Combine(shots, shot);
            await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = false });
        }
        // Scrolled to the end: everything lazily loaded below the fold (the sample browser's thumbnails).
        await page.EvaluateExpressionAsync("window.scrollTo(0, document.body.scrollHeight)");
        await Task.Delay(1500);
        var (scrolled, _) = await TransferAsync(page);
        return new ViewPage(name, url, visible, bytes / 1024, settled / 1024, scrolled / 1024, requests, path);
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser)
    {
        var page = await browser.NewPageAsync();
        await page.SetCacheEnabledAsync(false);
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        return page;
    }

    private static async Task<(double Bytes, int Requests)> TransferAsync(IPage page)
    {
        var figures = await page.EvaluateExpressionAsync<double[]>(Transfer);
        return (figures[0], (int)figures[1]);
    }

    private static async Task<string> FirstLinkAsync(IBrowser browser, string url, string selector, string containing)
    {
        var links = await LinksAsync(browser, url, selector, "text");
        return links.FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal))?.Split('\n')[0]
            ?? throw new InvalidOperationException($"no link to a run named '{containing}' on {url}: {string.Join(", ", links.Take(10))}");
    }

    private static async Task<IReadOnlyList<string>> SampleLinksAsync(IBrowser browser, string runUrl, string selector, int count)
    {
        var links = await LinksAsync(browser, runUrl, selector);
        var samples = links.Where(l => l.Contains("/sample/", StringComparison.Ordinal)).Distinct().Take(count).ToList();
        if (samples.Count == 0) throw new InvalidOperationException($"no sample link on {runUrl}");
        return samples;
    }

    private static async Task<string?> CompareUrlAsync(IBrowser browser, string url, string selector) =>
        (await LinksAsync(browser, url, selector)).FirstOrDefault(l => l.Contains("compare", StringComparison.OrdinalIgnoreCase));

    private static async Task<string[]> LinksAsync(IBrowser browser, string url, string selector, string? withText = null)
    {
        await using var page = await NewPageAsync(browser);
        await page.GoToAsync(url, WaitUntilNavigation.DOMContentLoaded);
        await page.WaitForSelectorAsync(selector, new WaitForSelectorOptions { Timeout = 60_000 });
        return await page.EvaluateExpressionAsync<string[]>(withText is null
            ? "[...document.querySelectorAll('a[href]')].map(a => a.href)"
            : "[...document.querySelectorAll('a[href]')].map(a => a.href + '\\n' + a.textContent)");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Address();
}
