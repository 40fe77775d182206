#:project ../src/MmSafe/MmSafe.csproj
#:property PublishAot=false
// Acceptance check on the official question files (run by .ci/run when ../shared/datasets exists):
// the loaders must read them whole, with the published counts.
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

foreach (var failure in failures) Console.Error.WriteLine($"acceptance: FAILED: {failure}");
Console.WriteLine(failures.Count == 0 ? "acceptance: passed" : "acceptance: failed");
return failures.Count == 0 ? 0 : 1;
