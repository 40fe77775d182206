using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MmSafe.Tests.Support;

/// <summary>
/// Golden files in tests/MmSafe.Tests/Golden: the exact request bodies the official protocols send. A change to a prompt,
/// a parameter or an image part fails the test with both versions shown. After a deliberate change, run the tests once
/// with MMSAFE_UPDATE_GOLDEN=1 to rewrite the files, and review the diff before committing it.
/// </summary>
public static class Golden
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Folder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(here))!, "Golden");

    public static void Match(string name, JsonNode actual)
    {
        var path = Path.Combine(Folder(), name + ".json");
        var text = actual.ToJsonString(Pretty).ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable("MMSAFE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, text);
            return;
        }
        Assert.True(File.Exists(path), $"no golden file {path}; run the tests with MMSAFE_UPDATE_GOLDEN=1 to write it. Actual:\n{text}");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), text);
    }
}
