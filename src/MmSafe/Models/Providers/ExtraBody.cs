using System.Text.Json;

namespace MmSafe.Models.Providers;

/// <summary>Writes a model's extra body fields (<see cref="ModelSpec.ExtraBody"/>) into an open request object, last and as written.</summary>
internal static class ExtraBody
{
    public static void Write(Utf8JsonWriter w, string? extraBody)
    {
        if (extraBody is null) return;
        using var fields = JsonDocument.Parse(extraBody);
        foreach (var field in fields.RootElement.EnumerateObject()) field.WriteTo(w);
    }
}
