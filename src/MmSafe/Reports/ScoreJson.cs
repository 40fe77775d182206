using System.Text.Json;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>
/// The machine-readable form of a score (<c>mmsafe score --json</c>), the same for every benchmark: its counters and
/// rates overall and per group. Rates are percentages with two decimals (null when no item had a valid verdict);
/// <c>ci95</c> holds the [low, high] Wilson interval of each rate and <c>counts</c> the successes and denominators.
/// A run's score also carries its judge, every answer's outcome, the deviations from the protocol and completeness.
/// </summary>
public static class ScoreJson
{
    public static string Write(ScoreSheet sheet, IReadOnlyList<string>? warnings = null) => Document(w => WriteSheet(w, sheet, warnings));

    public static string Write(RunScore score) => Document(w =>
    {
        WriteSheet(w, score.Sheet, score.Warnings, () =>
        {
            w.WriteStartObject("run");
            w.WriteString("directory", score.Run.Directory);
            w.WriteString("model", score.Run.Spec.Target.Name);
            if (score.Judge is null) w.WriteNull("judge"); else w.WriteString("judge", score.Judge);
            w.WriteString("protocol", score.Run.Spec.ProtocolVersion);
            w.WriteNumber("samples_per_item", score.Run.Spec.Samples);
            w.WriteEndObject();
            w.WriteBoolean("complete", score.Completeness.IsComplete);
            w.WriteString("completeness", score.Completeness.Describe());
            w.WriteStartObject("outcomes");
            foreach (var (outcome, count) in score.Outcomes) w.WriteNumber(outcome, count);
            w.WriteEndObject();
            Strings(w, "deviations", score.Deviations);
        });
    });

    private static void WriteSheet(Utf8JsonWriter w, ScoreSheet sheet, IReadOnlyList<string>? warnings, Action? header = null)
    {
        w.WriteString("benchmark", sheet.Layout.Benchmark);
        // Which rates are better lower (MOSSBench's refusals of harmless requests, VLSBench's unsafe answers); the rest are better higher.
        Strings(w, "lower_is_better", [.. sheet.Layout.Metrics.Where(m => !m.HigherIsBetter).Select(m => m.Key)]);
        header?.Invoke();
        WriteGroup(w, sheet.Layout, sheet.Overall);
        w.WriteStartObject("bounds");
        w.WriteString("metric", sheet.Layout.Headline.Key);
        Nullable(w, "best", sheet.Headline.Best.Percent);
        Nullable(w, "worst", sheet.Headline.Worst.Percent);
        w.WriteEndObject();
        Groups(w, "categories", sheet.Layout, sheet.Categories);
        if (sheet.Layout.BySubCategory) Groups(w, "subcategories", sheet.Layout, sheet.SubCategories);
        Strings(w, "warnings", warnings ?? []);
    }

    private static void WriteGroup(Utf8JsonWriter w, ScoreLayout layout, GroupScore group)
    {
        w.WriteNumber("items", group.Items);
        w.WriteNumber("unscored_items", group.Unscored);
        foreach (var counter in layout.Counters) w.WriteNumber(counter.Key, group.Counts.GetValueOrDefault(counter.Key));
        foreach (var metric in layout.Metrics) Nullable(w, metric.Key, group.Rates[metric.Key].Percent);
        w.WriteStartObject("ci95");
        w.WriteString("method", Rate.IntervalMethod);
        foreach (var metric in layout.Metrics)
        {
            var rate = group.Rates[metric.Key];
            if (rate.Low is null) { w.WriteNull(metric.Key); continue; }
            w.WriteStartArray(metric.Key);
            w.WriteNumberValue(rate.Low.Value);
            w.WriteNumberValue(rate.High!.Value);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("counts");
        foreach (var metric in layout.Metrics)
        {
            w.WriteStartObject(metric.Key);
            w.WriteNumber("k", group.Rates[metric.Key].Successes);
            w.WriteNumber("n", group.Rates[metric.Key].Count);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Groups(Utf8JsonWriter w, string name, ScoreLayout layout, IReadOnlyList<GroupScore> groups)
    {
        w.WriteStartObject(name);
        foreach (var group in groups)
        {
            w.WriteStartObject(group.Name);
            WriteGroup(w, layout, group);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteNumber(name, value.Value);
    }

    private static string Document(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        // Category names come from data files: escaped as JSON (control characters included), never trusted as markup; no page embeds this.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = ReadableJson.Encoder }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
