namespace MmSafe.Benchmarks.Siuo;

/// <summary>SIUO's prompt texts, verbatim from the authors' scripts (see PROMPTS-NOTICE.md).</summary>
public static class SiuoPrompts
{
    public static string Safety { get; } = PromptText.Load("siuo-judge-safety.txt");

    public static string Effectiveness { get; } = PromptText.Load("siuo-judge-effectiveness.txt");

    public static string MultipleChoice { get; } = PromptText.Load("siuo-mcqa-prompt.txt");
}
