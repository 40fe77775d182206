using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>
/// The sample page of <c>mmsafe view</c> shows the exact requests the sample sent: every body a loopback server received
/// during a real run is on the page (image data normalised), with its URL and images described; an imported run,
/// which sent nothing, says so instead of showing a guess.
/// </summary>
public sealed class ViewRequestsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Normalise(JsonNode body)
    {
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                if (o["image_url"] is JsonObject url) url["url"] = "<image>";
                foreach (var (_, child) in o.ToList()) Walk(child);
            }
            else if (node is JsonArray a) foreach (var child in a) Walk(child);
        }
        var copy = body.DeepClone();
        Walk(copy);
        return copy.ToJsonString();
    }

    [Fact]
    public async Task The_sample_page_carries_every_body_the_run_sent()
    {
        using var dir = new TempDir();
        dir.Json("vls/data.json", new[] { Fixtures.VlsBench(0) });
        dir.File("vls/imgs/0.png", MmSafe.Images.TinyPng.Solid(2, 2, 200, 30, 30));
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => body?.ToJsonString().Contains("red-teaming", StringComparison.Ordinal) == true
            ? FakeReply.Ok("""{"label": 2, "label_str": "Safe with warning", "explanation": "x"}""") : FakeReply.Ok("An answer.");
        var models = dir.File("models.yaml", $"models:\n  t:\n    model: target-vlm\n    base_url: {server.BaseUrl}\n  j:\n    model: judge-vlm\n    base_url: {server.BaseUrl}\n");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", dir.Full("vls"), "--models-file", models, "--model", "t", "--judge", "j",
            "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(0, run.ExitCode);
        var sent = server.Received.Select(r => Normalise(r.Body!)).Order().ToList();
        Assert.Equal(2, sent.Count);

        await using var view = await ViewHost.StartAsync(dir.Full("run"));
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        var sample = await view.JsonAsync($"api/runs/{id}/samples/0");
        var requests = sample["requests"]!.AsArray();
        Assert.Equal(sent, requests.Select(r => Normalise(JsonNode.Parse(r!["body"]!.GetValue<string>())!)).Order());
        Assert.Equal(["judge", "target"], requests.Select(r => r!["role"]!.GetValue<string>()).Order());
        Assert.All(requests, r => Assert.Equal(server.BaseUrl.ToString().TrimEnd('/') + "/chat/completions", r!["url"]!.GetValue<string>()));
        var image = requests[0]!["images"]![0]!;
        Assert.Equal("image/png", image["media_type"]!.GetValue<string>());
        Assert.Contains("<image 1: image/png,", requests[0]!["body"]!.GetValue<string>());
        using var full = await view.SendAsync(HttpMethod.Get, image["url"]!.GetValue<string>().TrimStart('/') + "?size=full");
        Assert.Equal(File.ReadAllBytes(dir.Full("vls/imgs/0.png")), await full.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task An_imported_run_says_it_sent_nothing()
    {
        using var dir = new TempDir();
        var run = await HostileRun.CreateAsync(dir);
        await using var view = await ViewHost.StartAsync(run);
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        var request = (await view.JsonAsync($"api/runs/{id}/samples/1"))["requests"]!.AsArray().Single()!;
        Assert.Equal("", request["body"]!.GetValue<string>());
        Assert.Contains("imported", request["note"]!.GetValue<string>());
    }
}
