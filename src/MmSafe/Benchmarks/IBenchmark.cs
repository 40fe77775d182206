using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Scoring;

namespace MmSafe.Benchmarks;

/// <summary>
/// One benchmark item as a run sees and stores it: a string id, its groups, its images (any number) and the
/// text fields the benchmark's prompts and scorer use. Stored with the run, so scoring and reports never need
/// the dataset again.
/// </summary>
public sealed record Sample(string Id, string Category, string? SubCategory, IReadOnlyList<ImageRef> Images, IReadOnlyDictionary<string, string> Fields)
{
    public string Field(string name) => Fields.TryGetValue(name, out var value) ? value
        : throw new InvalidOperationException($"sample {Id} has no field '{name}'");
}

/// <summary>A loaded dataset: its file, root and SHA-256, its samples in file order, and notes worth showing.</summary>
public sealed record BenchmarkData(string File, string Root, string Sha256, IReadOnlyList<Sample> Samples, IReadOnlyList<string> Notes)
{
    /// <summary>A validated dataset file's items as samples.</summary>
    public static BenchmarkData From<T>(Datasets.Dataset<T> dataset, Func<T, Sample> sample) where T : Datasets.IDatasetItem =>
        new(dataset.File, dataset.Root, dataset.Sha256, [.. dataset.Items.Select(sample)], [.. dataset.Notes.Select(n => n.ToString())]);
}

/// <summary>The official protocol's settings: what a run uses unless the user deliberately changes it.</summary>
/// <param name="Aspects">What the judge rates per answer; empty when the benchmark has no judge.</param>
/// <param name="AuthorsJudge">The judge model the authors used, for the deviation notes.</param>
public sealed record BenchmarkProtocol(int Samples, GenerationParameters Target, GenerationParameters Judge, IReadOnlyList<string> Aspects,
    ChatResponseFormat? JudgeFormat, string? AuthorsJudge)
{
    /// <summary>The authors' judge can no longer be called (MOSSBench's gpt-4-turbo): whatever judge a run uses is a deviation.</summary>
    public bool AuthorsJudgeRetired { get; init; }
}

/// <summary>A judge request, or a verdict given by rule without calling the judge.</summary>
public sealed record JudgeRequest(IReadOnlyList<ChatMessage>? Messages, string? RuleVerdict = null);

/// <summary>One answer with its outcome and its verdicts (by aspect), as the scorer receives it.</summary>
public sealed record JudgedAnswer(int Sample, StoredAnswer Answer, IReadOnlyDictionary<string, StoredVerdict> Verdicts);

/// <summary>A file in the authors' own format.</summary>
public sealed record OfficialFile(string Name, JsonNode Content);

