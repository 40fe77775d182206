using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

/// <summary>Builds the spec of a new run from the protocol, the models file and the flags, and turns a recorded spec back into models.</summary>
public static class RunSpecs
{
    /// <param name="targetFlags">Parameters given on the command line, which win over the models file and the protocol.</param>
    public static RunSpec Create(IBenchmark benchmark, BenchmarkData data, RunSelection selection, int samples,
        ModelSpec target, GenerationParameters? targetFlags, ModelSpec? judge, GenerationParameters? judgeFlags, string condition = Conditions.Official) =>
        Create(benchmark, data, selection, samples, target, targetFlags, judge is null ? [] : [judge], judgeFlags, condition);

    /// <param name="judges">One judge, or a panel; the first is the run's judge for scores that name none.</param>
    public static RunSpec Create(IBenchmark benchmark, BenchmarkData data, RunSelection selection, int samples,
        ModelSpec target, GenerationParameters? targetFlags, IReadOnlyList<ModelSpec> judges, GenerationParameters? judgeFlags, string condition = Conditions.Official,
        ModelSpec? captioner = null)
    {
        var settings = benchmark.Protocol.Aspects.Count == 0 ? [] : judges.Select(j => Judge(benchmark, j, judgeFlags)).ToList();
        var operations = new Dictionary<string, ModelOperations> { [target.Name] = Operations(target) };
        foreach (var judge in judges) operations[judge.Name] = Operations(judge);
        if (captioner is not null) operations[captioner.Name] = Operations(captioner);
        return new RunSpec(benchmark.Name, benchmark.ProtocolVersion, RunSpec.CurrentToolVersion, data.File, data.Sha256, selection, samples,
            Settings("target", target, benchmark.Protocol.Target.With(target.Defaults).With(targetFlags), "none"), settings, operations, DateTimeOffset.UtcNow, condition,
            captioner is null ? null : Settings("captioner", captioner, Conditions.CaptionParameters.With(captioner.Defaults), "none"));
    }

    /// <summary>A judge's settings for this benchmark: the protocol's judge parameters, the models file's, then the flags.</summary>
    /// <remarks>Anthropic's Messages API takes no response format, so an Anthropic judge is recorded without structured output (a deviation shown).</remarks>
    public static ModelSettings Judge(IBenchmark benchmark, ModelSpec judge, GenerationParameters? flags, bool seesImage = true) =>
        Settings("judge", judge, benchmark.Protocol.Judge.With(judge.Defaults).With(flags),
            benchmark.Protocol.JudgeFormat is null ? "none"
            : judge.Provider == ProviderKind.Anthropic ? nameof(StructuredOutputMode.Off) : judge.StructuredOutput.ToString()) with { SeesImage = seesImage };

    public static ModelOperations Operations(ModelSpec spec) =>
        new(spec.Concurrency, spec.RequestsPerMinute, spec.Retry, spec.Replicas.Count == 0 ? null : [.. spec.Replicas.Select(u => u.ToString())], spec.Batch);

    // The record is what the wire carries: Anthropic's API has no seed, so none is recorded as sent.
    private static ModelSettings Settings(string role, ModelSpec s, GenerationParameters parameters, string structured)
    {
        if (s.Provider == ProviderKind.Anthropic) CheckAnthropic(s, parameters);
        // The allowance is added to the answer limit; with none, no limit is sent and the allowance would be recorded
        // but change nothing. (Anthropic always sends max_tokens, its default answer limit being the base.)
        else if (parameters is { ReasoningAllowance: { } allowance, MaxTokens: null })
            throw new InputException($"{role} {s.Name}{(s.Origin is { } origin ? $" ({origin})" : "")}: a reasoning allowance ({allowance} tokens) is added to the answer limit, " +
                "but max_tokens is unset, so no token limit is sent and the allowance would do nothing; keep max_tokens (take it out of --unset / --judge-unset, " +
                "or give parameters: { max_tokens: N } in the models file) or leave the reasoning allowance out.");
        return new(s.Name, s.Provider.ToString(), s.Model, s.Provider == ProviderKind.Mock ? null : s.EffectiveBaseUrl.ToString(), s.ApiKeyEnv,
            s.Provider == ProviderKind.Anthropic ? parameters with { Seed = null } : parameters, s.ImageDetail,
            s.Provider == ProviderKind.Anthropic ? "max_tokens" : s.EffectiveMaxTokensField, s.Choices.ToString(), structured, ExtraBody: s.ExtraBody);
    }

    // What Anthropic refuses is said before anything is sent, with what to change instead: every request would fail alike.
    private static void CheckAnthropic(ModelSpec s, GenerationParameters p)
    {
        const string Allowance = "a reasoning allowance (--reasoning-allowance N, --judge-reasoning-allowance N, or parameters: { reasoning_allowance: N } in the models file)";
        if (p.ReasoningEffort is not null)
            throw new InputException($"{s.Name}: Anthropic's Messages API takes no reasoning_effort ('{p.ReasoningEffort}'); give a thinking budget with {Allowance} instead.");
        if (p.ReasoningAllowance is not { } budget) return;
        if (budget < 1024)
            throw new InputException($"{s.Name}: a reasoning allowance of {budget} tokens is below the 1024 that Anthropic's thinking budget needs; give at least 1024.");
        if (p.Temperature is { } t && t != 1)
            throw new InputException($"{s.Name}: Anthropic takes no temperature {t.ToString(System.Globalization.CultureInfo.InvariantCulture)} with thinking on; leave it unset with --unset temperature " +
                "(--judge-unset temperature for a judge; temperature: unset under parameters: in the models file).");
        if (s.ExtraBody is { } extra && System.Text.Json.Nodes.JsonNode.Parse(extra)?["thinking"] is not null)
            throw new InputException($"{s.Name}: thinking is set both by extra_body and by {Allowance}; keep one.");
    }

    /// <summary>The model a recorded setting describes, driven as recorded (or as <paramref name="operations"/> say).</summary>
    public static ModelSpec Model(ModelSettings m, ModelOperations? operations) => new(m.Name, Enum.Parse<ProviderKind>(m.Provider), m.Model)
    {
        BaseUrl = m.BaseUrl is null ? null : new Uri(m.BaseUrl),
        ApiKeyEnv = m.ApiKeyEnv,
        Defaults = m.Parameters,
        ImageDetail = m.ImageDetail,
        MaxTokensField = m.MaxTokensField,
        Choices = Enum.Parse<ChoicesMode>(m.Choices),
        StructuredOutput = Enum.TryParse<StructuredOutputMode>(m.StructuredOutput, out var mode) ? mode : StructuredOutputMode.Auto,
        Concurrency = operations?.Concurrency ?? 8,
        RequestsPerMinute = operations?.RequestsPerMinute,
        Retry = operations?.Retry ?? new RetryOptions(),
        Replicas = [.. (operations?.Replicas ?? []).Select(u => new Uri(u))],
        Batch = operations?.Batch ?? false,
        ExtraBody = m.ExtraBody,
    };
}
