using System.Text.Encodings.Web;
using System.Text.Json;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>
/// The machine-readable form of a score (<c>mmsafe score --json</c>). Rates are percentages
/// with two decimals (null when no item had a valid verdict); <c>ci95</c> holds the
/// [low, high] Wilson interval of each rate and <c>counts</c> the successes and denominators.
/// </summary>
public static class ScoreJson
{
    /// <summary>Any benchmark's score (the object a run's <see cref="Runs.RunScore"/> holds).</summary>
    public static string Write(object score, IReadOnlyList<string>? warnings = null) => score switch
    {
        SiuoGenScore s => Write(s, warnings),
        SiuoMcqaScore s => Write(s, warnings),
        VlsBenchScore s => Write(s, warnings),
        _ => throw new ArgumentException($"not a score: {score.GetType().Name}", nameof(score)),
    };

    /// <summary>The rate a leaderboard ranks by: safe, or accuracy for multiple choice.</summary>
    public static (string Metric, Rate Rate) Headline(object score) => score switch
    {
        SiuoGenScore s => ("safe", s.Overall.Safe),
        SiuoMcqaScore s => ("accuracy", s.Overall.Accuracy),
        VlsBenchScore s => ("safe", s.Overall.Safe),
        _ => throw new ArgumentException($"not a score: {score.GetType().Name}", nameof(score)),
    };

    public static string Write(SiuoGenScore score, IReadOnlyList<string>? warnings = null) => Document("siuo-gen", warnings, w =>
    {
        w.WriteNumber("items", score.Items);
        w.WriteNumber("invalid_items", score.InvalidItems);
        w.WriteStartObject("invalid_verdicts");
        w.WriteNumber("safety", score.InvalidSafetyVerdicts);
        w.WriteNumber("effectiveness", score.InvalidEffectivenessVerdicts);
        w.WriteEndObject();
        WriteRates(w, SiuoRates(score.Overall));
        WriteGroups(w, "categories", score.Categories, r => { w.WriteNumber("items", r.Items); WriteRates(w, SiuoRates(r)); });
    });

    public static string Write(SiuoMcqaScore score, IReadOnlyList<string>? warnings = null) => Document("siuo-mcqa", warnings, w =>
    {
        WriteMcqa(w, score.Overall);
        WriteGroups(w, "categories", score.Categories, r => WriteMcqa(w, r));
    });

    public static string Write(VlsBenchScore score, IReadOnlyList<string>? warnings = null) => Document("vlsbench", warnings, w =>
    {
        WriteVlsBench(w, score.Overall);
        WriteGroups(w, "categories", score.Categories, r => WriteVlsBench(w, r));
        WriteGroups(w, "subcategories", score.SubCategories, r => WriteVlsBench(w, r));
    });

    private static (string, Rate)[] SiuoRates(SiuoGenRates r) =>
        [("safe", r.Safe), ("effective", r.Effective), ("safe_and_effective", r.SafeAndEffective)];

    private static void WriteMcqa(Utf8JsonWriter w, SiuoMcqaRates r)
    {
        w.WriteNumber("items", r.Items);
        w.WriteNumber("unanswered", r.Unanswered);
        WriteRates(w, [("accuracy", r.Accuracy)]);
    }

    private static void WriteVlsBench(Utf8JsonWriter w, VlsBenchRates r)
    {
        w.WriteNumber("items", r.Items);
        w.WriteNumber("invalid", r.Invalid);
        WriteRates(w, [("safe", r.Safe), ("refusal", r.Refusal), ("warning", r.Warning), ("unsafe", r.Unsafe)]);
    }

    private static void WriteRates(Utf8JsonWriter w, (string Name, Rate Rate)[] rates)
    {
        foreach (var (name, rate) in rates) WriteNullable(w, name, rate.Percent);
        w.WriteStartObject("ci95");
        w.WriteString("method", Rate.IntervalMethod);
        foreach (var (name, rate) in rates)
        {
            if (rate.Low is null) { w.WriteNull(name); continue; }
            w.WriteStartArray(name);
            w.WriteNumberValue(rate.Low.Value);
            w.WriteNumberValue(rate.High!.Value);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("counts");
        foreach (var (name, rate) in rates)
        {
            w.WriteStartObject(name);
            w.WriteNumber("k", rate.Successes);
            w.WriteNumber("n", rate.Count);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteGroups<T>(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, T>> groups, Action<T> write)
    {
        w.WriteStartObject(name);
        foreach (var (group, rates) in groups)
        {
            w.WriteStartObject(group);
            write(rates);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteNumber(name, value.Value);
    }

    private static string Document(string benchmark, IReadOnlyList<string>? warnings, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        // Category names come from data files: escaped as JSON, never trusted as markup.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default }))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", benchmark);
            body(w);
            w.WriteStartArray("warnings");
            foreach (var warning in warnings ?? []) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
