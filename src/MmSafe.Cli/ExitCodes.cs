namespace MmSafe.Cli;

/// <summary>The exit codes of <c>mmsafe</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected failure: a bug, reported with its stack trace.</summary>
    public const int Failure = 1;

    /// <summary>Bad input the user can fix: a bad file, a missing field, a wrong option.</summary>
    public const int InputError = 2;

    /// <summary>A model endpoint kept failing (timeouts, 5xx, 429) after every retry.</summary>
    public const int ModelUnavailable = 3;

    /// <summary><c>judge certify</c>: the candidate failed its declared rule; the certificate was still written and stored.</summary>
    public const int CertificateFailed = 4;

    public const int Cancelled = 130;
}
