using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Evals;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>
/// The evaluation as a library type, driven against loopback endpoints: cells run in parallel, each returns how it
/// stopped (with the model and message), a refusal is recorded in its own run only, and the leaderboard holds every cell.
/// </summary>
public sealed class EvaluationTests
{
    private const string Refusal = """{"error":{"message":"Unsupported parameter: 'temperature' is not supported with this model.","type":"invalid_request_error","param":"temperature","code":"unsupported_parameter"}}""";

    private static EvaluationCell Cell(TempDir dir, string data, ModelSpec target, ModelSpec judge)
    {
        var bench = BenchmarkRegistry.Get("vlsbench");
        var dataset = bench.Load(data);
        var (selection, selected) = SampleSelection.Apply(dataset, null, null, null);
        var spec = RunSpecs.Create(bench, dataset, selection, bench.Protocol.Samples, target, null, [judge], null);
        return new EvaluationCell($"vlsbench · {target.Name}", dir.Full(target.Name)) { Spec = spec, Samples = selected };
    }

    [Fact]
    public async Task Cells_run_in_parallel_and_each_says_how_it_stopped()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var good = await FakeModelServer.StartAsync();
        await using var refusing = await FakeModelServer.StartAsync();
        good.Responder = body => RunFixture.Answer(body);
        refusing.Default = FakeReply.Status(400, Refusal);
        var judge = ModelSpec.Adhoc("judge-model", good.BaseUrl);
        var request = new EvaluationRequest([Cell(dir, data, ModelSpec.Adhoc("plain", good.BaseUrl), judge), Cell(dir, data, ModelSpec.Adhoc("strict", refusing.BaseUrl), judge)])
        {
            Cache = "off",
            Parallel = 2,
        };

        using var evaluation = await Evaluation.OpenAsync(request, new ModelClientFactory(environment: _ => "test-key"), TestContext.Current.CancellationToken);
        var finished = new System.Collections.Concurrent.ConcurrentBag<int>();
        var result = await evaluation.RunAsync(_ => NoProgress.Instance, (i, _) => finished.Add(i), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([0, 1], finished.Order());
        Assert.Equal(CellStop.Complete, result.Cells[0].Stop);
        Assert.True(result.Cells[0].ReadCompleteness().IsComplete);
        Assert.Equal(CellStop.ParameterRefused, result.Cells[1].Stop);
        Assert.Equal("strict", result.Cells[1].Model);
        Assert.Contains("temperature", result.Cells[1].Error!.Message);
        // The refusal is recorded in its own run, so that score points at the fix; the other run holds no such event.
        Assert.Contains(result.Cells[1].Read().Events, e => e.Kind == RunEvents.ParameterRefused && e.Detail.Contains("temperature"));
        Assert.DoesNotContain(result.Cells[0].Read().Events, e => e.Kind == RunEvents.ParameterRefused);
        var (leaderboard, runs) = result.Leaderboard(Path.GetFileName);
        Assert.Equal(["plain", "strict"], runs.Select(r => r.Directory));
        Assert.NotNull(leaderboard);
    }

    [Fact]
    public async Task A_dollar_budget_without_a_price_for_every_model_is_refused_before_a_cell_is_asked()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var judge = ModelSpec.Adhoc("judge-model", server.BaseUrl);
        var request = new EvaluationRequest([Cell(dir, data, ModelSpec.Adhoc("plain", server.BaseUrl), judge)])
        {
            Cache = "off",
            Budget = BudgetLimit.Parse("5"),
            Prices = new Dictionary<string, Price> { ["plain"] = new(1, 2) },
            PricesSource = "prices.yaml",
        };

        var refused = await Assert.ThrowsAsync<InputException>(() => Evaluation.OpenAsync(request, new ModelClientFactory(environment: _ => "test-key"), TestContext.Current.CancellationToken));

        Assert.Equal("--budget in dollars needs a price for every model of the run: prices.yaml has no price for 'judge-model' (add 'judge-model: { input: USD, output: USD }', " +
            "per million tokens); or give the budget in tokens, e.g. 200000tokens.", refused.Message);
        Assert.Empty(server.Completed);
    }
}
