namespace MmSafe.Judging;

/// <summary>
/// The result of reading a verdict from model text: either a value, or "unparseable" with the
/// reason. Parsers never throw on odd text; model output is data, not a programming error.
/// </summary>
public readonly record struct ParseOutcome<T> where T : struct
{
    private ParseOutcome(T? value, string? reason)
    {
        Value = value;
        Reason = reason;
    }

    /// <summary>The parsed value, or null when the text could not be read.</summary>
    public T? Value { get; }

    /// <summary>Why the text could not be read; null on success.</summary>
    public string? Reason { get; }

    public bool IsParsed => Value is not null;

    public static ParseOutcome<T> Parsed(T value) => new(value, null);

    public static ParseOutcome<T> Unparseable(string reason) => new(null, reason);

    public override string ToString() => IsParsed ? $"{Value}" : $"unparseable: {Reason}";
}
