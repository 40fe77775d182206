using System.CommandLine;
using MmSafe.Models;

namespace MmSafe.Cli.Commands;

/// <summary>
/// The flags that name a model: <c>--model NAME --base-url URL --api-key-env VAR</c>, or for the
/// judge <c>--judge NAME --judge-base-url URL --judge-api-key-env VAR</c>. NAME is an entry of
/// the <c>--models-file</c> if it has one (flags given override the file), otherwise a model id
/// on an OpenAI-compatible endpoint, or "mock".
/// </summary>
public sealed class ModelOptions
{
    private ModelOptions(string? role)
    {
        string prefix = role is null ? "" : role + "-";
        string who = role ?? "target model";
        Name = new Option<string[]>(role is null ? "--model" : $"--{role}")
        {
            Description = role != "judge" ? $"The {who}: a models-file entry, a model id, or 'mock'."
                : $"The {who}: a models-file entry, a model id, or 'mock'. Give it more than once for a panel of judges.",
        };
        BaseUrl = new Option<string>($"--{prefix}base-url") { Description = $"The {who}'s OpenAI-compatible base URL (default {ModelSpec.OpenAIBaseUrl})." };
        ApiKeyEnv = new Option<string>($"--{prefix}api-key-env") { Description = $"The environment variable holding the {who}'s API key (default OPENAI_API_KEY)." };
        Concurrency = new Option<int?>($"--{prefix}concurrency") { Description = $"Requests in flight at once to the {who}'s endpoint." };
        MaxTokensField = new Option<string>($"--{prefix}max-tokens-field")
        {
            Description = $"The name the {who}'s token limit is sent under: max_tokens or max_completion_tokens (OpenAI's reasoning models want the latter; default: max_completion_tokens for api.openai.com only).",
        };
        MaxTokensField.AcceptOnlyFromAmong("max_tokens", "max_completion_tokens");
    }

    public Option<string[]> Name { get; }

    public Option<string> BaseUrl { get; }

    public Option<string> ApiKeyEnv { get; }

    public Option<int?> Concurrency { get; }

    public Option<string> MaxTokensField { get; }

    public static ModelOptions Target() => new(null);

    public static ModelOptions Judge() => new("judge");

    /// <summary>The captioning model of <c>--condition caption</c> (<c>--captioner NAME --captioner-base-url URL …</c>).</summary>
    public static ModelOptions Captioner() => new("captioner");

    public static Option<string> CacheOption() => new("--cache")
    {
        Description = "The response cache shared by runs (default $MMSAFE_CACHE or ~/.cache/mmsafe/responses.db); 'off' disables it.",
    };

    /// <summary>The response cache a session uses, as a run records it: a file's full path, or "off".</summary>
    public static string CacheChoice(ParseResult parse, Option<string> option, string? recorded = null) =>
        MmSafe.Evals.ResponseCaches.Choice(parse.GetValue(option), recorded);

    public static Option<string> ModelsFileOption() => new("--models-file") { Description = "A YAML file of named models (provider, URL, key variable, parameters, limits)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Name);
        command.Options.Add(BaseUrl);
        command.Options.Add(ApiKeyEnv);
        command.Options.Add(Concurrency);
        command.Options.Add(MaxTokensField);
    }

    /// <summary>The spec the flags describe, or null when the model flag was not given; one model only.</summary>
    /// <param name="runModels">The models an existing run recorded, by name (for commands on a run).</param>
    public ModelSpec? Resolve(ParseResult parse, IReadOnlyDictionary<string, ModelSpec>? modelsFile, IReadOnlyDictionary<string, ModelSpec>? runModels = null)
    {
        var all = ResolveAll(parse, modelsFile, runModels);
        return all.Count switch
        {
            0 => null,
            1 => all[0],
            _ => throw new InputException($"{Name.Name} was given {all.Count} times; this command takes one."),
        };
    }

    /// <summary>Every model the flag names, in order (a judge panel); the URL, key and concurrency flags apply to each.</summary>
    public IReadOnlyList<ModelSpec> ResolveAll(ParseResult parse, IReadOnlyDictionary<string, ModelSpec>? modelsFile, IReadOnlyDictionary<string, ModelSpec>? runModels = null)
    {
        var names = parse.GetValue(Name) ?? [];
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length) throw new InputException($"{Name.Name}: each model may be named once.");
        return [.. names.Select(name => ResolveOne(parse, modelsFile, runModels, name))];
    }

    // Nothing is sent where the user did not name: a name is a models-file entry, a model the run recorded (its endpoint
    // and key variable), a model id with --base-url, or "mock". A plain model id goes to OpenAI's API only when no models
    // file is in play, neither given now nor behind the run's own names.
    private ModelSpec ResolveOne(ParseResult parse, IReadOnlyDictionary<string, ModelSpec>? modelsFile, IReadOnlyDictionary<string, ModelSpec>? runModels, string name)
    {
        Uri? baseUrl = null;
        if (parse.GetValue(BaseUrl) is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
            throw new InputException($"{BaseUrl.Name} '{url}' is not an http(s) URL; expected e.g. http://localhost:8000/v1.");
        var keyEnv = parse.GetValue(ApiKeyEnv);
        if (keyEnv is not null && !ModelSpec.IsVariableName(keyEnv))
            // Not echoed: a value of this shape is often the key itself, pasted where its variable's name belongs.
            throw new InputException($"{ApiKeyEnv.Name} is not an environment variable's name (letters, digits and _, not starting with a digit; e.g. OPENAI_API_KEY); it names the variable that holds the key, never the key itself.");
        if (parse.GetValue(Concurrency) is < 1 and var bad) throw new InputException($"{Concurrency.Name} must be at least 1, not {bad}.");
        bool runUsedEntries = runModels?.Values.Any(m => m.Provider != ProviderKind.Mock && m.Name != m.Model) == true;
        bool adhocAllowed = baseUrl is not null || ModelSpec.Adhoc(name).Provider == ProviderKind.Mock || modelsFile is null && !runUsedEntries;
        ModelSpec spec;
        if (modelsFile?.TryGetValue(name, out var entry) == true) spec = entry;
        else if (runModels?.TryGetValue(name, out var known) == true) spec = known;
        else if (adhocAllowed) spec = ModelSpec.Adhoc(name, baseUrl, keyEnv);
        else
        {
            var candidates = (modelsFile?.Keys ?? []).Concat(runModels?.Keys ?? []).Distinct().Order().ToList();
            string where = modelsFile is not null ? "entry in the models file (entries:" : "model in this run, which was made with a models file (its models:";
            throw new InputException($"{Name.Name} '{name}': no such {where} {string.Join(", ", candidates.Select(k => $"'{k}'"))}); " +
                $"{(Closest(name, candidates) is { } guess ? $"did you mean '{guess}'? To" : "to")} use a model {(modelsFile is not null ? "that is not in the file" : "the run does not know")}, " +
                $"also pass {BaseUrl.Name}{(modelsFile is null ? " (or --models-file)" : "")}.");
        }
        return spec with
        {
            BaseUrl = baseUrl ?? spec.BaseUrl,
            ApiKeyEnv = keyEnv ?? spec.ApiKeyEnv,
            Concurrency = parse.GetValue(Concurrency) ?? spec.Concurrency,
            MaxTokensField = parse.GetValue(MaxTokensField) ?? spec.MaxTokensField,
            KeyFlag = ApiKeyEnv.Name,
        };
    }

    internal static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates.Select(c => (c, d: Distance(name.ToLowerInvariant(), c.ToLowerInvariant()))).Where(x => x.d <= 2).OrderBy(x => x.d).Select(x => x.c).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
