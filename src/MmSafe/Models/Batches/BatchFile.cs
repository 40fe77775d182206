namespace MmSafe.Models.Batches;

/// <summary>
/// A batch being filled: each request is written to a temporary file as it is added (images base64-encoded then), so
/// the caller can give its image buffers back at once instead of holding them until the batch is sent.
/// </summary>
public abstract class BatchFile : IDisposable
{
    private readonly string _path = Path.GetTempFileName();
    private FileStream? _writer;

    protected BatchFile() => _writer = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);

    /// <summary>Requests written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes written so far.</summary>
    public long Bytes => _writer?.Position ?? new FileInfo(_path).Length;

    protected Stream Writer => _writer ?? throw new InvalidOperationException("the batch file is closed");

    public async Task AddAsync(BatchRequest request, CancellationToken cancellationToken = default)
    {
        await WriteAsync(request, Count == 0, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    protected abstract Task WriteAsync(BatchRequest request, bool first, CancellationToken cancellationToken);

    /// <summary>Writes what closes the file (nothing by default).</summary>
    protected virtual Task EndAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends the file; then each call opens it afresh for reading (one per attempt to send it).</summary>
    public async Task<Func<Stream>> CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is { } writer)
        {
            await EndAsync(cancellationToken).ConfigureAwait(false);
            await writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
        return () => File.OpenRead(_path);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        File.Delete(_path);
        GC.SuppressFinalize(this);
    }
}
