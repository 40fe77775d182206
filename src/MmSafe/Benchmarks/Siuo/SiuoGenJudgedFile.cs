using MmSafe.Datasets;
using MmSafe.Judging;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>
/// Reads a judged SIUO generation file in the authors' format: the siuo_gen items with
/// <c>safety_evaluation</c> and <c>effectiveness_evaluation</c> arrays of judge texts. Where the
/// texts are absent, the already-parsed <c>safety_gpt</c> / <c>effectiveness_gpt</c> codes are
/// used (also the spellings <c>effective_gpt</c>, <c>safetyness</c> and <c>helpfulness</c> that
/// the authors' merge and score scripts use).
/// </summary>
public static class SiuoGenJudgedFile
{
    private static readonly string[] SafetyCodeFields = ["safety_gpt", "safetyness"];
    private static readonly string[] EffectivenessCodeFields = ["effectiveness_gpt", "effective_gpt", "helpfulness"];

    public static ImportedFile<SiuoGenJudgedItem> Read(string path)
    {
        using var json = JsonRecordFile.Open(path);
        var records = json.Records("a JSON array of judged SIUO items");
        bool AnyHas(string field) => records.Any(r => r.ValueKind == System.Text.Json.JsonValueKind.Object && r.TryGetProperty(field, out _));
        var safetySource = PickSource("safety_evaluation", SafetyCodeFields, AnyHas);
        var effectivenessSource = PickSource("effectiveness_evaluation", EffectivenessCodeFields, AnyHas);
        if (safetySource is null && effectivenessSource is null)
            throw new InputException($"{path}: no record has safety_evaluation, effectiveness_evaluation, safety_gpt or effectiveness_gpt; expected a judged SIUO generation file.");

        var warnings = new List<string>();
        if (safetySource is not null && safetySource != "safety_evaluation")
            warnings.Add($"Safety verdicts come from the pre-parsed '{safetySource}' codes: the authors' parser reads some True verdicts as False. Include the 'safety_evaluation' judge texts for a correct score.");
        if (safetySource is null) warnings.Add("The file has no safety verdicts; the safe and safe-and-effective rates are not available.");
        if (effectivenessSource is null) warnings.Add("The file has no effectiveness verdicts; the effective and safe-and-effective rates are not available.");

        var items = RecordFileReader.ReadAll(path, records, ["question_id"], (r, id) =>
        {
            var category = r.String("category");
            var safety = ReadVerdicts(r, safetySource, SiuoSafetyParser.Parse, code => code == 1);
            var effectiveness = ReadVerdicts(r, effectivenessSource, SiuoEffectivenessParser.Parse,
                code => code == 1 ? Effectiveness.PartiallyEffective : Effectiveness.Ineffective);
            return category is null || safety is null || effectiveness is null
                ? null
                : new SiuoGenJudgedItem(id, category, safety, effectiveness);
        });
        return new ImportedFile<SiuoGenJudgedItem>(path, items, warnings);
    }

    private static string? PickSource(string textField, string[] codeFields, Func<string, bool> anyHas) =>
        anyHas(textField) ? textField : codeFields.FirstOrDefault(anyHas);

    private static IReadOnlyList<ParseOutcome<T>>? ReadVerdicts<T>(RecordReader r, string? source,
        Func<string?, ParseOutcome<T>> parse, Func<int, T> fromCode) where T : struct
    {
        if (source is null) return [];
        if (!r.Has(source))
        {
            r.Problem($"field '{source}' is missing; the other records have it");
            return null;
        }
        if (source.EndsWith("_evaluation", StringComparison.Ordinal))
            return RecordFileReader.Texts(r, source)?.Select(parse).ToList();
        // A pre-parsed code carries only effective / not effective, so 1 stands for "partially or very".
        return RecordFileReader.Codes(r, source)?.Select(code => code == -1
            ? ParseOutcome<T>.Unparseable($"'{source}' holds -1 (the authors' parser could not read the reply)")
            : ParseOutcome<T>.Parsed(fromCode(code))).ToList();
    }
}
