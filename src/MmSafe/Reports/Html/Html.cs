using System.Net;

namespace MmSafe.Reports.Html;

/// <summary>Escaping for everything that reaches the page. Model and judge text is hostile data.</summary>
internal static class Html
{
    /// <summary>Escapes &lt; &gt; &amp; " and ' so text can go in element content and quoted attributes.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Pct(double? value) => Numbers.Points(value);

    public static string Num(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
