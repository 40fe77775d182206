using MmSafe.Datasets;

namespace MmSafe.Benchmarks.VlsBench;

/// <summary>Loads VLSBench's <c>data.json</c>. Images resolve as <c>&lt;root&gt;/&lt;image_path&gt;</c>.</summary>
public static class VlsBenchDataset
{
    public const string FileName = "data.json";

    /// <param name="rootOrFile">The data root, or the path of <c>data.json</c> itself.</param>
    public static Dataset<VlsBenchItem> Load(string rootOrFile)
    {
        var (root, file) = DatasetLoader.Locate(rootOrFile, FileName);
        var dataset = DatasetLoader.Load(root, file, "instruction_id", (r, id) =>
        {
            // The official file has one item (1685) with an empty instruction; the authors run it as is.
            var instruction = r.String("instruction", allowEmpty: true);
            var image = DatasetLoader.Image(r, "image_path", root, root);
            var category = r.String("category");
            var subCategory = r.String("sub_category");
            // Descriptive fields: present in the official file, not needed to run or score.
            var source = r.Has("source") ? r.String("source", allowEmpty: true) : "";
            var description = r.Has("image_description") ? r.String("image_description", allowEmpty: true) : "";
            var reason = r.Has("safety_reason") ? r.String("safety_reason", allowEmpty: true) : "";
            return instruction is null || image is null || category is null || subCategory is null
                || source is null || description is null || reason is null
                ? null
                : new VlsBenchItem(id, instruction, image, category, subCategory, source, description, reason);
        });
        return dataset with
        {
            Notes = [.. dataset.Items.Select((item, index) => (item, index))
                .Where(x => string.IsNullOrWhiteSpace(x.item.Instruction))
                .Select(x => new DatasetProblem(file, x.index, x.item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "instruction is empty; kept as in the official data (the image alone carries the request)"))],
        };
    }
}
