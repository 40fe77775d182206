using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>One catalogued user mistake: how to make it, the exit code it must end with, and a fragment of its message.</summary>
public sealed record BadInput(string Name, int Exit, string Expected, Func<BadInputSetup, string[]> Args);

/// <summary>The fixtures a catalogued case may use, written on demand: datasets, a finished run, a models file, a model server.</summary>
public sealed class BadInputSetup(TempDir dir, FakeModelServer server)
{
    public TempDir Dir => dir;

    public string Url => server.BaseUrl.ToString();

    public string Vls => Once("vls", () => RunFixture.WriteVlsBench(dir, 3));

    public string Siuo => Once("siuo", () =>
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 2).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png")).ToArray());
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 2).Select(i => Fixtures.SiuoMcqa(i)).ToArray());
        for (int i = 1; i <= 2; i++)
        {
            dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
            dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
        }
        return dir.Full("siuo");
    });

    /// <summary>A finished mock VLSBench run.</summary>
    public string Run => Once("run", () =>
    {
        var result = Support.Cli.RunAsync("run", "vlsbench", "--data", Vls, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json").GetAwaiter().GetResult();
        return result.ExitCode == 0 ? dir.Full("run") : throw new InvalidOperationException(result.Error);
    });

    public string McqaRun => Once("mcqa-run", () =>
    {
        var result = Support.Cli.RunAsync("run", "siuo-mcqa", "--data", Siuo, "--model", "mock", "--out", dir.Full("mcqa-run"), "--json").GetAwaiter().GetResult();
        return result.ExitCode == 0 ? dir.Full("mcqa-run") : throw new InvalidOperationException(result.Error);
    });

    /// <summary>A VLSBench run made with a models file (entries t and j on the test server); its scores need not be complete.</summary>
    public string EntryRun => Once("entry-run", () =>
    {
        var models = dir.File("entry-models.yaml", $"models:\n  t:\n    model: target-vlm\n    base_url: {Url}\n  j:\n    model: judge-vlm\n    base_url: {Url}\n");
        Support.Cli.RunAsync("run", "vlsbench", "--data", Vls, "--models-file", models, "--model", "t", "--judge", "j", "--out", dir.Full("entry-run"), "--cache", "off", "--json")
            .GetAwaiter().GetResult();
        return dir.Full("entry-run");
    });

    public string File(string name, string content) => dir.File(name, content);

    public string Models(string yaml) => dir.File("models.yaml", yaml.Replace("{URL}", Url));

    public string[] VlsRun(params string[] more) => VlsRunWith("t", "j", more);

    public string[] VlsRunWith(string model, string judge, params string[] more) =>
        ["run", "vlsbench", "--data", Vls, "--model", model, "--base-url", Url, "--judge", judge, "--judge-base-url", Url, "--out", dir.Full("out"), "--cache", "off", .. more];

    private readonly Dictionary<string, string> _made = [];

    private string Once(string key, Func<string> make)
    {
        if (!_made.TryGetValue(key, out var value)) _made[key] = value = make();
        return value;
    }
}

/// <summary>The catalogue: every entry is a test (BadInputCatalogTests) and a row of docs/BAD-INPUTS.md.</summary>
public static class BadInputCatalog
{
    /// <summary>Locks held by a case for the rest of the test (released by the test).</summary>
    public static readonly List<IDisposable> Held = [];

    private const string Yaml = "models:\n  local:\n    model: m\n    base_url: {URL}\n";

