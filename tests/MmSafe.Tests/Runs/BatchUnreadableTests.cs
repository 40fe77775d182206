using System.Collections.Concurrent;
using MmSafe.Runs.Stores;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// A batch whose results cannot be read (a line that is not JSON, a file that is a JSON string) or that the provider
/// no longer knows (404 on resume): its requests are asked again one at a time and the run ends with the same
/// scores, never waiting on a batch that will not answer.
/// </summary>
public sealed class BatchUnreadableTests
{
    private const int Items = 12;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unreadable_lines_of_a_batch_output_are_asked_again_one_at_a_time()
    {
        await using var f = await BatchTests.Fixture.StartAsync();
        // In each batch's output, one line is not JSON and one is a JSON string.
        f.Batches.OutputFile = text =>
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            (lines[3], lines[5]) = ("not json {", "\"a json string\"");
            return string.Join('\n', lines) + "\n";
        };
        var result = await Support.Cli.RunAsync(BatchTests.Args(f.Data, f.Batches.BaseUrl, f.Batches.BaseUrl, f.Dir.Full("lines"), "all"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(f.Expected, result.Scores());
        Assert.Equal(4, f.Batches.Synchronous.Count); // two of the target's batch, two of the judge's
    }

    [Fact]
    public async Task A_batch_output_that_is_one_json_string_is_asked_again_one_at_a_time()
    {
        await using var f = await BatchTests.Fixture.StartAsync();
        f.Batches.OutputFile = _ => "\"oops\"";
        var result = await Support.Cli.RunAsync(BatchTests.Args(f.Data, f.Batches.BaseUrl, f.Batches.BaseUrl, f.Dir.Full("string"), "judge"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(f.Expected, result.Scores());
        Assert.Equal(2 * Items, f.Batches.Synchronous.Count); // the target one at a time (--batch judge), then every verdict
    }

    [Fact]
    public async Task A_resumed_batch_the_provider_no_longer_knows_is_asked_again_one_at_a_time()
    {
        await using var f = await BatchTests.Fixture.StartAsync();
        var (dir, batches) = (f.Dir, f.Batches);
        batches.Hold = true;
        var errors = new ConcurrentQueue<string>();
        using (var process = CliProcess.Start(BatchTests.Args(f.Data, batches.BaseUrl, batches.BaseUrl, dir.Full("forgotten"), "all"), errors))
        {
            while (batches.Created.IsEmpty && !process.HasExited) await Task.Delay(10, Token);
            await Task.Delay(300, Token); // polling the held batch
            Assert.False(process.HasExited, $"the run ended before it could be killed: {string.Join(" | ", errors)}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Token);
        }
        batches.Forget(); // the recorded batch id now gets a 404
        batches.Hold = false;

        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("forgotten"), "--batch-poll", "0.05", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(f.Expected, resumed.Scores());
        Assert.Equal(Items, batches.Synchronous.Count); // the target's requests, one at a time; the judge's in a new batch
        Assert.Equal([Items, Items], batches.Created.Select(c => c.Requests));
        using var store = RunStores.OpenRead(dir.Full("forgotten"));
        Assert.Contains(store.Events(), e => e.Detail.Contains("no longer knows this batch (404)", StringComparison.Ordinal));
    }
}
