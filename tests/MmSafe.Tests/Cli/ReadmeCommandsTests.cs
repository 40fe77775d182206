using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// Every command README.md shows is run here, in the README's order, offline (its models become the mock model and
/// judge, its data the bundled sample, its paths a temporary directory), or the catalogue says which test runs it and
/// why not here. A command added to the README without an entry here fails the first test.
/// </summary>
public sealed partial class ReadmeCommandsTests
{
    /// <summary>A README command as written there; how it runs here ({T} temp dir, {SIUO}/{VLS} sample data, {EX} examples/), or where it is tested.</summary>
    /// <param name="Exit">The exit code it ends with here (judge certify: 4 when the mock candidate fails its rule).</param>
    private sealed record Entry(string Readme, string? Offline, string? Elsewhere = null, int Exit = 0);

    // gpt-4o, Qwen, M, J, A and C become the mock model; B and the README's second judge (gpt-4o in 'judge runs/demo') mock/cautious.
    private static readonly Entry[] Catalogue =
    [
        new("dotnet run --project src/MmSafe.Cli -- run siuo-gen --data examples/sample/siuo --model mock --judge mock --out runs/demo",
            "run siuo-gen --data {SIUO} --model mock --judge mock --out {T}/runs/demo --cache off"),
        new("mmsafe run siuo-gen --data ~/data/siuo --model gpt-4o --judge gpt-4o-mini --out runs/gpt4o-siuo",
            "run siuo-gen --data {SIUO} --model mock --judge mock --out {T}/runs/gpt4o-siuo --cache off"),
        new("mmsafe run vlsbench --data ~/data/vlsbench --model Qwen/Qwen2-VL-7B-Instruct --base-url http://localhost:8000/v1 --judge gpt-4o --out runs/qwen-vls --concurrency 32",
            "run vlsbench --data {VLS} --model mock --judge mock --out {T}/runs/qwen-vls --concurrency 32 --cache off"),
        new("mmsafe score runs/qwen-vls --json", "score {T}/runs/qwen-vls --json"),
        new("mmsafe completion fish > ~/.config/fish/completions/mmsafe.fish", "completion fish"),
        new("mmsafe completion powershell | Out-String | Invoke-Expression", "completion powershell"),
        new("mmsafe run BENCHMARK --data DIR --model NAME [--base-url URL] [--api-key-env VAR] --judge NAME [--judge-base-url URL] [--judge-api-key-env VAR] --out DIR [--concurrency N]",
            null, "a synopsis; its forms are the run commands around it"),
        new("mmsafe run --resume DIR", "run --resume {T}/runs/demo --cache off"),
        new("mmsafe score DIR [--json]", "score {T}/runs/demo"),
        new("mmsafe run vlsbench --data /shared/vlsbench --model M --base-url http://vllm:8000/v1 --judge J --out postgresql://mmsafe@db:5432/evals/qwen-vlsbench",
            null, "needs a PostgreSQL server: Runs/SharedStoreTests starts one when it can"),
        new("mmsafe score postgresql://mmsafe@db:5432/evals/qwen-vlsbench", null, "needs a PostgreSQL server: Runs/SharedStoreTests"),
        new("mmsafe judge runs/demo --judge gpt-4o [--retry-failed]", "judge {T}/runs/demo --judge mock/cautious --cache off"),
        new("mmsafe score runs/demo --judge gpt-4o", "score {T}/runs/demo --judge mock/cautious"),
        new("mmsafe export runs/demo --format official", "export {T}/runs/demo --format official"),
        new("mmsafe export runs/demo --format jsonl", "export {T}/runs/demo --format jsonl"),
        new("mmsafe import siuo_gen-gpt4o-judged.json --benchmark siuo-gen --data ~/data/siuo --out runs/imported",
            null, "needs results made elsewhere for the same items: Runs/ExportImportTests exports a run and imports it"),
        new("mmsafe eval eval.yaml --dry-run", "eval {T}/eval.yaml --dry-run"),
        new("mmsafe eval eval.yaml", "eval {T}/eval.yaml"),
        new("mmsafe eval eval.yaml --models qwen2-vl --benchmarks vlsbench", "eval {T}/eval.yaml --models mock/cautious --benchmarks vlsbench"),
        new("mmsafe report runs/gpt4o-siuo runs/qwen-siuo --out report.html", "report {T}/runs/gpt4o-siuo {T}/runs/qwen-siuo --out {T}/report.html"),
        new("mmsafe view runs [--port 8765]", null, "serves until stopped: Reports/ViewCommandTests and ViewApiTests start it and read its API"),
        new("mmsafe compare runs/gpt4o-siuo runs/qwen-siuo [--format markdown|csv|json] [--json]", "compare {T}/runs/gpt4o-siuo {T}/runs/qwen-siuo|--format markdown|--format csv|--format json|--json"),
        new("mmsafe export runs/gpt4o-siuo --format markdown|csv|json", "export {T}/runs/gpt4o-siuo --to {T}/export|--format markdown|--format csv|--format json"),
        new("mmsafe run vlsbench --data D --model M --judge J --out runs/m-official", "run vlsbench --data {VLS} --model mock --judge mock --out {T}/runs/m-official --cache off"),
        new("mmsafe run vlsbench --data D --model M --judge J --condition text-only --out runs/m-text",
            "run vlsbench --data {VLS} --model mock --judge mock --condition text-only --out {T}/runs/m-text --cache off"),
        new("mmsafe run siuo-gen --data D --model M --judge J --condition caption --captioner C --out runs/m-cap",
            "run siuo-gen --data {SIUO} --model mock --judge mock --condition caption --captioner mock --out {T}/runs/m-cap --cache off"),
        new("mmsafe compare runs/m-official runs/m-text --format markdown", "compare {T}/runs/m-official {T}/runs/m-text --format markdown"),
        new("mmsafe run vlsbench --data D --model M --judge A --judge B --out runs/panel",
            "run vlsbench --data {VLS} --model mock --judge mock --judge mock/cautious --out {T}/runs/panel --cache off"),
        new("mmsafe judge runs/panel --judge A --without-image", "judge {T}/runs/panel --judge mock --without-image --cache off"),
        new("mmsafe agreement runs/panel", "agreement {T}/runs/panel"),
        new("mmsafe score runs/panel --judge majority", "score {T}/runs/panel --judge majority"),
        new("mmsafe labels export runs/panel --count 50 --out sheet.csv", "labels export {T}/runs/panel --count 50 --out {T}/sheet.csv"),
        new("mmsafe labels import runs/panel sheet.csv", "labels import {T}/runs/panel {T}/sheet.csv"),
        new("mmsafe labels estimate runs/panel --width 10", "labels estimate {T}/runs/panel --width 10"),
        new("mmsafe labels estimate runs/panel --judge B --format markdown|json", "labels estimate {T}/runs/panel --judge mock/cautious|--format markdown|--format json"),
        new("mmsafe labels export runs/panel --count 200 --stratify category --out strata.csv", "labels export {T}/runs/panel --count 200 --stratify category --out {T}/strata.csv"),
        new("mmsafe judge certify runs/panel --candidate B --reference A", "judge certify {T}/runs/panel --candidate mock/cautious --reference mock"),
        new("mmsafe judge certify runs/panel --candidate B --reference majority --format markdown --out certificate.md",
            "judge certify {T}/runs/panel --candidate mock/cautious --reference majority --format markdown --out {T}/certificate.md", Exit: 4),
        new("mmsafe judge certify runs/panel --candidate B --reference A --rule 'kappa_low>=0.7,shift_within_mdd' --format json",
            "judge certify {T}/runs/panel --candidate mock/cautious --reference mock --rule kappa_low>=0.7,shift_within_mdd --format json"),
        new("mmsafe figures runs/m-official runs/m-text --out figures", "figures {T}/runs/m-official {T}/runs/m-text --out {T}/figures"),
        new("mmsafe figures runs/m-official runs/m-text --out figures --json", "figures {T}/runs/m-official {T}/runs/m-text --out {T}/figures --json"),
        new("mmsafe compare runs/m-official runs/m-text --format latex", "compare {T}/runs/m-official {T}/runs/m-text --format latex"),
        new("mmsafe data fetch siuo --to ~/data/siuo --images SIUO-images.zip", null, "downloads: Datasets/FetchTests, against a loopback file server"),
        new("mmsafe data fetch vlsbench --to ~/data/vlsbench", null, "downloads: Datasets/FetchTests, against a loopback file server"),
        new("mmsafe data check ~/data/vlsbench", "data check {VLS}"),
        new("mmsafe score siuo-gen FILE [--json]", "score siuo-gen {EX}/siuo_gen-example-judged.json|--json"),
        new("mmsafe score siuo-mcqa FILE [--json]", "score siuo-mcqa {EX}/siuo_mcqa-example.json|--json"),
        new("mmsafe score vlsbench FILE [--data DIR] [--json]", "score vlsbench {EX}/vlsbench-example.json|--json"),
        new("mmsafe models check --model gpt-4o", null, "asks api.openai.com: Cli/ModelsCheckCommandTests checks a loopback server"),
        new("mmsafe models check --model Qwen/Qwen2-VL-7B-Instruct --base-url http://localhost:8000/v1", null, "asks a local server: Cli/ModelsCheckCommandTests checks a loopback server"),
        new("mmsafe models check --model judge-4o --models-file models.yaml --judge mock", "models check --model judge-4o --models-file {T}/models.yaml --judge mock"),
        new("mmsafe run vlsbench --data D --model gpt-5-mini --judge J --unset temperature,top_p --reasoning-allowance 4096 --out runs/gpt5",
            "run vlsbench --data {VLS} --model mock --judge mock --unset temperature,top_p --reasoning-allowance 4096 --out {T}/runs/gpt5 --cache off"),
        new("mmsafe run vlsbench --data D --model M --judge gpt-5 --judge-unset temperature --judge-reasoning-effort low --out runs/m-gpt5-judge",
            "run vlsbench --data {VLS} --model mock --judge mock --judge-unset temperature --judge-reasoning-effort low --out {T}/runs/m-gpt5-judge --cache off"),
        new("mmsafe run vlsbench --data D --model claude --models-file models.yaml --judge J --unset temperature,top_p --reasoning-allowance 2048 --out runs/claude",
            null, "asks Anthropic: Models/ReasoningGoldenRequestTests sends it to a loopback Anthropic server with thinking"),
        new("mmsafe data fetch mossbench --to ~/data/mossbench", null, "downloads: MossBench/MossBenchDataTests, against a loopback file server"),
        new("mmsafe run mossbench --data ~/data/mossbench --model gpt-4o --judge gpt-4o --out runs/gpt4o-moss", null,
            "needs MOSSBench data: MossBench/MossBenchRunTests runs it against a loopback server and with the mock models"),
        new("mmsafe run mossbench-contrast --data ~/data/mossbench --model gpt-4o --judge gpt-4o --out runs/gpt4o-moss-contrast", null,
            "needs MOSSBench data: MossBench/MossBenchRunTests runs it with the mock models"),
        new("mmsafe import published/gpt-4o.data.js --benchmark mossbench --data ~/data/mossbench --out runs/published-gpt4o --model GPT-4o", null,
            "needs the authors' files: MossBench/MossBenchImportTests imports a .data.js it writes; .ci/acceptance.cs imports the 9 published ones"),
        new("mmsafe judge runs/published-gpt4o --judge gpt-4o", null, "judges an imported run: MossBench/MossBenchImportTests, against a loopback judge"),
    ];

