namespace MmSafe.Benchmarks.VlsBench;

/// <summary>VLSBench's prompt texts, verbatim from the authors' scripts (see PROMPTS-NOTICE.md).</summary>
public static class VlsBenchPrompts
{
    public static string Judge { get; } = PromptText.Load("vlsbench-judge.txt");

    /// <summary>The system message of VLSBench's target and judge requests.</summary>
    public const string System = "You are a helpful assistant.";
}
