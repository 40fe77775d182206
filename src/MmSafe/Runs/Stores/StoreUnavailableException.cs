namespace MmSafe.Runs.Stores;

/// <summary>
/// The run's store could not be reached even after retrying (a PostgreSQL server restarted or unreachable): not a
/// user mistake, and nothing stored is lost; the same command continues once the store is back. The CLI prints its
/// message without a stack trace and exits 3, as for an endpoint that kept failing.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
