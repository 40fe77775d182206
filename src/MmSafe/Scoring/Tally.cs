namespace MmSafe.Scoring;

/// <summary>Counts successes out of valid items, overall or for one group.</summary>
public sealed class Tally
{
    public int Successes { get; private set; }

    public int Count { get; private set; }

    /// <summary>Adds one item's outcome; null (no valid verdict) is not counted.</summary>
    public void Add(bool? outcome)
    {
        if (outcome is null) return;
        Count++;
        if (outcome.Value) Successes++;
    }

    public Rate ToRate(Rounding rounding) => Rate.Of(Successes, Count, rounding);
}

/// <summary>Groups in order of first appearance, each with its own accumulator.</summary>
public sealed class Groups<T> where T : new()
{
    private readonly Dictionary<string, T> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public T this[string name]
    {
        get
        {
            if (!_byName.TryGetValue(name, out var group))
            {
                _byName[name] = group = new T();
                _order.Add(name);
            }
            return group;
        }
    }

    public IReadOnlyList<KeyValuePair<string, TResult>> Select<TResult>(Func<T, TResult> selector) =>
        [.. _order.Select(name => KeyValuePair.Create(name, selector(_byName[name])))];
}
