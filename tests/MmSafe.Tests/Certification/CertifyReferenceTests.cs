using System.Text.Json;
using MmSafe.Reports.Certification;
using MmSafe.Runs.Stores;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Certification;

/// <summary>Human labels as the reference, and a certificate stored with a PostgreSQL run like with a SQLite one.</summary>
public sealed class CertifyReferenceTests
{
    [Fact]
    public async Task Human_labels_are_a_reference_and_only_the_labelled_items_count()
    {
        using var dir = new TempDir();
        var data = CertifyFixture.Write(dir, perCategory: 10);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = CertifyFixture.Reply;
        var run = await CertifyFixture.RunAsync(dir, data, server, "ref", "agree");
        var export = await Support.Cli.RunAsync("labels", "export", run, "--count", "20", "--out", dir.Full("sheet.csv"));
        Assert.True(export.ExitCode == 0, export.Error);
        // The human labels as "ref" judges, so "agree" differs from them exactly on its flips 1 and 2 where they were sampled.
        var lines = File.ReadAllLines(dir.Full("sheet.csv"));
        var ids = lines.Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToList();
        File.WriteAllLines(dir.Full("filled.csv"), lines.Take(1).Concat(lines.Skip(1).Select(l => l.TrimEnd(',') + "," + (int.Parse(l.Split(',')[0]) % 2 == 0 ? "safe" : "unsafe"))));
        Assert.Equal(0, (await Support.Cli.RunAsync("labels", "import", run, dir.Full("filled.csv"))).ExitCode);

        var result = await Support.Cli.RunAsync("judge", "certify", run, "--candidate", "agree", "--reference", "human", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        var c = JsonDocument.Parse(result.Output).RootElement;
        var flips = new[] { 1, 2 }.Where(ids.Contains).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(20, c.GetProperty("overall").GetProperty("items").GetInt32());
        Assert.Equal(flips, c.GetProperty("flips").EnumerateArray().Select(f => f.GetProperty("item_id").GetString()));
        Assert.Equal("human", c.GetProperty("reference").GetString());

        var exact = await Support.Cli.RunAsync("judge", "certify", run, "--candidate", "ref", "--reference", "human", "--format", "json");
        var e = JsonDocument.Parse(exact.Output).RootElement.GetProperty("overall");
        Assert.Equal((100.0, 1.0, 0.0), (e.GetProperty("agreement_percent").GetDouble(), e.GetProperty("kappa").GetDouble(), e.GetProperty("shift").GetDouble()));
    }

    [Fact]
    public async Task A_certificate_is_stored_with_a_PostgreSQL_run_and_certifying_again_adds_another()
    {
        var postgres = await PostgresServer.GetAsync();
        var location = $"{await postgres.CreateDatabaseAsync()}/team/panel";
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--judge", "mock/cautious",
            "--out", location, "--cache", "off", "--json")).ExitCode);
        for (int i = 0; i < 2; i++)
        {
            var result = await Support.Cli.RunAsync("judge", "certify", location, "--candidate", "mock/cautious", "--reference", "mock");
            Assert.True(result.ExitCode == 0, result.Error);
        }
        using var store = RunStores.OpenRead(location);
        var stored = CertificateStore.Read(store.Read());
        Assert.Equal(2, stored.Count);
        Assert.All(stored, c => Assert.Equal(("mock/cautious", "mock", 6), (c.Candidate, c.Reference, c.Overall.Items)));
    }
}
