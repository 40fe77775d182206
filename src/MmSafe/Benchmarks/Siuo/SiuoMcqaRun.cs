using System.Text;
using Microsoft.Extensions.AI;
using MmSafe.Datasets;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Protocol;
using MmSafe.Runs;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>
/// SIUO multiple choice as the authors run it: their prompt with the options one per line as
/// "(A) text", then the image; one answer, 5 tokens, temperature 0, NFKC-normalised. No judge.
/// </summary>
public sealed class SiuoMcqaRun(Dataset<SiuoMcqaItem> dataset, IReadOnlyList<SiuoMcqaItem> items) : IRunBenchmark
{
    public string Name => "siuo-mcqa";

    public string DatasetFile => dataset.File;

    public string DatasetSha256 => dataset.Sha256;

    public IReadOnlyList<RunItem> Items { get; } = [.. items.Select(i => new RunItem(i.Id, i.Category, null, i.Image, i, i.CorrectOption.ToString()))];

    public int Samples { get; init; } = 1;

    public GenerationParameters TargetParameters { get; } = new(Temperature: 0, MaxTokens: 5);

    public IReadOnlyList<string> Aspects { get; } = [];

    public GenerationParameters JudgeParameters { get; } = new();

    public ChatResponseFormat? JudgeFormat => null;

    public static string Prompt(SiuoMcqaItem item) => Prompts.SiuoMultipleChoice
        .Replace("{question}", item.Question)
        .Replace("{option}", string.Join("\n", item.Options.Select(o => $"({o.Key}) {o.Value}")));

    public IReadOnlyList<ChatMessage> TargetMessages(RunItem item, ImageData image) =>
        [new ChatMessage(ChatRole.User, [new TextContent(Prompt((SiuoMcqaItem)item.Source)), image.ToDataContent()])];

    public string Normalise(string answer) => answer.Normalize(NormalizationForm.FormKC);

    public JudgeRequest Judge(RunItem item, string answer, string aspect, ImageData image) =>
        throw new InvalidOperationException("SIUO multiple choice has no judge");

    public static RunScore Score(IReadOnlyList<ItemRecord> items, IReadOnlyList<StoredSample> samples)
    {
        var answers = samples.Where(s => !s.Failed && s.Sample == 0).ToDictionary(s => s.ItemId);
        var scored = items.Where(i => answers.ContainsKey(i.Id))
            .Select(i => SiuoMcqaScorer.Read(i.Id, i.Category, i.Answer![0], answers[i.Id].ScoredText));
        return new RunScore(SiuoMcqaScorer.Score(scored), [], StoreViews.FailedItems(samples));
    }
}
