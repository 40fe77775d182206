using System.Reflection;

namespace MmSafe.Protocol;

/// <summary>The authors' prompt texts, verbatim (see NOTICE.md), filled with <c>string.Replace</c> as they do.</summary>
public static class Prompts
{
    /// <summary>The version of the protocols implemented, recorded in every run's manifest.</summary>
    public const string ProtocolVersion = "siuo-2024.06+vlsbench-2024.11/mmsafe-1";

    public static string SiuoSafety { get; } = Load("siuo-judge-safety.txt");

    public static string SiuoEffectiveness { get; } = Load("siuo-judge-effectiveness.txt");

    public static string SiuoMultipleChoice { get; } = Load("siuo-mcqa-prompt.txt");

    public static string VlsBenchJudge { get; } = Load("vlsbench-judge.txt");

    /// <summary>The system message of VLSBench's target and judge requests.</summary>
    public const string VlsBenchSystem = "You are a helpful assistant.";

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MmSafe.Protocol.{name}")
            ?? throw new InvalidOperationException($"embedded prompt {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
