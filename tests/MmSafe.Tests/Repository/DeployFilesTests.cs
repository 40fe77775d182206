using System.Text.RegularExpressions;
using MmSafe.Cli;
using MmSafe.Cli.Output;
using MmSafe.Models;
using MmSafe.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace MmSafe.Tests.Repository;

/// <summary>
/// The team-run files (deploy/compose.yaml, deploy/k8s/mmsafe.yaml, deploy/models.yaml) and the recipes of
/// docs/LOCAL-MODELS.md cannot be run here (no GPU, no container runtime), so they are checked as far as a test can:
/// they parse; every worker's command is a valid mmsafe command line; the models file loads with mmsafe's reader and
/// names the replicas that exist and the model id vLLM serves; no secret is written in them.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static string PathOf(string relative) => Path.Combine(SampleData.Root, relative);

    private static List<YamlMappingNode> Documents(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(PathOf(relative)));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => ((YamlMappingNode)n).Children[new YamlScalarNode(k)]);

    private static string[] Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];

    /// <summary>The command is one mmsafe accepts: parsed by its own command line, with no error.</summary>
    private static void AssertValidMmsafeCommand(string[] args)
    {
        var parse = CliApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null)).Parse(args);
        Assert.True(parse.Errors.Count == 0, $"mmsafe {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal("run", parse.CommandResult.Command.Name);
    }

    /// <summary>Every URL the model's requests are balanced over: its base URL and the replicas beside it.</summary>
    private static IEnumerable<string> Endpoints(ModelSpec model) =>
        new[] { model.BaseUrl! }.Concat(model.Replicas).Select(u => u.ToString().TrimEnd('/'));

    private static string Option(string[] args, string name) => args[Array.IndexOf(args, name) + 1];

    private static IReadOnlyDictionary<string, ModelSpec> LoadModels(string yaml)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Full("models.yaml"), yaml);
        return ModelsFile.Load(dir.Full("models.yaml"));
    }

    [Fact]
    public void Compose_workers_share_one_PostgreSQL_run_on_the_replicas_the_models_file_names()
    {
        var compose = Documents("deploy/compose.yaml").Single();
        var services = (YamlMappingNode)At(compose, "services");
        var worker = At(services, "worker");
        var args = Strings(At(worker, "command"));
        AssertValidMmsafeCommand(args);
        Assert.True(int.Parse(((YamlScalarNode)At(worker, "deploy", "replicas")).Value!) >= 2, "several workers");
        var store = Option(args, "--out");
        Assert.StartsWith("postgresql://mmsafe@db:5432/", store);   // the db service, no password in the URL

        var models = ModelsFile.Load(PathOf("deploy/models.yaml"));
        var target = models[Option(args, "--model")];
        var targets = services.Children.Where(s => ((YamlScalarNode)s.Key).Value!.StartsWith("target-", StringComparison.Ordinal)).ToList();
        Assert.Equal(targets.Select(s => $"http://{((YamlScalarNode)s.Key).Value}:8000/v1").Order(), Endpoints(target).Order());
        foreach (var service in targets)
        {
            var vllm = Strings(At(services, ((YamlScalarNode)service.Key).Value!, "command"));
            Assert.Equal(target.Model, Option(vllm, "--served-model-name"));
            Assert.Equal("vllm", Option(vllm, "--generation-config")); // only what MmSafe sends counts (docs/LOCAL-MODELS.md)
        }
        Assert.True(models.ContainsKey(Option(args, "--judge")));
        // Every secret the workers need comes from the environment, never written in the file.
        var environment = (YamlMappingNode)At(worker, "environment");
        foreach (var variable in new[] { target.ApiKeyEnv, models[Option(args, "--judge")].ApiKeyEnv, "PGPASSWORD" })
            Assert.Matches(@"^\$\{" + variable + ":\\?", ((YamlScalarNode)environment.Children[new YamlScalarNode(variable)]).Value!);
    }

    [Fact]
    public void Kubernetes_job_workers_share_one_run_on_the_statefulset_replicas_named_in_the_config_map()
    {
        var documents = Documents("deploy/k8s/mmsafe.yaml");
        YamlMappingNode Kind(string kind, string name) => documents.Single(d =>
            ((YamlScalarNode)At(d, "kind")).Value == kind && ((YamlScalarNode)At(d, "metadata", "name")).Value == name);

        var job = documents.Single(d => ((YamlScalarNode)At(d, "kind")).Value == "Job");
        Assert.True(int.Parse(((YamlScalarNode)At(job, "spec", "parallelism")).Value!) >= 2, "several workers");
        var container = (YamlMappingNode)((YamlSequenceNode)At(job, "spec", "template", "spec", "containers")).Children.Single();
        var args = Strings(At(container, "args"));
        AssertValidMmsafeCommand(args);
        Assert.StartsWith("postgresql://mmsafe@db:5432/", Option(args, "--out"));
        Kind("Service", "db");

        var models = LoadModels(((YamlScalarNode)At(Kind("ConfigMap", "mmsafe-models"), "data", "models.yaml")).Value!);
        var target = models[Option(args, "--model")];
        var targets = Kind("StatefulSet", "target");
        int replicas = int.Parse(((YamlScalarNode)At(targets, "spec", "replicas")).Value!);
        string service = ((YamlScalarNode)At(targets, "spec", "serviceName")).Value!;
        Assert.Equal(Enumerable.Range(0, replicas).Select(i => $"http://target-{i}.{service}:8000/v1"), Endpoints(target));
        var vllm = (YamlMappingNode)((YamlSequenceNode)At(targets, "spec", "template", "spec", "containers")).Children.Single();
        Assert.Equal(target.Model, Option(Strings(At(vllm, "args")), "--served-model-name"));
        Assert.Equal("vllm", Option(Strings(At(vllm, "args")), "--generation-config"));
        // The shared run survives a restart of the database pod.
        Assert.Equal("/var/lib/postgresql/data", ((YamlScalarNode)At((YamlMappingNode)((YamlSequenceNode)At(
            (YamlMappingNode)((YamlSequenceNode)At(Kind("StatefulSet", "db"), "spec", "template", "spec", "containers")).Children.Single(), "volumeMounts")).Children.Single(), "mountPath")).Value);
        Assert.Single(((YamlSequenceNode)At(Kind("StatefulSet", "db"), "spec", "volumeClaimTemplates")).Children);

        // Keys only from the Secret.
        var fromSecret = ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>()
            .Where(e => e.Children.ContainsKey(new YamlScalarNode("valueFrom")))
            .Select(e => ((YamlScalarNode)At(e, "name")).Value).ToHashSet();
        Assert.Superset(fromSecret, new HashSet<string?> { target.ApiKeyEnv, models[Option(args, "--judge")].ApiKeyEnv, "PGPASSWORD" });
    }

    [Fact]
    public void No_secret_is_written_in_the_deploy_files()
    {
        foreach (var file in Directory.EnumerateFiles(PathOf("deploy"), "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"sk-[A-Za-z0-9]{10,}|postgresql://[^@\s/]+:[^@\s/]+@", text);
        }
    }

    /// <summary>The recipes' models-file blocks, put together, load as one file, each entry serving the model its section's vllm serve command loads.</summary>
    [Fact]
    public void Local_model_recipes_are_one_models_file_matching_their_serve_commands()
    {
        var text = File.ReadAllText(PathOf("docs/LOCAL-MODELS.md"));
        var yaml = string.Join("\n", YamlBlock().Matches(text).Select(m => m.Groups[1].Value));
        var models = LoadModels(yaml);
        var served = VllmServe().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.All(VllmServe().Matches(text), m => Assert.StartsWith($"vllm serve {m.Groups[1].Value} --generation-config vllm", text[m.Index..]));
        Assert.Equal(4, served.Count);
        Assert.Equal(served.Order(), models.Values.Select(m => m.Model).Order());
        Assert.All(models.Values, m => Assert.Equal("http://localhost:8000/v1", m.BaseUrl!.ToString().TrimEnd('/')));
        Assert.True(File.Exists(PathOf("deploy/templates/llava-1.5.jinja")));
        Assert.Contains("--chat-template deploy/templates/llava-1.5.jinja", text);
    }

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"^vllm serve (\S+)", RegexOptions.Multiline)]
    private static partial Regex VllmServe();
}
