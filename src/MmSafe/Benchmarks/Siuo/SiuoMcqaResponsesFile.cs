using System.Text.Json;
using MmSafe.Datasets;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>Reads the authors' <c>siuo_mcqa-{model}.json</c>: the mcqa items with <c>response_mcqa</c>.</summary>
public static class SiuoMcqaResponsesFile
{
    /// <summary>The field our export adds when an item has several answers; the authors' script reads only <c>response_mcqa</c>.</summary>
    public const string AllResponses = "responses_mcqa";

    private static readonly string[] Fields = ["correct_option", "response_mcqa", AllResponses];

    public static ImportedFile<SiuoMcqaAnswer> Read(string path)
    {
        using var json = JsonRecordFile.Open(path);
        var records = json.Records("a JSON array of SIUO multiple-choice items with response_mcqa");
        // Another benchmark's file would fail every record on the same missing fields: say what the file is not, once.
        if (records.Count > 0 && !records.Any(r => r.ValueKind == JsonValueKind.Object && Fields.Any(f => r.TryGetProperty(f, out _))))
            throw new InputException($"{path}: not a siuo-mcqa results file: no record has {string.Join(", ", Fields[..^1])} or {Fields[^1]}; " +
                "expected the authors' siuo_mcqa-MODEL.json (multiple-choice items with correct_option and the model's response_mcqa)" +
                (records.Any(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("responses", out _)) ? ". A file of generated responses is scored with 'mmsafe score siuo-gen FILE'." : "."));
        var items = RecordFileReader.ReadAll<IReadOnlyList<SiuoMcqaAnswer>>(path, records, ["question_id"], (r, id) =>
        {
            var category = r.String("category");
            var correct = r.String("correct_option");
            if (correct is not null && (correct.Length != 1 || !SiuoMcqaItem.Letters.Contains(correct[0])))
            {
                r.Problem($"field 'correct_option' is \"{correct}\"; expected one of A, B, C, D");
                correct = null;
            }
            IReadOnlyList<string?>? responses = r.Has(AllResponses) ? RecordFileReader.Texts(r, AllResponses, "answers") : Response(r);
            return category is null || correct is null || responses is null
                ? null
                : [.. responses.Select(response => SiuoMcqaScorer.Read(id, category, correct[0], response))];
        });
        return new ImportedFile<SiuoMcqaAnswer>(path, [.. items.SelectMany(i => i)], []);
    }

    private static IReadOnlyList<string?>? Response(RecordReader r)
    {
        string? response = null;
        bool ok = r.Record.TryGetProperty("response_mcqa", out var value) switch
        {
            false => Fail(r, "field 'response_mcqa' is missing; expected the model's answer (a string)"),
            true when value.ValueKind == JsonValueKind.String => (response = value.GetString()) is not null,
            true when value.ValueKind == JsonValueKind.Null => true, // no answer: scored as unanswered
            _ => Fail(r, $"field 'response_mcqa' is {RecordReader.Describe(value)}; expected a string"),
        };
        return ok ? [response] : null;
    }

    private static bool Fail(RecordReader r, string message)
    {
        r.Problem(message);
        return false;
    }
}
