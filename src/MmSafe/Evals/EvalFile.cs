using MmSafe.Benchmarks;
using MmSafe.Models;

namespace MmSafe.Evals;

/// <summary>
/// An evaluation file: every model × benchmark × condition as one run directory, each judged by the judge panel.
/// Paths are relative to the file.
/// <code>
/// out: evals/december              # one run directory per cell below this (or postgresql://USER@HOST/DB/PREFIX)
/// results: evals/december          # where the leaderboard files go (default: out, when it is a directory)
/// models_file: models.yaml         # named entries; "mock" needs none
/// models: [gpt4o, qwen2-vl]        # the targets (lmms-eval --model, VLMEvalKit --model A B)
/// benchmarks: [siuo-gen, vlsbench] # (lmms-eval --tasks, VLMEvalKit --data X Y)
/// data: { siuo: data/siuo, vlsbench: data/vlsbench }   # by benchmark or dataset name
/// judges: [gpt4o-judge]            # default: the models file's judges list
/// conditions: [official]           # official, text-only, image-only, caption
/// captioner: gpt4o-mini            # for caption: writes the descriptions a dataset lacks (SIUO), once per image
/// limit: 50                        # first N items of each benchmark
/// parallel: 2                      # cells at once (each model's concurrency still holds across cells)
/// prices: prices.yaml
/// budget: "$20"                    # for the whole evaluation, or "2000000tokens"
/// cache: off                       # or a directory; default the user cache
/// batch: judge                     # judge, target or all: through the providers' batch APIs (half price)
/// batch_poll: 30                   # seconds between asking whether a batch has ended
/// drop_refused_parameters: true    # a model whose endpoint refuses temperature, top_p or seed: leave it unset in that model's cells (a recorded deviation)
/// </code>
/// </summary>
public sealed record EvalFile(string Path, string Out, IReadOnlyList<ModelSpec> Models, IReadOnlyList<IBenchmark> Benchmarks,
    IReadOnlyDictionary<string, string> Data, IReadOnlyList<ModelSpec> Judges, IReadOnlyList<string> Conditions, int? Limit, int Parallel,
    string? Prices, string? Budget, string? Cache)
{
    /// <summary>Seconds between batch status requests, when set.</summary>
    public double? BatchPoll { get; init; }

    /// <summary>The captioning model of the caption condition (the file's <c>captioner:</c>), when it has one.</summary>
    public ModelSpec? Captioner { get; init; }

    /// <summary>
    /// <c>drop_refused_parameters</c>: when a model's endpoint refuses a sampling parameter (temperature, top_p, seed), leave it
    /// unset in every cell of that model and record the drop, instead of failing those cells.
    /// </summary>
    public bool DropRefusedParameters { get; init; }

    /// <summary>Where the leaderboard files are written.</summary>
    public string Results { get; init; } = Out;

    public static EvalFile Load(string path)
    {
        var document = Read(path);
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string Resolve(string p) => System.IO.Path.GetFullPath(p, dir);
        T Missing<T>(string field, string expected, object? given) =>
            throw new InputException($"{path}: '{field}' is {(given is null ? "missing" : "empty")}; expected {expected}.");

        var modelsFile = document.ModelsFile is { } mf ? Resolve(mf) : null;
        var entries = modelsFile is null ? new Dictionary<string, ModelSpec>() : ModelsFile.Load(modelsFile);
        ModelSpec Model(string name, string field) =>
            entries.TryGetValue(name, out var spec) ? spec
            : name.Equals("mock", StringComparison.OrdinalIgnoreCase) || name.StartsWith("mock/", StringComparison.OrdinalIgnoreCase) ? ModelSpec.Adhoc(name)
            : throw new InputException($"{path}: {field} names '{name}', which is not an entry of {(modelsFile is null ? "a models file (add models_file: models.yaml)" : modelsFile)}" +
                (entries.Count > 0 ? $"; its entries are {string.Join(", ", entries.Keys)}." : "."));

        if (document.Batch is not (null or "judge" or "target" or "all")) throw new InputException($"{path}: batch is '{document.Batch}'; expected judge, target or all.");
        if (document.BatchPoll is <= 0) throw new InputException($"{path}: batch_poll must be more than 0 seconds, not {document.BatchPoll}.");
        var wording = CellWording.File(path);
        ModelSpec Batched(ModelSpec spec, bool on) => ModelBatching.Apply(spec, on ? true : null, wording.Batch);
        var models = (document.Models is { Count: > 0 } m ? m : Missing<List<string>>("models", "a list of model names, e.g. models: [gpt4o, qwen2-vl]", document.Models))
            .Select(n => Batched(Model(n, "models"), document.Batch is "target" or "all")).ToList();
        Duplicates(path, "models", models.Select(x => x.Name));
        var benchmarks = new List<IBenchmark>();
        foreach (var name in document.Benchmarks is { Count: > 0 } b ? b : Missing<List<string>>("benchmarks", $"a list of {string.Join(", ", BenchmarkRegistry.Names)}", document.Benchmarks))
            benchmarks.Add(BenchmarkRegistry.Names.Contains(name) ? BenchmarkRegistry.Get(name)
                : throw new InputException($"{path}: benchmarks names '{name}'; expected one of {string.Join(", ", BenchmarkRegistry.Names)}."));
        Duplicates(path, "benchmarks", benchmarks.Select(x => x.Name));

        var data = new Dictionary<string, string>();
        var given = document.Data ?? [];
        foreach (var bench in benchmarks)
        {
            var key = given.ContainsKey(bench.Name) ? bench.Name : DatasetOf(bench.Name);
            data[bench.Name] = given.TryGetValue(key, out var root) ? Resolve(root)
                : throw new InputException($"{path}: data has no entry for {bench.Name}; add 'data: {{ {DatasetOf(bench.Name)}: DIR }}' ({bench.DataDescription}).");
        }
        foreach (var key in given.Keys.Where(k => !benchmarks.Any(b => b.Name == k || DatasetOf(b.Name) == k)))
            throw new InputException($"{path}: data names '{key}', which no benchmark of the file uses; expected one of {string.Join(", ", benchmarks.SelectMany(x => new[] { x.Name, DatasetOf(x.Name) }).Distinct())}.");

        var judges = document.Judges is { Count: > 0 } j ? j.Select(n => Model(n, "judges")).ToList()
            : modelsFile is not null ? [.. ModelsFile.Judges(modelsFile)] : [];
        judges = [.. judges.Select(x => Batched(x, document.Batch is "judge" or "all"))];
        Duplicates(path, "judges", judges.Select(x => x.Name));
        if (judges.Count == 0 && benchmarks.FirstOrDefault(x => x.Protocol.Aspects.Count > 0) is { } judged)
            throw new InputException(wording.NeedsJudge(judged.Name));

        var conditions = document.Conditions is { Count: > 0 } c ? c : [Runs.Conditions.Official];
        foreach (var condition in conditions.Where(x => !Runs.Conditions.All.Contains(x)))
            throw new InputException($"{path}: conditions names '{condition}'; expected one of {string.Join(", ", Runs.Conditions.All)}.");
        Duplicates(path, "conditions", conditions);
        var captioner = document.Captioner is { } cap ? Model(cap, "captioner") : null;
        if (captioner is not null && !conditions.Contains(Runs.Conditions.Caption))
            throw new InputException(wording.CaptionerUnused(Runs.Conditions.Official));
        // Checked here, before any cell starts, and named as the file's field (not as the --budget flag of 'mmsafe run').
        if (document.Budget is { } budget) Runs.BudgetLimit.Parse(budget, $"{path}: budget: '{budget}'");
        if (document.Limit is < 1) throw new InputException($"{path}: limit must be at least 1, not {document.Limit}.");
        if (document.Parallel is < 1) throw new InputException($"{path}: parallel must be at least 1, not {document.Parallel}.");
        var outText = document.Out ?? Missing<string>("out", "the directory for the evaluation's runs, e.g. out: evals/december", null);
        // A PostgreSQL out: shares every cell with other 'mmsafe eval' processes given the same file (many machines, one evaluation).
        bool server = Runs.Stores.RunStores.IsServer(outText);
        if (server) Runs.Stores.PostgresLocation.Parse(outText);
        var results = document.Results is { } r ? Resolve(r)
            : server ? throw new InputException($"{path}: out: is a PostgreSQL location, so the leaderboard files need a directory; add 'results: DIR'.") : Resolve(outText);
        return new EvalFile(path, server ? outText.TrimEnd('/') : Resolve(outText), models, benchmarks, data, judges,
            conditions, document.Limit, document.Parallel ?? 2, document.Prices is { } p ? Resolve(p) : null, document.Budget,
            document.Cache is null or "off" or "none" ? document.Cache : Resolve(document.Cache)) { Results = results, BatchPoll = document.BatchPoll, Captioner = captioner, DropRefusedParameters = document.DropRefusedParameters ?? false };
    }

    /// <summary>The evaluation narrowed to some of its models and benchmarks (like lmms-eval's --tasks); null keeps all.</summary>
    public EvalFile Only(IReadOnlyList<string>? models, IReadOnlyList<string>? benchmarks)
    {
        List<T> Pick<T>(IReadOnlyList<T> all, IReadOnlyList<string>? names, Func<T, string> name, string what)
        {
            if (names is not { Count: > 0 }) return [.. all];
            var unknown = names.Where(n => all.All(x => name(x) != n)).ToList();
            if (unknown.Count > 0)
                throw new InputException($"{Path}: --{what} names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which the file does not list; it lists {string.Join(", ", all.Select(name))}.");
            return [.. all.Where(x => names.Contains(name(x)))];
        }
        return this with { Models = Pick(Models, models, m => m.Name, "models"), Benchmarks = Pick(Benchmarks, benchmarks, b => b.Name, "benchmarks") };
    }

    /// <summary>The dataset a benchmark reads, as it declares it: siuo for siuo-gen and siuo-mcqa.</summary>
    public static string DatasetOf(string benchmark) => MmSafe.Benchmarks.BenchmarkRegistry.Find(benchmark)?.DatasetName ?? benchmark;

    /// <summary>Every cell of the matrix, in a stable order: benchmark, then model, then condition.</summary>
    public IReadOnlyList<EvalCell> Cells() =>
        [.. from b in Benchmarks from m in Models from c in Conditions select new EvalCell(b, m, c, Place(b.Name, Safe(m.Name), c))];

    // Below out: a directory per cell, or a run name per cell in the database (its parameters, e.g. lease_seconds, kept at the end).
    private string Place(params string[] parts)
    {
        if (!Runs.Stores.RunStores.IsServer(Out)) return System.IO.Path.Combine([Out, .. parts]);
        var query = Out.IndexOf('?') is var q and >= 0 ? Out[q..] : "";
        return $"{Out[..(Out.Length - query.Length)].TrimEnd('/')}/{string.Join('/', parts)}{query}";
    }

    // A model name is a directory name here; '/' (mock/x, org/model) and other separators become '_'.
    private static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' or '_' ? ch : '_'));

    private static void Duplicates(string path, string field, IEnumerable<string> names)
    {
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"{path}: {field} lists '{twice.Key}' twice; each may appear once.");
    }

    private static Document Read(string path) =>
        YamlFile.Read<Document>(path, "evaluation file", Friendly, parameterNames: GenerationParameters.Names) ?? throw new InputException($"{path}: the evaluation file is empty; expected out:, models:, benchmarks: and data:.");

    private static string Friendly(string message)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, @"Property '(?<p>[^']+)' not found");
        if (unknown.Success) return $"unknown field '{unknown.Groups["p"].Value}'; expected one of {string.Join(", ", YamlFile.Fields(typeof(Document)))}";
        return message.Contains("System.", StringComparison.Ordinal) || message.Contains("MmSafe.", StringComparison.Ordinal)
            ? "this value has the wrong shape (a single value where a list is expected, or the reverse); see the evaluation-file example in the README"
            : message;
    }

    private sealed class Document
    {
        public string? Out { get; set; }
        public string? Results { get; set; }
        public string? ModelsFile { get; set; }
        public List<string>? Models { get; set; }
        public List<string>? Benchmarks { get; set; }
        public Dictionary<string, string>? Data { get; set; }
        public List<string>? Judges { get; set; }
        public List<string>? Conditions { get; set; }
        public string? Captioner { get; set; }
        public int? Limit { get; set; }
        public int? Parallel { get; set; }
        public string? Prices { get; set; }
        public string? Budget { get; set; }
        public string? Cache { get; set; }
        public string? Batch { get; set; }
        public double? BatchPoll { get; set; }
        public bool? DropRefusedParameters { get; set; }
    }
}

/// <summary>One cell of an evaluation: a model on a benchmark under a condition, in its own run directory.</summary>
public sealed record EvalCell(IBenchmark Benchmark, ModelSpec Model, string Condition, string Directory)
{
    public string Name => $"{Benchmark.Name} · {Model.Name}" + (Condition == Runs.Conditions.Official ? "" : $" · {Condition}");
}