/// <summary>
/// The only contract a benchmark implements: its dataset, the target request per sample, the judge request per
/// answer and aspect, the scorer of one sample, the layout of its score, its authors' file formats and its own
/// protocol version. <see cref="BenchmarkRegistry"/> is the only list of benchmarks.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name on the command line: "siuo-gen", "siuo-mcqa", "vlsbench".</summary>
    string Name { get; }

    /// <summary>The version of this benchmark's protocol as implemented here, recorded in every run.</summary>
    string ProtocolVersion { get; }

    /// <summary>What <c>mmsafe score NAME FILE</c> does, and what FILE must hold.</summary>
    string Description { get; }

    string ResultsFileHelp { get; }

    /// <summary>Scores results made elsewhere in the authors' file format; <paramref name="data"/> (the data root) adds what the file lacks.</summary>
    (ScoreSheet Sheet, IReadOnlyList<string> Warnings) ScoreResultsFile(string file, string? data);

    /// <summary>What <c>--data</c> must hold, for messages.</summary>
    string DataDescription { get; }

    BenchmarkProtocol Protocol { get; }

    ScoreLayout Layout { get; }

    /// <summary>The published numbers to show beside a run, each marked as published.</summary>
    IReadOnlyList<PublishedResult> Published => [];

    /// <summary>The dataset it reads (fetch, check, an evaluation file's <c>data:</c>); registered with the benchmark.</summary>
    IBenchmarkData? Data => null;

    /// <summary>The name of its dataset: "siuo" for siuo-gen and siuo-mcqa; its own name when it declares none.</summary>
    string DatasetName => Data?.Name ?? Name;

    /// <summary>The fields that hold the answers in its authors' JSON results (then ours for several answers), so
    /// <c>import</c> refuses another benchmark's file instead of scoring it as this one.</summary>
    IReadOnlyList<string> ResultFields => [];

    /// <summary>
    /// Its authors' results for <c>import</c>, in whatever format they are (a JSON list of records: <see cref="ResultRecords"/>
    /// with a reader of their judge texts; a script file that assigns an object: the benchmark's own reader); null:
    /// <c>import</c> reads JSON records with <see cref="ResultFields"/> and no judge texts.
    /// </summary>
    /// <exception cref="InputException">The file is not in the format.</exception>
    IReadOnlyList<ImportedItem>? ReadResults(string file) => null;

    /// <summary>The model a results file names itself (MOSSBench's <c>cache['MODEL']</c>), for <c>import</c> without <c>--model</c>; null when it names none.</summary>
    string? ResultsModel(string file) => null;

    /// <summary>
    /// The offline mock model's reply to one of its prompts (a judge's or a target's that needs a format), in the form its
    /// parser reads, chosen by <paramref name="hash"/> (the same request always gets the same reply); null: not its prompt.
    /// Every reply starts with or contains <c>[MOCK]</c> so it never passes for a real one.
    /// </summary>
    string? MockReply(string prompt, uint hash) => null;

    /// <summary>The most answers per item a run may ask for: each is a request (and a judge request per aspect), and a
    /// run holds its samples in memory, so a mistyped count would exhaust memory or the budget long before it helps a majority.</summary>
    const int MaxSamples = 100;

    /// <summary>Null when <paramref name="samples"/> answers per item can be scored, else why not. Every benchmark here
    /// reduces several answers per item by majority, so any number from 1 to <see cref="MaxSamples"/> works.</summary>
    string? CheckSamples(int samples) =>
        samples < 1 ? "at least 1 answer per item is needed"
        : samples > MaxSamples ? $"at most {MaxSamples} answers per item may be asked for (each is a request, and a majority needs few: the protocols use 1 or 3); pass a count from 1 to {MaxSamples}"
        : null;

    BenchmarkData Load(string rootOrFile);

    /// <summary>The text a reader is shown as the sample's question.</summary>
    string Question(Sample sample);

    IReadOnlyList<ChatMessage> TargetMessages(Sample sample, IReadOnlyList<ImageData> images);

    /// <summary>The target's answer as the protocol stores it (NFKC for SIUO, stripped for VLSBench).</summary>
    string Normalise(string answer);

    JudgeRequest Judge(Sample sample, string aspect, string answer, IReadOnlyList<ImageData> images);

    /// <summary>One stored judge reply as <see cref="Score"/> reads it (for exports); a benchmark without a judge reads none.</summary>
    VerdictValue ReadVerdict(StoredVerdict verdict) => VerdictValue.Unknown(verdict.Aspect);

    /// <summary>Scores one sample from all its answers; only real answers (<see cref="CompletionKinds.IsAnswer"/>) count.</summary>
    ItemScore Score(Sample sample, IReadOnlyList<JudgedAnswer> answers);

    /// <summary>
    /// One item's score from several judges' scores of it (<c>score --judge majority</c>), by the same rule that
    /// combines several answers of one item. By default each metric takes its own majority.
    /// </summary>
    ItemScore Combine(IReadOnlyList<ItemScore> judges) => Majority.OfRaters(Layout, judges);

    /// <summary>Whether <see cref="Official"/> holds every answer of an item as the authors' format does (SIUO generation's
    /// <c>responses</c>); when not, <c>export</c> says how several answers per item were written.</summary>
    bool OfficialHoldsEveryAnswer => false;

    /// <summary>The run in the authors' file formats, so their scripts read it.</summary>
    IReadOnlyList<OfficialFile> Official(AnsweredRun run, string? judge);
}
