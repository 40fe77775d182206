using System.Globalization;

namespace MmSafe.Reports.Certification;

/// <summary>
/// The rule a certificate applies, declared before the figures are computed. Each clause is optional:
/// <c>kappa_low&gt;=X</c> (the lower end of κ's 95% interval is at least X), <c>shift_within_mdd</c> (the headline
/// shift's 95% interval lies inside ± the minimum detectable difference) and <c>category_holm_p&gt;=A</c> (no category's
/// shift is significant: every Holm-adjusted exact McNemar p over the categories is at least A).
/// </summary>
public sealed record CertificationRule(double? KappaLow, bool ShiftWithinMdd, double? CategoryHolmP)
{
    /// <summary>The default: κ's lower bound ≥ 0.6, the shift's interval inside ± MDD, and no category significantly shifted (Holm p ≥ 0.05).</summary>
    public static CertificationRule Default { get; } = new(0.6, true, 0.05);

    public const string DefaultText = "kappa_low>=0.6,shift_within_mdd,category_holm_p>=0.05";

    private static readonly string[] Valid = ["kappa_low>=X", "shift_within_mdd", "category_holm_p>=A"];

    /// <summary>Parses the text form, e.g. <c>kappa_low&gt;=0.6,shift_within_mdd</c>; an unknown or malformed clause is an <see cref="InputException"/> naming it.</summary>
    public static CertificationRule Parse(string text)
    {
        double? kappa = null, holm = null;
        bool shift = false;
        var clauses = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (clauses.Length == 0) throw new InputException($"--rule '{text}' has no clause; expected one or more of {string.Join(", ", Valid)}, separated by commas.");
        foreach (var clause in clauses)
        {
            if (clause == "shift_within_mdd") shift = true;
            else if (Threshold(clause, "kappa_low>=") is { } k)
                kappa = k is >= -1 and <= 1 ? k : throw new InputException($"--rule: clause '{clause}': κ lies between -1 and 1, so a bound of {k.ToString(CultureInfo.InvariantCulture)} could never (or always) hold.");
            else if (Threshold(clause, "category_holm_p>=") is { } p)
                holm = p is > 0 and < 1 ? p : throw new InputException($"--rule: clause '{clause}': A is a significance level between 0 and 1 (e.g. 0.05).");
            else if (clause.StartsWith("kappa_low", StringComparison.Ordinal) || clause.StartsWith("category_holm_p", StringComparison.Ordinal))
                throw new InputException($"--rule: clause '{clause}' is cut short; in a shell, quote the rule ('kappa_low>=0.6,shift_within_mdd'): an unquoted > is a redirection.");
            else throw new InputException($"--rule: unknown clause '{clause}'; the valid clauses are {string.Join(", ", Valid)} (X a number, A a probability), separated by commas.");
        }
        return new CertificationRule(kappa, shift, holm);
    }

    private static double? Threshold(string clause, string prefix)
    {
        if (!clause.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var number = clause[prefix.Length..];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new InputException($"--rule: clause '{clause}' needs a number after '{prefix}', not '{number}'.");
    }

    /// <summary>The text form, as <c>--rule</c> takes it.</summary>
    public string Text => string.Join(",", new[]
    {
        KappaLow is { } k ? $"kappa_low>={k.ToString(CultureInfo.InvariantCulture)}" : null,
        ShiftWithinMdd ? "shift_within_mdd" : null,
        CategoryHolmP is { } p ? $"category_holm_p>={p.ToString(CultureInfo.InvariantCulture)}" : null,
    }.Where(c => c is not null));

    /// <summary>The rule in words, printed before the figures and stored in the certificate.</summary>
    public string Description => string.Join("; and ", new[]
    {
        KappaLow is { } k ? $"the lower end of Cohen's κ's 95% interval is at least {k.ToString(CultureInfo.InvariantCulture)}" : null,
        ShiftWithinMdd ? "the 95% interval of the headline shift (candidate minus reference, points) lies inside ± the minimum detectable difference" : null,
        CategoryHolmP is { } p ? $"no category's shift is significant: every Holm-adjusted exact McNemar p over the categories is at least {p.ToString(CultureInfo.InvariantCulture)}" : null,
    }.Where(c => c is not null)) + ".";
}
