using MmSafe.Benchmarks;
using System.Collections.Concurrent;
using System.Diagnostics;
using MmSafe.Runs;
using MmSafe.Tests.Support;
using Npgsql;

namespace MmSafe.Tests.Runs;

/// <summary>
/// One run in a real PostgreSQL server, worked on by several <c>mmsafe</c> processes at once, as a Kubernetes Indexed
/// Job or a Slurm array would: each request is paid once, both workers do part of the work, and a worker killed
/// mid-run loses nothing, its samples taken over by the other when its leases run out.
/// </summary>
public sealed class SharedStoreTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const int Items = 40;

    private static string[] Args(string data, Uri server, string output) =>
        ["run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", server.ToString(), "--concurrency", "2",
         "--judge", "judge-model", "--judge-base-url", server.ToString(), "--judge-concurrency", "2", "--out", output, "--cache", "off", "--json"];

    private static async Task<string> ReferenceScoresAsync(TempDir dir, string data)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var result = await Support.Cli.RunAsync(Args(data, server.BaseUrl, dir.Full("reference")));
        Assert.Equal(0, result.ExitCode);
        return result.Scores();
    }

    /// <summary>A new database, a dataset, its scores from an embedded run, and a server that answers as the reference did, 40 ms a request.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        public required PostgresServer Postgres { get; init; }
        public required string Database { get; init; }
        public required TempDir Dir { get; init; }
        public required string Data { get; init; }
        public required string Expected { get; init; }
        public required FakeModelServer Server { get; init; }

        public static async Task<Fixture> StartAsync()
        {
            var postgres = await PostgresServer.GetAsync();
            var database = await postgres.CreateDatabaseAsync();
            var dir = new TempDir();
            var data = RunFixture.WriteVlsBench(dir, Items);
            var expected = await ReferenceScoresAsync(dir, data);
            var server = await FakeModelServer.StartAsync();
            server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(40));
            return new Fixture { Postgres = postgres, Database = database, Dir = dir, Data = data, Expected = expected, Server = server };
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Dir.Dispose();
        }
    }

    [Fact]
    public async Task Two_workers_on_one_run_share_the_samples_and_pay_for_each_request_once()
    {
        await using var f = await Fixture.StartAsync();
        var (postgres, database, data, expected, server) = (f.Postgres, f.Database, f.Data, f.Expected, f.Server);
        var location = $"{database}/vlsbench-shared";
        var workers = await Task.WhenAll(CliProcess.RunAsync(Args(data, server.BaseUrl, location)), CliProcess.RunAsync(Args(data, server.BaseUrl, location)));
        Assert.All(workers, w => Assert.True(w.ExitCode == 0, w.Error));

        var completed = server.Completed.ToList();
        Assert.Equal(2 * Items, completed.Count); // one answer and one verdict per item, across both workers
        Assert.Equal(2 * Items, completed.Select(c => c.Fingerprint).Distinct().Count());
        Assert.Equal(2, await WorkersAsync(postgres, database)); // both took part
        var scored = await Support.Cli.RunAsync("score", location, "--json");
        Assert.Equal(expected, scored.Scores());
    }

    [Fact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_the_other_takes_over_its_samples()
    {
        await using var f = await Fixture.StartAsync();
        var (postgres, database, data, expected, server) = (f.Postgres, f.Database, f.Data, f.Expected, f.Server);
        var location = $"{database}/vlsbench-killed?lease_seconds=2";
        var errors = new ConcurrentQueue<string>();
        using var doomed = CliProcess.Start(Args(data, server.BaseUrl, location), errors);
        var survivor = CliProcess.RunAsync(Args(data, server.BaseUrl, location));
        while (server.Completed.Count < 20 && !doomed.HasExited) await Task.Delay(5, Token);
        Assert.False(doomed.HasExited, $"the first worker ended before it could be killed: {string.Join(" | ", errors)}");
        doomed.Kill(entireProcessTree: true); // SIGKILL: its leases are left to run out
        var killedAt = DateTime.UtcNow;
        var result = await survivor;
        Assert.True(result.ExitCode == 0, result.Error);

        var scored = await Support.Cli.RunAsync("score", location, "--json");
        Assert.Equal(expected, scored.Scores());
        var completed = server.Completed.ToList();
        Assert.Equal(2 * Items, completed.Select(c => c.Fingerprint).Distinct().Count());
        // Asked twice only what the dead worker had asked for and not yet stored (at most its 2 target and 2 judge slots):
        // once by it before it died, once by the survivor after its leases ran out. Counts and order only, no time bounds
        // (under CPU load the dead worker may have held a received answer for a while before the kill); but two askings
        // both before the kill would be two live workers on one sample (a lapsed lease, now fenced).
        var repeats = completed.GroupBy(c => c.Fingerprint).Where(g => g.Count() > 1).ToList();
        Assert.InRange(repeats.Count, 0, 4);
        Assert.All(repeats, r => Assert.True(r.Count() == 2 && r.Max(c => c.At) > killedAt,
            $"asked {r.Count()} times at {string.Join(", ", r.Select(c => (c.At - killedAt).TotalMilliseconds.ToString("F0") + " ms"))} from the kill"));

        // Nothing left to do: resuming asks nothing.
        int before = server.Count;
        var resumed = await Support.Cli.RunAsync("run", "--resume", location, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(before, server.Count);
    }

    [Fact]
    public async Task A_worker_slower_than_its_lease_keeps_it_by_renewing_so_nothing_is_asked_twice()
    {
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        // Each request outlasts the lease: without renewal the other worker would take the sample and ask again.
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(1600));
        var location = $"{database}/slow?lease_seconds=1";
        var workers = await Task.WhenAll(CliProcess.RunAsync(Args(data, server.BaseUrl, location)), CliProcess.RunAsync(Args(data, server.BaseUrl, location)));
        Assert.All(workers, w => Assert.True(w.ExitCode == 0, w.Error));
        var completed = server.Completed.ToList();
        Assert.Equal(8, completed.Count);
        Assert.Equal(8, completed.Select(c => c.Fingerprint).Distinct().Count());
    }

    [Fact]
    public async Task The_store_keeps_everything_the_embedded_one_does()
    {
        var postgres = await PostgresServer.GetAsync();
        var location = $"{await postgres.CreateDatabaseAsync()}/round-trip";
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        var sqlite = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("embedded"), "--json", "--cache", "off");
        var server = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", location, "--json", "--cache", "off");
        Assert.Equal(sqlite.Scores(), server.Scores());
        RunContents a, b;
        using (var store = RunStores.OpenRead(dir.Full("embedded"))) a = store.Read();
        using (var store = RunStores.OpenRead(location)) b = store.Read();
        Assert.Equal(a.Samples.Select(s => (s.Id, s.Category, s.Images[0].FullPath, s.Fields.Count)), b.Samples.Select(s => (s.Id, s.Category, s.Images[0].FullPath, s.Fields.Count)));
        Assert.Equal(a.Answers.Select(x => (x.SampleId, x.Sample, x.Identity, x.Text, x.Kind)), b.Answers.Select(x => (x.SampleId, x.Sample, x.Identity, x.Text, x.Kind)));
        Assert.Equal(a.Verdicts.Select(x => (x.Judge, x.SampleId, x.Raw)), b.Verdicts.Select(x => (x.Judge, x.SampleId, x.Raw)));
        Assert.Equal(a.Spec.DatasetSha256, b.Spec.DatasetSha256);
        var changed = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", location, "--limit", "2", "--cache", "off");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("holds a run made with other settings", changed.Error);
    }

    [Fact]
    public async Task Two_eval_processes_with_one_file_share_its_cells_in_the_database()
    {
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 20);
        await using var server = await FakeModelServer.StartAsync();
        // The answer says whether the image was sent, so the two cells' judge requests differ too.
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(30)) is FakeReply.Delayed { Then: FakeReply.Answer a } d && !a.Content.StartsWith('{')
            ? d with { Then = a with { Content = a.Content + (body!.ToJsonString().Contains("image_url", StringComparison.Ordinal) ? " seeing" : " blind") } }
            : RunFixture.Answer(body, TimeSpan.FromMilliseconds(30));
        dir.File("models.yaml", $"models:\n  t:\n    model: target-model\n    base_url: {server.BaseUrl}\n    concurrency: 2\n  j:\n    model: judge-model\n    base_url: {server.BaseUrl}\n    concurrency: 2\n");
        var file = dir.File("eval.yaml", $"out: {database}/evaluation\nresults: results\nmodels_file: models.yaml\nmodels: [t]\nbenchmarks: [vlsbench]\n" +
            $"data: {{ vlsbench: {data} }}\njudges: [j]\nconditions: [official, text-only]\ncache: off\n");
        var workers = await Task.WhenAll(CliProcess.RunAsync("eval", file), CliProcess.RunAsync("eval", file));
        Assert.All(workers, w => Assert.True(w.ExitCode == 0, w.Error));
        var completed = server.Completed.ToList();
        Assert.Equal(2 * 2 * 20, completed.Count); // 2 cells × 20 items × (answer + verdict), each once
        Assert.Equal(completed.Count, completed.Select(c => c.Fingerprint).Distinct().Count());
        Assert.Contains("| vlsbench | t | text-only | j |", File.ReadAllText(dir.Full("results/leaderboard.md")));
    }

    [Fact]
    public async Task Shards_made_where_there_is_no_server_merge_into_the_shared_store()
    {
        var postgres = await PostgresServer.GetAsync();
        var location = $"{await postgres.CreateDatabaseAsync()}/merged";
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 6);
        string[] Mock(string output, params string[] more) => ["run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", output, "--cache", "off", "--json", .. more];
        var whole = await Support.Cli.RunAsync(Mock(dir.Full("whole")));
        foreach (var k in new[] { 1, 2 }) Assert.Equal(0, (await Support.Cli.RunAsync(Mock(dir.Full($"shard{k}"), "--shard", $"{k}/2"))).ExitCode);
        var merge = await Support.Cli.RunAsync("merge", location, dir.Full("shard1"), dir.Full("shard2"));
        Assert.True(merge.ExitCode == 0, merge.Error);
        Assert.Equal(whole.Scores(), (await Support.Cli.RunAsync("score", location, "--json")).Scores());
        var again = await Support.Cli.RunAsync("merge", location, dir.Full("shard1"), dir.Full("shard2"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("a run already exists here", again.Error);
    }

    [Fact]
    public async Task A_store_that_goes_away_mid_run_stops_it_with_a_clear_error_and_keeps_what_was_stored()
    {
        await using var f = await Fixture.StartAsync();
        var location = $"{f.Database}/vanishing";
        var run = Support.Cli.RunAsync(Args(f.Data, f.Server.BaseUrl, location));
        while (f.Server.Completed.Count < 10) await Task.Delay(5, Token);
        // The database is dropped under the worker (its connections terminated): no retry can bring it back.
        await using (var connection = new NpgsqlConnection(f.Postgres.ConnectionString("postgres")))
        {
            await connection.OpenAsync(Token);
            await using var drop = new NpgsqlCommand($"DROP DATABASE {f.Database.Split('/')[^1]} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(Token);
        }
        var result = await run;
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("the PostgreSQL store failed", result.Error);
        Assert.Contains("the same command continues the run", result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
    }

    private static async Task<long> WorkersAsync(PostgresServer postgres, string database)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database.Split('/')[^1]));
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT COUNT(DISTINCT worked_by) FROM mmsafe_leases", connection);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }
}

