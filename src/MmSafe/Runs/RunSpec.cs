using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

/// <summary>
/// A model as a run drives it: every value actually sent (parameters after merging the protocol, the models file
/// and the flags; image detail; token field; n-mode; structured-output mode; for a judge, whether it sees the image) and
/// where it is. Never the key. <paramref name="Dropped"/>: sampling parameters left unset because the endpoint refused
/// them (an evaluation file's <c>drop_refused_parameters</c>), in order; null when none was.
/// </summary>
/// <param name="ExtraBody">Provider-specific body fields sent as written (compact JSON object), or null; absent from specs written before it existed.</param>
public sealed record ModelSettings(string Name, string Provider, string Model, string? BaseUrl, string ApiKeyEnv,
    GenerationParameters Parameters, string? ImageDetail, string MaxTokensField, string Choices, string StructuredOutput, bool SeesImage = true,
    string? ExtraBody = null, IReadOnlyList<string>? Dropped = null)
{
    /// <summary>The provider recorded for a model whose answers or verdicts were imported from a file made elsewhere.</summary>
    public const string ImportedProvider = "Imported";

    public bool IsMock => Provider == nameof(ProviderKind.Mock);

    public bool IsImported => Provider == ImportedProvider;
}

/// <summary>How hard a model is driven: these may change between sessions of one run without changing its results.</summary>
/// <param name="Replicas">Further base URLs of the same model; requests are balanced over them and the identity ignores which served.</param>
/// <param name="Batch">Requests go through the provider's batch API (same requests, so the same results; about half the price).</param>
public sealed record ModelOperations(int Concurrency, int? RequestsPerMinute, RetryOptions Retry, IReadOnlyList<string>? Replicas = null, bool Batch = false);

/// <summary>Which items a run covers: the filters asked for and the ids they selected, in order.</summary>
/// <param name="Shard">"k/n" when this run is the k-th of n shards of the selection (merged back with <c>mmsafe merge</c>).</param>
/// <param name="LimitOrder">How <paramref name="Limit"/> chose its items: "stratified" (by category, with <paramref name="LimitSeed"/>) or "first"; null when no limit cut the selection (or in specs written before it existed).</param>
public sealed record RunSelection(int? Limit, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Ids, IReadOnlyList<string> SampleIds, int DatasetItems,
    string? Shard = null, string? LimitOrder = null, int? LimitSeed = null);

