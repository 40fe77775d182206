using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MmSafe.Cli.View;

/// <summary>The app's shell, script and style, embedded in the tool (no CDN, nothing inline, so the CSP can forbid inline code).</summary>
internal static class ViewAssets
{
    public static string Read(string name)
    {
        using var stream = typeof(ViewAssets).Assembly.GetManifestResourceStream("view/" + name) ?? throw new InvalidOperationException($"missing embedded view/{name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static void Map(WebApplication app)
    {
        var files = new (string Path, string Name, string Type)[]
        {
            ("/", "app.html", "text/html; charset=utf-8"), ("/app.js", "app.js", "text/javascript; charset=utf-8"), ("/app.css", "app.css", "text/css; charset=utf-8"),
        };
        foreach (var (path, name, type) in files)
        {
            var text = Read(name);
            app.MapMethods(path, ViewApi.Verbs, () => Results.Text(text, type));
        }
        // Browsers ask for it unprompted: no icon, and no 404 in the page's console.
        app.MapMethods("/favicon.ico", ViewApi.Verbs, () => Results.NoContent());
    }
}
