namespace MmSafe.Tests.Support;

/// <summary>The repository's own files: the bundled sample datasets (examples/sample) and the README.</summary>
public static class SampleData
{
    /// <summary>The clone's root: the first folder above the test binaries that holds MmSafe.slnx.</summary>
    public static string Root { get; } = FindRoot();

    public static string Siuo => Path.Combine(Root, "examples", "sample", "siuo");

    public static string VlsBench => Path.Combine(Root, "examples", "sample", "vlsbench");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MmSafe.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no MmSafe.slnx above {AppContext.BaseDirectory}");
    }
}
