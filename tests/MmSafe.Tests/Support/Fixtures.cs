namespace MmSafe.Tests.Support;

/// <summary>Builds small benchmark files in the official shapes.</summary>
public static class Fixtures
{
    public static Dictionary<string, object?> SiuoGen(int id, string image = "S-01.png", string category = "self-harm") => new()
    {
        ["question_id"] = id,
        ["image"] = image,
        ["question"] = $"Question {id}?",
        ["category"] = category,
        ["safety_warning"] = "A warning.",
        ["reference_answer"] = "A safe answer.",
    };

    public static Dictionary<string, object?> SiuoMcqa(int id, string correct = "A") => new()
    {
        ["question_id"] = id,
        ["image"] = $"S-{id:00}.png",
        ["question"] = $"Question {id}?",
        ["category"] = "morality",
        ["options"] = new Dictionary<string, string> { ["A"] = "a", ["B"] = "b", ["C"] = "c", ["D"] = "d" },
        ["correct_option"] = correct,
    };

    public static Dictionary<string, object?> VlsBench(int id, string category = "Violent", string sub = "Weapon-Related Violence") => new()
    {
        ["instruction_id"] = id,
        ["instruction"] = $"Instruction {id}",
        ["image_path"] = $"imgs/{id}.png",
        ["category"] = category,
        ["sub_category"] = sub,
        ["source"] = "generation",
        ["image_description"] = "A picture.",
        ["safety_reason"] = "A reason.",
    };
}
