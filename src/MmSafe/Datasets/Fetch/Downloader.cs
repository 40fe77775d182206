using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace MmSafe.Datasets.Fetch;

/// <summary>One file to download: where from, where to, and the SHA-256 it must have (null: record whatever arrives).</summary>
public sealed record RemoteFile(Uri Url, string RelativePath, string? Sha256);

/// <summary>
/// Downloads into <c>NAME.part</c>, resuming an interrupted download with an HTTP Range request,
/// then checks the SHA-256 before the file takes its real name. A corrupted download is deleted
/// and reported; nothing unverified is left under the final name.
/// </summary>
public sealed class Downloader(HttpClient http)
{
    /// <returns>The SHA-256 of the downloaded file.</returns>
    public async Task<string> FetchAsync(RemoteFile file, string root, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var target = Path.Combine(root, file.RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) && file.Sha256 is not null && await HashAsync(target, cancellationToken).ConfigureAwait(false) == file.Sha256)
            return file.Sha256; // already complete and verified
        var part = target + ".part";
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;

        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InputException($"{file.Url}: download failed ({e.Message}); run the command again to resume.", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) have = 0; // the part is complete or stale: check it below
            else if (!response.IsSuccessStatusCode)
                throw new InputException($"{file.Url}: HTTP {(int)response.StatusCode}; check the URL (or --source) and try again.");
            else
            {
                bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                await using var output = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        progress?.Report(read);
                    }
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw new InputException($"{file.Url}: the download was interrupted after {output.Length:N0} bytes ({e.Message}); run the command again to resume.", e);
                }
            }
        }

        var hash = await HashAsync(part, cancellationToken).ConfigureAwait(false);
        if (file.Sha256 is not null && hash != file.Sha256)
        {
            File.Delete(part);
            throw new InputException($"{file.Url}: the download is corrupted or not the expected file (SHA-256 {hash[..16]}…, expected {file.Sha256[..16]}…); it was deleted. Run the command again to download it afresh.");
        }
        File.Move(part, target, overwrite: true);
        return hash;
    }

    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}
