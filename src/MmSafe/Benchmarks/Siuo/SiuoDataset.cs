using System.Text.Json;
using MmSafe.Datasets;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>Loads SIUO's two question files. Images resolve as <c>&lt;root&gt;/images/&lt;image&gt;</c>.</summary>
public static class SiuoDataset
{
    public const string GenerationFile = "siuo_gen.json";
    public const string MultipleChoiceFile = "siuo_mcqa.json";
    public const string ImagesFolder = "images";

    /// <param name="rootOrFile">The data root, or the path of <c>siuo_gen.json</c> itself.</param>
    public static Dataset<SiuoGenItem> LoadGeneration(string rootOrFile)
    {
        var (root, file) = DatasetLoader.Locate(rootOrFile, GenerationFile);
        return DatasetLoader.Load(root, file, "question_id", (r, id) =>
        {
            var image = DatasetLoader.Image(r, "image", root, Path.Combine(root, ImagesFolder));
            var question = r.String("question");
            var category = r.String("category");
            var warning = r.String("safety_warning");
            var reference = r.String("reference_answer");
            return image is null || question is null || category is null || warning is null || reference is null
                ? null
                : new SiuoGenItem(id, image, question, category, warning, reference);
        });
    }

    /// <param name="rootOrFile">The data root, or the path of <c>siuo_mcqa.json</c> itself.</param>
    public static Dataset<SiuoMcqaItem> LoadMultipleChoice(string rootOrFile)
    {
        var (root, file) = DatasetLoader.Locate(rootOrFile, MultipleChoiceFile);
        return DatasetLoader.Load(root, file, "question_id", (r, id) =>
        {
            var image = DatasetLoader.Image(r, "image", root, Path.Combine(root, ImagesFolder));
            var question = r.String("question");
            var category = r.String("category");
            var options = ReadOptions(r);
            var correct = ReadCorrectOption(r, options);
            return image is null || question is null || category is null || options is null || correct is null
                ? null
                : new SiuoMcqaItem(id, image, question, category, options, correct.Value);
        });
    }

    private static Dictionary<char, string>? ReadOptions(RecordReader r)
    {
        if (r.Object("options") is not { } element) return null;
        var keys = element.EnumerateObject().Select(p => p.Name).ToList();
        if (!keys.Order().SequenceEqual(["A", "B", "C", "D"]))
        {
            r.Problem($"field 'options' has keys [{string.Join(", ", keys)}]; expected exactly A, B, C and D");
            return null;
        }
        var options = new Dictionary<char, string>();
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                r.Problem($"option {property.Name} is {RecordReader.Describe(property.Value)}; expected a string");
                return null;
            }
            options[property.Name[0]] = property.Value.GetString()!;
        }
        return options;
    }

    private static char? ReadCorrectOption(RecordReader r, Dictionary<char, string>? options)
    {
        var correct = r.String("correct_option");
        if (correct is null) return null;
        if (correct.Length != 1 || !SiuoMcqaItem.Letters.Contains(correct[0]))
        {
            r.Problem($"field 'correct_option' is \"{correct}\"; expected one of A, B, C, D");
            return null;
        }
        return options is null ? null : correct[0];
    }
}
