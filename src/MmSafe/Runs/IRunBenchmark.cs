using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>One item to run: its id, groups and image, plus the benchmark's own record.</summary>
public sealed record RunItem(int Id, string Category, string? SubCategory, ImageRef Image, object Source, string? Answer = null)
{
    public ItemRecord Record => new(Id, Category, SubCategory, Answer);
}

/// <summary>What scoring needs of an item, kept in the manifest so scores never need the dataset again.</summary>
public sealed record ItemRecord(int Id, string Category, string? SubCategory, string? Answer);

/// <summary>A judge request, or a verdict given by rule without calling the judge.</summary>
public sealed record JudgeRequest(IReadOnlyList<ChatMessage>? Messages, string? CannedReply = null);

/// <summary>A score computed from a run's store, ready to show or export.</summary>
public sealed record RunScore(object Score, IReadOnlyList<string> Warnings, IReadOnlyList<string> FailedItems);

/// <summary>
/// How one benchmark runs under its official protocol: the target request per item, the judge
/// request per answer and aspect, and the scoring of what the store holds.
/// </summary>
public interface IRunBenchmark
{
    /// <summary>"siuo-gen", "siuo-mcqa" or "vlsbench".</summary>
    string Name { get; }

    string DatasetFile { get; }

    string DatasetSha256 { get; }

    IReadOnlyList<RunItem> Items { get; }

    /// <summary>Answers per item (3 for SIUO generation).</summary>
    int Samples { get; }

    GenerationParameters TargetParameters { get; }

    /// <summary>What the judge rates per answer; empty when the benchmark has no judge.</summary>
    IReadOnlyList<string> Aspects { get; }

    GenerationParameters JudgeParameters { get; }

    ChatResponseFormat? JudgeFormat { get; }

    IReadOnlyList<ChatMessage> TargetMessages(RunItem item, ImageData image);

    /// <summary>The target's answer as the protocol stores it (NFKC for SIUO, stripped for VLSBench).</summary>
    string Normalise(string answer);

    JudgeRequest Judge(RunItem item, string answer, string aspect, ImageData image);
}
