using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MmSafe;

/// <summary>Reads a user's YAML file (snake_case keys, each once), every failure a message naming the file and the line.</summary>
internal static class YamlFile
{
    /// <param name="what">What the file is, for messages: "models file", "evaluation file".</param>
    /// <param name="friendly">Turns YamlDotNet's message (which names our types) into what the user wrote and what is allowed.</param>
    public static T? Read<T>(string path, string what, Func<string, string> friendly) where T : class
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: {what} not found.", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException(Directory.Exists(path) ? $"{path}: is a directory; expected a YAML {what}." : $"{path}: cannot read the {what} ({e.Message}).", e);
        }
        try
        {
            return new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).WithDuplicateKeyChecking().Build().Deserialize<T>(text);
        }
        catch (YamlException e)
        {
            throw new InputException($"{path}: line {e.Start.Line}, column {e.Start.Column}: {friendly(e.InnerException?.Message ?? e.Message)}", e);
        }
    }

    /// <summary>The snake_case field names of a document type, as the user writes them.</summary>
    public static IEnumerable<string> Fields(Type type) => type.GetProperties().Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
}
