using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Datasets;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Datasets;

public sealed class DatasetLoaderTests
{
    [Fact]
    public void Loads_siuo_generation_items_and_resolves_images_under_images()
    {
        using var dir = new TempDir();
        dir.Json("siuo_gen.json", new[] { Fixtures.SiuoGen(1001), Fixtures.SiuoGen(1002, "S-02.png", "morality") });
        var dataset = SiuoDataset.LoadGeneration(dir.Path);
        Assert.Equal(2, dataset.Count);
        Assert.Equal(Path.Combine(dir.Path, "images", "S-01.png"), dataset.Items[0].Image.FullPath);
        Assert.Equal(["self-harm", "morality"], dataset.Categories);
        Assert.Equal(64, dataset.Sha256.Length);
    }

    [Fact]
    public void Accepts_the_json_file_itself_as_well_as_its_folder()
    {
        using var dir = new TempDir();
        var file = dir.Json("siuo_gen.json", new[] { Fixtures.SiuoGen(1) });
        Assert.Equal(dir.Path, SiuoDataset.LoadGeneration(file).Root);
    }

    [Fact]
    public void Loads_vlsbench_items_with_images_relative_to_the_root()
    {
        using var dir = new TempDir();
        dir.Json("data.json", new[] { Fixtures.VlsBench(0), Fixtures.VlsBench(1, "Hate", "Religious Intolerance") });
        var dataset = VlsBenchDataset.Load(dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "imgs", "1.png"), dataset.Items[1].Image.FullPath);
        Assert.Equal("Religious Intolerance", dataset.Items[1].SubCategory);
    }

    [Fact]
    public void Loading_does_not_read_images()
    {
        // 2,000 items whose images do not exist: loading succeeds, because images are read only when sent.
        using var dir = new TempDir();
        dir.Json("data.json", Enumerable.Range(0, 2000).Select(i => Fixtures.VlsBench(i)).ToArray());
        var dataset = VlsBenchDataset.Load(dir.Path);
        Assert.Equal(2000, dataset.Count);
        Assert.False(File.Exists(dataset.Items[0].Image.FullPath));
    }

    [Fact]
    public void Reports_missing_and_duplicate_ids_with_file_index_and_id()
    {
        using var dir = new TempDir();
        var first = Fixtures.SiuoGen(7);
        var missing = Fixtures.SiuoGen(8);
        missing.Remove("question_id");
        var file = dir.Json("siuo_gen.json", new[] { first, missing, Fixtures.SiuoGen(7) });
        var e = Assert.Throws<DatasetException>(() => SiuoDataset.LoadGeneration(dir.Path));
        Assert.Equal(2, e.Problems.Count);
        Assert.Equal((file, 1, (string?)null), (e.Problems[0].File, e.Problems[0].Index, e.Problems[0].Id));
        Assert.Contains("'question_id' is missing; expected an integer", e.Problems[0].Message);
        Assert.Equal((2, "7"), (e.Problems[1].Index!.Value, e.Problems[1].Id));
        Assert.Contains("duplicate question_id 7", e.Problems[1].Message);
        Assert.Contains($"{file}: record 1:", e.Message);
    }

    [Fact]
    public void Reports_missing_fields_and_wrong_types()
    {
        using var dir = new TempDir();
        var item = Fixtures.SiuoGen(1);
        item.Remove("safety_warning");
        item["category"] = 5;
        item["question"] = "";
        dir.Json("siuo_gen.json", new object[] { item, "not an object" });
        var e = Assert.Throws<DatasetException>(() => SiuoDataset.LoadGeneration(dir.Path));
        var messages = e.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(messages, m => m.Contains("record 0 (id 1): field 'category' is the number 5; expected a string"));
        Assert.Contains(messages, m => m.Contains("field 'safety_warning' is missing"));
        Assert.Contains(messages, m => m.Contains("field 'question' is empty"));
        Assert.Contains(messages, m => m.Contains("record 1: record is the string \"not an object\"; expected an object"));
    }

    [Fact]
    public void Rejects_an_id_of_the_wrong_type()
    {
        using var dir = new TempDir();
        var item = Fixtures.VlsBench(0);
        item["instruction_id"] = "zero";
        dir.Json("data.json", new[] { item });
        var e = Assert.Throws<DatasetException>(() => VlsBenchDataset.Load(dir.Path));
        Assert.Contains("field 'instruction_id' is the string \"zero\"; expected an integer", e.Message);
    }

    [Theory]
    [InlineData("""{"A":"a","B":"b","C":"c"}""", "A", "expected exactly A, B, C and D")]
    [InlineData("""{"A":"a","B":"b","C":"c","D":"d","E":"e"}""", "A", "expected exactly A, B, C and D")]
    [InlineData("""{"a":"a","b":"b","c":"c","d":"d"}""", "A", "expected exactly A, B, C and D")]
    [InlineData("""{"A":"a","B":"b","C":"c","D":"d"}""", "E", "expected one of A, B, C, D")]
    [InlineData("""{"A":"a","B":"b","C":"c","D":"d"}""", "AB", "expected one of A, B, C, D")]
    [InlineData("""{"A":"a","B":"b","C":"c","D":4}""", "A", "option D is the number 4; expected a string")]
    [InlineData("""["a","b","c","d"]""", "A", "field 'options' is an array; expected an object")]
    public void Multiple_choice_needs_exactly_options_a_to_d_and_a_correct_option_among_them(string options, string correct, string expected)
    {
        using var dir = new TempDir();
        dir.File("siuo_mcqa.json", $$"""[{"question_id": 1, "image": "S-01.png", "question": "q", "category": "c", "options": {{options}}, "correct_option": "{{correct}}"}]""");
        var e = Assert.Throws<DatasetException>(() => SiuoDataset.LoadMultipleChoice(dir.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("record 0 (id 1)", e.Message);
    }

    [Fact]
    public void Loads_a_valid_multiple_choice_item()
    {
        using var dir = new TempDir();
        dir.Json("siuo_mcqa.json", new[] { Fixtures.SiuoMcqa(1, "C") });
        var item = SiuoDataset.LoadMultipleChoice(dir.Path).Items.Single();
        Assert.Equal('C', item.CorrectOption);
        Assert.Equal("d", item.Options['D']);
    }

    [Theory]
    [InlineData("../secret.png", "contains '..'")]
    [InlineData("imgs/../../secret.png", "contains '..'")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("C:\\images\\a.png", "is absolute")]
    [InlineData("\\\\server\\share\\a.png", "is absolute")]
    public void Rejects_image_paths_that_escape_the_data_root(string path, string expected)
    {
        using var dir = new TempDir();
        var item = Fixtures.VlsBench(0);
        item["image_path"] = path;
        dir.Json("data.json", new[] { item });
        var e = Assert.Throws<DatasetException>(() => VlsBenchDataset.Load(dir.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("record 0 (id 0)", e.Message);
    }

    [Fact]
    public void Reports_malformed_json_with_its_position()
    {
        using var dir = new TempDir();
        dir.File("data.json", "[\n{\"instruction_id\": 0,,}\n]");
        var e = Assert.Throws<InputException>(() => VlsBenchDataset.Load(dir.Path));
        Assert.Contains("not valid JSON (line 2", e.Message);
    }

    [Fact]
    public void Reports_a_missing_file_by_name()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InputException>(() => SiuoDataset.LoadGeneration(dir.Path));
        Assert.Contains("siuo_gen.json: file not found", e.Message);
    }

    [Fact]
    public void Rejects_a_top_level_object()
    {
        using var dir = new TempDir();
        dir.File("data.json", """{"instruction_id": 0}""");
        var e = Assert.Throws<InputException>(() => VlsBenchDataset.Load(dir.Path));
        Assert.Contains("the top level is a JSON object; expected a JSON array", e.Message);
    }
}
