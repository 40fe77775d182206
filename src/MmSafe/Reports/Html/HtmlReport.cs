using System.Security.Cryptography;
using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>
/// A single self-contained HTML file: inline CSS, inline script and SVG, images as data: URLs.
/// Every piece of model, judge and dataset text is escaped, and a strict Content-Security-Policy
/// allows only this page's own style and script (by hash): an answer containing &lt;script&gt; or
/// an onerror handler shows as text and runs nothing.
/// </summary>
public static class HtmlReport
{
    /// <param name="imageCapKb">Image files larger than this are not decoded for a thumbnail (a note says so).</param>
    public static string Render(IReadOnlyList<RunReportData> runs, int imageCapKb = DefaultImageCapKb)
    {
        using var writer = new StringWriter();
        Write(runs, writer, imageCapKb);
        return writer.ToString();
    }

    /// <summary>Writes the report as it goes: the thumbnails, most of a large report, are streamed, never held twice.</summary>
    public static void Write(IReadOnlyList<RunReportData> runs, TextWriter writer, int imageCapKb = DefaultImageCapKb)
    {
        var thumbnails = new Thumbnails(imageCapKb);
        string csp = $"default-src 'none'; img-src data:; style-src 'sha256-{Hash(Style)}'; script-src 'sha256-{Hash(Script)}'; base-uri 'none'; form-action 'none'";
        writer.Write($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{csp}">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MmSafe report</title>
            <style>{Style}</style></head>
            <body>
            """);
        writer.Write("<header><h1>MmSafe report</h1><p>");
        writer.Write(E($"{runs.Count} run(s); generated {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. Rates in percent with 95% Wilson intervals."));
        writer.Write("</p></header>");
        foreach (var run in runs)
        {
            writer.Write(RunSection.Render(run));
            writer.Write(PanelSection.Render(run));
            writer.Write(CertificateSection.Render(run));
        }
        if (runs.Count > 1) writer.Write(ComparisonSection.Render(runs));
        writer.Write(SampleBrowser.Render(runs, thumbnails));
        thumbnails.WriteTo(writer);
        writer.Write($"<script>{Script}</script></body></html>");
    }

    public const int DefaultImageCapKb = 20 * 1024;

    private static string Hash(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:1100px;color:#222;padding:0 1rem}
        h1{margin-bottom:.2rem}h2{border-bottom:2px solid #4a6fa5;padding-bottom:.2rem;margin-top:2.5rem}
        table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
        .headline{display:flex;gap:1rem;flex-wrap:wrap}.metric{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
        .metric b{font-size:1.6rem;display:block}.published{background:#f4f1e8}.mock{background:#fde2e1;padding:.5rem;border-radius:4px}
        .filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ccc;display:flex;gap:.6rem;flex-wrap:wrap}
        article.item{border:1px solid #ddd;border-radius:6px;margin:.8rem 0;padding:.6rem}article.item img{max-width:260px;max-height:200px;float:right;margin-left:1rem}
        pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f7;padding:.4rem;margin:.3rem 0;font-size:.85rem}
        .tag{display:inline-block;border-radius:3px;padding:0 .35rem;background:#e8eef7;margin-right:.3rem;font-size:.8rem}.note{color:#666;font-size:.85rem}
        """;

    private const string Script = """
        (function(){document.body.setAttribute('data-report-ready','1');var data=document.getElementById('mmsafe-images'),imgs={};
        try{imgs=JSON.parse(data?data.textContent:'{}');}catch(e){}
        document.querySelectorAll('img[data-img]').forEach(function(el){var k=el.getAttribute('data-img');if(imgs[k]){el.loading='lazy';el.src=imgs[k];}});
        var q=document.getElementById('q'),c=document.getElementById('cat'),v=document.getElementById('ver'),n=document.getElementById('count');
        if(!q)return;function f(){var s=q.value.toLowerCase(),shown=0,items=document.querySelectorAll('article.item');
        for(var i=0;i<items.length;i++){var a=items[i],ok=(!c.value||a.getAttribute('data-category')===c.value)&&(!v.value||a.getAttribute('data-verdicts').split('|').indexOf(v.value)>=0)&&(!s||a.textContent.toLowerCase().indexOf(s)>=0);
        a.hidden=!ok;if(ok)shown++;}n.textContent=shown;}q.addEventListener('input',f);c.addEventListener('change',f);v.addEventListener('change',f);f();})();
        """;
}
