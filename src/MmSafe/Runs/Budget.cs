using System.Globalization;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>A model's price in USD per million tokens, input and output.</summary>
public sealed record Price(decimal Input, decimal Output)
{
    /// <summary>What a batch API bills of the standard price (OpenAI's Batch API and Anthropic's Message Batches: half).</summary>
    public const decimal BatchFactor = 0.5m;
}

/// <summary>A hard stop: at most this many dollars (priced with <see cref="Price"/>s) or this many tokens.</summary>
public sealed record BudgetLimit(decimal? Usd, long? Tokens)
{
    /// <summary>"5", "$5" or "5usd" in dollars; "200000tokens" or "200k tokens" in tokens.</summary>
    /// <param name="source">What the user wrote it as, for the message: the flag (the default) or a file's field.</param>
    public static BudgetLimit Parse(string text, string? source = null)
    {
        var t = text.Trim().ToLowerInvariant().Replace(" ", "");
        if (t.EndsWith("tokens", StringComparison.Ordinal) || t.EndsWith("tok", StringComparison.Ordinal))
        {
            var number = t.TrimEnd('s').Replace("token", "").Replace("tok", "");
            long scale = number.EndsWith('k') ? 1_000 : number.EndsWith('m') ? 1_000_000 : 1;
            if (scale > 1) number = number[..^1];
            if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var tokens) && tokens > 0)
            {
                // Read as written, never rounded: "1.5tokens" is not "a budget of 1 token".
                decimal whole = tokens * scale;
                if (whole != decimal.Truncate(whole) || whole > long.MaxValue)
                    throw new InputException($"{source ?? $"--budget '{text}'"}: a token budget is a whole number of tokens (e.g. 200000tokens, 1.5k tokens); " +
                        FormattableString.Invariant($"give {decimal.Ceiling(Math.Min(whole, long.MaxValue)):0}tokens, or dollars (5, $5, 5usd)."));
                return new BudgetLimit(null, (long)whole);
            }
        }
        else if (decimal.TryParse(t.TrimStart('$').Replace("usd", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var usd) && usd > 0)
            return new BudgetLimit(usd, null);
        throw new InputException($"{source ?? $"--budget '{text}'"}: expected dollars (5, $5, 5usd) or tokens (200000tokens, 200k tokens), more than 0.");
    }

    /// <summary>
    /// A budget in dollars is counted only with a price for every model the session pays for (<paramref name="models"/>):
    /// refused otherwise, in <paramref name="wording"/>. A token budget, or none, needs no prices.
    /// </summary>
    /// <param name="source">Where <paramref name="prices"/> came from, as the user named it.</param>
    public static void Require(BudgetLimit? limit, IReadOnlyDictionary<string, Price>? prices, string? source, IEnumerable<string> models, BudgetWording wording)
    {
        if (limit?.Usd is null) return;
        if (prices is null) throw new InputException(wording.NoPrices);
        if (PriceFile.Unpriced(prices, models) is { Count: > 0 } unpriced)
            throw new InputException(wording.Unpriced + PriceFile.NoPrice(source ?? wording.Source, unpriced) + wording.Tokens);
    }
}

/// <summary>What a set of models has spent this session, from their usage ledgers, and whether a budget is used up.</summary>
public sealed class BudgetGuard(BudgetLimit? limit, IReadOnlyDictionary<string, Price>? prices, IEnumerable<ModelClient> clients)
{
    private readonly IReadOnlyList<ModelClient> _clients = [.. clients];

    public BudgetLimit? Limit => limit;

    /// <summary>Tokens in and out, and dollars when every model has a price.</summary>
    public (long Tokens, decimal? Usd) Spent()
    {
        long tokens = 0;
        decimal? usd = 0;
        foreach (var client in _clients)
        {
            var u = client.Usage.Snapshot();
            tokens += u.InputTokens + u.OutputTokens;
            usd = prices is not null && prices.TryGetValue(client.Spec.Model, out var p) && usd is { } sum
                ? sum + (client.Spec.Batch ? Price.BatchFactor : 1m) * (u.InputTokens * p.Input + u.OutputTokens * p.Output) / 1_000_000m
                : null;
        }
        return (tokens, usd);
    }

    public bool Exceeded
    {
        get
        {
            if (limit is null) return false;
            var (tokens, usd) = Spent();
            return limit.Tokens is { } t && tokens >= t || limit.Usd is { } d && usd is { } spent && spent >= d;
        }
    }

    public string Describe()
    {
        var (tokens, usd) = Spent();
        var spent = $"{tokens:N0} tokens" + (usd is { } d ? FormattableString.Invariant($" (${d:0.0000##})") : "");
        // Cents at least, and every digit given: a budget of $0.00001 is not shown as $0.00.
        return limit is null ? spent : $"{spent} of a budget of " + (limit.Usd is { } u ? FormattableString.Invariant($"${u:0.00############}")
            : limit.Tokens == 1 ? "1 token" : $"{limit.Tokens:N0} tokens");
    }
}
