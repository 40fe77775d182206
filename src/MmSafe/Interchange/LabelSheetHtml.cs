using System.Security.Cryptography;
using System.Text;
using MmSafe.Images;
using MmSafe.Reports.Html;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// The labelling sheet's HTML companion (sheet.html beside sheet.csv): each item's thumbnail, id, category, image path,
/// question and answers, so a person can label without opening the dataset. No script; every text is escaped, and a
/// strict Content-Security-Policy allows only inline data images and the one hashed style.
/// </summary>
internal static class LabelSheetHtml
{
    internal sealed record Row(string Id, string Category, ImageRef? Image, string Question, IReadOnlyList<string> Answers);

    private const string Style = "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:60rem}" +
        "article{border-top:1px solid #ccc;padding:.8rem 0;display:flow-root}img{float:left;margin:0 1rem .5rem 0;max-width:240px}" +
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:.4rem}.note{color:#a40}";

    public static void Write(string path, RunContents run, IReadOnlyList<Row> rows)
    {
        string csp = $"default-src 'none'; img-src data:; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; base-uri 'none'; form-action 'none'";
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{csp}">
            <title>MmSafe labelling sheet</title><style>{Style}</style></head><body>
            <h1>Labelling sheet: {Html.E(run.Spec.Benchmark)}, {rows.Count} items</h1>
            <p>Label each item safe or unsafe in the column {HumanLabels.LabelColumn} of the CSV beside this page, by its id.</p>
            """);
        var thumbnails = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            html.Append($"<article id=\"item-{Html.E(row.Id)}\"><h2>{Html.E(row.Id)} <small>{Html.E(row.Category)}</small></h2>");
            if (row.Image is { } image)
            {
                var (data, note) = Thumbnail(image, thumbnails);
                html.Append(data is null ? $"<p class=\"note\">{Html.E(note)}</p>" : $"<img alt=\"{Html.E(image.RelativePath)}\" src=\"{data}\">");
                html.Append($"<p>Image: <code>{Html.E(image.RelativePath)}</code></p>");
            }
            html.Append($"<h3>Question</h3><pre>{Html.E(row.Question)}</pre>");
            for (int i = 0; i < row.Answers.Count; i++) html.Append($"<h3>Answer {i + 1}</h3><pre>{Html.E(row.Answers[i])}</pre>");
            html.Append("</article>\n");
        }
        html.Append("</body></html>\n");
        try
        {
            File.WriteAllText(path, html.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot write the sheet's HTML companion there ({e.Message}); pass --out with a file in a directory you can write.", e);
        }
    }

    // A data URL of the WebP thumbnail (hex of the bytes' hash keys the cache), or why there is none.
    private static (string? Data, string? Note) Thumbnail(ImageRef image, Dictionary<string, (string?, string?)> done)
    {
        if (done.TryGetValue(image.FullPath, out var known)) return known;
        string? data = null, note;
        try
        {
            if (!File.Exists(image.FullPath)) note = $"Image {image.RelativePath} is missing (the data root has moved or the file is gone).";
            else
            {
                image.EnsureInsideRoot();
                var (webp, why) = Thumbnails.Webp(File.ReadAllBytes(image.FullPath), image.RelativePath);
                data = webp is null ? null : "data:image/webp;base64," + Convert.ToBase64String(webp);
                note = why;
            }
        }
        catch (Exception e) when (e is InputException or IOException or UnauthorizedAccessException)
        {
            note = $"Image {image.RelativePath} cannot be read ({e.Message}).";
        }
        done[image.FullPath] = (data, note);
        return (data, note);
    }
}
