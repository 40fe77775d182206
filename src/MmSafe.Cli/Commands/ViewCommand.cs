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
            ? MmSafe.Evals.EvalFile.Load(p).Cells().Select(c => c.Directory).Where(MmSafe.Runs.Stores.RunStores.Exists)
            : [p])];

    /// <summary>
    /// The page with one auto-refresh tag, in its head. The meta refresh needs no script, so the page's
    /// Content-Security-Policy stays as strict as the file's. (Not before every "&lt;title&gt;": the SVG charts have
    /// one per bar.)
    /// </summary>
    internal static string WithRefresh(string html, int seconds)
    {
        var tag = $"<meta http-equiv=\"refresh\" content=\"{seconds}\">";
        int head = html.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        return head < 0 ? tag + html : html.Insert(head, tag);
    }

    internal static bool IsLocalHost(HostString host, int localPort) =>
        host.Host.ToLowerInvariant() is "127.0.0.1" or "localhost" or "[::1]" && (host.Port ?? 80) == localPort;

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
            int portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535) throw new InputException($"--port {portNumber}: expected a port from 1 to 65535, or 0 for a free one.");
            foreach (var path in Expand(paths)) RunReportData.Load(path); // a bad directory is a clear error now, not on the first visit
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{portNumber}");
            var app = builder.Build();
            // DNS rebinding: a page from another site whose name now resolves to 127.0.0.1 reaches this server with its own
            // Host header; answering only our own names keeps the report from being read by that page.
            app.Use(async (context, next) =>
            {
                if (!IsLocalHost(context.Request.Host, context.Connection.LocalPort))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync("403: mmsafe view answers only requests for 127.0.0.1, localhost or [::1] on its port.");
                    return;
                }
                await next(context);
            });
            app.MapGet("/", (HttpContext context) =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-store";
                var runs = Expand(paths);
                var html = runs.Count == 0
                    ? "<!DOCTYPE html><html><head><title>mmsafe view</title></head><body><p>No run has started yet.</p></body></html>"
                    : HtmlReport.Render([.. runs.Select(p => RunReportData.Load(p))]);
                return WithRefresh(html, seconds);
            });
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                throw new InputException($"--port {portNumber}: cannot listen there ({e.Message}); choose another port, or 0 for a free one.", e);
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