    /// <summary>The commands in README.md's code blocks: continuation lines joined, comments cut, spaces collapsed.</summary>
    private static List<string> ReadmeCommands()
    {
        var commands = new List<string>();
        bool inBlock = false;
        string pending = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(SampleData.Root, "README.md")))
        {
            if (raw.StartsWith("```", StringComparison.Ordinal)) { inBlock = !inBlock; continue; }
            if (!inBlock) continue;
            var line = pending.Length > 0 ? pending + " " + raw.Trim() : raw;
            pending = "";
            if (line.TrimEnd().EndsWith('\\')) { pending = line.TrimEnd()[..^1]; continue; }
            line = Spaces().Replace(Comment().Replace(line, ""), " ").Trim();
            if (line.StartsWith("mmsafe ", StringComparison.Ordinal) || line.StartsWith("dotnet run --project src/MmSafe.Cli -- ", StringComparison.Ordinal)) commands.Add(line);
        }
        return commands;
    }

    [Fact]
    public void Every_README_command_is_in_the_catalogue_in_order()
    {
        var readme = ReadmeCommands();
        Assert.Contains("mmsafe agreement runs/panel", readme);
        Assert.Equal(readme, Catalogue.Select(e => e.Readme));
        Assert.All(Catalogue, e => Assert.True(e.Offline is not null ^ e.Elsewhere is not null, e.Readme));
    }

    [Fact]
    public async Task Every_README_command_that_runs_offline_succeeds_in_order()
    {
        using var dir = new TempDir();
        var eval = File.ReadAllText(Path.Combine(SampleData.Root, "examples", "eval.yaml"))
            .Replace("out: ../runs/eval-demo", $"out: {dir.Full("eval-demo")}").Replace("sample/", Path.Combine(SampleData.Root, "examples", "sample") + "/");
        dir.File("eval.yaml", eval);
        dir.File("models.yaml", "models:\n  judge-4o:\n    provider: mock\n    model: mock\n");
        // runs/qwen-siuo appears first in 'mmsafe report'; the README assumes a second SIUO run made like the first.
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "siuo-gen", "--data", SampleData.Siuo, "--model", "mock/cautious", "--judge", "mock", "--out", dir.Full("runs/qwen-siuo"), "--cache", "off")).ExitCode);
        foreach (var entry in Catalogue.Where(e => e.Offline is not null))
        {
            if (entry.Readme.StartsWith("mmsafe labels import", StringComparison.Ordinal)) FillSheet(dir.Full("sheet.csv")); // the human step between export and import
            var variants = entry.Offline!.Split('|');
            foreach (var extra in variants.Skip(1).Prepend(""))
            {
                var args = $"{variants[0]} {extra}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a
                    .Replace("{T}", dir.Path).Replace("{SIUO}", SampleData.Siuo).Replace("{VLS}", SampleData.VlsBench)
                    .Replace("{EX}", Path.Combine(SampleData.Root, "examples"))).ToArray();
                var result = await Support.Cli.RunAsync(args);
                Assert.True(result.ExitCode == entry.Exit, $"{entry.Readme} (as mmsafe {string.Join(' ', args)}): exit {result.ExitCode}, expected {entry.Exit}: {result.Error}");
                FormatMatrixTests.AssertClean(entry.Readme, result.Output + result.Error);
            }
        }
        Assert.True(File.Exists(dir.Full("report.html")));
        Assert.NotEmpty(Directory.EnumerateFiles(dir.Full("eval-demo"), "leaderboard.json", SearchOption.AllDirectories));
    }

    /// <summary>A labeller's answers: every other item safe.</summary>
    private static void FillSheet(string path)
    {
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines.Take(1).Concat(lines.Skip(1).Select((l, i) => l.TrimEnd(',') + "," + (i % 2 == 0 ? "safe" : "unsafe"))));
    }

    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
