using System.Reflection;
using MmSafe.Models;
using MmSafe.Protocol;

namespace MmSafe.Runs;

/// <summary>Creates a run's manifest and checks that a resumed command continues the same run.</summary>
public static class RunManifests
{
    public static string ToolVersion { get; } =
        typeof(RunManifests).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static ModelRecord Record(ModelSpec s) => new(s.Name, s.Provider.ToString(), s.Model,
        s.Provider == ProviderKind.Mock ? null : s.EffectiveBaseUrl.ToString(), s.ApiKeyEnv,
        s.Defaults.Temperature, s.Defaults.TopP, s.Defaults.MaxTokens, s.Defaults.Seed, s.Defaults.SystemPrompt);

    public static ModelSpec Spec(ModelRecord r) => new(r.Name, Enum.Parse<ProviderKind>(r.Provider), r.Model)
    {
        BaseUrl = r.BaseUrl is null ? null : new Uri(r.BaseUrl),
        ApiKeyEnv = r.ApiKeyEnv,
        Defaults = new GenerationParameters(r.Temperature, r.TopP, r.MaxTokens, r.Seed, r.SystemPrompt),
    };

    public static RunManifest Create(IRunBenchmark benchmark, ModelSpec target, ModelSpec? judge) => new(
        benchmark.Name, benchmark.DatasetFile, benchmark.DatasetSha256, Record(target), judge is null ? null : Record(judge),
        benchmark.Samples, [.. benchmark.Items.Select(i => i.Record)], ToolVersion, Prompts.ProtocolVersion, DateTimeOffset.UtcNow);

    /// <summary>The run's benchmark, rebuilt from its recorded dataset file, which must still hash the same.</summary>
    public static IRunBenchmark Benchmark(RunManifest manifest, string directory)
    {
        var benchmark = BenchmarkCatalog.Load(manifest.Benchmark, manifest.DatasetFile, new RunFilter(Ids: [.. manifest.Items.Select(i => i.Id)]), manifest.Samples);
        if (benchmark.DatasetSha256 != manifest.DatasetSha256)
            throw new InputException($"{manifest.DatasetFile}: the dataset changed since the run in {directory} was made (SHA-256 {benchmark.DatasetSha256[..12]}…, recorded {manifest.DatasetSha256[..12]}…); restore the original file.");
        return benchmark;
    }

    /// <summary>Opens the store for this command: writes the manifest of a new run, or checks an existing one matches.</summary>
    public static RunStore OpenFor(string directory, RunManifest requested)
    {
        var store = RunStore.Open(directory);
        var existing = store.ReadManifest();
        if (existing is null)
        {
            store.WriteManifest(requested);
            return store;
        }
        string? difference =
            existing.Benchmark != requested.Benchmark ? $"benchmark {existing.Benchmark}, not {requested.Benchmark}"
            : existing.DatasetSha256 != requested.DatasetSha256 ? $"dataset {existing.DatasetSha256[..12]}…, not {requested.DatasetSha256[..12]}…"
            : existing.Target != requested.Target ? $"target model {existing.Target.Name} ({existing.Target.Model}) with other settings"
            : existing.Samples != requested.Samples ? $"{existing.Samples} answers per item, not {requested.Samples}"
            : !existing.Items.SequenceEqual(requested.Items) ? $"{existing.Items.Count} items, not the {requested.Items.Count} selected now"
            : null;
        if (difference is null) return store;
        store.Dispose();
        throw new InputException($"{directory}: this run directory holds another run ({difference}). Use a new --out directory, or 'mmsafe run --resume {directory}' to continue that run.");
    }
}
