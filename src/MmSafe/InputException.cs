namespace MmSafe;

/// <summary>
/// A problem the user can fix: a bad file, a missing field, an image outside the data root.
/// Its message names the file and the record and says what was expected; the CLI prints it
/// on one line and exits with code 2, without a stack trace.
/// </summary>
public class InputException : Exception
{
    public InputException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Builds the standard "FILE: record N (id X): what was wrong" message.</summary>
    public static InputException ForRecord(string file, int? index, string? id, string problem) =>
        new(Describe(file, index, id, problem));

    public static string Describe(string file, int? index, string? id, string problem)
    {
        var where = index is null ? "" : id is null ? $" record {index}:" : $" record {index} (id {id}):";
        return $"{file}:{where} {problem}";
    }
}
