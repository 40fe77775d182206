using MmSafe.Benchmarks;
using MmSafe.Evals;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>
/// The one builder of a cell (<see cref="CellPlan"/>), as <c>mmsafe run</c> and an evaluation file use it: the same
/// checks, a refusal named as the flag in the run's wording and as the field in the file's, and the same spec.
/// </summary>
public sealed class CellPlanTests
{
    private static readonly ModelSpec Mock = ModelSpec.Adhoc("mock");

    private static string Refusal(string benchmark, string data, CellInputs inputs, CellWording wording)
    {
        var bench = BenchmarkRegistry.Get(benchmark);
        return Assert.Throws<InputException>(() => CellPlan.Build(bench, inputs, wording, b => b.Load(data))).Message;
    }

    private static string Siuo(TempDir dir)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 2).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png")).ToArray());
        for (int i = 1; i <= 2; i++) dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(40 * i), 0, 0));
        return dir.Full("siuo");
    }

    [Fact]
    public void A_judged_benchmark_without_a_judge_is_refused_by_the_flag_or_by_the_field()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var inputs = new CellInputs(Mock, [], Conditions.Official);
        Assert.Equal("vlsbench needs a judge; pass --judge NAME (or --judge mock).", Refusal("vlsbench", data, inputs, CellWording.Run));
        Assert.Equal("e.yaml: vlsbench needs a judge; add 'judges: [NAME]' (or a judges: list to the models file).",
            Refusal("vlsbench", data, inputs, CellWording.File("e.yaml", "vlsbench · mock")));
    }

    [Fact]
    public void A_condition_the_data_cannot_show_names_the_flag_or_the_cell_and_field()
    {
        using var dir = new TempDir();
        var data = Siuo(dir);
        var inputs = new CellInputs(Mock, [Mock], Conditions.Caption);
        Assert.Equal("--condition caption: siuo-gen ships no image descriptions; name a captioning model with --captioner NAME.",
            Refusal("siuo-gen", data, inputs, CellWording.Run));
        Assert.Equal("e.yaml: siuo-gen · mock · caption: condition caption: siuo-gen ships no image descriptions; name a captioning model with 'captioner: NAME' in the evaluation file.",
            Refusal("siuo-gen", data, inputs, CellWording.File("e.yaml", "siuo-gen · mock · caption")));
    }

    [Fact]
    public void Batching_the_mock_model_and_a_samples_count_out_of_range_name_their_source()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var batched = new CellInputs(Mock, [Mock], Conditions.Official) { BatchJudges = true };
        Assert.Equal("--batch: mock is the offline mock model, which has no batch API.", Refusal("vlsbench", data, batched, CellWording.Run));
        Assert.Equal("e.yaml: batch: mock is the offline mock model, which has no batch API.", Refusal("vlsbench", data, batched, CellWording.File("e.yaml", "c")));
        var none = new CellInputs(Mock, [Mock], Conditions.Official) { Samples = 0 };
        Assert.Equal("--samples 0: at least 1 answer per item is needed for vlsbench.", Refusal("vlsbench", data, none, CellWording.Run));
    }

    [Fact]
    public void Judges_of_a_benchmark_without_a_judge_stage_are_noted_and_not_paid_for()
    {
        using var dir = new TempDir();
        dir.Json("siuo/siuo_mcqa.json", new[] { Fixtures.SiuoMcqa(1) });
        dir.File("siuo/images/S-01.png", MmSafe.Images.TinyPng.Solid(4, 4, 40, 0, 0));
        var notes = new List<string>();
        var plan = CellPlan.Build(BenchmarkRegistry.Get("siuo-mcqa"), new CellInputs(Mock, [ModelSpec.Adhoc("mock/judge")], Conditions.Official) { Note = notes.Add },
            CellWording.Run, b => b.Load(dir.Full("siuo")));
        Assert.Equal(["note: siuo-mcqa has no judge stage (its answers are scored by rule); the judge mock/judge (--judge) is not used."], notes);
        Assert.Equal(["mock"], plan.Paying.Select(m => m.Name));
    }

    [Fact]
    public void A_run_refuses_what_its_flags_left_out_before_anything_is_made()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var cell = new CellInputs(Mock, [Mock], Conditions.Official);
        Assert.Equal("no run directory; pass --out DIR (or --resume DIR).",
            Assert.Throws<InputException>(() => RunRequests.ForRun(new RunInputs(null, "vlsbench", data, cell))).Message);
        Assert.StartsWith("no dataset; pass --data DIR",
            Assert.Throws<InputException>(() => RunRequests.ForRun(new RunInputs(dir.Full("run"), "vlsbench", null, cell))).Message);
        Assert.Equal(BudgetWording.Run.NoPrices,
            Assert.Throws<InputException>(() => RunRequests.ForRun(new RunInputs(dir.Full("run"), "vlsbench", data, cell) { Budget = "$5" })).Message);
        Assert.False(Directory.Exists(dir.Full("run")));
    }

    [Fact]
    public void A_run_and_an_evaluation_file_build_the_same_cell()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var file = dir.File("e.yaml", $$"""
            out: {{dir.Full("ev")}}
            models: [mock]
            benchmarks: [vlsbench]
            data: { vlsbench: {{data}} }
            judges: [mock/judge]
            limit: 2
            """);
        var eval = EvalRequests.Plan(EvalFile.Load(file));
        var run = RunRequests.ForRun(new RunInputs(dir.Full("run"), "vlsbench", data,
            new CellInputs(Mock, [ModelSpec.Adhoc("mock/judge")], Conditions.Official) { Limit = 2 }));
        var created = DateTimeOffset.UnixEpoch;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(eval.Specs[0] with { CreatedAt = created }),
            System.Text.Json.JsonSerializer.Serialize(run.Spec with { CreatedAt = created }));
        Assert.Equal(eval.Request.Cells[0].Samples.Select(s => s.Id), run.Request.Cells[0].Samples.Select(s => s.Id));
        Assert.Equal(2, run.Estimate().Items);
    }
}
