using MmSafe.Tests.Support;

namespace MmSafe.Tests.Certification;

/// <summary>A stored certificate is shown by <c>mmsafe report</c> (an HTML section, escaped) and by <c>mmsafe view</c> (the run API's <c>certificates</c>).</summary>
public sealed class CertificateDisplayTests
{
    private const string Hostile = "<script>alert(1)</script>";

    [Fact]
    public async Task The_report_and_the_view_show_each_certificate_with_hostile_names_escaped()
    {
        using var dir = new TempDir();
        var data = CertifyFixture.Write(dir, categories: ["Violent", "Privacy", Hostile, "Illegal"]); // "drift" drifts on the third category
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = CertifyFixture.Reply;
        var run = await CertifyFixture.RunAsync(dir, data, server, "ref", "agree", "drift");
        var pass = await Support.Cli.RunAsync("judge", "certify", run, "--candidate", "agree", "--reference", "ref", "--rule", "shift_within_mdd");
        Assert.True(pass.ExitCode == 0, pass.Error);
        // The drifting judge fails the category clause on the hostile-named category: its name reaches the failing-categories column.
        var fail = await Support.Cli.RunAsync("judge", "certify", run, "--candidate", "drift", "--reference", "ref");
        Assert.True(fail.ExitCode == 4, fail.Error);
        Assert.Contains($"significant shift in {Hostile}", fail.Output);

        var report = await Support.Cli.RunAsync("report", run, "--out", dir.Full("report.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        int start = html.IndexOf("<section class=\"certificates\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "no certificate section");
        var section = html[start..(html.IndexOf("</section>", start, StringComparison.Ordinal) + 10)];
        Assert.Equal(2, section.Split("<tr class=\"certificate\">").Length - 1);
        Assert.Contains("<td>agree</td><td>ref</td>", section);
        Assert.Contains("<td>drift</td><td>ref</td>", section);
        Assert.Contains("<b>FAIL</b>", section);
        Assert.Contains("<b>PASS</b>", section);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", section);
        Assert.DoesNotContain(Hostile, section);
        Assert.True(section.IndexOf("<b>FAIL</b>", StringComparison.Ordinal) < section.IndexOf("<b>PASS</b>", StringComparison.Ordinal), "newest first");

        await using var view = await ViewHost.StartAsync(run);
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        var raw = await view.Http.GetStringAsync($"{view.Url}api/runs/{id}", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
        var certificates = (await view.JsonAsync($"api/runs/{id}"))["certificates"]!.AsArray();
        Assert.Equal(["PASS", "FAIL"], certificates.Select(c => c!["verdict"]!.GetValue<string>()));
        Assert.Equal(Hostile, certificates[1]!["failing_categories"]![0]!.GetValue<string>()); // text as data; the page sets it with textContent
        Assert.Equal(240, certificates[0]!["overall"]!["items"]!.GetValue<int>());
    }
}
