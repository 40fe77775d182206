using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MmSafe.Cli.Output;
using MmSafe.Reports;
using MmSafe.Reports.Html;

namespace MmSafe.Cli.Commands;

/// <summary>
/// <c>mmsafe view DIR...</c>: the report of runs, served on 127.0.0.1 and built afresh from the stores on every visit,
/// so a run in progress can be watched (the page reloads itself). Read-only: it never writes to a run.
/// </summary>
public static class ViewCommand
{
    // An evaluation file stands for its cells that exist so far: new ones appear on the next visit.
    private static List<string> Expand(IEnumerable<string> paths) =>
        [.. paths.SelectMany(p => (p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) && File.Exists(p)
            ? MmSafe.Evals.EvalFile.Load(p).Cells().Select(c => c.Directory).Where(MmSafe.Runs.RunStores.Exists)
            : [p])];

    public static Command Build(CliConsole console)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run directories, or an evaluation file (its cells that have started).", Arity = ArgumentArity.OneOrMore };
        var port = new Option<int>("--port") { Description = "The port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 8765 };
        var refresh = new Option<int>("--refresh") { Description = "Seconds between reloads of the page.", DefaultValueFactory = _ => 10 };
        var command = new Command("view", "Serve the report of runs on 127.0.0.1, rebuilt on every visit, to watch runs in progress.") { dirs, port, refresh };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = parse.GetRequiredValue(dirs);
            int seconds = parse.GetValue(refresh);
            if (seconds < 1) throw new InputException($"--refresh must be at least 1 second, not {seconds}.");
            foreach (var path in Expand(paths)) RunReportData.Load(path); // a bad directory is a clear error now, not on the first visit
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{parse.GetValue(port)}");
            var app = builder.Build();
            app.MapGet("/", (HttpContext context) =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-store";
                var runs = Expand(paths);
                var html = runs.Count == 0
                    ? "<!DOCTYPE html><html><head><title>mmsafe view</title></head><body><p>No run has started yet.</p></body></html>"
                    : HtmlReport.Render([.. runs.Select(p => RunReportData.Load(p))]);
                // The meta refresh needs no script, so the page's Content-Security-Policy stays as strict as the file's.
                return html.Replace("<title>", $"<meta http-equiv=\"refresh\" content=\"{seconds}\"><title>", StringComparison.Ordinal);
            });
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                throw new InputException($"--port {parse.GetValue(port)}: cannot listen there ({e.Message}); choose another port, or 0 for a free one.", e);
            }
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            console.WriteRaw(CliConsole.Plain($"serving {address}/ (rebuilt on every visit, reloading every {seconds} s); Ctrl+C stops"));
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
