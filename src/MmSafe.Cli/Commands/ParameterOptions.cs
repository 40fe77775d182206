using System.CommandLine;
using System.Globalization;
using MmSafe.Models;

namespace MmSafe.Cli.Commands;

/// <summary>
/// The flags that set one role's generation parameters over the protocol and the models file: <c>--temperature</c>
/// (a number, or <c>unset</c>/<c>default</c> to send none), <c>--max-tokens</c>, <c>--unset NAMES</c>,
/// <c>--reasoning-effort LEVEL</c> and <c>--reasoning-allowance N</c>; for the judge each starts with <c>--judge-</c>.
/// </summary>
public sealed class ParameterOptions
{
    private ParameterOptions(string? role)
    {
        string prefix = role is null ? "--" : $"--{role}-";
        string who = role ?? "target";
        Temperature = new Option<string>($"{prefix}temperature") { Description = $"Override the protocol's temperature for the {who}: a number from 0 to 2, or 'unset' (also 'default') to send none." };
        MaxTokens = new Option<int?>($"{prefix}max-tokens") { Description = $"Override the protocol's max_tokens (the answer's limit) for the {who}." };
        // Repeatable: '--unset temperature --unset top_p' is the same as '--unset temperature,top_p'.
        Unset = new Option<string[]>($"{prefix}unset")
        {
            Description = $"Comma-separated parameters to leave unset for the {who}, even over the protocol ({string.Join(", ", GenerationParameters.Names)}); may be repeated; recorded as a deviation.",
        };
        ReasoningEffort = new Option<string>($"{prefix}reasoning-effort")
        {
            Description = $"Send reasoning_effort to the {who} (OpenAI-compatible: {string.Join(", ", ReasoningModels.Efforts)}); recorded as a deviation.",
        };
        ReasoningAllowance = new Option<int?>($"{prefix}reasoning-allowance")
        {
            Description = $"Tokens for the {who}'s hidden reasoning on top of the protocol's answer limit (the token limit sent is their sum; Anthropic: a thinking budget); recorded as a deviation.",
        };
    }

    public Option<string> Temperature { get; }

    public Option<int?> MaxTokens { get; }

    public Option<string[]> Unset { get; }

    public Option<string> ReasoningEffort { get; }

    public Option<int?> ReasoningAllowance { get; }

    /// <summary>Every flag of this role: each changes what is sent, so none may change on a resumed run.</summary>
    public IReadOnlyList<Option> All => [Temperature, MaxTokens, Unset, ReasoningEffort, ReasoningAllowance];

    public static ParameterOptions Target() => new(null);

    public static ParameterOptions Judge() => new("judge");

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>True when any of this role's flags was given.</summary>
    public bool Given(ParseResult parse) => All.Any(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>The override layer the flags describe, checked: a value no server accepts is a mistake to report now, not a request to send.</summary>
    public GenerationParameters Read(ParseResult parse)
    {
        var unset = new List<string>();
        foreach (var name in string.Join(',', parse.GetValue(Unset) ?? []).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = GenerationParameters.Names.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new InputException($"{Unset.Name}: '{name}' is not a parameter; expected {string.Join(", ", GenerationParameters.Names)}" +
                    (ModelOptions.Closest(name, GenerationParameters.Names) is { } guess ? $"; did you mean '{guess}'?" : "."));
            if (!unset.Contains(known)) unset.Add(known);
        }
        if (parse.GetResult(Unset) is { Implicit: false } && unset.Count == 0)
            throw new InputException($"{Unset.Name} names no parameter; expected a comma-separated list of {string.Join(", ", GenerationParameters.Names)}.");
        double? temperature = null;
        if (parse.GetValue(Temperature) is { } t)
        {
            if (t.Trim().ToLowerInvariant() is "unset" or "default") unset.Add("temperature");
            else if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new InputException($"{Temperature.Name} '{t}' is not a number; expected a number from 0 to 2, or 'unset' to send none.");
            else if (!(value is >= 0 and <= 2)) // NaN too
                throw new InputException(FormattableString.Invariant($"{Temperature.Name} must be from 0 to 2, not {value}."));
            else temperature = value;
        }
        if (parse.GetValue(MaxTokens) is < 1 and var m) throw new InputException($"{MaxTokens.Name} must be at least 1, not {m}.");
        if (parse.GetValue(ReasoningAllowance) is < 1 and var a) throw new InputException($"{ReasoningAllowance.Name} must be at least 1 token, not {a}.");
        string? effort = null;
        if (parse.GetValue(ReasoningEffort) is { } e)
            effort = ReasoningModels.Effort(e) ?? throw new InputException($"{ReasoningEffort.Name} '{e}' is not a reasoning effort; expected {string.Join(", ", ReasoningModels.Efforts)}.");
        var p = new GenerationParameters(Temperature: temperature, MaxTokens: parse.GetValue(MaxTokens), ReasoningEffort: effort, ReasoningAllowance: parse.GetValue(ReasoningAllowance));
        // A value given and unset at once is a contradiction: say so rather than pick one.
        var both = unset.Where(n => n switch
        {
            "temperature" => temperature is not null,
            "max_tokens" => p.MaxTokens is not null,
            "reasoning_effort" => effort is not null,
            "reasoning_allowance" => p.ReasoningAllowance is not null,
            _ => false,
        }).ToList();
        if (both.Count > 0) throw new InputException($"{Unset.Name}: {both[0]} is both given a value and left unset by the flags; keep one.");
        return unset.Count == 0 ? p : p with { Unset = unset };
    }
}
