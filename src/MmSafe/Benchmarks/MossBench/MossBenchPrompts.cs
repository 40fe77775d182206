using System.Reflection;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>The authors' judge prompt, verbatim (<c>Protocol/mossbench-judge.txt</c>), filled with {question} and {response}.</summary>
public static class MossBenchPrompts
{
    public static string Judge { get; } = Load("mossbench-judge.txt");

    /// <summary>The judge text for one answer: both fields put in verbatim, as the authors' <c>str.format</c> does.</summary>
    /// <remarks>One pass, so a question that contains "{response}" is not filled in turn.</remarks>
    public static string JudgeText(string question, string response) =>
        System.Text.RegularExpressions.Regex.Replace(Judge, @"\{(question|response)\}", m => m.Groups[1].Value == "question" ? question : response);

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MmSafe.Protocol.{name}")
            ?? throw new InvalidOperationException($"embedded prompt {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
