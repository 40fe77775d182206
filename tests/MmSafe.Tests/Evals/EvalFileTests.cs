using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

public sealed class EvalFileTests
{
    private static string Write(TempDir dir, FakeModelServer server, string data, string more = "")
    {
        dir.File("models.yaml", $"models:\n  t:\n    model: target-model\n    base_url: {server.BaseUrl}\n    concurrency: 1\n  j:\n    model: judge-model\n    base_url: {server.BaseUrl}\n    concurrency: 1\n");
        return dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [t]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [j]\ncache: off\n{more}");
    }

    [Fact]
    public async Task A_budget_stops_the_whole_evaluation_and_a_larger_one_continues_it_without_repeats()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 10);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        // Each request costs 18 tokens at the fake server; 20 requests are needed.
        var stopped = await Support.Cli.RunAsync("eval", Write(dir, server, data, "budget: 100tokens\n"));
        Assert.Equal(3, stopped.ExitCode);
        Assert.Contains("the budget is spent", stopped.Error);
        // Target and judge share the endpoint's one slot: the 6th request spends 108 tokens, and the requests waiting
        // for the slot are then not sent at all.
        Assert.Equal(6, server.Count);
        var resumed = await Support.Cli.RunAsync("eval", Write(dir, server, data, "budget: 100000tokens\n"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(20, server.Count);
        Assert.Equal(20, server.Received.Select(r => FakeModelServer.Fingerprint(r.Body)).Distinct().Count());
    }

    [Fact]
    public async Task The_dry_run_plans_every_cell_and_the_total_without_sending_anything()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 10);
        await using var server = await FakeModelServer.StartAsync();
        var file = Write(dir, server, data, "conditions: [official, text-only]\n");
        var plan = await Support.Cli.RunAsync("eval", file, "--dry-run");
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal(0, server.Count);
        Assert.Contains("vlsbench · t · text-only", plan.Output);
        var total = plan.Output.Split('\n').Single(l => l.Contains("Total", StringComparison.Ordinal));
        Assert.Equal(["20", "20", "20"], total.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1..4]);
        Assert.False(Directory.Exists(dir.Full("out")));
    }

    [Fact]
    public async Task The_dry_run_warns_of_a_reasoning_model_on_the_protocols_budget_as_run_does()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        dir.File("models.yaml", $"models:\n  t:\n    model: gpt-5-mini\n    base_url: {server.BaseUrl}\n  j:\n    model: judge-model\n    base_url: {server.BaseUrl}\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [t]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [j]\ncache: off\nconditions: [official, text-only]\n");
        var plan = await Support.Cli.RunAsync("eval", file, "--dry-run");
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal(0, server.Count);
        // Once for the model, not once per cell.
        var warning = Assert.Single(plan.Error.Split('\n'), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("target t (gpt-5-mini) may reason", warning);
        Assert.Contains("--reasoning-allowance N", warning);
    }

    [Fact]
    public async Task A_cell_whose_endpoint_is_dead_names_the_model_the_endpoint_and_the_last_error()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        // A port that was just free: nothing listens there, so every connection is refused.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        dir.File("models.yaml", $"models:\n  dead:\n    model: dead-model\n    base_url: http://127.0.0.1:{port}/v1\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [dead, mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.Equal(3, result.ExitCode);
        var lines = result.Error.Split('\n');
        string named = $"target dead at http://127.0.0.1:{port}/v1: 2 failed, the last: connection failed: ";
        // The line per finished cell (no terminal here) and the error at the end both say it.
        Assert.Single(lines, l => l.StartsWith("[", StringComparison.Ordinal) && l.Contains("vlsbench · dead:", StringComparison.Ordinal) && l.Contains(named, StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("error: vlsbench · dead is incomplete:", StringComparison.Ordinal) && l.Contains(named, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("vlsbench · mock", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_with_a_rejected_key_fails_its_own_cells_and_the_others_finish()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        await using var locked = await FakeModelServer.StartAsync();
        locked.Default = FakeReply.Status(401, "{\"error\":{\"message\":\"bad key\"}}");
        dir.File("models.yaml", $"models:\n  good:\n    model: target-model\n    base_url: {server.BaseUrl}\n  bad:\n    model: other-model\n    base_url: {locked.BaseUrl}\n" +
            $"  j:\n    model: judge-model\n    base_url: {server.BaseUrl}\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [bad, good]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [j]\ncache: off\nparallel: 1\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: vlsbench · bad: ", result.Error);
        Assert.Contains("401 Unauthorized", result.Error);
        Assert.Contains("1 of 2 cells could not run", result.Error);
        Assert.Contains("| vlsbench | good | official | j | safe |", File.ReadAllText(dir.Full("out/leaderboard.md")));
        Assert.Equal(8, server.Count); // the good cell ran to the end
    }

    [Fact]
    public async Task A_judge_that_rejects_structured_output_is_recorded_in_every_cell_it_judged_without_it()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => body?["response_format"] is not null
            ? FakeReply.Status(400, "{\"error\":{\"message\":\"response_format is not supported by this server\"}}")
            : RunFixture.Answer(body);
        dir.File("models.yaml", $"models:\n  a:\n    model: target-a\n    base_url: {server.BaseUrl}\n  b:\n    model: target-b\n    base_url: {server.BaseUrl}\n" +
            $"  j:\n    model: judge-model\n    base_url: {server.BaseUrl}\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [a, b]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [j]\ncache: off\nparallel: 1\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.True(result.ExitCode == 0, result.Error);
        // The shared judge client fell back during the first cell (3 verdicts at most carried the format); the second cell
        // never sent it, and must say so as well.
        Assert.InRange(server.Received.Count(r => r.Body?["response_format"] is not null), 1, 3);
        foreach (var cell in new[] { "out/vlsbench/a/official", "out/vlsbench/b/official" })
        {
            var score = await Support.Cli.RunAsync("score", dir.Full(cell), "--json");
            Assert.Contains("without structured output", score.Output);
        }
    }
}
