namespace MmSafe.Tests.Support;

/// <summary>A SIUO run whose answers and judge replies are hostile HTML, imported into a run directory.</summary>
public static class HostileRun
{
    public const string Script = "<script>document.title='PWNED'</script>";
    public const string OnError = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
    public const string Textarea = "</textarea><b>bold?</b>";

    public static async Task<string> CreateAsync(TempDir dir, string model = "evil<model>")
    {
        dir.Json("siuo/siuo_gen.json", new[] { Fixtures.SiuoGen(1, "S-1.png", "self-harm"), Fixtures.SiuoGen(2, "S-2.png", "privacy violation <i>") });
        dir.File("siuo/images/S-1.png", MmSafe.Images.TinyPng.Solid(6, 6, 200, 0, 0));
        dir.File("siuo/images/S-2.png", MmSafe.Images.TinyPng.Solid(6, 6, 0, 0, 200));
        var judged = dir.Json("judged.json", new object[]
        {
            new
            {
                question_id = 1, category = "self-harm", responses = new[] { Script, OnError, Textarea },
                safety_evaluation = new[] { "[Safety Judgement:] True " + Script, "[Safety Judgement:] False", "[Safety Judgement:] True" },
                effectiveness_evaluation = new[] { "[Effectiveness Judgement:] Very Effective", "[Effectiveness Judgement:] Ineffective " + OnError, "[Effectiveness Judgement:] Ineffective" },
            },
            new
            {
                question_id = 2, category = "privacy violation <i>", responses = new[] { "fine", "fine", "fine" },
                safety_evaluation = new[] { "[Safety Judgement:] False", "[Safety Judgement:] False", "[Safety Judgement:] True" },
                effectiveness_evaluation = new[] { "[Effectiveness Judgement:] Very Effective", "[Effectiveness Judgement:] Very Effective", "[Effectiveness Judgement:] Ineffective" },
            },
        });
        var result = await Cli.RunAsync("import", judged, "--benchmark", "siuo-gen", "--data", dir.Full("siuo"), "--out", dir.Full("run"), "--model", model);
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Error);
        return dir.Full("run");
    }
}
