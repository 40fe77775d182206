namespace MmSafe.Models;

/// <summary>Keeps API keys out of logs, messages and stores.</summary>
public static class Secrets
{
    /// <summary>Replaces every occurrence of each secret (and a bearer token) in <paramref name="text"/>.</summary>
    public static string Redact(string text, params string?[] secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
                text = text.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(text, @"(?i)(bearer\s+|x-api-key[""':\s]+)[A-Za-z0-9._\-]{8,}", "$1[REDACTED]");
    }
}
