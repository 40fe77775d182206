using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Repository;

/// <summary>
/// The library's namespaces form layers: no namespace depends, directly or through others, on one that depends on it.
/// A file's dependencies are its <c>using MmSafe.…</c> directives (the build refuses an unneeded one, IDE0005) and the
/// namespace-qualified names in its code (<c>Reports.JudgePanel</c>), comments and strings left out.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string Library = Path.Combine(SampleData.Root, "src", "MmSafe");

    [Fact]
    public void The_areas_of_the_library_have_no_dependency_cycle() => AssertAcyclic(Graph(depth: 2));

    [Fact]
    public void The_parts_of_the_runs_area_have_no_dependency_cycle() =>
        AssertAcyclic(Graph(depth: 3).Where(n => n.Key.StartsWith("MmSafe.Runs", StringComparison.Ordinal))
            .ToDictionary(n => n.Key, n => n.Value.Where(to => to.StartsWith("MmSafe.Runs", StringComparison.Ordinal)).ToHashSet()), least: 3);

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        Assert.Equal(["A", "B", "C", "A"], Cycle(graph));
        graph["C"].Clear();
        Assert.Null(Cycle(graph));
    }

    [Fact]
    public void The_graph_sees_usings_and_qualified_names_but_not_comments_or_strings()
    {
        var deps = Dependencies("MmSafe.Runs", "using MmSafe.Models;\n// Reports.JudgePanel\nvar s = \"Interchange.RunImport\";\nvar x = Scoring.Agreement.Kappa(a);",
            ["MmSafe", "MmSafe.Models", "MmSafe.Reports", "MmSafe.Interchange", "MmSafe.Scoring", "MmSafe.Runs"]);
        Assert.Equal(["MmSafe.Models", "MmSafe.Scoring"], deps.Order());
    }

    private static void AssertAcyclic(Dictionary<string, HashSet<string>> graph, int least = 6)
    {
        Assert.True(graph.Count >= least, $"found only {graph.Count} namespaces under {Library}");
        var cycle = Cycle(graph);
        Assert.True(cycle is null, $"namespace cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    // Namespaces cut to their first `depth` parts (MmSafe.Runs.Stores.X -> MmSafe.Runs.Stores at depth 3), each with
    // the namespaces its files use. A part depending on its own area's root (MmSafe.Runs) is an edge like any other.
    private static Dictionary<string, HashSet<string>> Graph(int depth)
    {
        var files = Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Text: File.ReadAllText(f), Namespace: NamespaceOf(File.ReadAllText(f)))).Where(f => f.Namespace is not null).ToList();
        var known = files.Select(f => f.Namespace!).ToHashSet();
        // The root namespace's types are used unqualified and without a using (every MmSafe.X sees them).
        var rootTypes = files.Where(f => f.Namespace == "MmSafe").SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet();
        string Cut(string ns) => string.Join('.', ns.Split('.').Take(depth));
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var (text, ns) in files)
        {
            var from = Cut(ns!);
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            foreach (var to in Dependencies(ns!, text, known, rootTypes).Select(Cut).Where(to => to != from)) edges.Add(to);
            // A nested namespace sees its parent's types without a using, so it is taken to use them: a parent that uses
            // its child is a cycle (the parent is the lower layer).
            if (from.Contains('.') && from[..from.LastIndexOf('.')] is var parent && known.Contains(parent)) edges.Add(parent);
        }
        return graph;
    }

    private static string? NamespaceOf(string text) => FileNamespace().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    internal static HashSet<string> Dependencies(string ns, string text, IReadOnlyCollection<string> known, IReadOnlyCollection<string>? rootTypes = null)
    {
        var code = Strings().Replace(Comments().Replace(text, ""), "\"\"");
        var found = new HashSet<string>();
        foreach (Match u in Using().Matches(code))
        {
            // using MmSafe.X; or using static MmSafe.X.Type; (the namespace is the longest known prefix)
            var name = u.Groups[1].Value;
            while (name.Contains('.') && !known.Contains(name)) name = name[..name.LastIndexOf('.')];
            if (known.Contains(name) && name != ns) found.Add(name);
        }
        // A qualified name resolves against the file's namespace and each enclosing one, innermost first, as C# does.
        code = Using().Replace(code, "");
        foreach (var type in rootTypes ?? [])
            if (ns != "MmSafe" && Regex.IsMatch(code, $@"(?<![\w.]){type}\b")) found.Add("MmSafe");
        var enclosing = Enumerable.Range(1, ns.Split('.').Length).Select(n => string.Join('.', ns.Split('.').Take(n))).Reverse().Append("").ToList();
        foreach (Match q in Qualified().Matches(code))
        {
            var parts = q.Value.Split('.');
            for (int take = parts.Length - 1; take >= 1; take--)
            {
                var prefix = string.Join('.', parts.Take(take));
                if (enclosing.Select(e => e.Length == 0 ? prefix : $"{e}.{prefix}").FirstOrDefault(known.Contains) is { } target)
                {
                    if (target != ns) found.Add(target);
                    break;
                }
            }
        }
        return found;
    }

    /// <summary>A cycle in the graph as its nodes in order (the first repeated at the end), or null.</summary>
    internal static List<string>? Cycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in (graph.GetValueOrDefault(node) ?? []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    [GeneratedRegex(@"^(?:public |internal )?(?:sealed |static |abstract |readonly |partial )*(?:record struct|record|class|interface|enum|struct) ([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?(MmSafe[\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"@?""(?:[^""\\\n]|\\.|"""")*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?<![\w.])[A-Z]\w*(?:\.[A-Z]\w*)+")]
    private static partial Regex Qualified();
}
