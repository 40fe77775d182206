#:project ../src/MmSafe/MmSafe.csproj
#:property PublishAot=false
// Acceptance check on the official question files (run by .ci/run when ../shared/datasets exists):
// the loaders must read them whole, with the published counts.
using MmSafe.Benchmarks.MossBench;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;

var root = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "datasets");
var failures = new List<string>();

void Expect(string what, int actual, int expected)
{
    Console.WriteLine($"{what}: {actual} (expected {expected})");
    if (actual != expected) failures.Add($"{what} is {actual}, expected {expected}");
}

var gen = SiuoDataset.LoadGeneration(Path.Combine(root, "siuo"));
Expect("SIUO generation items", gen.Count, 167);
Expect("SIUO generation categories", gen.Categories.Count, 9);

var mcqa = SiuoDataset.LoadMultipleChoice(Path.Combine(root, "siuo"));
Expect("SIUO multiple-choice items", mcqa.Count, 167);
Expect("SIUO multiple-choice categories", mcqa.Categories.Count, 9);

var vls = VlsBenchDataset.Load(Path.Combine(root, "vlsbench"));
Expect("VLSBench items", vls.Count, 2241);
Expect("VLSBench categories", vls.Categories.Count, 6);
Expect("VLSBench sub-categories", vls.Items.Select(i => i.SubCategory).Distinct().Count(), 19);
Expect("VLSBench distinct images", vls.Items.Select(i => i.Image.RelativePath).Distinct().Count(), 1957);

// MOSSBench: 300 benign items (100 per type), 244 contrast items (100/44/100), and the 9 published response files
// imported as runs (300 answers each, empty answers kept as empty).
var moss = Path.Combine(root, "mossbench");
var benign = MossBenchData.Load(moss, contrast: false);
Expect("MOSSBench benign items", benign.Count, 300);
foreach (var (type, count) in new[] { ("Exaggerated Risk", 100), ("Negated Harm", 100), ("Counterintuitive Interpretation", 100) })
    Expect($"MOSSBench benign {type}", benign.Items.Count(i => i.Category == type), count);
var contrast = MossBenchData.Load(moss, contrast: true);
Expect("MOSSBench contrast items", contrast.Count, 244);
foreach (var (type, count) in new[] { ("Exaggerated Risk", 100), ("Negated Harm", 44), ("Counterintuitive Interpretation", 100) })
    Expect($"MOSSBench contrast {type}", contrast.Items.Count(i => i.Category == type), count);
var published = Directory.GetFiles(Path.Combine(moss, "published"), "*.data.js").Order(StringComparer.Ordinal).ToList();
Expect("MOSSBench published response files", published.Count, 9);
var runs = Path.Combine(Path.GetTempPath(), $"mmsafe-acceptance-{Guid.NewGuid():N}");
try
{
    foreach (var file in published)
    {
        var name = Path.GetFileName(file)[..^".data.js".Length];
        var responses = MossBenchImport.Read(file);
        var directory = Path.Combine(runs, name);
        await MmSafe.Interchange.RunImport.ImportAsync(file, "mossbench", moss, directory, responses.Model, "none");
        using var store = MmSafe.Runs.Stores.RunStores.OpenRead(directory);
        var answers = store.Answers();
        Expect($"MOSSBench {name} imported answers", answers.Count, 300);
        Expect($"MOSSBench {name} empty answers kept empty", answers.Count(a => string.IsNullOrEmpty(a.Text)), responses.Responses.Count(r => string.IsNullOrEmpty(r.Response)));
    }
}
finally
{
    if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
}

foreach (var failure in failures) Console.Error.WriteLine($"acceptance: FAILED: {failure}");
Console.WriteLine(failures.Count == 0 ? "acceptance: passed" : "acceptance: failed");
return failures.Count == 0 ? 0 : 1;
