using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MmSafe;

/// <summary>Reads a user's YAML file (snake_case keys, each once), every failure a message naming the file and the line.</summary>
internal static partial class YamlFile
{
    /// <param name="what">What the file is, for messages: "models file", "evaluation file".</param>
    /// <param name="friendly">Turns what YamlDotNet says that no general rule below explains into what the user wrote and what is allowed.</param>
    /// <param name="top">What the whole document must be, for a file of the wrong shape: "a map of model → prices".</param>
    /// <param name="parameterNames">The names that belong under an entry's <c>parameters:</c> map, for the hint when one is written beside it.</param>
    public static T? Read<T>(string path, string what, Func<string, string> friendly, string? top = null, IReadOnlyCollection<string>? parameterNames = null) where T : class
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
        // Syntax first: the deserializer reports some syntax errors as "Operation is not valid due to the current state of the object".
        CheckSyntax(path, text);
        try
        {
            return new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).WithDuplicateKeyChecking().Build().Deserialize<T>(text);
        }
        catch (YamlException e)
        {
            var message = Explain(e, text, typeof(T), top, parameterNames) ?? friendly(e.InnerException?.Message ?? e.Message);
            throw new InputException($"{path}: line {e.Start.Line}, column {e.Start.Column}: {message}", e);
        }
    }

    // Syntax first: the deserializer reports some syntax errors as "Operation is not valid due to the current state of the
    // object" (YamlDotNet's scanner fails that way inside an unclosed '[' or '{'), so the parser runs alone and the open
    // brackets are tracked to say where.
    private static void CheckSyntax(string path, string text)
    {
        var open = new Stack<Mark>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case SequenceStart { Style: YamlDotNet.Core.Events.SequenceStyle.Flow } start: open.Push(start.Start); break;
                    case MappingStart { Style: YamlDotNet.Core.Events.MappingStyle.Flow } start: open.Push(start.Start); break;
                    case SequenceEnd or MappingEnd when open.Count > 0: open.Pop(); break;
                }
            }
        }
        catch (YamlException e)
        {
            var bracket = open.TryPeek(out var b) ? $"; the '{text[(int)b.Index]}' opened on line {b.Line}, column {b.Column} is still open" : "";
            throw new InputException($"{path}: line {e.Start.Line}, column {e.Start.Column}: not valid YAML: {e.Message.TrimEnd('.')}{bracket}; check the brackets, quotes and indentation there.", e);
        }
        catch (InvalidOperationException e) when (open.TryPeek(out var bracket))
        {
            throw new InputException($"{path}: line {bracket.Line}, column {bracket.Column}: not valid YAML: the '{text[(int)bracket.Index]}' opened here is never closed; " +
                $"close it with '{(text[(int)bracket.Index] == '[' ? ']' : '}')}'.", e);
        }
        catch (InvalidOperationException e)
        {
            var at = parser.Current?.End;
            throw new InputException($"{path}: line {at?.Line ?? 1}, column {at?.Column ?? 1}: not valid YAML just after here; check the brackets, quotes and indentation.", e);
        }
    }

    /// <summary>The snake_case field names of a document type, as the user writes them.</summary>
    public static IEnumerable<string> Fields(Type type) => type.GetProperties().Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));

    // The failures every file shares, said in the user's words: the field, the value written, what is expected.
    private static string? Explain(YamlException e, string text, Type root, string? top, IReadOnlyCollection<string>? parameterNames)
    {
        var field = KeyBefore(text, (int)e.Start.Index);
        var name = field is null ? "the file" : $"'{field}'";
        var value = ValueAt(text, (int)e.Start.Index);
        switch (e.InnerException)
        {
            case OverflowException:
                return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                    ? $"{name} is {value}, which is too large; expected a whole number of at most {int.MaxValue}"
                    : $"{name} is {value}, which is too large for this field";
            case FormatException f:
                return f.Message.Contains("Boolean", StringComparison.Ordinal)
                    ? $"{name} is '{value}'; expected true or false"
                    : $"{name} is '{value}'; expected a number (e.g. 2.5)";
        }
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success && typeof(YamlFile).Assembly.GetType(unknown.Groups["t"].Value) is { } type)
        {
            var fields = Fields(type).ToList();
            var key = unknown.Groups["p"].Value;
            var message = $"unknown field '{key}'; expected one of {string.Join(", ", fields)}";
            // A decoding parameter written beside the entry's fields instead of under its parameters: map ("max_tokens"
            // is not a misspelt max_tokens_field).
            if (fields.Contains("parameters") && parameterNames?.Contains(key) == true)
                return $"{message}; it goes under parameters: (parameters: {{ {key}: {ParameterValue(text, (int)e.Start.Index)} }})";
            var guess = Closest(key, fields);
            return message + (guess is null ? "" : $"; did you mean '{guess}'?");
        }
        var shape = WrongNode().Match(e.Message);
        if (shape.Success)
        {
            var expected = shape.Groups["want"].Value;
            var got = Node(shape.Groups["got"].Value);
            return field is null && top is not null
                ? $"expected {top}, got {got}"
                : $"{name}: expected {Node(expected)}, got {got}";
        }
        // A value of the wrong kind: YamlDotNet names the .NET type it wanted, which means nothing to the user.
        var wanted = e.InnerException is InvalidCastException cast ? CastTo().Match(cast.Message) : NoDeserializer().Match(e.Message);
        if (wanted.Success)
        {
            var target = wanted.Groups["t"].Value;
            var expected = target.Contains("List`1", StringComparison.Ordinal) ? "a list"
                : target.Contains("Dictionary`2", StringComparison.Ordinal) || target.StartsWith("MmSafe.", StringComparison.Ordinal) ? "a map (key: value lines or { key: value })"
                : "a single value";
            var got = value.Length == 0 ? "nothing" : value[0] is '[' or '-' ? "a list" : value[0] == '{' ? "a map" : $"the single value '{value}'";
            return $"{name}: expected {expected}, got {got}";
        }
        return null;
    }

    private static string Node(string kind) => kind switch
    {
        "MappingStart" => "a map (key: value lines or { key: value })",
        "SequenceStart" => "a list",
        "Scalar" => "a single value",
        _ => kind,
    };

    // The key whose value starts at index: "key:" just before it, in block style or inside a flow map.
    private static string? KeyBefore(string text, int index)
    {
        int i = Math.Min(index, text.Length) - 1;
        while (i >= 0 && text[i] is ' ' or '\t') i--;
        if (i < 0 || text[i] != ':') return null;
        int end = i--;
        while (i >= 0 && text[i] is ' ' or '\t') i--;
        int last = i;
        while (i >= 0 && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' or '/' or '"' or '\'')) i--;
        var key = text[(i + 1)..(last + 1)].Trim('"', '\'');
        return key.Length == 0 || end <= 0 ? null : key;
    }

    // The value written after the key that starts at index, for an example; "…" when there is none to show.
    private static string ParameterValue(string text, int index)
    {
        int colon = index < 0 || index >= text.Length ? -1 : text.IndexOf(':', index);
        if (colon < 0) return "…";
        int start = colon + 1;
        while (start < text.Length && text[start] is ' ' or '\t') start++;
        var value = ValueAt(text, start);
        return value.Length == 0 || value is "[" or "{" ? "…" : value;
    }

    // The value as written, up to the end of its line, a comment or the end of a flow item.
    private static string ValueAt(string text, int index)
    {
        if (index < 0 || index >= text.Length) return "";
        int end = index;
        if (text[index] is '[' or '{') return text[index].ToString();
        while (end < text.Length && text[end] is not ('\n' or '\r' or ',' or '}' or ']' or '#')) end++;
        return text[index..end].Trim().Trim('"', '\'');
    }

    /// <summary>The candidate within two edits of <paramref name="name"/> (any case), for "did you mean".</summary>
    public static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates.Select(c => (c, d: Distance(name.ToLowerInvariant(), c.ToLowerInvariant()))).Where(x => x.d <= 2).OrderBy(x => x.d).Select(x => x.c).FirstOrDefault();

    // Optimal string alignment distance: a swap of two letters ("inptu") is one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"Property '(?<p>[^']+)' not found on type '(?<t>[^']+)'")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"No node deserializer was able to deserialize the node into type (?<t>[^,\s\[]+)")]
    private static partial Regex NoDeserializer();

    [GeneratedRegex(@"Invalid cast from '[^']*' to '(?<t>[^,\s\[']+)")]
    private static partial Regex CastTo();

    [GeneratedRegex(@"Expected '(?<want>\w+)', got '(?<got>\w+)'")]
    private static partial Regex WrongNode();
}
