using System.Net;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs.Stores;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>The viewer's JSON API: what it returns, that it never writes a run, and that it follows a run as it changes.</summary>
public sealed class ViewApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<string> MockRunAsync(TempDir dir, string name, string condition = "official")
    {
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--condition", condition,
            "--out", dir.Full(name), "--cache", "off", "--json")).ExitCode);
        return dir.Full(name);
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    [Fact]
    public async Task The_run_list_has_every_field_and_runs_under_three_conditions_compare_with_their_gaps()
    {
        using var dir = new TempDir();
        foreach (var condition in new[] { "official", "text-only", "image-only" }) await MockRunAsync(dir, Path.Combine("runs", condition), condition);
        await using var view = await ViewHost.StartAsync(dir.Path);
        var runs = (await view.JsonAsync("api/runs"))["runs"]!.AsArray();
        Assert.Equal(3, runs.Count);
        var official = runs.Single(r => r!["condition"]!.GetValue<string>() == "official")!;
        Assert.Equal(Path.Combine("runs", "official"), official["path"]!.GetValue<string>());
        Assert.Equal("vlsbench", official["benchmark"]!.GetValue<string>());
        Assert.Equal("mock", official["model"]!.GetValue<string>());
        Assert.Equal(["mock"], official["judges"]!.AsArray().Select(j => j!.GetValue<string>()));
        Assert.Equal("safe", official["metric"]!.GetValue<string>());
        Assert.False(official["lower_is_better"]!.GetValue<bool>());
        Assert.True(official["rate"]!["low"]!.GetValue<double>() <= official["rate"]!["percent"]!.GetValue<double>());
        Assert.Equal(official["total"]!.GetValue<int>(), official["done"]!.GetValue<int>());
        Assert.False(official["in_progress"]!.GetValue<bool>());
        Assert.NotNull(official["started"]);
        Assert.NotNull(official["updated"]);

        var compare = await view.JsonAsync($"api/compare?runs={string.Join(",", runs.Select(r => r!["id"]!.GetValue<string>()))}");
        Assert.Equal(3, compare["leaderboard"]!.AsArray().Count);
        Assert.Equal(3, compare["mcnemar"]!.AsArray().Count);
        Assert.Contains(compare["gaps"]!.AsArray(), g => g!["category"]!.GetValue<string>() == "Overall");
    }

    [Fact]
    public async Task A_sample_comes_whole_with_hostile_text_as_JSON_strings_and_the_browser_filters_it()
    {
        using var dir = new TempDir();
        var run = await HostileRun.CreateAsync(dir);
        await using var view = await ViewHost.StartAsync(run);
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        var raw = await view.Http.GetStringAsync($"{view.Url}api/runs/{id}/samples/1", Token);
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", raw, StringComparison.OrdinalIgnoreCase);
        var sample = JsonNode.Parse(raw)!;
        Assert.Equal([HostileRun.Script, HostileRun.OnError, HostileRun.Textarea], sample["answers"]!.AsArray().Select(a => a!["text"]!.GetValue<string>()));
        Assert.Contains(sample["verdicts"]!.AsArray(), v => v!["raw"]!.GetValue<string>() == "[Safety Judgement:] True " + HostileRun.Script && v["reading"] is not null);
        Assert.Single(sample["images"]!.AsArray());
        Assert.Contains("imported", sample["requests"]![0]!["note"]!.GetValue<string>()); // ViewRequestsTests: the exact bodies of a run that sent them

        var page = await view.JsonAsync($"api/runs/{id}/samples?limit=2");
        Assert.Equal(6, page["total"]!.GetValue<int>());
        Assert.Equal(2, page["rows"]!.AsArray().Count);
        Assert.Contains("self-harm", page["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        var verdict = page["verdicts"]![0]!.GetValue<string>();
        var byVerdict = await view.JsonAsync($"api/runs/{id}/samples?verdict={Uri.EscapeDataString(verdict)}");
        Assert.All(byVerdict["rows"]!.AsArray(), r => Assert.Equal(verdict, r!["verdict"]!.GetValue<string>()));
        Assert.True(byVerdict["matched"]!.GetValue<int>() < 6);
        Assert.Equal(3, (await view.JsonAsync($"api/runs/{id}/samples?category={Uri.EscapeDataString("privacy violation <i>")}"))["matched"]!.GetValue<int>());
        Assert.Equal(1, (await view.JsonAsync($"api/runs/{id}/samples?q=onerror"))["matched"]!.GetValue<int>());
        Assert.Equal(0, (await view.JsonAsync($"api/runs/{id}/samples?outcome=failed"))["matched"]!.GetValue<int>());

        using var thumb = await view.SendAsync(HttpMethod.Get, $"api/runs/{id}/images/1/0?size=thumb");
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType!.MediaType);
        using var full = await view.SendAsync(HttpMethod.Get, $"api/runs/{id}/images/1/0?size=full");
        Assert.Equal("image/png", full.Content.Headers.ContentType!.MediaType);
        Assert.Equal(File.ReadAllBytes(dir.Full("siuo/images/S-1.png")), await full.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task The_app_never_puts_data_in_markup_and_has_no_inline_code()
    {
        using var dir = new TempDir();
        await using var view = await ViewHost.StartAsync(dir.Path);
        var script = await view.Http.GetStringAsync(view.Url + "app.js", Token);
        Assert.DoesNotContain("innerHTML", script);
        Assert.DoesNotContain("outerHTML", script);
        Assert.DoesNotContain("insertAdjacentHTML", script);
        Assert.DoesNotContain("document.write", script);
        var shell = await view.Http.GetStringAsync(view.Url, Token);
        Assert.Contains("<script src=\"/app.js\" defer></script>", shell);
        Assert.DoesNotMatch(@"<script>|<style|\sstyle=|\son[a-z]+=", shell);
    }

    [Fact]
    public async Task Serving_every_endpoint_writes_nothing_in_the_run_directories()
    {
        using var dir = new TempDir();
        var done = await MockRunAsync(dir, "done");
        var partial = await MockRunAsync(dir, "partial");
        using (var store = SqliteRunStore.Open(partial))
        {
            var samples = store.Samples();
            store.SaveSamples([.. samples, samples[0] with { Id = "not-asked-yet" }]); // an item with no answer: the run is in progress
        }
        var before = Snapshot(dir.Path);
        await using (var view = await ViewHost.StartAsync(dir.Path))
        {
            var runs = (await view.JsonAsync("api/runs"))["runs"]!.AsArray();
            Assert.Contains(runs, r => r!["in_progress"]!.GetValue<bool>());
            foreach (var id in runs.Select(r => r!["id"]!.GetValue<string>()))
            {
                await view.JsonAsync($"api/runs/{id}");
                var rows = (await view.JsonAsync($"api/runs/{id}/samples?disagree=1&q=a"))["rows"]!.AsArray();
                await view.JsonAsync($"api/runs/{id}/samples");
                await view.JsonAsync($"api/runs/{id}/samples/0");
                foreach (var size in new[] { "thumb", "full" })
                    using (var image = await view.SendAsync(HttpMethod.Get, $"api/runs/{id}/images/0/0?size={size}"))
                        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            }
            await view.JsonAsync($"api/compare?runs={string.Join(",", runs.Select(r => r!["id"]!.GetValue<string>()))}");
            await view.JsonAsync("api/changes");
        }
        var after = Snapshot(dir.Path);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} changed");
    }

    [Fact]
    public async Task A_result_stored_while_the_viewer_runs_is_reported_as_a_change_and_served()
    {
        using var dir = new TempDir();
        var run = await MockRunAsync(dir, "run");
        await using var view = await ViewHost.StartAsync(dir.Path);
        var list = await view.JsonAsync("api/runs");
        var id = list["runs"]![0]!["id"]!.GetValue<string>();
        Assert.DoesNotContain((await view.JsonAsync($"api/runs/{id}/samples/0"))["verdicts"]!.AsArray(), v => v!["aspect"]!.GetValue<string>() == "second look");

        var waiting = view.JsonAsync($"api/changes?since={list["version"]}");
        await Task.Delay(300, Token);
        Assert.False(waiting.IsCompleted, "nothing changed yet");
        using (var store = SqliteRunStore.Open(run))
            await store.SaveAsync(new StoredVerdict("mock", "0", 0, "second look", "test", CompletionKind.Completed, "<b>late</b> reply", null, null, null, 0, false,
                DateTimeOffset.UtcNow), Token);
        var changes = await waiting;
        Assert.Equal([id], changes["changed"]!.AsArray().Select(c => c!.GetValue<string>()));
        var verdicts = (await view.JsonAsync($"api/runs/{id}/samples/0"))["verdicts"]!.AsArray();
        Assert.Contains(verdicts, v => v!["aspect"]!.GetValue<string>() == "second look" && v["raw"]!.GetValue<string>() == "<b>late</b> reply");
    }
}
