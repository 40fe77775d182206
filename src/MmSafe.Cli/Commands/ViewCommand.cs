using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MmSafe.Cli.Output;
using MmSafe.Cli.View;
using MmSafe.Reports.View;

namespace MmSafe.Cli.Commands;

/// <summary>
/// <c>mmsafe view [DIR|postgresql://…]</c>: a local web app over the runs under a folder (or a database prefix), served
/// from their stores through a JSON API, read-only, and updated while runs are in progress. <c>mmsafe report</c> stays
/// the single-file export.
/// </summary>
public static class ViewCommand
{
    public static Command Build(CliConsole console)
    {
        var root = new Argument<string>("DIR")
        {
            Description = "A folder searched for runs, a run directory, an evaluation file, or postgresql://USER@HOST:PORT/DATABASE[/RUN-PREFIX]; default: the current folder.",
            DefaultValueFactory = _ => ".",
        };
        var port = new Option<int>("--port") { Description = "The port (0 picks a free one).", DefaultValueFactory = _ => 8765 };
        var host = new Option<string>("--host") { Description = "The address to listen on; anything but loopback lets other machines read your runs.", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("view", "Browse runs in a local web app: run list, run pages, samples with their exact requests, comparisons; live while runs progress.") { root, port, host };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535) throw new InputException($"--port {portNumber}: expected a port from 1 to 65535, or 0 for a free one.");
            var address = parse.GetValue(host)!;
            if (address != "localhost" && !System.Net.IPAddress.TryParse(address, out _))
                throw new InputException($"--host {address}: expected an IP address to listen on, such as 127.0.0.1 (the default) or 0.0.0.0.");
            var catalog = new ViewCatalog(parse.GetValue(root)!, file => [.. MmSafe.Evals.EvalFile.Load(file).Cells().Select(c => c.Directory)]);
            var app = ViewServer.Build(catalog, address, portNumber);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                throw new InputException($"--port {portNumber}: cannot listen there ({e.Message}); choose another port, or 0 for a free one.", e);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new InputException($"--host {address}: cannot listen on that address ({e.Message}); give one of this machine's addresses, 127.0.0.1 (the default) or 0.0.0.0 for all.", e);
            }
            if (!ViewServer.IsLoopback(address))
                console.Error($"warning: --host {address}: the viewer is reachable from other machines; anyone who can reach it can read these runs.");
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            console.WriteRaw(CliConsole.Plain($"serving {url}/ ({catalog.Runs.Count} run{(catalog.Runs.Count == 1 ? "" : "s")}; read-only, live); Ctrl+C stops"));
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