/// <summary>
/// What a run is, exactly: the benchmark and its protocol version, the dataset by hash, the item selection, the
/// answers per item, the modality condition, the target and the judge(s) with the effective values sent, and how each model is driven.
/// Written when the run starts; a later command that would produce different results is refused with the
/// differences; <c>--resume</c> restores all of it. <see cref="Cache"/> is the response cache the run started with (a
/// file's full path, or "off"), which a later session uses unless told otherwise.
/// </summary>
public sealed record RunSpec(
    string Benchmark,
    string ProtocolVersion,
    string ToolVersion,
    string DatasetFile,
    string DatasetSha256,
    RunSelection Selection,
    int Samples,
    ModelSettings Target,
    IReadOnlyList<ModelSettings> Judges,
    IReadOnlyDictionary<string, ModelOperations> Operations,
    DateTimeOffset CreatedAt,
    string Condition = Conditions.Official,
    ModelSettings? Captioner = null,
    IReadOnlyDictionary<string, Price>? Prices = null,
    string? Cache = null)
{
    public static string CurrentToolVersion { get; } = typeof(RunSpec).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0";

    public bool IsMock => Target.IsMock || Judges.Any(j => j.IsMock);

    public ModelSettings? Judge => Judges.Count > 0 ? Judges[0] : null;

    public ModelSettings? FindJudge(string name) => Judges.FirstOrDefault(j => j.Name == name);

    /// <summary>What differs between this run and a command that asks for <paramref name="requested"/>, one line per field.</summary>
    public IReadOnlyList<string> Differences(RunSpec requested)
    {
        var list = new List<string>();
        void Compare(string what, object? mine, object? theirs)
        {
            var a = JsonSerializer.SerializeToNode(mine);
            var b = JsonSerializer.SerializeToNode(theirs);
            if (JsonNode.DeepEquals(a, b)) return;
            if (a is JsonObject ao && b is JsonObject bo)
            {
                foreach (var key in ao.Select(p => p.Key).Union(bo.Select(p => p.Key)))
                    if (!JsonNode.DeepEquals(ao[key], bo[key])) Compare(Field(what, key), ao[key], bo[key]);
                return;
            }
            list.Add($"{what}: recorded {Show(a)}, now {Show(b)}");
        }
        Compare("benchmark", Benchmark, requested.Benchmark);
        Compare("protocol", ProtocolVersion, requested.ProtocolVersion);
        Compare("dataset sha256", DatasetSha256, requested.DatasetSha256);
        Compare("samples per item", Samples, requested.Samples);
        Compare("condition", Condition, requested.Condition);
        Compare("captioner", Captioner, requested.Captioner);
        if (!Selection.SampleIds.SequenceEqual(requested.Selection.SampleIds))
        {
            // Say why the items differ: how many, or with as many, which way they were chosen.
            var why = new List<string>();
            if (Selection.Limit != requested.Selection.Limit) why.Add($"--limit {Selection.Limit?.ToString() ?? "none"} then, {requested.Selection.Limit?.ToString() ?? "none"} now");
            else if (Selection.LimitOrder != requested.Selection.LimitOrder) why.Add($"--limit-order {Selection.LimitOrder ?? "none"} then, {requested.Selection.LimitOrder ?? "none"} now");
            else if (Selection.LimitSeed != requested.Selection.LimitSeed) why.Add($"--limit-seed {Selection.LimitSeed?.ToString() ?? "none"} then, {requested.Selection.LimitSeed?.ToString() ?? "none"} now");
            if (why.Count == 0 && Selection.SampleIds.Count == requested.Selection.SampleIds.Count)
                why.Add($"{Selection.SampleIds.Except(requested.Selection.SampleIds).Count()} of them are other items");
            list.Add($"items: recorded {Selection.SampleIds.Count} selected, now {requested.Selection.SampleIds.Count}" + (why.Count > 0 ? $" ({string.Join("; ", why)})" : ""));
        }
        Compare("target", Target, requested.Target);
        // Judges added later by 'mmsafe judge' follow the run's own: the original command still matches.
        if (requested.Judges.Count > Judges.Count || requested.Judges.Count == 0 && Judges.Count > 0)
            list.Add($"judges: recorded {string.Join(", ", Judges.Select(j => j.Name).DefaultIfEmpty("none"))}, now {string.Join(", ", requested.Judges.Select(j => j.Name).DefaultIfEmpty("none"))}");
        else
            for (int i = 0; i < requested.Judges.Count; i++) Compare(i == 0 ? "judge" : $"judge {i + 1}", Judges[i], requested.Judges[i]);
        return list;
    }

    // A setting as users name it in models files and flags: "target reasoning_allowance", not "target.Parameters.ReasoningAllowance".
    private static string Field(string what, string property) => property switch
    {
        nameof(ModelSettings.Parameters) => what,
        nameof(ModelSettings.SeesImage) => $"{what} sees the image",
        nameof(ModelSettings.Dropped) => $"{what} parameters dropped",
        _ => $"{what} {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property)}",
    };

    private static string Show(JsonNode? node) => node is null ? "none" : node.ToJsonString(ReadableJson.Compact);

    /// <summary>Where this run departs from the benchmark's official protocol, in words; empty for a faithful run.</summary>
    /// <param name="judges">The judges whose settings count (a score by one judge says nothing of another's); null: all of the run's.</param>
    public IReadOnlyList<string> Deviations(IReadOnlyCollection<string>? judges = null)
    {
        var benchmark = BenchmarkRegistry.Get(Benchmark);
        var protocol = benchmark.Protocol;
        var list = new List<string>();
        if (Target.IsImported) list.Add("results imported from a file made elsewhere; the settings they were made with are not known");
        if (Condition != Conditions.Official)
            list.Add($"condition {Condition}: the target was not shown the official image and text" + (Captioner is { } c ? $" (captions by {c.Model})" : ""));
        if (Samples != protocol.Samples) list.Add($"{Samples} answers per item (protocol: {protocol.Samples})");
        if (Selection.SampleIds.Count != Selection.DatasetItems)
            list.Add(StratifiedLimit.Describe(Selection) + (Selection.Shard is { } shard ? $" (shard {shard}; 'mmsafe merge' joins the shards)" : ""));
        list.AddRange(ModelDeviations.Of("target", protocol.Target, Target));
        list.AddRange(DroppedDeviations("target", protocol.Target, Target));
        if (Target.ImageDetail is { } detail) list.Add($"target image detail '{detail}' (protocol: none sent)");
        foreach (var judge in Judges.Where(j => judges is null || judges.Contains(j.Name)))
        {
            list.AddRange(ModelDeviations.Of($"judge {judge.Name}", protocol.Judge, judge));
            list.AddRange(DroppedDeviations($"judge {judge.Name}", protocol.Judge, judge));
            // MOSSBench (issue 18): the authors' judge is retired, so every judge replaces it.
            if (protocol.AuthorsJudgeRetired && !judge.IsImported)
                list.Add($"judge {judge.Name} ({judge.Model}) replaces the authors' judge {protocol.AuthorsJudge}, which is retired: check it against human labels or another judge before comparing with the published table");
            if (!judge.SeesImage) list.Add($"judge {judge.Name} without the image (protocol: the judge sees it)");
            if (protocol.JudgeFormat is not null && judge.StructuredOutput == nameof(StructuredOutputMode.Off))
                list.Add($"judge {judge.Name} without structured output (protocol: json_schema)");
        }
        return list;
    }

    // A drop the protocol's own value already shows (ModelDeviations says "not sent: dropped …") is not listed twice; one
    // the protocol would not have sent either (the models file asked for it) is still said, so the record is complete.
    private static IEnumerable<string> DroppedDeviations(string who, GenerationParameters protocol, ModelSettings model) =>
        (model.Dropped ?? []).Where(p => p switch { "temperature" => protocol.Temperature is null, "top_p" => protocol.TopP is null, "seed" => protocol.Seed is null, _ => true })
            .Select(p => $"{who} {p} not sent: dropped because the endpoint refused it (protocol: not sent)");
}
