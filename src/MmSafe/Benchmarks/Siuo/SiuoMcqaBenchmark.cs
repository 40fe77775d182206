using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Scoring;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>
/// SIUO multiple choice as the authors run it: their prompt with the options one per line as
/// "(A) text", then the image; one answer, 5 tokens, temperature 0, NFKC-normalised. No judge.
/// </summary>
public sealed class SiuoMcqaBenchmark : IBenchmark
{
    public string Name => "siuo-mcqa";

    public string ProtocolVersion => "siuo-mcqa/2024.06+mmsafe.2";

    public string Description => "Score SIUO multiple choice: accuracy, with unanswered items counted.";

    public string ResultsFileHelp => "A SIUO multiple-choice results file: items with response_mcqa and correct_option.";

    public (ScoreSheet Sheet, IReadOnlyList<string> Warnings) ScoreResultsFile(string file, string? data)
    {
        var read = SiuoMcqaResponsesFile.Read(file);
        return (SiuoMcqaScorer.Score(read.Items), read.Warnings);
    }

    public string DataDescription => $"the SIUO data root ({SiuoDataset.MultipleChoiceFile}, {SiuoDataset.ImagesFolder}/)";

    public BenchmarkProtocol Protocol { get; } = new(1, new(Temperature: 0, MaxTokens: 5), new(), [], null, null);

    public ScoreLayout Layout => SiuoMcqaScorer.Layout;

    public IBenchmarkData Data => SiuoData.Instance;

    public IReadOnlyList<PublishedResult> Published => SiuoPublished.MultipleChoice;

    public IReadOnlyList<string> ResultFields => ["response_mcqa", SiuoMcqaResponsesFile.AllResponses];

    public IReadOnlyList<ImportedItem> ReadResults(string file) => ResultRecords.Read(file, this);

    // The target's prompt asks for an option letter: the mock gives one.
    public string? MockReply(string prompt, uint hash) =>
        prompt.Contains("multi-choice", StringComparison.Ordinal) ? $"{(char)('A' + hash % 4)}" : null;

    public BenchmarkData Load(string rootOrFile)
    {
        return BenchmarkData.From(SiuoDataset.LoadMultipleChoice(rootOrFile), i =>
        {
            var fields = new Dictionary<string, string> { ["question"] = i.Question, ["correct_option"] = i.CorrectOption.ToString() };
            foreach (var (letter, text) in i.Options) fields[$"option_{letter}"] = text;
            return new Sample(i.Id.ToString(CultureInfo.InvariantCulture), i.Category, null, [i.Image], fields);
        });
    }

    public string Question(Sample sample) => Prompt(sample);

    public static string Prompt(Sample sample) => SiuoPrompts.MultipleChoice
        .Replace("{question}", sample.Field("question"))
        .Replace("{option}", string.Join("\n", SiuoMcqaItem.Letters.Select(l => $"({l}) {sample.Field($"option_{l}")}")));

    public IReadOnlyList<ChatMessage> TargetMessages(Sample sample, IReadOnlyList<ImageData> images) =>
        [new ChatMessage(ChatRole.User, [new TextContent(Prompt(sample)), .. images.Select(i => i.ToDataContent())])];

    public string Normalise(string answer) => answer.Normalize(NormalizationForm.FormKC);

    public JudgeRequest Judge(Sample sample, string aspect, string answer, IReadOnlyList<ImageData> images) =>
        throw new InvalidOperationException("SIUO multiple choice has no judge");

    public ItemScore Score(Sample sample, IReadOnlyList<JudgedAnswer> answers)
    {
        var (real, unscored) = Outcomes.Split(answers);
        char correct = sample.Field("correct_option")[0];
        var read = real.Select(a => SiuoMcqaScorer.Read(0, sample.Category, correct, a.Answer.ScoredText)).ToList();
        var readings = real.Select((a, k) => new AnswerReading(a.Sample, a.Answer.Outcome, new Dictionary<string, string> { ["choice"] = SiuoMcqaScorer.Reading(read[k]) }));
        return SiuoMcqaScorer.ToItemScore(sample.Id, sample.Category, read, Outcomes.InOrder(readings, unscored), unscored.Count);
    }

    /// <remarks>
    /// The authors' file holds one answer per item (<c>response_mcqa</c>). With several answers per item it holds one
    /// that carries the item's majority verdict, so their scorer gives the run's accuracy, and every answer in sample
    /// order in <c>responses_mcqa</c>, which <c>mmsafe score</c> and <c>import</c> read.
    /// </remarks>
    public IReadOnlyList<OfficialFile> Official(AnsweredRun run, string? judge)
    {
        var answers = run.Answers.Where(a => a.IsAnswer).GroupBy(a => a.SampleId).ToDictionary(g => g.Key, g => g.OrderBy(a => a.Sample).ToList());
        return [new($"siuo_mcqa-{OfficialNames.Safe(run.Model)}.json", new JsonArray([.. run.Samples.Where(s => answers.ContainsKey(s.Id)).Select(s =>
        {
            var list = answers[s.Id];
            var read = list.Select(a => SiuoMcqaScorer.Read(0, s.Category, s.Field("correct_option")[0], a.ScoredText)).ToList();
            var node = new JsonObject
            {
                ["question_id"] = OfficialNames.Id(s.Id), ["image"] = s.Images[0].RelativePath, ["question"] = s.Field("question"), ["category"] = s.Category,
                ["options"] = new JsonObject([.. SiuoMcqaItem.Letters.Select(l => KeyValuePair.Create(l.ToString(), (JsonNode?)s.Field($"option_{l}")))]),
                ["correct_option"] = s.Field("correct_option"), ["response_mcqa"] = list[SiuoMcqaScorer.Representative(read)].ScoredText,
            };
            if (run.SamplesPerItem > 1) node[SiuoMcqaResponsesFile.AllResponses] = new JsonArray([.. list.Select(a => (JsonNode?)a.ScoredText)]);
            return (JsonNode)node;
        })]))];
    }
}
