using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MmSafe.Runs.Stores;

/// <summary>
/// A spec's JSON as a store writes it, and the spec as read back from that JSON, made once per spec. A new run's are made
/// on another core while its store opens and takes its samples (<see cref="Prepare"/>): the first serialization of a spec
/// and its first reading are tens of milliseconds of a run's start-up, mostly the JSON converters' compilation.
/// </summary>
internal static class SpecJson
{
    private static readonly ConditionalWeakTable<RunSpec, Lazy<Made>> Cache = [];

    internal sealed record Made(string Json, RunSpec Read);

    /// <summary>Starts making the spec's JSON on another core; <see cref="Get"/> then waits for it or finds it made.</summary>
    public static void Prepare(RunSpec spec)
    {
        var made = Of(spec);
        ThreadPool.UnsafeQueueUserWorkItem(static m =>
        {
            try
            {
                _ = m.Value;
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                // Kept by the Lazy: the store's own write raises it.
            }
        }, made, preferLocal: false);
    }

    /// <summary>The spec's JSON and the spec read back from it.</summary>
    public static Made Get(RunSpec spec) => Of(spec).Value;

    private static Lazy<Made> Of(RunSpec spec) => Cache.GetValue(spec, s => new Lazy<Made>(() =>
    {
        var json = JsonSerializer.Serialize(s);
        return new Made(json, JsonSerializer.Deserialize<RunSpec>(json)!);
    }, LazyThreadSafetyMode.ExecutionAndPublication));
}