    public static readonly IReadOnlyList<BadInput> All =
    [
        // Results files (mmsafe score BENCHMARK FILE)
        new("score: a results file that does not exist", 2, "file not found", s => ["score", "siuo-gen", s.Dir.Full("nope.json")]),
        new("score: a results file that is not JSON", 2, "not valid JSON (line 1", s => ["score", "siuo-gen", s.File("bad.json", "[{\"question_id\": 1,")]),
        new("score: a field of the wrong type", 2, "record 0 (id 1): field 'safety_evaluation' is the string", s => ["score", "siuo-gen",
            s.File("t.json", """[{"question_id": 1, "category": "a", "safety_evaluation": "True", "effectiveness_evaluation": []}]""")]),
        new("score: a correct_option that is not A-D", 2, "field 'correct_option' is \"Z\"; expected one of A, B, C, D", s => ["score", "siuo-mcqa",
            s.File("m.json", """[{"question_id": 1, "category": "a", "correct_option": "Z", "response_mcqa": "A"}]""")]),
        new("score: an answers file without verdicts", 2, "expected a judged SIUO generation file", s => ["score", "siuo-gen", s.File("g.json", """[{"question_id": 1, "image": "S-01.png", "question": "q", "category": "a", "safety_warning": "w", "reference_answer": "r"}]""")]),
        new("score: an unknown benchmark", 2, "error:", s => ["score", "nonsense", "x.json"]),
        // Run directories (score, report, export, judge)
        new("score: a directory that holds no run", 2, "not a run directory", s => ["score", s.Dir.Path]),
        new("score: a run.db of random bytes", 2, "not a readable run store", s => ["score", Corrupt(s)]),
        new("report: a run.db of random bytes", 2, "not a readable run store", s => ["report", Corrupt(s), "--out", s.Dir.Full("r.html")]),
        new("export: a run.db of random bytes", 2, "not a readable run store", s => ["export", Corrupt(s)]),
        new("run --resume: a run.db of random bytes", 2, "not a readable run store", s => ["run", "--resume", Corrupt(s)]),
        new("score --judge: a judge the run does not have", 2, "no judge 'nobody' in this run", s => ["score", s.Run, "--judge", "nobody"]),
        new("score --judge: a benchmark without a judge", 2, "has no judge", s => ["score", s.McqaRun, "--judge", "x"]),
        new("judge: a benchmark without a judge stage", 2, "has no judge stage", s => ["judge", s.McqaRun, "--judge", "mock"]),
        new("judge: a name a run made with a models file does not know", 2, "no such model in this run, which was made with a models file (its models: 'j', 't'); did you mean 'j'?",
            s => ["judge", s.EntryRun, "--judge", "jj", "--cache", "off"]),
        new("judge certify: a candidate the run does not have", 2, "--candidate 'nobody' is not a judge of this run; its judges are mock",
            s => ["judge", "certify", s.Run, "--candidate", "nobody", "--reference", "mock"]),
        new("judge certify: the candidate as its own reference", 2, "--candidate and --reference are both 'mock'",
            s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "mock"]),
        new("judge certify: human labels not imported", 2, "no human labels are imported; export a sheet with 'mmsafe labels export",
            s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "human"]),
        new("judge certify: an unknown --rule clause", 2, "--rule: unknown clause 'kappa>0.6'; the valid clauses are kappa_low>=X, shift_within_mdd, category_holm_p>=A",
            s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "majority", "--rule", "kappa>0.6"]),
        new("judge certify: a benchmark without a judge", 2, "siuo-mcqa has no judge", s => ["judge", "certify", s.McqaRun, "--candidate", "a", "--reference", "b"]),
        new("--models-file: an empty base_urls list", 2, "base_urls is an empty list; expected at least one URL",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    base_urls: []\n"), "--model", "local"]),
        new("report --out: a directory", 2, "is a directory; --out names the HTML file", s => ["report", s.Run, "--out", s.Dir.Path]),
        new("report --image-cap-kb: negative", 2, "--image-cap-kb must be 0 or more", s => ["report", s.Run, "--image-cap-kb", "-1", "--out", s.Dir.Full("r.html")]),
        new("export --to: a file", 2, "is a file; --to names the directory", s => ["export", s.Run, "--to", s.File("f.txt", "x")]),
        new("export --format: unknown", 2, "error:", s => ["export", s.Run, "--format", "pdf"]),
        // mmsafe run: options
        new("run: no --out", 2, "no run directory; pass --out DIR", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock"]),
        new("run: an unknown benchmark", 2, "unknown benchmark 'vlsbenc'", s => ["run", "vlsbenc", "--data", s.Vls, "--model", "mock", "--out", s.Dir.Full("o")]),
        new("run: no --data", 2, "no dataset; pass --data DIR", s => ["run", "vlsbench", "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o")]),
        new("run: --data that does not exist", 2, "no such directory or file", s => ["run", "vlsbench", "--data", s.Dir.Full("missing"), "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o")]),
        new("run: no --model", 2, "no target model; pass --model NAME", s => ["run", "vlsbench", "--data", s.Vls, "--judge", "mock", "--out", s.Dir.Full("o")]),
        new("run: a judged benchmark without --judge", 2, "needs a judge", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--out", s.Dir.Full("o")]),
        new("run --samples 0", 2, "--samples 0: at least 1 answer per item is needed", s => s.VlsRun("--samples", "0")),
        new("run --temperature nan", 2, "--temperature must be from 0 to 2, not NaN", s => s.VlsRun("--temperature", "nan")),
        new("run --unset: a misspelt parameter", 2, "--unset: 'temprature' is not a parameter; expected temperature, top_p, max_tokens", s => s.VlsRun("--unset", "temprature")),
        new("run --judge-unset and --judge-temperature together", 2, "--judge-unset: temperature is both given a value and left unset", s => s.VlsRun("--judge-unset", "temperature", "--judge-temperature", "0.5")),
        new("run --reasoning-effort: unknown", 2, "--reasoning-effort 'extreme' is not a reasoning effort; expected none, minimal, low", s => s.VlsRun("--reasoning-effort", "extreme")),
        new("run --judge-reasoning-allowance 0", 2, "--judge-reasoning-allowance must be at least 1 token, not 0", s => s.VlsRun("--judge-reasoning-allowance", "0")),
        new("--api-key-env: the key itself, not its variable's name", 2, "--api-key-env is not an environment variable's name (letters, digits and _",
            s => ["models", "check", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--api-key-env", "sk-proj-PASTED-KEY-1234"]),
        new("--models-file: api_key_env with a space", 2, "api_key_env is not an environment variable's name",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    base_url: http://127.0.0.1:9/v1\n    api_key_env: 'A B'\n"), "--model", "local"]),
        new("run --max-tokens-field: not a field name", 2, "--max-tokens-field: Argument 'max-tokens' not recognized. Expected one of 'max_tokens', 'max_completion_tokens'.", s => s.VlsRun("--max-tokens-field", "max-tokens")),
        new("run --reasoning-allowance with max_tokens unset", 2, "but max_tokens is unset, so no token limit is sent", s => s.VlsRun("--unset", "max_tokens", "--reasoning-allowance", "100")),
        new("--models-file: an unknown parameter", 2, "model 'local': parameters: 'temprature' is not a parameter",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    parameters: { temprature: unset }\n"), "--model", "local"]),
        new("--models-file: extra_body sets a field the tool sends", 2, "extra_body sets 'temperature', which the tool sends itself",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    extra_body: { temperature: 1 }\n"), "--model", "local"]),
        new("run --model \"\"", 2, "--model is empty; give it a value", s => s.VlsRunWith("", "j")),
        new("report --out \"\"", 2, "--out is empty; give it a value", s => ["report", s.Run, "--out", ""]),
        new("labels export --out \"\"", 2, "--out is empty; give it a value", s => ["labels", "export", s.Run, "--out", ""]),
        new("--models-file: temperature .nan", 2, "parameters.temperature is '.nan'; expected a number from 0 to 2",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    parameters: { temperature: .nan }\n"), "--model", "local"]),
        new("--models-file: an empty model id", 2, "'model' is empty; expected the model id",
            s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: \"\"\n"), "--model", "local"]),
        new("run --budget: part of a token", 2, "--budget '1.5tokens': a token budget is a whole number of tokens", s => s.VlsRun("--budget", "1.5tokens")),
        new("run --budget in dollars without --prices", 2, "--budget in dollars needs --prices FILE with a price for every model of the run", s => s.VlsRun("--budget", "5")),
        new("run --budget in dollars: prices without the run's model", 2, "prices.yaml has no price for 'j' (add 'j: { input: USD, output: USD }'",
            s => s.VlsRun("--budget", "5", "--prices", s.File("prices.yaml", "t: { input: 1, output: 2 }\n"))),
        new("run --cache: a path below a regular file", 2, "is a file, so no cache can be made below it",
            s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o"), "--cache", Path.Combine(s.File("afile", "x"), "c.db")]),
        new("run --cache: a directory", 2, "is a directory; the response cache is a SQLite file",
            s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o"), "--cache", s.Dir.Path]),
        new("run --samples 1000000", 2, "--samples 1000000: at most 100 answers per item may be asked for", s => s.VlsRun("--samples", "1000000")),
        new("run --limit 0", 2, "--limit must be at least 1, not 0", s => s.VlsRun("--limit", "0")),
        new("run --limit -1", 2, "--limit must be at least 1, not -1", s => s.VlsRun("--limit", "-1")),
        new("run --limit abc", 2, "as a whole number", s => s.VlsRun("--limit", "abc")),
        new("run --temperature hot", 2, "--temperature 'hot' is not a number; expected a number from 0 to 2, or 'unset'", s => s.VlsRun("--temperature", "hot")),
        new("run --concurrency 0", 2, "--concurrency must be at least 1, not 0", s => s.VlsRun("--concurrency", "0")),
        new("run --judge-concurrency -1", 2, "--judge-concurrency must be at least 1, not -1", s => s.VlsRun("--judge-concurrency", "-1")),
        new("run --max-tokens -1", 2, "--max-tokens must be at least 1, not -1", s => s.VlsRun("--max-tokens", "-1")),
        new("run --judge-max-tokens 0", 2, "--judge-max-tokens must be at least 1, not 0", s => s.VlsRun("--judge-max-tokens", "0")),
        new("run --temperature 5", 2, "--temperature must be from 0 to 2, not 5", s => s.VlsRun("--temperature", "5")),
        new("run --base-url that is not a URL", 2, "--base-url 'localhost' is not an http(s) URL", s => ["run", "vlsbench", "--data", s.Vls, "--model", "t", "--base-url", "localhost", "--judge", "mock", "--out", s.Dir.Full("o")]),
        new("run --categories that do not exist", 2, "no category 'Nope'", s => s.VlsRun("--categories", "Nope")),
        new("run --ids that do not exist", 2, "no item with id 999", s => s.VlsRun("--ids", "999")),
        new("run: the images folder is missing", 2, "images are missing", s => { var v = s.Vls; Directory.Delete(Path.Combine(v, "imgs"), true); return s.VlsRun(); }),
        new("run --out: a file", 2, "cannot create or open the run store there", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", s.File("file.txt", "x")]),
        new("run --out: a run made with other settings", 2, "made with other settings (target name", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock/other", "--judge", "mock", "--out", s.Run]),
        new("run --resume: not a run directory", 2, "not a run directory", s => ["run", "--resume", s.Dir.Path]),
        new("run --resume with a setting", 2, "--resume restores the run's recorded settings; --temperature", s => ["run", "--resume", s.Run, "--temperature", "1"]),
        new("run --resume: an imported run", 2, "an imported run holds results made elsewhere", s => ["run", "--resume", Imported(s)]),
        new("run: a run directory in use by another process", 2, "the run is in use by process", s => { var run = s.Run; Held.Add(MmSafe.Runs.Stores.RunLock.Acquire(run)); return ["run", "--resume", run]; }),
        // Endpoints
        new("run: the target rejects the key (401)", 2, "401 Unauthorized: the API key in $OPENAI_API_KEY was rejected", s => s.VlsRunWith("needs-key", "j")),
        new("run: the judge rejects the key (401)", 2, "pass --judge-api-key-env", s => s.VlsRunWith("t", "needs-key")),
        new("run: a wrong base URL or model (404)", 2, "404 Not Found", s => s.VlsRunWith("no-such-model", "j")),
        new("run: the target refuses a parameter (a reasoning model and temperature 0)", 2, "refuses the parameter 'temperature'; to leave it unset, pass --unset temperature",
            s => s.VlsRunWith("gpt-5-reasoning", "j")),
        new("run: the judge refuses a parameter", 2, "pass --judge-unset temperature", s => s.VlsRunWith("t", "gpt-5-reasoning")),
        new("run: an endpoint that fails every request", 3, "no item could be scored", s => s.VlsRunWith("broken", "j")),
        // Models files
        new("--models-file: missing", 2, "models file not found", s => ["models", "check", "--models-file", s.Dir.Full("none.yaml"), "--model", "local"]),
        new("--models-file: a directory", 2, "is a directory; expected a YAML models file", s => ["models", "check", "--models-file", s.Dir.Path, "--model", "local"]),
        new("--models-file: YAML syntax error", 2, "line 2", s => ["models", "check", "--models-file", s.Models("models:\n  local: [\n"), "--model", "local"]),
        new("--models-file: a duplicate key", 2, "each key may appear once", s => ["models", "check", "--models-file", s.Models(Yaml + "    model: n\n"), "--model", "local"]),
        new("--models-file: an unknown field", 2, "unknown field 'modle'; expected one of provider, model, base_url", s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    modle: m\n"), "--model", "local"]),
        new("--models-file: base_url file://", 2, "base_url 'file:///etc' is not an http(s) URL", s => ["models", "check", "--models-file", s.Models("models:\n  local:\n    model: m\n    base_url: file:///etc\n"), "--model", "local"]),
        new("--models-file: a negative timeout", 2, "retry.timeout_seconds is -5; expected a number of seconds from 0.01", s => ["models", "check", "--models-file", s.Models(Yaml + "    retry: { timeout_seconds: -5 }\n"), "--model", "local"]),
        new("--models-file: a huge retry delay", 2, "retry.max_delay_seconds is 1000000000; expected", s => ["models", "check", "--models-file", s.Models(Yaml + "    retry: { max_delay_seconds: 1000000000 }\n"), "--model", "local"]),
        new("--models-file: an unknown provider", 2, "provider 'foo' is unknown", s => ["models", "check", "--models-file", s.Models(Yaml + "    provider: foo\n"), "--model", "local"]),
        new("--models-file: concurrency 0", 2, "concurrency must be at least 1", s => ["models", "check", "--models-file", s.Models(Yaml + "    concurrency: 0\n"), "--model", "local"]),
        new("--models-file: an image_detail the API does not know", 2, "model 'local': image_detail 'ultra' is not valid; expected low, high or auto",
            s => ["models", "check", "--models-file", s.Models(Yaml + "    image_detail: ultra\n"), "--model", "local"]),
        new("--models-file: an unknown max_tokens_field", 2, "model 'local': max_tokens_field 'foo' is not valid; expected max_tokens or max_completion_tokens",
            s => ["models", "check", "--models-file", s.Models(Yaml + "    max_tokens_field: foo\n"), "--model", "local"]),
        new("--models-file: an empty api_key_env", 2, "model 'local': api_key_env is empty; expected the name of the environment variable",
            s => ["models", "check", "--models-file", s.Models(Yaml + "    api_key_env: \"\"\n"), "--model", "local"]),
        new("--models-file: a misspelt entry name", 2, "no such entry in the models file (entries: 'local'); did you mean 'local'?", s => ["run", "vlsbench", "--data", s.Vls, "--models-file", s.Models(Yaml), "--model", "lcoal", "--judge", "mock", "--out", s.Dir.Full("o")]),
        // Evaluation files (mmsafe eval)
        new("eval: a file that does not exist", 2, "evaluation file not found", s => ["eval", s.Dir.Full("nope.yaml")]),
        new("eval: an unknown field", 2, "unknown field 'model'; expected one of out, results, models_file, models", s => ["eval", s.File("e1.yaml", "out: o\nmodel: [mock]\n")]),
        new("eval: no benchmarks", 2, "'benchmarks' is missing", s => ["eval", s.File("e2.yaml", "out: o\nmodels: [mock]\n")]),
        new("eval: a model that is no entry", 2, "models names 'gpt5', which is not an entry of a models file", s => ["eval", s.File("e3.yaml", "out: o\nmodels: [gpt5]\nbenchmarks: [vlsbench]\n")]),
        new("eval: a benchmark without data", 2, "data has no entry for vlsbench", s => ["eval", s.File("e4.yaml", "out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\njudges: [mock]\n")]),
        new("eval: a misspelt benchmark", 2, "benchmarks names 'vlsbnech'; expected one of", s => ["eval", s.File("e5.yaml", "out: o\nmodels: [mock]\nbenchmarks: [vlsbnech]\n")]),
        new("eval: a model listed twice", 2, "models lists 'mock' twice", s => ["eval", s.File("e6.yaml", "out: o\nmodels: [mock, mock]\nbenchmarks: [vlsbench]\n")]),
        new("eval: a judged benchmark without judges", 2, "vlsbench needs a judge; add 'judges: [NAME]'", s => ["eval", s.File("e7.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\n")]),
        new("eval: an unknown condition", 2, "conditions names 'blind'", s => ["eval", s.File("e8.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\nconditions: [blind]\n")]),
        new("eval: models as a single value", 2, "line 2, column 9: 'models': expected a list, got the single value 'mock'", s => ["eval", s.File("e9.yaml", "out: o\nmodels: mock\nbenchmarks: [vlsbench]\n")]),
        new("eval --models: a model the file does not list", 2, "--models names 'gpt5', which the file does not list; it lists mock", s => ["eval",
            s.File("e10.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\n"), "--models", "gpt5"]),
        new("eval: a YAML syntax error", 2, "e11.yaml: line 2, column 9: not valid YAML: the '[' opened here is never closed; close it with ']'", s => ["eval", s.File("e11.yaml", "out: o\nmodels: [mock\nbenchmarks: [vlsbench]\n")]),
        new("eval: parallel too large", 2, "line 3, column 11: 'parallel' is 99999999999, which is too large; expected a whole number of at most 2147483647", s => ["eval", s.File("e12.yaml", "out: o\nmodels: [mock]\nparallel: 99999999999\n")]),
        new("eval: models: []", 2, "e13.yaml: 'models' is empty; expected a list of model names", s => ["eval", s.File("e13.yaml", "out: o\nmodels: []\nbenchmarks: [vlsbench]\n")]),
        new("eval: a budget that is not an amount", 2, "e14.yaml: budget: 'abc': expected dollars (5, $5, 5usd) or tokens", s => ["eval", s.File("e14.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\nbudget: abc\n")]),
        new("eval: a dollar budget without prices:", 2, "e18.yaml: a budget in dollars needs prices: with a price for every model of the evaluation",
            s => ["eval", s.File("e18.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\nbudget: \"$5\"\n"), "--dry-run"]),
        new("eval: a list where a map is expected", 2, "line 1, column 7: 'data': expected a map (key: value lines or { key: value }), got a list", s => ["eval", s.File("e15.yaml", "data: [a, b]\nout: o\n")]),
        new("eval: caption on a dataset without descriptions and no captioner", 2, "siuo-gen ships no image descriptions; name a captioning model with 'captioner: NAME' in the evaluation file", s => ["eval",
            s.File("e16.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [siuo-gen]\ndata: {{ siuo: {s.Siuo} }}\njudges: [mock]\nconditions: [caption]\n")]),
        new("eval: a captioner without the caption condition", 2, "captioner: writes image descriptions for the caption condition, which conditions: does not list", s => ["eval",
            s.File("e17.yaml", $"out: o\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\ncaptioner: mock\n")]),
        new("eval: a cell recorded with other settings", 2, "holds a run made with other settings", s => ["eval", ChangedEval(s)]),
        // Price files (--prices, and prices: in an evaluation file)
        new("run --prices: a negative price", 2, "prices.yaml: model 'mock': input is -1; expected a price of 0 or more", s => DryRun(s, "mock: { input: -1, output: 10 }\n")),
        new("run --prices: a misspelt price field", 2, "line 1, column 9: unknown field 'inptu'; expected one of input, output; did you mean 'input'?", s => DryRun(s, "mock: { inptu: 2.5, output: 10 }\n")),
        new("run --prices: a price that is not a number", 2, "line 1, column 16: 'input' is 'abc'; expected a number", s => DryRun(s, "mock: { input: abc, output: 10 }\n")),
        new("run --prices: a list instead of a map", 2, "line 1, column 1: expected a map of model → prices", s => DryRun(s, "- mock\n")),
        new("run --prices: a price left out", 2, "model 'mock': 'output' is missing", s => DryRun(s, "mock: { input: 2.5 }\n")),
        // Human labels (mmsafe labels import)
        new("labels import: a sheet whose answers are another run's", 2, "row 2 (item 1): its answers are not this run's", s => ["labels", "import", s.Run,
            s.File("other.csv", "item_id,category,question,answers,human_label\n1,c,q,an answer from another run,safe\n")]),
        new("labels export --out the run's own run.db", 2, "that is the run store of", s => ["labels", "export", s.Run, "--count", "2", "--out", Path.Combine(s.Run, "run.db")]),
        new("labels export over a sheet that holds labels", 2, "that sheet holds 1 label; import it first", s => ["labels", "export", s.Run, "--count", "2", "--out",
            s.File("filled.csv", "item_id,category,question,answers,human_label\n1,c,q,a,safe\n")]),
        new("judge certify --out the run's own run.db", 2, "that is the run store of", s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "human", "--out", Path.Combine(s.Run, "run.db")]),
        new("judge certify --rule: a significance level above 1", 2, "A is a significance level between 0 and 1", s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "human", "--rule", "category_holm_p>=2"]),
        new("judge certify --rule cut short by an unquoted > in a shell", 2, "quote the rule", s => ["judge", "certify", s.Run, "--candidate", "mock", "--reference", "human", "--rule", "kappa_low"]),
        new("report --out the run's own run.db", 2, "that is the run store of", s => ["report", s.Run, "--out", Path.Combine(s.Run, "run.db")]),
        new("labels import: an item labelled twice", 2, "rows 2 and 3 both label item '1'; keep one of them", s => ["labels", "import", s.Run,
            s.File("sheet.csv", "item_id,category,question,human_label\n1,c,q,safe\n1,c,q,unsafe\n")]),
        new("labels import: an unterminated quote", 2, "sheet.csv: not a valid CSV file: the quoted field that starts on line 3 is never closed", s => ["labels", "import", s.Run,
            s.File("sheet.csv", "item_id,category,question,answers,human_label\n0,c,q,a,safe\n1,c,\"q,a,unsafe\n2,c,q,a,safe\n")]),
        // A rate corrected by human labels (mmsafe labels estimate)
        new("labels estimate: a run without human labels", 2, "no human labels; export a sheet", s => ["labels", "estimate", s.Run]),
        new("labels estimate: a judge the run does not have", 2, "--judge nope: not a judge of", s => ["labels", "estimate", s.Run, "--judge", "nope"]),
        new("labels estimate --width: not a width", 2, "--width -5: expected a width in percentage points above 0 and at most 100", s => ["labels", "estimate", s.Run, "--width", "-5"]),
        new("labels export --out: the HTML companion's name", 2, "expected the CSV file to write (e.g. sheet.csv)", s => ["labels", "export", s.Run, "--out", s.Dir.Full("sheet.html")]),
        // Conditions
        new("run --condition caption: items without a description", 2, "--condition caption: 2 of 3 items have no image description (ids 0, 2)", s => ["run", "vlsbench", "--data", NoDescriptions(s),
            "--model", "mock", "--judge", "mock", "--condition", "caption", "--out", s.Dir.Full("o")]),
        // PostgreSQL run locations
        new("run --out: a PostgreSQL URL with a password", 2, "the URL holds a password; remove it and set PGPASSWORD", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", "postgresql://u:secret@127.0.0.1:5432/db/run"]),
        new("run --out: a PostgreSQL URL without a run name", 2, "no database and run name", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", "postgresql://u@127.0.0.1:5432/db"]),
        new("run --out: a PostgreSQL URL with an unknown parameter", 2, "unknown parameter 'lease'; expected lease_seconds", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", "postgresql://u@127.0.0.1:5432/db/run?lease=5"]),
        new("score: a PostgreSQL server that is not there", 2, "cannot use the PostgreSQL database", s => ["score", "postgresql://u@127.0.0.1:1/db/run"]),
        // Datasets and import
        new("data check: a folder without question files", 2, "no siuo_gen.json, siuo_mcqa.json, data.json, images_information/information.json, data/images_information/information.json", s => ["data", "check", s.Dir.Path]),
        new("data check: several problems, each listed once", 2, "6 problems in the dataset", s => ["data", "check", DuplicateIds(s), "--skip-images"]),
        new("run: a dataset with more than 20 problems", 2, "… and 10 more; 'mmsafe data check DIR/many' lists them all", s => ["run", "siuo-gen", "--data", ManyProblems(s), "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o")]),
        new("data check: more than 20 problems, all listed", 2, "30 problems in the dataset", s => ["data", "check", ManyProblems(s), "--skip-images"]),
        new("import: ids that are not in the dataset", 2, "ids are not in", s => ["import", s.File("r.json", """[{"question_id": 77, "responses": ["a"]}]"""), "--benchmark", "siuo-gen", "--data", s.Siuo, "--out", s.Dir.Full("imp")]),
        new("import: into an existing run", 2, "a run already exists here", s => ["import", s.File("r.json", """[{"instruction_id": 0, "pred_answer": "a"}]"""), "--benchmark", "vlsbench", "--data", s.Vls, "--out", s.Run]),
        new("import: no --benchmark", 2, "error:", s => ["import", s.File("r.json", "[]"), "--data", s.Vls, "--out", s.Dir.Full("imp")]),
        // Sampling, previews, completion, figures
        new("run --limit-seed: not a whole number", 2, "'--limit-seed' as a whole number", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--limit", "2", "--limit-seed", "x", "--out", s.Dir.Full("ls")]),
        new("run --limit-seed without --limit", 2, "--limit-seed seeds the stratified sample of --limit N", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--limit-seed", "3", "--out", s.Dir.Full("ls")]),
        new("run --limit-order: neither stratified nor first", 2, "--limit-order 'random': expected stratified", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--limit", "2", "--limit-order", "random", "--out", s.Dir.Full("lo")]),
        new("run --preview with --resume", 2, "--preview shows a new run's first request and cannot be given with --resume", s => ["run", "--resume", s.Run, "--preview"]),
        new("completion: a shell it has no script for", 2, "Expected one of 'bash', 'zsh', 'fish', 'powershell'", s => ["completion", "tcsh"]),
        new("figures: a directory that holds no run", 2, "not a run directory", s => ["figures", s.Dir.Path, "--out", s.Dir.Full("figs")]),
        new("figures: an option it does not have (taken for a run path)", 2, "unrecognized option '--format' for 'mmsafe figures'", s => ["figures", s.Run, "--out", s.Dir.Full("figs"), "--format", "png"]),
        new("compare: a misspelt option", 2, "unrecognized option '--bogus' for 'mmsafe compare'", s => ["compare", s.Run, "--bogus"]),
        new("run --limit-order without --limit", 2, "--limit-order first says how --limit N chooses; give it with --limit", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--limit-order", "first", "--out", s.Dir.Full("lo2")]),
        new("run --preview into a directory that holds a run", 2, "already holds a run, and --preview shows a new run's first request", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", s.Run, "--preview"]),
        new("run: another --limit into an existing run", 2, "(--limit none then, 2 now", s => ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--limit", "2", "--out", s.Run]),
    ];

    private static string Corrupt(BadInputSetup s)
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        s.Dir.File("corrupt/run.db", bytes);
        return s.Dir.Full("corrupt");
    }

    // An evaluation run once, then its file changed (a limit): the recorded cell must refuse the new settings.
    private static string ChangedEval(BadInputSetup s)
    {
        var yaml = $"out: {s.Dir.Full("eval-out")}\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {s.Vls} }}\njudges: [mock]\ncache: off\n";
        var first = Support.Cli.RunAsync("eval", s.File("changed.yaml", yaml)).GetAwaiter().GetResult();
        if (first.ExitCode != 0) throw new InvalidOperationException(first.Error);
        return s.File("changed.yaml", yaml + "limit: 2\n");
    }

    private static string[] DryRun(BadInputSetup s, string prices) =>
        ["run", "vlsbench", "--data", s.Vls, "--model", "mock", "--judge", "mock", "--out", s.Dir.Full("o"), "--dry-run", "--prices", s.File("prices.yaml", prices)];

    // A VLSBench copy whose items 0 and 2 have an empty or blank image description.
    private static string NoDescriptions(BadInputSetup s)
    {
        var items = Enumerable.Range(0, 3).Select(i => Fixtures.VlsBench(i)).ToArray();
        items[0]["image_description"] = "";
        items[2]["image_description"] = " ";
        s.Dir.Json("blank/data.json", items);
        for (int i = 0; i < 3; i++) s.Dir.File($"blank/imgs/{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
        return s.Dir.Full("blank");
    }

    // 30 records without a category: one problem each, more than 'run' lists.
    private static string ManyProblems(BadInputSetup s)
    {
        s.Dir.Json("many/siuo_gen.json", Enumerable.Range(1, 30).Select(i => { var r = Fixtures.SiuoGen(i); r.Remove("category"); return r; }).ToArray());
        return s.Dir.Full("many");
    }

    private static string Imported(BadInputSetup s)
    {
        var file = s.File("imported.json", """[{"instruction_id": 0, "pred_answer": "a", "safe_label": 1}]""");
        var result = Support.Cli.RunAsync("import", file, "--benchmark", "vlsbench", "--data", s.Vls, "--out", s.Dir.Full("imported")).GetAwaiter().GetResult();
        return result.ExitCode == 0 ? s.Dir.Full("imported") : throw new InvalidOperationException(result.Error);
    }

    private static string DuplicateIds(BadInputSetup s)
    {
        s.Dir.Json("dup/siuo_gen.json", new object[] { Fixtures.SiuoGen(1), Fixtures.SiuoGen(1), new Dictionary<string, object?> { ["question_id"] = 2 }, Fixtures.SiuoGen(3) });
        return s.Dir.Full("dup");
    }
}
