using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MmSafe.Reports.View;

namespace MmSafe.Cli.View;

/// <summary>
/// The viewer's web server: GET only, our own host names only, a strict content security policy on every response,
/// the app's three static files and the JSON API over a <see cref="ViewCatalog"/>.
/// </summary>
internal static class ViewServer
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// DNS rebinding: a page from another site whose name now resolves to us arrives with its own Host header. Answered:
    /// our loopback names; the --host address; and, bound to every interface (0.0.0.0 or ::), any IP address literal
    /// (a rebinding page always arrives under a DNS name) and this machine's own host name.
    /// </summary>
    public static bool IsLocalHost(HostString host, int localPort, string? allowed = null)
    {
        var name = host.Host.ToLowerInvariant();
        bool ours = name is "127.0.0.1" or "localhost" or "[::1]" || allowed is not null && string.Equals(name, Bracketed(allowed), StringComparison.OrdinalIgnoreCase)
            || allowed is not null && IsWildcard(allowed) && (IPAddress.TryParse(name.Trim('[', ']'), out _) || string.Equals(name, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase));
        return ours && (host.Port ?? 80) == localPort;
    }

    /// <summary>Every interface: 0.0.0.0 or ::.</summary>
    public static bool IsWildcard(string host) => IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));

    public static bool IsLoopback(string host) => host == "localhost" || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);

    public static string Bracketed(string host) => IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : host;

    public static WebApplication Build(ViewCatalog catalog, string host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{Bracketed(host)}:{port}");
        var app = builder.Build();
        string? allowed = IsLoopback(host) ? null : host;
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            if (!IsLocalHost(context.Request.Host, context.Connection.LocalPort, allowed))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("403: mmsafe view answers only requests for 127.0.0.1, localhost or [::1] (or its --host) on its port.");
                return;
            }
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                headers.Allow = "GET, HEAD";
                await context.Response.WriteAsync("405: mmsafe view is read-only; only GET and HEAD are answered.");
                return;
            }
            await next(context);
        });
        ViewAssets.Map(app);
        ViewApi.Map(app, catalog, new ViewImages());
        ViewApi.MapFallback(app);
        return app;
    }
}