/// <summary>A worker that lost a sample's lease (another worker took it after it ran out) neither asks nor stores for it.</summary>
public sealed class LeaseFenceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_whose_lease_was_taken_neither_asks_nor_stores_for_that_sample()
    {
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var benchmark = MmSafe.Benchmarks.BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(data);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var mock = MmSafe.Models.ModelSpec.Adhoc("mock");
        using var store = PostgresRunStore.Open($"{database}/fenced?lease_seconds=1");
        store.WriteSpec(RunSpecs.Create(benchmark, dataset, selection, 1, mock, null, mock, null));
        store.SaveSamples(samples);
        var claimed = await store.ClaimAsync(["0", "1"], 2, Token);
        Assert.Equal(["0", "1"], claimed.Order());
        Assert.True(store.Holds("0") && store.Holds("1"));
        // Another worker takes sample 0 (as after this one was starved past its lease); the next renewal finds it gone.
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString(database.Split('/')[^1])))
        {
            await connection.OpenAsync(Token);
            await using var steal = new NpgsqlCommand("UPDATE mmsafe_leases SET holder = 'thief', expires_at = now() + interval '1 hour' WHERE sample_id = '0'", connection);
            Assert.Equal(1, await steal.ExecuteNonQueryAsync(Token));
        }
        for (int i = 0; i < 100 && store.Holds("0"); i++) await Task.Delay(20, Token);
        Assert.False(store.Holds("0"));
        Assert.True(store.Holds("1")); // renewed
        var answer = new StoredAnswer("0", 0, "id", MmSafe.Models.CompletionKind.Completed, "late answer", null, "stop", null, 1, 1, 1, false, DateTimeOffset.UtcNow);
        await store.SaveAsync(answer, Token);
        await store.SaveAsync(answer with { SampleId = "1" }, Token);
        Assert.Equal(["1"], store.Answers().Select(a => a.SampleId)); // the lost sample's late answer is not stored
    }
}
