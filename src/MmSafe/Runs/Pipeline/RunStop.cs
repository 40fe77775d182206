using System.Runtime.ExceptionServices;
using MmSafe.Models;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// The first error that ends a run (a refused parameter, a rejected key, an endpoint gone): once it is seen no new
/// request starts, and it is the error the run ends with, whatever the requests that were then not sent threw.
/// </summary>
internal sealed class RunStop
{
    private readonly CancellationTokenSource _stopped = new();
    private ModelRequestException? _error;

    public ModelRequestException? Error => Volatile.Read(ref _error);

    public bool Stopped => Error is not null;

    /// <summary>Cancelled when the run stops: no further sample is taken up.</summary>
    public CancellationToken Token => _stopped.Token;

    public void Stop(ModelRequestException error)
    {
        if (Interlocked.CompareExchange(ref _error, error, null) is null) _stopped.Cancel();
    }

    public void Rethrow()
    {
        if (Error is { } error) ExceptionDispatchInfo.Throw(error);
    }
}
