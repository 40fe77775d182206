namespace MmSafe.Benchmarks.MossBench;

/// <summary>The authors' judge prompt, verbatim (<c>mossbench-judge.txt</c>, embedded from this folder), filled with {question} and {response}.</summary>
public static class MossBenchPrompts
{
    public static string Judge { get; } = PromptText.Load("mossbench-judge.txt");

    /// <summary>The judge text for one answer: both fields put in verbatim, as the authors' <c>str.format</c> does.</summary>
    /// <remarks>One pass, so a question that contains "{response}" is not filled in turn.</remarks>
    public static string JudgeText(string question, string response) =>
        System.Text.RegularExpressions.Regex.Replace(Judge, @"\{(question|response)\}", m => m.Groups[1].Value == "question" ? question : response);
}
