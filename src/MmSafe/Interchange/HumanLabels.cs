using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Interchange;

/// <summary>
/// Human labels for judge validation: a labelling sheet (CSV) of a seeded random sample of a run's items, with the
/// question and the answers but no judge verdicts; and the filled sheet read back as the rater "human", whose
/// headline verdict per item the judge panel compares each judge with.
/// </summary>
public static class HumanLabels
{
    public const string LabelColumn = "human_label";

    private static StreamWriter Create(string path)
    {
        if (Directory.Exists(path)) throw new InputException($"{path} is a directory; pass --out with the path of the CSV file to write.");
        try
        {
            return new StreamWriter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot write the labelling sheet there ({e.Message}); pass --out with a file in a directory you can write.", e);
        }
    }

    /// <summary>
    /// Writes the sheet (and its HTML companion with thumbnails, <see cref="LabelSheetHtml"/>) of a seeded sample of the
    /// items with an answer, random or stratified by category; the caller records the returned sample in the run.
    /// </summary>
    public static LabelSample WriteSheet(RunContents run, string path, int count, int seed, bool stratify = false)
    {
        var benchmark = run.Benchmark;
        if (benchmark.Protocol.Aspects.Count == 0) throw new InputException($"{run.Directory}: {benchmark.Name} has no judge to check against human labels.");
        var answers = run.Answers.Where(a => a.IsAnswer).ToLookup(a => a.SampleId);
        var sample = LabelSample.Draw([.. run.Samples.Where(s => answers[s.Id].Any())], count, seed, stratify);
        var byId = run.Samples.ToDictionary(s => s.Id);
        var chosen = sample.Ids.Select(id => byId[id]).ToList();
        using (var writer = Create(path))
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            foreach (var header in new[] { "item_id", "category", "image", "question", "answers", LabelColumn }) csv.WriteField(header);
            csv.NextRecord();
            foreach (var s in chosen)
            {
                // Cells a spreadsheet would run as formulas are defused, as in every CSV MmSafe writes.
                foreach (var field in new[] { s.Id, s.Category, ImagePath(s), benchmark.Question(s), AnswerText(answers[s.Id]), "" })
                    csv.WriteField(Defuse(field));
                csv.NextRecord();
            }
        }
        LabelSheetHtml.Write(Path.ChangeExtension(path, ".html"), run, [.. chosen.Select(s => new LabelSheetHtml.Row(s.Id, s.Category,
            s.Images.Count > 0 ? s.Images[0] : null, benchmark.Question(s), [.. answers[s.Id].OrderBy(a => a.Sample).Select(a => a.ScoredText)]))]);
        return sample;
    }

    /// <summary>The item's image as the dataset names it, relative to the data root (several joined by ';').</summary>
    private static string ImagePath(MmSafe.Benchmarks.Sample s) => string.Join(";", s.Images.Select(i => i.RelativePath));

    private static string AnswerText(IEnumerable<MmSafe.Benchmarks.StoredAnswer> answers) => string.Join("\n---\n", answers.OrderBy(a => a.Sample).Select(a => a.ScoredText));

    /// <summary>Reads a filled sheet: labels safe/unsafe (also 1/0, true/false, yes/no); blank rows are skipped.</summary>
    public static IReadOnlyList<ItemScore> Read(RunContents run, string path)
    {
        var key = run.Benchmark.Layout.Headline.Key;
        var samples = run.Samples.ToDictionary(s => s.Id);
        var answers = run.Answers.Where(a => a.IsAnswer).ToLookup(a => a.SampleId);
        var labels = new List<ItemScore>();
        var problems = new List<string>();
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            var content = File.ReadAllText(path);
            // CsvHelper reads an unclosed quote to the end of the file as one field, and every later row vanishes into it.
            if (UnclosedQuote(content) is { } open)
                throw new InputException($"{path}: not a valid CSV file: the quoted field that starts on line {open} is never closed (a missing \"); close it, or export a new sheet with 'mmsafe labels export'.");
            using var reader = new StringReader(content);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header || !header.Contains("item_id") || !header.Contains(LabelColumn))
                throw new InputException($"{path}: expected a CSV with the columns item_id and {LabelColumn} (write one with 'mmsafe labels export').");
            while (csv.Read())
            {
                int row = csv.Parser.Row;
                var id = Undefuse(csv.GetField("item_id") ?? "");
                var text = (csv.GetField(LabelColumn) ?? "").Trim().ToLowerInvariant();
                if (text.Length == 0) continue;
                bool? label = text switch { "safe" or "1" or "true" or "yes" => true, "unsafe" or "0" or "false" or "no" => false, _ => null };
                if (rows.TryGetValue(id, out var first)) problems.Add($"rows {first} and {row} both label item '{id}'; keep one of them");
                else rows[id] = row;
                if (!samples.TryGetValue(id, out var sample)) problems.Add($"row {row}: item '{id}' is not in this run");
                else if (header.Contains("answers") && Normal(Undefuse(csv.GetField("answers") ?? "")) != Normal(AnswerText(answers[id])))
                    problems.Add($"row {row} (item {id}): its answers are not this run's (a sheet exported from another run, or from this run before it changed); label a sheet exported from this run");
                else if (label is null) problems.Add($"row {row} (item {id}): label '{text}'; expected safe or unsafe");
                else if (rows[id] == row) labels.Add(new ItemScore(id, sample.Category, sample.SubCategory, true, new Dictionary<string, bool?> { [key] = label },
                    new Dictionary<string, int>(), [], ["human label"]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvHelperException)
        {
            throw new InputException($"{path}: cannot read the labelling sheet ({e.Message.Split('\n')[0]}).", e);
        }
        if (problems.Count > 0) throw new InputException($"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}: {string.Join("; ", problems.Take(10))}.");
        if (labels.Count == 0) throw new InputException($"{path}: no row has a {LabelColumn}; fill in safe or unsafe for the items you checked.");
        return labels;
    }

    // RFC 4180 quoting: a quote opens a field only at its start, and "" inside a quoted field is a quote. The line it opened on, or null.
    private static int? UnclosedQuote(string text)
    {
        bool quoted = false, fieldStart = true;
        int line = 1, opened = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') i++;
                else if (c == '"') quoted = false;
                else if (c == '\n') line++;
                continue;
            }
            if (c == '"' && fieldStart) (quoted, opened) = (true, line);
            if (c == '\n') line++;
            fieldStart = c is ',' or '\n' or '\r';
        }
        return quoted ? opened : null;
    }

    // A spreadsheet may save line breaks as CRLF and trim the cell: compare what a person reads.
    private static string Normal(string text) => text.Replace("\r\n", "\n").Trim();

    /// <summary>How many rows of an existing sheet carry a label (0 when there is no such file or it cannot be read).</summary>
    public static int FilledRows(string path)
    {
        if (!File.Exists(path)) return 0;
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null, BadDataFound = null });
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header || !header.Contains(LabelColumn)) return 0;
            int filled = 0;
            while (csv.Read()) if (!string.IsNullOrWhiteSpace(csv.GetField(LabelColumn))) filled++;
            return filled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvHelperException)
        {
            return 0;
        }
    }

    private static string Defuse(string field) => field.Length > 0 && "=+-@".Contains(field[0]) ? "'" + field : field;

    private static string Undefuse(string field) => field.StartsWith('\'') ? field[1..] : field;

    /// <summary>The rater name imported labels are stored under.</summary>
    public static string Rater => JudgePanel.Human;
}
